// A process the local stack starts (an emulator, nginx, HAProxy, an exec fault's command): its
// own process group, its output in a log file, stopped as a group.
//
// Every child leads its own process group (setpgid), so a terminal's Ctrl-C reaches fleetsim
// only, and stop() reaches the child's own children too (nginx and HAProxy workers). The
// ProcessReaper (process_reaper.h) kills the group if fleetsim dies without stopping it.
//
// Thread safety: one owner thread.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace fleetsim::loadgen {

class ProcessReaper;

struct SpawnOptions {
  std::vector<std::string> argv;  // argv[0] is the program: a path, or a name looked up in PATH
  std::string log_file;           // stdout and stderr are appended here ("" = /dev/null)
  bool pipe_stdout = false;       // stdout to a pipe read by read_line() instead of the log
  // When set, the child's group is registered with this watchdog before the child may exec: a
  // SIGKILL to fleetsim between fork and registration cannot leave the program running (the
  // child waits for the parent's word and exits when the parent dies first). The caller
  // forget()s the group after stop() or kill().
  ProcessReaper* reaper = nullptr;
};

class ChildProcess {
 public:
  // Starts the process. Throws std::runtime_error when fork or the log file fails; a program
  // that cannot be executed exits 127 (its log says why).
  explicit ChildProcess(const SpawnOptions& options);
  ~ChildProcess();  // stop() with a short grace
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  // One line of the child's stdout (pipe_stdout only), without the newline, or nothing when the
  // child closed it or `timeout` passed first.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout);
  // Sends `signal_number` to the whole group. False when the child was already reaped.
  bool signal_group(int signal_number);
  // Reaps the child if it has exited (never blocks). True while it runs.
  bool running();
  // The exit status as the shell reports it (128 + signal for a killed child); -1 while running.
  int exit_status() const { return exit_status_; }
  // SIGTERM to the group, up to `grace` for the leader to exit, then SIGKILL to the group; reaps
  // it. Idempotent.
  void stop(std::chrono::milliseconds grace = std::chrono::milliseconds(3000));
  // SIGKILL to the group at once and reap (kill_task: no grace, as `docker kill`).
  void kill();

 private:
  void reap(bool block);

  pid_t pid_ = -1;
  int stdout_fd_ = -1;         // read end of the stdout pipe (pipe_stdout)
  std::string pending_;        // bytes read past the last returned line
  int exit_status_ = -1;
  bool reaped_ = false;
};

// The absolute path of `program` in PATH (or as given when it contains '/'), if executable.
std::optional<std::string> find_program(const std::string& program);

}  // namespace fleetsim::loadgen
