// Runs a helper program (gnuplot) as a child process with a time limit: it gets its own process
// group, and the whole group is killed with SIGKILL when the limit passes, so nothing is left behind.
#pragma once

#include <string>
#include <vector>

namespace fleetsim::reports {

struct ProcessResult {
  bool started = false;    // the program could be executed at all
  bool timed_out = false;  // killed at the limit
  int exit_status = -1;    // when it exited by itself; -1 if killed by a signal
};

// Runs argv (argv[0] looked up in PATH) with stdin from /dev/null and stdout and stderr
// appended to `log_path`; waits at most `timeout_s` seconds.
ProcessResult run_with_timeout(const std::vector<std::string>& argv, double timeout_s, const std::string& log_path);

// The full path of `program` in PATH, or "" if there is no executable of that name.
std::string find_in_path(const std::string& program);

}  // namespace fleetsim::reports
