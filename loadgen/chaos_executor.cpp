#include "loadgen/chaos_executor.h"

#include <cmath>
#include <memory>
#include <sstream>

#include "loadgen/child_process.h"
#include "loadgen/process_reaper.h"

namespace fleetsim::loadgen {

namespace {

std::chrono::nanoseconds seconds(double s) {
  return std::chrono::nanoseconds(static_cast<std::int64_t>(std::llround(s * 1e9)));
}

std::string joined(const std::vector<std::string>& labels) {
  if (labels.empty()) return "none";
  std::string out;
  for (const auto& l : labels) out += (out.empty() ? "" : ", ") + l;
  return out;
}

std::string number(double x) {
  std::ostringstream s;
  s << x;
  return s.str();
}

}  // namespace

ChaosExecutor::ChaosExecutor(const scenario::Scenario& s, LocalStack* stack, std::string log_dir)
    : scenario_(s), stack_(stack), log_dir_(std::move(log_dir)) {}

ChaosExecutor::~ChaosExecutor() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (exec_thread_.joinable()) exec_thread_.join();
}

void ChaosExecutor::record(const std::string& kind, const std::string& detail) {
  std::lock_guard lock(mutex_);
  events_.push_back({std::max(0.0, std::chrono::duration<double>(Clock::now() - epoch_).count()), kind, detail});
}

std::vector<results::Event> ChaosExecutor::events() const {
  std::lock_guard lock(mutex_);
  return events_;
}

void ChaosExecutor::start(Clock::time_point epoch) {
  epoch_ = epoch;
  bool any_exec = false;
  for (std::size_t i = 0; i < scenario_.faults.size(); ++i) {
    const auto& f = scenario_.faults[i];
    if (f.kind == scenario::Fault::Kind::kExec) {
      any_exec = true;
    } else if (stack_) {
      schedule_on_stack(i);
    }
  }
  if (!stack_) {
    // Recorded at their times would need a thread; they are listed once, up front, at their at_s.
    std::lock_guard lock(mutex_);
    for (const auto& f : scenario_.faults) {
      if (f.kind != scenario::Fault::Kind::kExec) {
        events_.push_back({f.at_s, f.kind_name, "not applied: only exec faults act on a deployed stack"});
      }
    }
  }
  if (any_exec) exec_thread_ = std::thread([this] { run_execs(); });
}

void ChaosExecutor::schedule_on_stack(std::size_t index) {
  using K = scenario::Fault::Kind;
  const auto& f = scenario_.faults[index];
  LocalStack& stack = *stack_;
  const auto at = epoch_ + seconds(f.at_s);
  const bool ends = f.duration_s > 0;
  const auto end = epoch_ + seconds(f.at_s + f.duration_s);
  auto labels = std::make_shared<std::vector<std::string>>();  // the tasks it hit, for its end
  switch (f.kind) {
    case K::kKillTask:
      stack.schedule(at, [&stack, f] {
        const auto hit = stack.pick_tasks(f.service, f.count);
        for (const auto& label : hit) stack.kill_task(label);
        stack.event(f.kind_name, f.service + ": SIGKILL to " + joined(hit));
      });
      break;
    case K::kKillHost:
    case K::kZoneOutage:
      stack.schedule(at, [&stack, f] {
        const auto hit = stack.tasks_on(f.kind == K::kKillHost && f.zone.empty() ? f.host : -1, f.zone);
        for (const auto& label : hit) stack.kill_task(label);
        stack.event(f.kind_name, (f.zone.empty() ? "host " + std::to_string(f.host) : "zone " + f.zone) +
                                     ": SIGKILL to " + joined(hit));
      });
      break;
    case K::kSpotInterruption:
      stack.schedule(at, [&stack, f] {
        const auto hit = stack.pick_tasks(f.service, f.count);
        for (const auto& label : hit) stack.interrupt_task(label, f.warning_s);
        stack.event(f.kind_name, f.service + ": notice to " + joined(hit) + "; stopped " + number(f.warning_s) +
                                     " s later, replaced now");
      });
      break;
    case K::kHangTask:
    case K::kSlowTask:
    case K::kErrorTask:
      stack.schedule(at, [&stack, f, labels] {
        *labels = stack.pick_tasks(f.service, f.count);
        for (const auto& label : *labels) {
          if (f.kind == K::kHangTask) stack.pause_task(label, true);
          if (f.kind == K::kSlowTask) stack.control_task(label, "slow?ms=" + number(f.extra_ms));
          if (f.kind == K::kErrorTask) stack.control_task(label, "error?rate=" + number(f.error_rate));
        }
        std::string how = f.kind == K::kHangTask   ? "SIGSTOP"
                          : f.kind == K::kSlowTask ? "+" + number(f.extra_ms) + " ms"
                                                   : "error rate " + number(f.error_rate);
        stack.event(f.kind_name, f.service + ": " + how + " on " + joined(*labels));
      });
      if (ends) {
        stack.schedule(end, [&stack, f, labels] {
          for (const auto& label : *labels) {
            if (f.kind == K::kHangTask) stack.pause_task(label, false);
            else stack.control_task(label, "resume");
          }
          stack.event(f.kind_name + "_end", f.service + ": " + joined(*labels) + " back to normal");
        });
      }
      break;
    case K::kDiscoveryOutage:
      stack.schedule(at, [&stack, f] {
        stack.set_discovery_paused(true);
        stack.event(f.kind_name, "the discovery agent stops listing");
      });
      if (ends) {
        stack.schedule(end, [&stack, f] {
          stack.set_discovery_paused(false);
          stack.event(f.kind_name + "_end", "the discovery agent lists again");
        });
      }
      break;
    case K::kScale:
      stack.schedule(at, [&stack, f] {
        stack.set_desired(f.service, f.replicas);
        stack.event("scale", f.service + ": desired " + std::to_string(f.replicas));
      });
      break;
    case K::kDeploy:
      stack.schedule(at, [&stack, f, index] {
        stack.deploy(index);
        stack.event("deploy", f.service + ": replacing every task by version " + f.version.label);
      });
      break;
    case K::kNetworkPartition:
    case K::kRegionOutage:
    case K::kExec:
      break;  // refused by express_balancer; exec runs on the executor's thread
  }
}

void ChaosExecutor::run_execs() {
  std::unique_ptr<ProcessReaper> reaper = std::make_unique<ProcessReaper>();
  for (std::size_t i = 0; i < scenario_.faults.size(); ++i) {
    const auto& f = scenario_.faults[i];
    if (f.kind != scenario::Fault::Kind::kExec) continue;
    {
      std::unique_lock lock(mutex_);
      if (wake_.wait_until(lock, epoch_ + seconds(f.at_s), [this] { return stopping_; })) return;
    }
    const std::string log = log_dir_ + "/exec-" + std::to_string(i) + ".log";
    const auto began = Clock::now();
    std::string outcome;
    try {
      // Registered with the watchdog before it runs: a SIGKILL to fleetsim at any moment leaves
      // no command behind (its whole group is killed).
      ChildProcess command({{"/bin/sh", "-c", f.command}, log, false, reaper.get()});
      const auto deadline = began + seconds(f.timeout_s);
      bool stopping = false;
      while (command.running() && Clock::now() < deadline && !stopping) {
        std::unique_lock lock(mutex_);
        stopping = wake_.wait_for(lock, std::chrono::milliseconds(20), [this] { return stopping_; });
      }
      const bool finished = !command.running();
      command.stop(std::chrono::milliseconds(1000));
      reaper->forget(command.pid());
      const double took = std::chrono::duration<double>(Clock::now() - began).count();
      outcome = finished ? "exit " + std::to_string(command.exit_status()) + " after " + number(std::round(took * 1000) / 1000) + " s"
                         : (stopping ? "stopped with the run" : "killed after the " + number(f.timeout_s) + " s timeout");
    } catch (const std::exception& e) {
      outcome = std::string("could not start: ") + e.what();
    }
    record("exec", f.command + " (" + outcome + "; output in " + log + ")");
  }
}

}  // namespace fleetsim::loadgen
