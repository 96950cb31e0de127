// The local stack's guard against orphans: a watchdog process that kills the stack's process
// groups when fleetsim dies without stopping them (SIGKILL, a crash, an uncaught exception).
//
// fleetsim writes each group it starts (and each it has stopped) to a pipe; the watchdog, in its
// own session so a terminal's Ctrl-C does not reach it, reads them. When the pipe's last writer
// closes — fleetsim's normal exit or its death, the kernel closes the descriptor either way — the
// watchdog sends SIGKILL to every group still registered and exits. PR_SET_PDEATHSIG could not do
// this: it reaches direct children only (not nginx's workers) and fires on the death of the
// spawning thread, not the process.
//
// Thread safety: watch() and forget() from any thread (each is one atomic pipe write).
#pragma once

#include <sys/types.h>

namespace fleetsim::loadgen {

class ProcessReaper {
 public:
  // Forks the watchdog. Throws std::runtime_error when pipe or fork fails.
  ProcessReaper();
  // Closes the pipe (the watchdog kills what is still registered) and reaps the watchdog.
  ~ProcessReaper();
  ProcessReaper(const ProcessReaper&) = delete;
  ProcessReaper& operator=(const ProcessReaper&) = delete;

  // Registers process group `pgid` (kill it if fleetsim dies).
  void watch(pid_t pgid);
  // The group was stopped and reaped: do not touch it (its id may be reused).
  void forget(pid_t pgid);
  pid_t watchdog_pid() const { return watchdog_; }

 private:
  void send(int op, pid_t pgid);

  int write_fd_ = -1;
  pid_t watchdog_ = -1;
};

}  // namespace fleetsim::loadgen
