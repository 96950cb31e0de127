// `fleetsim stack`: a real local fleet for one scenario. One service-emulator process per task
// (`fleetsim backend`, port 0: the kernel picks, as Docker does for ECS dynamic ports), a real
// nginx or HAProxy in front, and a discovery agent that lists the live tasks, rewrites the
// balancer's upstreams and reloads it, as the scenario's `discovery` says:
//   static   - the tasks of the start, never rewritten;
//   poll     - at phase_s + k × interval_s: list (after listing_s), rewrite and reload when the
//              list changed (the nginx + cron script of the seed architectures);
//   registry - rewritten as soon as a task becomes ready or is deregistered (ALB, Cloud Map).
// Like ECS, a task that stops is replaced after task.replace_delay_s + task.startup_s.
//
// Tasks are labelled SERVICE.N (N counts the service's tasks from 0, replacements included) and
// placed on hosts and zones in turn: task N of a service is on host N mod hosts.count, in that
// host's zone. Everything runs in the run directory: logs, configurations, stack.json.
//
// Thread safety: one loop thread calls start(), run_until(), the task actions and stop();
// schedule() and request_stop() may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "loadgen/balancer_config.h"
#include "loadgen/balancer_process.h"
#include "loadgen/child_process.h"
#include "loadgen/process_reaper.h"
#include "results/results.h"
#include "scenario/overrides.h"
#include "scenario/scenario.h"
#include "sim/rng.h"

namespace fleetsim::loadgen {

struct StackOptions {
  std::string scenario_file;                    // given to every emulator
  std::vector<scenario::Override> overrides;    // the same --set values, so all read one scenario
  BalancerKind kind = BalancerKind::kNginx;
  std::string run_dir;                          // created if missing; made absolute
  bool quiet = true;                            // false: one line per discovery change on stderr
};

class LocalStack {
 public:
  using Clock = std::chrono::steady_clock;

  // `expressed` is the scenario as the balancer runs it (express_balancer).
  LocalStack(scenario::Scenario expressed, StackOptions options);
  ~LocalStack();  // stop()
  LocalStack(const LocalStack&) = delete;
  LocalStack& operator=(const LocalStack&) = delete;

  // Starts the emulators of every service's replicas, then the balancer with all of them listed,
  // and writes stack.json. Time zero (for events and the discovery phase) is the end of start()
  // until set_epoch(). Throws std::runtime_error when a part does not come up (the parts that
  // did are stopped).
  void start();
  void set_epoch(Clock::time_point epoch);
  std::string endpoint() const;  // "http://127.0.0.1:PORT"
  std::uint16_t port() const;

  // Runs discovery, replacements and scheduled actions until `until`, request_stop(), or a
  // dead balancer (std::runtime_error).
  void run_until(Clock::time_point until);
  void request_stop() { stop_requested_ = true; }
  bool stop_requested() const { return stop_requested_; }
  // Runs `action` on the loop thread at `at` (at once if past).
  void schedule(Clock::time_point at, std::function<void()> action);
  // Stops every process it started (emulators, balancer); removes stack.json. Idempotent.
  void stop();

  // ---- task actions for the chaos executor (loop thread). Each returns the labels it touched.
  // Tasks of `service` chosen at random (the "faults" stream) among those running and not hung.
  std::vector<std::string> pick_tasks(const std::string& service, std::uint32_t count);
  // The running tasks on host `host`, or in zone `zone` when host < 0.
  std::vector<std::string> tasks_on(std::int64_t host, const std::string& zone);
  void kill_task(const std::string& label);                  // SIGKILL (docker kill)
  void pause_task(const std::string& label, bool paused);    // SIGSTOP / SIGCONT
  // POST /_chaos/ACTION to the task's emulator; false when it did not answer 200.
  bool control_task(const std::string& label, const std::string& action);
  void deregister_task(const std::string& label);            // out of the listing (draining)
  void stop_task(const std::string& label);                  // SIGTERM, graceful
  // A spot interruption notice: deregistered now, SIGTERM after `warning_s`, and (as ECS does at
  // the notice) a replacement started now.
  void interrupt_task(const std::string& label, double warning_s);
  // The new desired count of `service`: tasks started (after startup_s) or stopped.
  void set_desired(const std::string& service, std::uint32_t replicas);
  // Replaces every task of the service by tasks of fault `fault_index`'s version: the new tasks
  // start at once (after the version's startup_s), the old ones are deregistered when the new
  // are ready and stopped after task.deregistration_delay_s + one discovery interval.
  void deploy(std::size_t fault_index);
  void set_discovery_paused(bool paused);

  // Appends an event at the current time (thread-safe).
  void event(const std::string& kind, const std::string& detail);
  std::vector<results::Event> events() const;
  // The task labels ever started, in order, with their services.
  std::vector<std::pair<std::string, std::string>> task_labels() const;
  // The port of a running task's emulator (0 if none): the fixed-cost probe's direct target.
  std::uint16_t first_task_port() const;
  const std::string& run_dir() const { return options_.run_dir; }
  const std::string& balancer_config_path() const { return balancer_->config_path(); }

 private:
  struct Task {
    std::string label;
    std::size_t service = 0;
    std::uint32_t ordinal = 0;   // N of SERVICE.N: placement
    int version_fault = -1;      // the deploy fault whose version it runs; -1: the service's own
    std::unique_ptr<ChildProcess> process;
    std::uint16_t port = 0;
    bool listed = true;          // the discovery agent lists it (not deregistered)
    bool paused = false;         // SIGSTOP
    bool stopping = false;       // stopped on purpose: not replaced
    bool gone = false;           // exited and reaped
  };

  Task* find(const std::string& label);
  Task& start_task(std::size_t service, int version_fault);
  void start_task_later(std::size_t service, int version_fault, double delay_s, bool replacement);
  void reap_tasks();
  void discovery_tick();
  void apply_listing(const std::map<std::string, std::vector<UpstreamMember>>& listing, const char* why);
  std::map<std::string, std::vector<UpstreamMember>> list_tasks(bool probe_health);
  void write_state() const;
  double now_s() const;
  std::size_t service_index(const std::string& name) const;
  std::uint32_t live_count(std::size_t service) const;

  scenario::Scenario scenario_;
  StackOptions options_;
  std::string fleetsim_program_;  // this binary, for `fleetsim backend`
  std::unique_ptr<ProcessReaper> reaper_;
  std::unique_ptr<BalancerProcess> balancer_;
  std::vector<std::unique_ptr<Task>> tasks_;
  std::vector<std::uint32_t> next_ordinal_;   // per service
  std::vector<std::uint32_t> desired_;        // per service
  std::vector<std::uint32_t> pending_starts_; // per service: starts scheduled, not yet done
  std::vector<int> current_version_;          // per service: deploy fault index or -1
  std::map<std::string, std::vector<UpstreamMember>> applied_;  // the balancer's current listing
  std::multimap<Clock::time_point, std::function<void()>> timers_;  // guarded by timers_mutex_
  std::mutex timers_mutex_;
  mutable std::mutex events_mutex_;
  std::vector<results::Event> events_;        // guarded by events_mutex_
  Clock::time_point epoch_;
  sim::Rng fault_rng_;                        // the "faults" stream: which tasks a fault hits
  std::atomic<bool> stop_requested_{false};
  bool discovery_paused_ = false;
  bool started_ = false;
};

}  // namespace fleetsim::loadgen
