#include "loadgen/local_stack.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <thread>

#include "loadgen/balancer_config.h"
#include "loadgen/loopback_request.h"
#include "models/emulator_streams.h"
#include "results/results_json.h"

namespace fleetsim::loadgen {

namespace {

constexpr auto kEmulatorStartTimeout = std::chrono::seconds(10);
constexpr int kControlTimeout_ms = 2000;
constexpr int kHealthProbeTimeout_ms = 1000;

std::string this_program() {
  std::error_code error;
  const auto path = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) throw std::runtime_error("cannot find the fleetsim binary: /proc/self/exe: " + error.message());
  return path.string();
}

std::chrono::nanoseconds seconds(double s) {
  return std::chrono::nanoseconds(static_cast<std::int64_t>(std::llround(s * 1e9)));
}

}  // namespace

LocalStack::LocalStack(scenario::Scenario expressed, StackOptions options)
    : scenario_(std::move(expressed)),
      options_(std::move(options)),
      fault_rng_(sim::Rng::stream(scenario_.replay_seed(), "faults")) {
  std::filesystem::create_directories(options_.run_dir);
  options_.run_dir = std::filesystem::canonical(options_.run_dir).string();
  fleetsim_program_ = this_program();
  const std::size_t n = scenario_.services.size();
  next_ordinal_.assign(n, 0);
  desired_.resize(n);
  pending_starts_.assign(n, 0);
  current_version_.assign(n, -1);
  for (std::size_t i = 0; i < n; ++i) desired_[i] = scenario_.services[i].replicas;
  epoch_ = Clock::now();
}

LocalStack::~LocalStack() { stop(); }

double LocalStack::now_s() const { return std::chrono::duration<double>(Clock::now() - epoch_).count(); }

void LocalStack::event(const std::string& kind, const std::string& detail) {
  std::lock_guard lock(events_mutex_);
  events_.push_back({std::max(0.0, now_s()), kind, detail});
}

std::vector<results::Event> LocalStack::events() const {
  std::lock_guard lock(events_mutex_);
  return events_;
}

std::vector<std::pair<std::string, std::string>> LocalStack::task_labels() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& t : tasks_) out.emplace_back(t->label, scenario_.services[t->service].name);
  return out;
}

std::uint16_t LocalStack::first_task_port() const {
  for (const auto& t : tasks_) {
    if (!t->gone && !t->stopping) return t->port;
  }
  return 0;
}

std::size_t LocalStack::service_index(const std::string& name) const {
  for (std::size_t i = 0; i < scenario_.services.size(); ++i) {
    if (scenario_.services[i].name == name) return i;
  }
  return name.empty() ? 0 : scenario_.services.size();
}

LocalStack::Task* LocalStack::find(const std::string& label) {
  for (auto& t : tasks_) {
    if (t->label == label) return t.get();
  }
  return nullptr;
}

std::uint32_t LocalStack::live_count(std::size_t service) const {
  std::uint32_t n = 0;
  for (const auto& t : tasks_) n += t->service == service && !t->gone && !t->stopping;
  return n;
}

LocalStack::Task& LocalStack::start_task(std::size_t service, int version_fault) {
  auto task = std::make_unique<Task>();
  task->service = service;
  task->ordinal = next_ordinal_[service]++;
  task->version_fault = version_fault;
  task->label = models::task_label(scenario_.services[service].name, task->ordinal);
  std::vector<std::string> argv = {fleetsim_program_, "backend", options_.scenario_file,
                                   "--service", scenario_.services[service].name,
                                   "--task-id", task->label, "--control"};
  for (const auto& o : options_.overrides) {
    argv.push_back("--set");
    argv.push_back(o.path + "=" + o.value);
  }
  if (version_fault >= 0) {
    argv.push_back("--version-of-fault");
    argv.push_back(std::to_string(version_fault));
  }
  // Registered with the watchdog before the emulator may start: a SIGKILL at any moment leaves none.
  task->process = std::make_unique<ChildProcess>(
      SpawnOptions{argv, options_.run_dir + "/task-" + task->label + ".log", true, reaper_.get()});
  // "listening 127.0.0.1:PORT": the port the kernel chose.
  const auto line = task->process->read_line(std::chrono::duration_cast<std::chrono::milliseconds>(kEmulatorStartTimeout));
  const auto colon = line ? line->rfind(':') : std::string::npos;
  if (!line || line->rfind("listening ", 0) != 0 || colon == std::string::npos) {
    task->process->stop();
    reaper_->forget(task->process->pid());
    throw std::runtime_error("the emulator of task " + task->label + " did not start; " + options_.run_dir +
                             "/task-" + task->label + ".log ends:\n" +
                             tail_of_file(options_.run_dir + "/task-" + task->label + ".log", 10));
  }
  task->port = static_cast<std::uint16_t>(std::stoi(line->substr(colon + 1)));
  if (version_fault >= 0 && !scenario_.faults[static_cast<std::size_t>(version_fault)].version.healthy) {
    loopback_request(task->port, "POST", "/_chaos/unhealthy", kControlTimeout_ms);
  }
  tasks_.push_back(std::move(task));
  return *tasks_.back();
}

void LocalStack::start_task_later(std::size_t service, int version_fault, double delay_s, bool replacement) {
  ++pending_starts_[service];
  schedule(Clock::now() + seconds(delay_s), [this, service, version_fault, replacement] {
    --pending_starts_[service];
    Task& t = start_task(service, version_fault);
    event(replacement ? "task_replaced" : "task_started", t.label + " on port " + std::to_string(t.port));
    if (scenario_.discovery.mode == scenario::Discovery::Mode::kRegistry) apply_listing(list_tasks(false), "registered");
    write_state();
  });
}

void LocalStack::start() {
  if (started_) return;
  started_ = true;
  reaper_ = std::make_unique<ProcessReaper>();
  try {
    // The balancer's program first: a missing nginx is reported before any task starts.
    balancer_ = std::make_unique<BalancerProcess>(options_.kind, options_.run_dir, *reaper_);
    for (std::size_t s = 0; s < scenario_.services.size(); ++s) {
      for (std::uint32_t r = 0; r < scenario_.services[s].replicas; ++r) start_task(s, -1);
    }
    applied_ = list_tasks(false);
    BalancerLayout layout{options_.run_dir, balancer_->port(), applied_};
    balancer_->start(render_balancer_config(scenario_, options_.kind, layout));
  } catch (...) {
    stop();
    throw;
  }
  epoch_ = Clock::now();
  write_state();
  // The poll agent's listings: phase_s, then every interval_s (the first at 0 is the start's).
  if (scenario_.discovery.mode == scenario::Discovery::Mode::kPoll) {
    const double first = scenario_.discovery.phase_s > 0 ? scenario_.discovery.phase_s : scenario_.discovery.interval_s;
    schedule(epoch_ + seconds(first), [this] { discovery_tick(); });
  }
}

void LocalStack::set_epoch(Clock::time_point epoch) {
  // Move the discovery schedule with the clock: listings stay at phase + k × interval of it.
  const auto shift = epoch - epoch_;
  epoch_ = epoch;
  std::lock_guard lock(timers_mutex_);
  std::multimap<Clock::time_point, std::function<void()>> moved;
  for (auto& [at, action] : timers_) moved.emplace(at + shift, std::move(action));
  timers_.swap(moved);
}

std::string LocalStack::endpoint() const { return "http://127.0.0.1:" + std::to_string(port()); }
std::uint16_t LocalStack::port() const { return balancer_ ? balancer_->port() : 0; }

void LocalStack::schedule(Clock::time_point at, std::function<void()> action) {
  std::lock_guard lock(timers_mutex_);
  timers_.emplace(at, std::move(action));
}

std::map<std::string, std::vector<UpstreamMember>> LocalStack::list_tasks(bool probe_health) {
  std::map<std::string, std::vector<UpstreamMember>> listing;
  for (const auto& s : scenario_.services) listing[s.name];
  for (const auto& t : tasks_) {
    if (t->gone || !t->listed) continue;
    if (probe_health && loopback_request(t->port, "GET", "/health", kHealthProbeTimeout_ms) != 200) continue;
    const auto& service = scenario_.services[t->service];
    std::uint32_t weight = 1;
    if (!service.weights.empty()) {
      weight = static_cast<std::uint32_t>(std::max(1.0, std::round(service.weights[t->ordinal % service.weights.size()])));
    }
    listing[service.name].push_back({t->label, t->port, weight});
  }
  return listing;
}

void LocalStack::apply_listing(const std::map<std::string, std::vector<UpstreamMember>>& listing, const char* why) {
  auto same = [](const auto& a, const auto& b) {
    if (a.size() != b.size()) return false;
    for (const auto& [name, members] : a) {
      const auto other = b.find(name);
      if (other == b.end() || other->second.size() != members.size()) return false;
      for (std::size_t i = 0; i < members.size(); ++i) {
        if (members[i].port != other->second[i].port) return false;
      }
    }
    return true;
  };
  if (same(listing, applied_)) return;
  BalancerLayout layout{options_.run_dir, balancer_->port(), listing};
  balancer_->reload(render_balancer_config(scenario_, options_.kind, layout));
  applied_ = listing;
  std::string detail = std::string(why) + ":";
  for (const auto& [name, members] : listing) detail += " " + name + " " + std::to_string(members.size());
  event("discovery", detail + " task(s); " + std::string(balancer_kind_name(options_.kind)) + " reloaded");
  if (!options_.quiet) std::cerr << "stack: " << detail << "\n";
}

void LocalStack::discovery_tick() {
  const auto& d = scenario_.discovery;
  if (!discovery_paused_) {
    auto listing = std::make_shared<std::map<std::string, std::vector<UpstreamMember>>>(list_tasks(d.health_probe));
    // listing_s: the script's API call; the configuration is written after it.
    schedule(Clock::now() + seconds(d.listing_s), [this, listing] { apply_listing(*listing, "listing"); });
  }
  // The next listing on the grid of the epoch, however long this one took.
  const double next = std::floor((now_s() - d.phase_s) / d.interval_s + 1) * d.interval_s + d.phase_s;
  schedule(epoch_ + seconds(next), [this] { discovery_tick(); });
}

void LocalStack::reap_tasks() {
  bool changed = false;
  for (auto& t : tasks_) {
    if (t->gone || t->process->running()) continue;
    t->gone = true;
    changed = true;
    reaper_->forget(t->process->pid());
    if (!t->stopping) event("task_stopped", t->label + " exited with status " + std::to_string(t->process->exit_status()));
    if (scenario_.discovery.mode == scenario::Discovery::Mode::kRegistry) apply_listing(list_tasks(false), "deregistered");
    // ECS: the service scheduler replaces a stopped task to keep the desired count.
    const std::size_t s = t->service;
    if (live_count(s) + pending_starts_[s] < desired_[s]) {
      const auto& task = scenario_.services[s].task;
      start_task_later(s, current_version_[s], task.replace_delay_s + task.startup_s, true);
    }
  }
  if (changed) write_state();
}

void LocalStack::run_until(Clock::time_point until) {
  while (!stop_requested_ && Clock::now() < until) {
    std::function<void()> due;
    Clock::time_point next = until;
    {
      std::lock_guard lock(timers_mutex_);
      if (!timers_.empty() && timers_.begin()->first <= Clock::now()) {
        due = std::move(timers_.begin()->second);
        timers_.erase(timers_.begin());
      } else if (!timers_.empty()) {
        next = std::min(next, timers_.begin()->first);
      }
    }
    if (due) {
      due();
      continue;
    }
    reap_tasks();
    if (balancer_ && !balancer_->running()) {
      throw std::runtime_error(std::string(balancer_kind_name(options_.kind)) + " exited; its log is in " + options_.run_dir);
    }
    // Short naps: a task's exit and a stop request are seen within 10 ms.
    const auto nap = std::min<Clock::duration>(next - Clock::now(), std::chrono::milliseconds(10));
    if (nap > Clock::duration::zero()) std::this_thread::sleep_for(nap);
  }
}

void LocalStack::stop() {
  if (!started_) return;
  started_ = false;
  if (balancer_) balancer_->stop();
  balancer_.reset();
  // SIGTERM to every emulator first, then wait: the whole stack stops in one grace period.
  for (auto& t : tasks_) {
    if (!t->gone) t->process->signal_group(SIGCONT), t->process->signal_group(SIGTERM);
  }
  for (auto& t : tasks_) {
    if (t->gone) continue;
    t->process->stop(std::chrono::milliseconds(3000));
    reaper_->forget(t->process->pid());
    t->gone = true;
  }
  reaper_.reset();  // the watchdog finds nothing left and exits
  std::error_code ignored;
  std::filesystem::remove(options_.run_dir + "/stack.json", ignored);
}

void LocalStack::write_state() const {
  nlohmann::json state;
  state["pid"] = getpid();
  state["endpoint"] = endpoint();
  state["balancer"] = {{"kind", balancer_kind_name(options_.kind)},
                       {"pid", balancer_ ? balancer_->pid() : -1},
                       {"config", balancer_ ? balancer_->config_path() : ""}};
  state["reaper_pid"] = reaper_ ? reaper_->watchdog_pid() : -1;
  nlohmann::json tasks = nlohmann::json::array();
  for (const auto& t : tasks_) {
    if (t->gone) continue;
    tasks.push_back({{"task", t->label},
                     {"service", scenario_.services[t->service].name},
                     {"pid", t->process->pid()},
                     {"port", t->port},
                     {"listed", t->listed}});
  }
  state["tasks"] = tasks;
  results::write_file_atomically(options_.run_dir + "/stack.json", state.dump(2) + "\n");
}

// ---- task actions

std::vector<std::string> LocalStack::pick_tasks(const std::string& service, std::uint32_t count) {
  const std::size_t s = service_index(service);
  std::vector<Task*> candidates;
  for (auto& t : tasks_) {
    if (t->service == s && !t->gone && !t->stopping && !t->paused) candidates.push_back(t.get());
  }
  std::vector<std::string> out;
  for (std::uint32_t i = 0; i < count && !candidates.empty(); ++i) {
    const auto k = fault_rng_.below(candidates.size());
    out.push_back(candidates[k]->label);
    candidates.erase(candidates.begin() + static_cast<std::ptrdiff_t>(k));
  }
  return out;
}

std::vector<std::string> LocalStack::tasks_on(std::int64_t host, const std::string& zone) {
  const auto& h = scenario_.hosts;
  std::vector<std::string> out;
  for (const auto& t : tasks_) {
    if (t->gone || t->stopping) continue;
    const std::uint32_t on_host = t->ordinal % std::max<std::uint32_t>(1, h.count);
    const std::string& on_zone = h.zones[on_host % h.zones.size()];
    if (host >= 0 ? on_host == static_cast<std::uint64_t>(host) : on_zone == zone) out.push_back(t->label);
  }
  return out;
}

void LocalStack::kill_task(const std::string& label) {
  if (Task* t = find(label); t && !t->gone) t->process->signal_group(SIGKILL);  // reap_tasks() sees it go
}

void LocalStack::pause_task(const std::string& label, bool paused) {
  if (Task* t = find(label); t && !t->gone) {
    t->paused = paused;
    t->process->signal_group(paused ? SIGSTOP : SIGCONT);
  }
}

bool LocalStack::control_task(const std::string& label, const std::string& action) {
  Task* t = find(label);
  return t && !t->gone && loopback_request(t->port, "POST", "/_chaos/" + action, kControlTimeout_ms) == 200;
}

void LocalStack::deregister_task(const std::string& label) {
  Task* t = find(label);
  if (!t || !t->listed) return;
  t->listed = false;
  if (scenario_.discovery.mode == scenario::Discovery::Mode::kRegistry) apply_listing(list_tasks(false), "deregistered");
  write_state();
}

void LocalStack::stop_task(const std::string& label) {
  Task* t = find(label);
  if (!t || t->gone) return;
  t->stopping = true;
  t->process->signal_group(SIGCONT);
  t->process->signal_group(SIGTERM);
}

void LocalStack::interrupt_task(const std::string& label, double warning_s) {
  Task* t = find(label);
  if (!t || t->gone || t->stopping) return;
  t->stopping = true;
  deregister_task(label);
  schedule(Clock::now() + seconds(warning_s), [this, label] { stop_task(label); });
  const std::size_t s = t->service;
  start_task_later(s, current_version_[s], scenario_.services[s].task.startup_s, true);
}

void LocalStack::set_desired(const std::string& service, std::uint32_t replicas) {
  const std::size_t s = service_index(service);
  if (s >= scenario_.services.size()) return;
  desired_[s] = replicas;
  const std::uint32_t live = live_count(s) + pending_starts_[s];
  const auto& task = scenario_.services[s].task;
  for (std::uint32_t i = live; i < replicas; ++i) start_task_later(s, current_version_[s], task.startup_s, false);
  // Scale-in: the newest tasks go first, deregistered then stopped after the draining delay.
  for (auto it = tasks_.rbegin(); it != tasks_.rend() && live_count(s) > replicas; ++it) {
    Task& t = **it;
    if (t.service != s || t.gone || t.stopping) continue;
    t.stopping = true;
    t.listed = false;
    const std::string label = t.label;
    schedule(Clock::now() + seconds(task.deregistration_delay_s + scenario_.discovery.interval_s),
             [this, label] { stop_task(label); });
  }
  if (scenario_.discovery.mode == scenario::Discovery::Mode::kRegistry) apply_listing(list_tasks(false), "scaled");
}

void LocalStack::deploy(std::size_t fault_index) {
  const auto& f = scenario_.faults[fault_index];
  const std::size_t s = service_index(f.service);
  if (s >= scenario_.services.size()) return;
  std::vector<std::string> old;
  for (const auto& t : tasks_) {
    if (t->service == s && !t->gone && !t->stopping) old.push_back(t->label);
  }
  current_version_[s] = static_cast<int>(fault_index);
  const std::uint32_t count = desired_[s];
  for (std::uint32_t i = 0; i < count; ++i) start_task_later(s, static_cast<int>(fault_index), f.version.startup_s, false);
  // When the new tasks are up: the old ones leave the listing, then stop after draining.
  const auto& task = scenario_.services[s].task;
  schedule(Clock::now() + seconds(f.version.startup_s) + std::chrono::milliseconds(1), [this, old, task] {
    for (const auto& label : old) {
      if (Task* t = find(label)) t->stopping = true;
      deregister_task(label);
      schedule(Clock::now() + seconds(task.deregistration_delay_s + scenario_.discovery.interval_s),
               [this, label] { stop_task(label); });
    }
  });
}

void LocalStack::set_discovery_paused(bool paused) { discovery_paused_ = paused; }

}  // namespace fleetsim::loadgen
