// Helpers of the real-stack tests: a run directory with a scenario in it, the stack's state,
// and what /proc says about processes.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace fleetsim::testing {

// /tmp/fleetsim-stack-test-PID-NAME with scenario.json; removed at the end (after `stack down`).
class StackDir {
 public:
  StackDir(const std::string& name, const nlohmann::json& scenario)
      : path_("/tmp/fleetsim-stack-test-" + std::to_string(::getpid()) + "-" + name) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
    std::ofstream(path_ + "/scenario.json") << scenario.dump(2);
  }
  ~StackDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }
  std::string scenario() const { return path_ + "/scenario.json"; }
  nlohmann::json state() const {
    std::ifstream in(path_ + "/stack.json");
    nlohmann::json j;
    if (in) in >> j;
    return j;
  }
  bool wait_for_state(std::chrono::milliseconds timeout) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (std::filesystem::exists(path_ + "/stack.json")) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }
  std::uint16_t port() const {
    const std::string endpoint = state().value("endpoint", "");
    return static_cast<std::uint16_t>(std::stoi(endpoint.substr(endpoint.rfind(':') + 1)));
  }
  // The supervisor, its watchdog, the balancer's master and the first task.
  std::vector<pid_t> stack_pids() const {
    const auto s = state();
    return {s["pid"].get<pid_t>(), s["reaper_pid"].get<pid_t>(), s["balancer"]["pid"].get<pid_t>(),
            s["tasks"][0]["pid"].get<pid_t>()};
  }

 private:
  std::string path_;
};

// The state letter of /proc/PID/stat ('R', 'S', 'T', 'Z', ...), or 0 when there is no such process.
inline char process_state(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return 0;
  const auto close = line.rfind(')');
  return close == std::string::npos || close + 2 >= line.size() ? 0 : line[close + 2];
}

// True when `pid` has exited (gone, or a zombie nobody reaped yet) within `timeout`.
inline bool gone_within(pid_t pid, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    const char s = process_state(pid);
    if (s == 0 || s == 'Z' || s == 'X') return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

// The processes whose parent is `parent` (nginx's or HAProxy's workers).
inline std::vector<pid_t> child_pids(pid_t parent) {
  std::vector<pid_t> out;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(entry.path() / "stat");
    std::string line;
    if (!std::getline(in, line)) continue;
    const auto close = line.rfind(')');
    std::istringstream rest(line.substr(close + 2));
    char state;
    pid_t ppid;
    if (rest >> state >> ppid && ppid == parent && state != 'Z') out.push_back(std::stoi(name));
  }
  return out;
}

// Live processes whose command line mentions `text` (a run directory).
inline int processes_mentioning(const std::string& text) {
  int n = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(entry.path() / "cmdline");
    std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const char s = process_state(std::stoi(name));
    if (cmdline.find(text) != std::string::npos && s != 'Z' && s != 0) ++n;
  }
  return n;
}

// One process as /proc shows it.
struct ProcessInfo {
  pid_t pid = 0;
  pid_t ppid = 0;
  pid_t pgid = 0;
  char state = 0;       // R, S, T, Z, ...
  std::string cmdline;  // arguments joined by spaces (nginx workers rename themselves)
};

// Every process of the machine (those that vanish while being read are skipped).
inline std::vector<ProcessInfo> all_processes() {
  std::vector<ProcessInfo> out;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    if (!std::getline(stat, line)) continue;
    const auto close = line.rfind(')');
    if (close == std::string::npos) continue;
    ProcessInfo p;
    p.pid = std::stoi(name);
    std::istringstream rest(line.substr(close + 2));
    if (!(rest >> p.state >> p.ppid >> p.pgid)) continue;
    std::ifstream in(entry.path() / "cmdline");
    p.cmdline.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    for (char& c : p.cmdline) c = c == '\0' ? ' ' : c;
    out.push_back(std::move(p));
  }
  return out;
}

// The live (not zombie) children, grandchildren, ... of `root`: what a SIGKILL to `root` must
// not leave behind. Taken before the kill: afterwards they belong to init.
inline std::vector<ProcessInfo> descendants(pid_t root) {
  const auto all = all_processes();
  std::vector<ProcessInfo> out;
  std::vector<pid_t> frontier = {root};
  while (!frontier.empty()) {
    const pid_t parent = frontier.back();
    frontier.pop_back();
    for (const auto& p : all) {
      if (p.ppid == parent && p.state != 'Z' && p.state != 'X') {
        out.push_back(p);
        frontier.push_back(p.pid);
      }
    }
  }
  return out;
}

// Polls `condition` every 5 ms until it holds or `timeout` passes; true when it held.
template <typename Condition>
bool eventually(Condition condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

// The whole text of a file ("" when it cannot be read).
inline std::string file_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The .json files under `dir` (recursively) that are not complete JSON documents: a file
// written in place and cut short by a kill would be one. Empty when every one parses.
inline std::vector<std::string> partial_json_files(const std::string& dir) {
  std::vector<std::string> bad;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file() || it->path().extension() != ".json") continue;
    if (!nlohmann::json::accept(file_text(it->path().string()))) bad.push_back(it->path().string());
  }
  return bad;
}

// `fleetsim ARGUMENTS` started in the background from the source directory, in a process group
// of its own (as a shell starts a job), stdout and stderr in OUTPUT_PREFIX.out / .err. The
// destructor stops what is still running (SIGTERM to its group, SIGKILL after 3 s) and reaps it.
// Needs FLEETSIM_SOURCE_DIR and FLEETSIM_BINARY (compile definitions of the test executables).
class BackgroundFleetsim {
 public:
  BackgroundFleetsim(const std::string& arguments, std::string output_prefix) : prefix_(std::move(output_prefix)) {
    // Everything the child needs is built before fork: between fork and exec only
    // async-signal-safe calls (Catch2 or a test may have threads).
    const std::string command = "exec '" + std::string(FLEETSIM_BINARY) + "' " + arguments;
    const std::string out = prefix_ + ".out", err = prefix_ + ".err";
    pid_ = ::fork();
    if (pid_ == 0) {
      ::setpgid(0, 0);
      if (::chdir(FLEETSIM_SOURCE_DIR) != 0) ::_exit(126);
      const int out_fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      const int err_fd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (out_fd < 0 || err_fd < 0) ::_exit(126);
      ::dup2(out_fd, 1);
      ::dup2(err_fd, 2);
      ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    if (pid_ > 0) ::setpgid(pid_, pid_);  // also here: no window in which the group is missing
  }
  ~BackgroundFleetsim() {
    if (pid_ <= 0 || reaped_) return;
    ::killpg(pid_, SIGTERM);
    if (!eventually([this] { return reap(false); }, std::chrono::milliseconds(3000))) ::killpg(pid_, SIGKILL);
    reap(true);
  }
  BackgroundFleetsim(const BackgroundFleetsim&) = delete;
  BackgroundFleetsim& operator=(const BackgroundFleetsim&) = delete;

  pid_t pid() const { return pid_; }
  std::string out() const { return file_text(prefix_ + ".out"); }
  std::string err() const { return file_text(prefix_ + ".err"); }
  // True once stdout or stderr contains `text`, within `timeout`.
  bool wait_for_output(const std::string& text, std::chrono::milliseconds timeout) const {
    return eventually([&] { return out().find(text) != std::string::npos || err().find(text) != std::string::npos; },
                      timeout);
  }
  // SIGKILL to fleetsim alone (not its group: what it started must be stopped by fleetsim's own
  // guards), then reaps it.
  void kill_hard() {
    ::kill(pid_, SIGKILL);
    reap(true);
  }
  // Reaps the process if it has exited; true once reaped. `block` waits for it.
  bool reap(bool block) {
    if (reaped_) return true;
    int status = 0;
    const pid_t r = ::waitpid(pid_, &status, block ? 0 : WNOHANG);
    if (r == pid_ || (r < 0 && errno != EINTR)) reaped_ = true;
    return reaped_;
  }

 private:
  std::string prefix_;
  pid_t pid_ = -1;
  bool reaped_ = false;
};

// Lines of a text file that contain `text`.
inline int count_lines_with(const std::string& path, const std::string& text) {
  std::ifstream in(path);
  int n = 0;
  for (std::string line; std::getline(in, line);) n += line.find(text) != std::string::npos;
  return n;
}

}  // namespace fleetsim::testing
