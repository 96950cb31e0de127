// Helpers of the real-stack tests: a run directory with a scenario in it, the stack's state,
// and what /proc says about processes.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
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

// Lines of a text file that contain `text`.
inline int count_lines_with(const std::string& path, const std::string& text) {
  std::ifstream in(path);
  int n = 0;
  for (std::string line; std::getline(in, line);) n += line.find(text) != std::string::npos;
  return n;
}

}  // namespace fleetsim::testing
