// fleetsim stack up SCENARIO --lb nginx|haproxy --dir DIR [--duration S] [--no-faults] [--detach]
//   [--set PATH=VALUE]... [--seed N] [--quiet]
// fleetsim stack down --dir DIR
//
// `up` starts the local stack (loadgen/local_stack.h), prints its endpoint and runs discovery
// and the scenario's faults (from the moment the stack is up) until Ctrl-C, SIGTERM, `stack
// down` or --duration; then stops everything it started. With --detach it runs in the
// background and `up` returns once the stack answers. `down` stops the stack of a run directory.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli/command.h"
#include "cli/common_options.h"
#include "loadgen/balancer_expression.h"
#include "loadgen/chaos_executor.h"
#include "loadgen/local_stack.h"
#include "results/results.h"
#include "scenario/input_error.h"

namespace fleetsim::cli {

namespace {

namespace po = boost::program_options;
using loadgen::LocalStack;

volatile std::sig_atomic_t g_stop_signal = 0;
extern "C" void on_stop_signal(int signal_number) { g_stop_signal = signal_number; }

void install_stop_handlers() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  for (int s : {SIGINT, SIGTERM, SIGHUP}) sigaction(s, &action, nullptr);
}

// True when `pid` is a fleetsim process (stack.json may be stale and its pid reused).
bool is_fleetsim(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline");
  std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return cmdline.find("fleetsim") != std::string::npos && cmdline.find("stack") != std::string::npos;
}

bool alive(pid_t pid) { return pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM); }

int stack_down(const Arguments& args) {
  std::string dir;
  po::options_description d("fleetsim stack down --dir DIR");
  d.add_options()("dir", po::value<std::string>(&dir), "the stack's run directory");
  parse_flags(args, d, "dir");
  if (dir.empty()) throw scenario::InputError("usage", "", "missing --dir DIR");
  const std::string state_path = dir + "/stack.json";
  std::ifstream in(state_path);
  if (!in) {
    std::cout << "no stack is running in " << dir << " (no stack.json)\n";
    return 0;
  }
  nlohmann::json state;
  try {
    in >> state;
  } catch (const nlohmann::json::exception&) {
    throw scenario::InputError(state_path, "", "not a stack state file");
  }
  const pid_t pid = state.value("pid", -1);
  if (alive(pid) && is_fleetsim(pid)) {
    ::kill(pid, SIGTERM);
    for (int i = 0; i < 1500 && alive(pid); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (alive(pid)) ::kill(pid, SIGKILL);  // its watchdog then kills every group it started
  }
  // A supervisor that died hard leaves its groups to the watchdog; make sure of them here too.
  for (const auto& task : state.value("tasks", nlohmann::json::array())) {
    const pid_t group = task.value("pid", -1);
    if (group > 1) killpg(group, SIGKILL);
  }
  const pid_t balancer = state["balancer"].value("pid", -1);
  if (balancer > 1) killpg(balancer, SIGKILL);
  std::error_code ignored;
  std::filesystem::remove(state_path, ignored);
  std::cout << "stack in " << dir << " stopped\n";
  return 0;
}

int stack_up(const Arguments& args) {
  refuse_under_mpirun("stack up");
  ScenarioOptions options;
  std::string lb = "nginx", dir;
  double duration_s = 0;
  bool no_faults = false, detach = false;
  po::options_description d("fleetsim stack up SCENARIO --lb nginx|haproxy --dir DIR");
  add_scenario_options(d, options);
  d.add_options()
      ("lb", po::value<std::string>(&lb), "the balancer: nginx (default) or haproxy")
      ("dir", po::value<std::string>(&dir), "run directory: configurations, logs, stack.json (required)")
      ("duration", po::value<double>(&duration_s), "seconds to run, then stop (default: until stopped)")
      ("no-faults", po::bool_switch(&no_faults), "do not run the scenario's faults")
      ("detach", po::bool_switch(&detach), "run in the background; stop with fleetsim stack down --dir DIR");
  parse_arguments(args, d, false, options);
  if (dir.empty()) throw scenario::InputError("usage", "", "missing --dir DIR");
  if (duration_s < 0 || duration_s > 86400) throw scenario::InputError("--duration", "", "expected [0, 86400] seconds");
  const auto kind = loadgen::parse_balancer_kind(lb);
  const auto overrides = single_overrides(options, "stack up");
  const scenario::Scenario s = load_checked(options.scenario_file, overrides);
  auto expressed = loadgen::express_balancer(s, kind);
  for (const auto& n : expressed.notes) std::cerr << "note: " << n << "\n";
  std::filesystem::create_directories(dir);
  if (std::ifstream(dir + "/stack.json")) {
    throw scenario::InputError("--dir", "", dir + " already has a running stack (stack.json); fleetsim stack down --dir " + dir);
  }

  int ready_pipe[2] = {-1, -1};
  if (detach) {
    // Fork before any thread exists; the child becomes the supervisor in its own session.
    if (pipe(ready_pipe) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
    const pid_t child = fork();
    if (child < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
    if (child > 0) {
      close(ready_pipe[1]);
      std::string message;
      char buffer[256];
      ssize_t n;
      while ((n = read(ready_pipe[0], buffer, sizeof buffer)) > 0) message.append(buffer, static_cast<std::size_t>(n));
      close(ready_pipe[0]);
      if (message.rfind("up ", 0) == 0) {
        std::cout << message.substr(3);
        return 0;
      }
      waitpid(child, nullptr, WNOHANG);
      std::cerr << "fleetsim stack up: the stack did not come up; see " << dir << "/stack.log\n";
      return 1;
    }
    close(ready_pipe[0]);
    setsid();
    const std::string log = dir + "/stack.log";
    if (!std::freopen(log.c_str(), "a", stdout) || !std::freopen(log.c_str(), "a", stderr)) _exit(1);
    std::freopen("/dev/null", "r", stdin);
  }

  install_stop_handlers();
  loadgen::StackOptions so{options.scenario_file, overrides, kind, dir, options.quiet};
  LocalStack stack(expressed.scenario, so);
  stack.start();
  std::string summary = "stack up: " + stack.endpoint() + " (" + lb + ", " + std::to_string(stack.task_labels().size()) +
                        " tasks); run directory " + dir + "\nstop with Ctrl-C or: fleetsim stack down --dir " + dir + "\n";
  std::cout << summary << std::flush;
  if (detach) {
    const std::string message = "up " + summary;
    (void)!write(ready_pipe[1], message.data(), message.size());
    close(ready_pipe[1]);
  }
  loadgen::ChaosExecutor chaos(expressed.scenario, &stack, dir);
  if (!no_faults) chaos.start(LocalStack::Clock::now());
  const auto end = duration_s > 0 ? LocalStack::Clock::now() + std::chrono::duration_cast<LocalStack::Clock::duration>(
                                                                    std::chrono::duration<double>(duration_s))
                                  : LocalStack::Clock::time_point::max();
  while (g_stop_signal == 0 && LocalStack::Clock::now() < end) {
    stack.run_until(std::min(end, LocalStack::Clock::now() + std::chrono::milliseconds(100)));
  }
  stack.stop();
  auto events = stack.events();
  for (const auto& e : chaos.events()) events.push_back(e);
  std::stable_sort(events.begin(), events.end(), [](const auto& a, const auto& b) { return a.t < b.t; });
  for (const auto& e : events) std::cout << "  " << e.t << " s  " << e.kind << "  " << e.detail << "\n";
  std::cout << "stack stopped" << (g_stop_signal ? " (signal " + std::to_string(g_stop_signal) + ")" : std::string()) << "\n";
  return 0;
}

}  // namespace

int stack_command(const Arguments& args) {
  if (args.empty() || (args[0] != "up" && args[0] != "down")) {
    throw scenario::InputError("usage", "", "expected fleetsim stack up SCENARIO --lb nginx|haproxy --dir DIR, or fleetsim stack down --dir DIR");
  }
  const Arguments rest(args.begin() + 1, args.end());
  return args[0] == "up" ? stack_up(rest) : stack_down(rest);
}

}  // namespace fleetsim::cli
