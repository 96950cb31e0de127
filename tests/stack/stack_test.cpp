// The local stack with real nginx and HAProxy on 127.0.0.1: up and down with no process left,
// discovery after a killed task, the chaos executor, the watchdog, and clear refusals.
#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <cmath>
#include <thread>

#include "loadgen/balancer_process.h"
#include "loadgen/loopback_request.h"
#include "stack/stack_support.h"
#include "test_support.h"

namespace fleetsim::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

json two_task_scenario() {
  return {{"name", "stack-test"},
          {"seed", 3},
          {"duration_s", 30},
          {"traffic", {{"rate_rps", 50}, {"routes", {{{"path", "/api/"}, {"service", "api"}}}}}},
          {"balancer", {{"algorithm", "round_robin"}, {"max_fails", 0}}},
          {"services",
           {{{"name", "api"},
             {"replicas", 2},
             {"task", {{"workers", 2}, {"replace_delay_s", 100}}},
             {"service_time_ms", {{"dist", "constant"}, {"mean_ms", 1}}}}}}};
}

TEST_CASE("stack up and down: the endpoint answers through the balancer, then no process is left", "[stack]") {
  for (const std::string lb : {"nginx", "haproxy"}) {
    INFO(lb);
    StackDir dir("updown-" + lb, two_task_scenario());
    const auto up = run_fleetsim("stack up " + dir.scenario() + " --lb " + lb + " --dir " + dir.path() + " --detach");
    REQUIRE(up.status == 0);
    CHECK_THAT(up.out, Catch::Contains("stack up: http://127.0.0.1:"));
    const json state = dir.state();
    REQUIRE(state["tasks"].size() == 2);
    const auto pids = dir.stack_pids();
    REQUIRE(pids.size() == 4);  // supervisor, watchdog, balancer, and at least one task
    for (int i = 0; i < 10; ++i) CHECK(loadgen::loopback_request(dir.port(), "GET", "/api/x", 2000) == 200);
    CHECK(loadgen::loopback_request(dir.port(), "GET", "/_fleetsim/health", 2000) == 200);

    const std::uint16_t port = dir.port();
    const auto down = run_fleetsim("stack down --dir " + dir.path());
    CHECK(down.status == 0);
    CHECK_FALSE(std::filesystem::exists(dir.path() + "/stack.json"));
    for (pid_t pid : pids) CHECK(gone_within(pid, 3s));
    for (const auto& task : state["tasks"]) CHECK(gone_within(task["pid"].get<pid_t>(), 3s));
    CHECK_FALSE(loadgen::port_accepts(port, 200));
  }
}

TEST_CASE("a killed task leaves nginx's upstreams at the next discovery, not before", "[stack]") {
  json s = two_task_scenario();
  s["discovery"] = {{"mode", "poll"}, {"interval_s", 2}};
  s["faults"] = {{{"at_s", 0.5}, {"kind", "kill_task"}, {"service", "api"}, {"count", 1}}};
  StackDir dir("discovery", s);
  REQUIRE(run_fleetsim("stack up " + dir.scenario() + " --lb nginx --dir " + dir.path() + " --detach").status == 0);
  const auto started = std::chrono::steady_clock::now();
  auto servers = [&] { return count_lines_with(dir.path() + "/nginx.conf", "server 127.0.0.1:"); };
  CHECK(servers() == 2);
  // After the kill (0.5 s), before the listing (2 s): nginx still has it, so some requests fail.
  std::this_thread::sleep_until(started + 1000ms);
  CHECK(dir.state()["tasks"].size() == 1);  // the supervisor saw it exit
  CHECK(servers() == 2);
  int failed = 0;
  for (int i = 0; i < 10; ++i) failed += loadgen::loopback_request(dir.port(), "GET", "/api/x", 2000) != 200;
  CHECK(failed >= 4);  // round robin over one live and one dead server, no passive checks
  // After the listing at 2 s: one server, every request answered.
  std::this_thread::sleep_until(started + 2800ms);
  CHECK(servers() == 1);
  for (int i = 0; i < 10; ++i) CHECK(loadgen::loopback_request(dir.port(), "GET", "/api/x", 2000) == 200);
  CHECK(run_fleetsim("stack down --dir " + dir.path()).status == 0);
}

TEST_CASE("SIGKILL to the stack's supervisor: the watchdog stops every process it started", "[stack]") {
  for (const std::string lb : {"nginx", "haproxy"}) {
    INFO(lb);
    StackDir dir("sigkill-" + lb, two_task_scenario());
    REQUIRE(run_fleetsim("stack up " + dir.scenario() + " --lb " + lb + " --dir " + dir.path() + " --detach").status == 0);
    const json state = dir.state();
    std::vector<pid_t> pids = {state["balancer"]["pid"].get<pid_t>()};
    for (const auto& task : state["tasks"]) pids.push_back(task["pid"].get<pid_t>());
    const auto workers = child_pids(state["balancer"]["pid"].get<pid_t>());  // nginx/HAProxy workers
    CHECK_FALSE(workers.empty());
    REQUIRE(::kill(state["pid"].get<pid_t>(), SIGKILL) == 0);
    for (pid_t pid : pids) CHECK(gone_within(pid, 3s));
    for (pid_t pid : workers) CHECK(gone_within(pid, 3s));
    CHECK(gone_within(state["reaper_pid"].get<pid_t>(), 3s));
    // `down` cleans the stale state file.
    CHECK(run_fleetsim("stack down --dir " + dir.path()).status == 0);
    CHECK_FALSE(std::filesystem::exists(dir.path() + "/stack.json"));
  }
}

TEST_CASE("the chaos executor: errors, hang, scale, deploy and exec act on the real processes at their times", "[stack]") {
  json s = two_task_scenario();
  s["discovery"] = {{"mode", "registry"}};
  s["faults"] = {
      {{"at_s", 0.5}, {"kind", "error_task"}, {"service", "api"}, {"count", 2}, {"error_rate", 1}, {"duration_s", 1}},
      {{"at_s", 0.5}, {"kind", "exec"}, {"command", "echo hello from exec; touch exec-ran"}},
      {{"at_s", 0.6}, {"kind", "exec"}, {"command", "sleep 30"}, {"timeout_s", 0.5}},
      {{"at_s", 2.0}, {"kind", "hang_task"}, {"service", "api"}, {"count", 1}, {"duration_s", 1}},
      {{"at_s", 3.5}, {"kind", "scale"}, {"service", "api"}, {"replicas", 3}},
      {{"at_s", 4.5}, {"kind", "deploy"}, {"service", "api"}, {"version", "v2"}}};
  StackDir dir("chaos", s);
  // Foreground for 6.5 s in a thread of its own: its output lists the events at the end.
  CommandResult result;
  std::thread stack([&] {
    result = run_shell("cd " + dir.path() + " && '" + std::string(FLEETSIM_BINARY) + "' stack up " + dir.scenario() +
                       " --lb nginx --dir " + dir.path() + " --duration 6.5");
  });
  // Time zero of the faults is when the stack is up, which is when stack.json appears.
  REQUIRE(dir.wait_for_state(5s));
  const auto started = std::chrono::steady_clock::now();
  auto at = [&](std::chrono::milliseconds t) { std::this_thread::sleep_until(started + t); };
  const std::uint16_t port = dir.port();
  at(1000ms);  // error_task on both tasks: every request answers 500
  for (int i = 0; i < 4; ++i) CHECK(loadgen::loopback_request(port, "GET", "/api/x", 2000) == 500);
  at(1900ms);  // back to normal
  for (int i = 0; i < 4; ++i) CHECK(loadgen::loopback_request(port, "GET", "/api/x", 2000) == 200);
  at(2500ms);  // one task stopped (SIGSTOP)
  int stopped = 0;
  const json state = dir.state();  // a named copy: a range-for over a temporary's member dangles
  for (const auto& task : state["tasks"]) stopped += process_state(task["pid"].get<pid_t>()) == 'T';
  CHECK(stopped == 1);
  at(4300ms);  // scaled to 3
  CHECK(dir.state()["tasks"].size() == 3);
  stack.join();
  INFO(result.out << result.err);
  CHECK(result.status == 0);
  CHECK_THAT(result.out, Catch::Contains("error_task  api: error rate 1 on api."));
  CHECK_THAT(result.out, Catch::Contains("hang_task  api: SIGSTOP on api."));
  CHECK_THAT(result.out, Catch::Contains("scale  api: desired 3"));
  CHECK_THAT(result.out, Catch::Contains("deploy  api: replacing every task by version v2"));
  CHECK_THAT(result.out, Catch::Contains("task_started  api.3"));  // the first of the new version
  CHECK_THAT(result.out, Catch::Contains("exec  echo hello from exec; touch exec-ran (exit 0"));
  CHECK_THAT(result.out, Catch::Contains("exec  sleep 30 (killed after the 0.5 s timeout"));
  CHECK(std::filesystem::exists(dir.path() + "/exec-ran"));
  CHECK(count_lines_with(dir.path() + "/exec-1.log", "hello from exec") == 1);
  CHECK_FALSE(std::filesystem::exists(dir.path() + "/stack.json"));
}

TEST_CASE("stack refusals: bad balancer, inexpressible scenario, missing nginx; nothing left behind", "[stack]") {
  StackDir dir("refusals", two_task_scenario());
  auto up = [&](const std::string& extra) {
    return run_fleetsim("stack up " + dir.scenario() + " --dir " + dir.path() + " --duration 1 " + extra);
  };
  auto bad_lb = up("--lb apache");
  CHECK(bad_lb.status == 2);
  CHECK_THAT(bad_lb.err, Catch::Contains("--lb: expected nginx or haproxy"));

  auto ewma = up("--lb nginx --set balancer.algorithm=peak_ewma");
  CHECK(ewma.status == 2);
  CHECK_THAT(ewma.err, Catch::Contains("balancer.algorithm: nginx has no \"peak_ewma\""));

  // One process per task: a fleet-sized scenario is refused before any process starts.
  auto huge = up("--lb nginx --set services.0.replicas=300");
  CHECK(huge.status == 2);
  CHECK_THAT(huge.err, Catch::Contains("services: the local stack runs one process per task, at most 256"));
  CHECK(processes_mentioning(dir.path()) == 0);

  auto missing = run_shell("FLEETSIM_NGINX=/nonexistent/nginx '" + std::string(FLEETSIM_BINARY) + "' stack up " +
                           dir.scenario() + " --lb nginx --dir " + dir.path() + " --duration 1");
  CHECK(missing.status == 1);
  CHECK_THAT(missing.err, Catch::Contains("nginx is not installed"));
  CHECK_THAT(missing.err, Catch::Contains("apt-get install nginx"));

  auto busy = run_fleetsim("stack down --dir " + dir.path());
  CHECK(busy.status == 0);
  CHECK_THAT(busy.out, Catch::Contains("no stack is running"));
  CHECK_FALSE(std::filesystem::exists(dir.path() + "/stack.json"));
  CHECK(processes_mentioning(dir.path()) == 0);
}

TEST_CASE("the HAProxy configuration maps algorithms, active checks and retries", "[stack]") {
  json s = two_task_scenario();
  s["balancer"] = {{"algorithm", "p2c"},
                   {"health_check", {{"interval_s", 1}, {"timeout_s", 0.5}, {"healthy_threshold", 2}, {"unhealthy_threshold", 3}}},
                   {"retries", {{"tries", 3}, {"on", {"error", "timeout", "http_503"}}}},
                   {"connect_timeout_s", 2},
                   {"read_timeout_s", 5}};
  StackDir dir("haproxy-config", s);
  REQUIRE(run_fleetsim("stack up " + dir.scenario() + " --lb haproxy --dir " + dir.path() + " --detach").status == 0);
  const std::string cfg = dir.path() + "/haproxy.cfg";
  CHECK(count_lines_with(cfg, "balance random(2)") == 1);
  CHECK(count_lines_with(cfg, "option httpchk GET /health") == 1);
  CHECK(count_lines_with(cfg, "default-server inter 1000ms fall 3 rise 2") == 1);
  CHECK(count_lines_with(cfg, "retries 2") == 1);
  CHECK(count_lines_with(cfg, "retry-on conn-failure empty-response response-timeout 503") == 1);
  CHECK(count_lines_with(cfg, "timeout connect 2000ms") == 1);
  CHECK(count_lines_with(cfg, "server tapi.0 127.0.0.1:") == 1);
  CHECK(count_lines_with(cfg, "server tapi.1 127.0.0.1:") == 1);
  CHECK(count_lines_with(cfg, " check") == 3);  // `timeout check`, and both servers checked
  CHECK(loadgen::loopback_request(dir.port(), "GET", "/api/x", 2000) == 200);
  CHECK(run_fleetsim("stack down --dir " + dir.path()).status == 0);
}

TEST_CASE("fleetsim load against a running stack: exec faults act at their times, answers are counted by task", "[stack]") {
  json s = two_task_scenario();
  s["duration_s"] = 2;
  s["traffic"]["clients"] = 20;
  s["faults"] = {{{"at_s", 0.5}, {"kind", "exec"}, {"command", "touch exec-from-load"}},
                 {{"at_s", 1.0}, {"kind", "kill_task"}, {"service", "api"}}};
  StackDir dir("load-exec", s);
  REQUIRE(run_fleetsim("stack up " + dir.scenario() + " --lb nginx --dir " + dir.path() + " --detach --no-faults").status == 0);
  const auto r = run_shell("cd " + dir.path() + " && '" + std::string(FLEETSIM_BINARY) + "' load " + dir.scenario() +
                           " --target http://127.0.0.1:" + std::to_string(dir.port()) + " --out " + dir.path() + "/load --quiet");
  INFO(r.out << r.err);
  CHECK(r.status == 0);
  CHECK(std::filesystem::exists(dir.path() + "/exec-from-load"));
  CHECK_THAT(r.out, Catch::Contains("exec  touch exec-from-load (exit 0"));
  CHECK_THAT(r.out, Catch::Contains("kill_task  not applied: only exec faults act on a deployed stack"));
  std::ifstream in(dir.path() + "/load/results.json");
  json results;
  in >> results;
  const auto& by_task = results["services"]["api"]["requests_by_task"];
  REQUIRE(by_task.size() == 2);  // both emulators answered, by name
  CHECK(by_task["api.0"].get<int>() + by_task["api.1"].get<int>() == results["requests"]["ok"].get<int>());
  CHECK(std::abs(by_task["api.0"].get<int>() - by_task["api.1"].get<int>()) <= 2);  // round robin
  CHECK(run_fleetsim("stack down --dir " + dir.path()).status == 0);
}

TEST_CASE("nginx ip_hash sees the load generator's clients as distinct source addresses", "[stack]") {
  json s = two_task_scenario();
  s["duration_s"] = 2;
  s["traffic"]["rate_rps"] = 100;
  s["traffic"]["clients"] = 40;
  s["balancer"]["algorithm"] = "ip_hash";
  s["services"][0]["replicas"] = 4;
  StackDir dir("ip-hash", s);
  REQUIRE(run_fleetsim("stack up " + dir.scenario() + " --lb nginx --dir " + dir.path() + " --detach").status == 0);
  CHECK(count_lines_with(dir.path() + "/nginx.conf", "ip_hash;") == 1);
  const auto r = run_fleetsim("load " + dir.scenario() + " --target http://127.0.0.1:" + std::to_string(dir.port()) +
                              " --out " + dir.path() + "/load --quiet");
  INFO(r.out << r.err);
  CHECK(r.status == 0);
  std::ifstream in(dir.path() + "/load/results.json");
  json results;
  in >> results;
  // ip_hash keys on the first three octets of an IPv4 address: 40 clients over 127.x.y.z
  // addresses reach more than one of the 4 tasks (from one address, all would reach one).
  CHECK(results["services"]["api"]["requests_by_task"].size() >= 2);
  CHECK(run_fleetsim("stack down --dir " + dir.path()).status == 0);
}

}  // namespace
}  // namespace fleetsim::testing
