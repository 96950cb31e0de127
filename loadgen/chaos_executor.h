// The chaos executor: the scenario's faults at their times against a real stack.
//
// On the local stack (LocalStack) every fault kind the stack can express acts on real processes:
//   kill_task            SIGKILL to the task's emulator (docker kill); ECS-style replacement follows
//   kill_host, zone_outage  SIGKILL to every task on that host / in that zone (stack placement)
//   spot_interruption    deregistered at the notice, SIGTERM warning_s later, replaced at once
//   hang_task            SIGSTOP, SIGCONT at the end (duration_s; 0 = the end of the run)
//   slow_task, error_task   the emulator's /_chaos/slow and /_chaos/error, /_chaos/resume at the end
//   discovery_outage     the discovery agent skips its listings
//   scale                the service's desired count
//   deploy               replacement by tasks of the new version (LocalStack::deploy)
//   exec                 the user's shell command
// Against a deployed stack (no LocalStack) only `exec` acts; the others are recorded as skipped.
// `exec` runs `/bin/sh -c COMMAND` in its own process group, output in DIR/exec-N.log, killed
// after the fault's timeout_s; commands run one after another on the executor's own thread.
//
// Thread safety: construct, start() and events() from one thread; the stack's actions run on
// the stack's loop thread, exec commands on the executor's thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "loadgen/local_stack.h"
#include "results/results.h"
#include "scenario/scenario.h"

namespace fleetsim::loadgen {

class ChaosExecutor {
 public:
  using Clock = std::chrono::steady_clock;

  // `stack` may be null (a deployed stack). `log_dir` receives exec-N.log.
  ChaosExecutor(const scenario::Scenario& s, LocalStack* stack, std::string log_dir);
  ~ChaosExecutor();  // kills a running exec command, joins
  ChaosExecutor(const ChaosExecutor&) = delete;
  ChaosExecutor& operator=(const ChaosExecutor&) = delete;

  // Schedules every fault at epoch + at_s. Call once.
  void start(Clock::time_point epoch);
  // What the executor did itself (exec commands, skipped faults); the stack's actions are in the
  // stack's events.
  std::vector<results::Event> events() const;

 private:
  void schedule_on_stack(std::size_t index);
  void run_execs();
  void record(const std::string& kind, const std::string& detail);

  const scenario::Scenario& scenario_;
  LocalStack* stack_;
  std::string log_dir_;
  Clock::time_point epoch_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;                 // guarded by mutex_
  std::vector<results::Event> events_;    // guarded by mutex_
  std::thread exec_thread_;
};

}  // namespace fleetsim::loadgen
