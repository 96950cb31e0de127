// Nothing left behind when fleetsim itself is killed with SIGKILL (no handler of its own runs):
// in the middle of `validate`'s load, of `load` with an exec fault's command running, and of
// `stack up` while it is still starting its tasks. Every process fleetsim started (emulators,
// nginx or HAProxy master and workers, exec commands, the watchdogs) is gone within seconds, and
// every .json file it leaves is complete (written to a temporary file and renamed).
//
// How: the test takes the process tree under fleetsim just before the kill (afterwards the
// orphans belong to init), kills fleetsim alone, and polls /proc until each of them is gone.
#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "stack/stack_support.h"
#include "test_support.h"

namespace fleetsim::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

// How long the watchdog may take: it reads EOF from its pipe at once; 5 s is generous.
constexpr auto kCleanupTimeout = 5s;

std::string describe(const std::vector<ProcessInfo>& processes) {
  std::string out;
  for (const auto& p : processes) out += std::to_string(p.pid) + " [" + p.cmdline + "]\n";
  return out;
}

// Checks that every process of `tree` is gone and nothing mentioning `dir` runs.
void check_nothing_left(const std::vector<ProcessInfo>& tree, const std::string& dir) {
  for (const auto& p : tree) {
    INFO("left behind: " << p.pid << " [" << p.cmdline << "]");
    CHECK(gone_within(p.pid, kCleanupTimeout));
  }
  // Also what started after the snapshot: every emulator, nginx master and HAProxy names `dir`
  // on its command line (scenario path, prefix, configuration).
  CHECK(eventually([&] { return processes_mentioning(dir) == 0; }, kCleanupTimeout));
}

bool contains(const std::vector<ProcessInfo>& tree, const std::string& text) {
  for (const auto& p : tree) {
    if (p.cmdline.find(text) != std::string::npos) return true;
  }
  return false;
}

// True when `tree` holds a process of balancer `program` ("nginx" or "haproxy"): its command
// line starts with the program's path, or, for nginx's renamed processes, with "nginx: ".
bool has_balancer(const std::vector<ProcessInfo>& tree, const std::string& program) {
  for (const auto& p : tree) {
    const std::string first = p.cmdline.substr(0, p.cmdline.find(' '));
    const std::string base = first.substr(first.rfind('/') + 1);
    if (base == program || p.cmdline.rfind(program + ": ", 0) == 0) return true;
  }
  return false;
}

json quick_scenario(int replicas) {
  return {{"name", "kill-test"},
          {"seed", 5},
          {"duration_s", 30},
          {"traffic", {{"rate_rps", 100}, {"clients", 20}, {"routes", {{{"path", "/api/"}, {"service", "api"}}}}}},
          {"balancer", {{"algorithm", "round_robin"}}},
          {"services",
           {{{"name", "api"},
             {"replicas", replicas},
             {"task", {{"workers", 2}}},
             {"service_time_ms", {{"dist", "exponential"}, {"mean_ms", 2}}}}}}};
}

TEST_CASE("SIGKILL to validate in the middle of its load leaves no emulator, balancer or partial file", "[stack][kill]") {
  const std::string lb = GENERATE(as<std::string>{}, "nginx", "haproxy");
  INFO(lb);
  // The scenario inside the run directory, so every emulator's command line names the directory.
  StackDir dir("kill-validate-" + lb, quick_scenario(3));
  const std::string out = dir.path() + "/out";
  BackgroundFleetsim validate("validate " + dir.scenario() + " --lb " + lb + " --out " + out +
                                  " --duration 20 --replications 1 --probe-s 0.5",
                              dir.path() + "/validate");
  // "validate: 20 s of load on http://..." on stderr: the stack is up, the probes and the
  // prediction are done, the load begins.
  REQUIRE(validate.wait_for_output("s of load on", 30s));
  std::this_thread::sleep_for(2s);  // well inside the load: requests in flight, files open
  const auto tree = descendants(validate.pid());
  INFO("before the kill:\n" << describe(tree));
  CHECK(contains(tree, "backend"));
  CHECK(has_balancer(tree, lb));
  validate.kill_hard();
  check_nothing_left(tree, dir.path());
  // Killed before the end: no results (or complete ones); never a part of a file.
  CHECK(partial_json_files(dir.path()).empty());
  CHECK_FALSE(std::filesystem::exists(out + "/validation.json"));
  // The stale state file of the stack is complete, and `stack down` clears it.
  CHECK(run_fleetsim("stack down --dir " + out + "/stack").status == 0);
  CHECK_FALSE(std::filesystem::exists(out + "/stack/stack.json"));
}

TEST_CASE("SIGKILL to load in the middle of a run leaves no exec command and no partial results", "[stack][kill]") {
  json s = quick_scenario(1);
  // A command that would outlive the run by far if nothing killed it.
  s["faults"] = {{{"at_s", 0.2}, {"kind", "exec"}, {"command", "sleep 31"}, {"timeout_s", 60}}};
  StackDir dir("kill-load", s);
  BackgroundFleetsim backend("backend " + dir.scenario() + " --service api", dir.path() + "/backend");
  REQUIRE(backend.wait_for_output("listening 127.0.0.1:", 10s));
  const std::string listening = backend.out();
  const std::string port = listening.substr(listening.rfind(':') + 1, listening.find('\n') - listening.rfind(':') - 1);
  const std::string out = dir.path() + "/out";
  BackgroundFleetsim load("load " + dir.scenario() + " --target http://127.0.0.1:" + port + " --out " + out + " --quiet",
                          dir.path() + "/load");
  // The exec fault's shell (and its sleep) appear at 0.2 s of the load's clock.
  std::vector<ProcessInfo> tree;
  REQUIRE(eventually(
      [&] {
        tree = descendants(load.pid());
        return contains(tree, "sleep 31");
      },
      10s));
  std::this_thread::sleep_for(1s);  // load in progress
  tree = descendants(load.pid());
  INFO("before the kill:\n" << describe(tree));
  load.kill_hard();
  for (const auto& p : tree) {
    INFO("left behind: " << p.pid << " [" << p.cmdline << "]");
    CHECK(gone_within(p.pid, kCleanupTimeout));
  }
  CHECK(eventually([&] { return processes_mentioning("sleep 31") == 0; }, kCleanupTimeout));
  CHECK_FALSE(std::filesystem::exists(out + "/results.json"));
  CHECK(partial_json_files(dir.path()).empty());
  // The target is the test's own process: still serving.
  CHECK(process_state(backend.pid()) != 0);
}

TEST_CASE("SIGKILL to stack up while it is starting its tasks leaves nothing", "[stack][kill]") {
  const std::string lb = GENERATE(as<std::string>{}, "nginx", "haproxy");
  INFO(lb);
  // Eight tasks start one after another (each waits for its emulator's "listening" line),
  // and the balancer only after the last: a window of tens of milliseconds.
  StackDir dir("kill-starting-" + lb, quick_scenario(8));
  BackgroundFleetsim stack("stack up " + dir.scenario() + " --lb " + lb + " --dir " + dir.path() + " --duration 30",
                           dir.path() + "/stack");
  std::vector<ProcessInfo> tree;
  REQUIRE(eventually(
      [&] {
        tree = descendants(stack.pid());
        return contains(tree, " backend ");
      },
      10s));
  stack.kill_hard();
  INFO("before the kill:\n" << describe(tree));
  // Killed while starting: no balancer had been started yet, and no state was written.
  CHECK_FALSE(has_balancer(tree, lb));
  check_nothing_left(tree, dir.path());
  CHECK_FALSE(std::filesystem::exists(dir.path() + "/stack.json"));
  CHECK(partial_json_files(dir.path()).empty());
}

}  // namespace
}  // namespace fleetsim::testing
