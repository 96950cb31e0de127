#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "models/service_catalog.h"
#include "scenario/parse.h"

using fleetsim::scenario::InputError;
using fleetsim::scenario::Override;
using nlohmann::json;

namespace {

json minimal() {
  return json::parse(R"({
    "name": "t", "duration_s": 10,
    "traffic": {"rate_rps": 100, "routes": [{"path": "/a", "service": "a", "weight": 1}]},
    "services": [{"name": "a", "replicas": 2, "task": {"workers": 2},
                  "service_time_ms": {"dist": "exponential", "mean_ms": 5},
                  "calls": [{"service": "b", "probability": 0.5}]},
                 {"name": "b", "service_time_ms": {"dist": "constant", "mean_ms": 1}}]
  })");
}

// Parses (and runs the model checks); returns the error's text, or "" when valid.
std::string error_of(const std::string& text, const std::vector<Override>& overrides = {}) {
  try {
    const auto s = fleetsim::scenario::parse_scenario_text(text, "bad.json", overrides);
    fleetsim::models::check_model_inputs(s);
    return "";
  } catch (const InputError& e) {
    return e.what();
  }
}
std::string error_of(const json& doc) { return error_of(doc.dump()); }

}  // namespace

TEST_CASE("a valid scenario parses into typed values", "[scenario]") {
  const auto s = fleetsim::scenario::parse_scenario_text(minimal().dump(), "ok.json");
  CHECK(s.name == "t");
  REQUIRE(s.services.size() == 2);
  CHECK(s.services[0].replicas == 2);
  CHECK(s.services[0].task.workers == 2);
  CHECK(s.services[0].calls[0].service == "b");
  CHECK(s.traffic.profile.size() == 1);
  CHECK(s.traffic.profile[0].rps == 100);
  CHECK(s.sha256.size() == 64);
}

TEST_CASE("malformed JSON is reported with its line and column", "[scenario][bad-input]") {
  const std::string e = error_of(std::string("{\n  \"name\": \"x\",\n  \"duration_s\": ,\n}"));
  CHECK_THAT(e, Catch::Contains("bad.json: line 3, column"));
  CHECK_THAT(e, Catch::Contains("malformed JSON"));
}

TEST_CASE("a wrong type names the JSON path and what was expected", "[scenario][bad-input]") {
  json doc = minimal();
  doc["services"][0]["replicas"] = "two";
  CHECK_THAT(error_of(doc), Catch::Contains("bad.json: services[0].replicas: expected an integer in [1, 100000], found a string (\"two\")"));
}

TEST_CASE("zero or negative rates are refused", "[scenario][bad-input]") {
  json doc = minimal();
  doc["traffic"]["rate_rps"] = 0;
  CHECK_THAT(error_of(doc), Catch::Contains("traffic.rate_rps: expected a number > 0"));
  doc["traffic"]["rate_rps"] = -5;
  CHECK_THAT(error_of(doc), Catch::Contains("traffic.rate_rps: expected a number > 0"));
}

TEST_CASE("route weights that sum to zero are refused", "[scenario][bad-input]") {
  json doc = minimal();
  doc["traffic"]["routes"][0]["weight"] = 0;
  CHECK_THAT(error_of(doc), Catch::Contains("traffic.routes: expected route weights with a positive sum"));
}

TEST_CASE("a route to an unknown service lists the services there are", "[scenario][bad-input]") {
  json doc = minimal();
  doc["traffic"]["routes"][0]["service"] = "nope";
  CHECK_THAT(error_of(doc), Catch::Contains("traffic.routes[0].service: unknown service \"nope\"; services are: a, b"));
}

TEST_CASE("a call cycle is an input error that shows the cycle", "[scenario][bad-input]") {
  json doc = minimal();
  doc["services"][1]["calls"] = json::parse(R"([{"service": "a"}])");
  CHECK_THAT(error_of(doc), Catch::Contains("the calls form a cycle: a -> b -> a"));
  json self = minimal();
  self["services"][1]["calls"] = json::parse(R"([{"service": "b"}])");
  CHECK_THAT(error_of(self), Catch::Contains("services[1].calls: the calls form a cycle: b -> b"));
}

TEST_CASE("workers: 0 is refused", "[scenario][bad-input]") {
  json doc = minimal();
  doc["services"][0]["task"]["workers"] = 0;
  CHECK_THAT(error_of(doc), Catch::Contains("services[0].task.workers: expected an integer in [1, 100000], found 0"));
}

TEST_CASE("an unknown balancer algorithm lists the known ones", "[scenario][bad-input]") {
  json doc = minimal();
  doc["balancer"] = {{"algorithm", "fastest"}};
  const std::string e = error_of(doc);
  CHECK_THAT(e, Catch::Contains("balancer.algorithm: unknown algorithm \"fastest\""));
  CHECK_THAT(e, Catch::Contains("least_conn"));
  CHECK_THAT(e, Catch::Contains("peak_ewma"));
}

TEST_CASE("an unknown key suggests the nearest valid key", "[scenario][bad-input]") {
  json doc = minimal();
  doc["services"][0]["replicaz"] = 3;
  CHECK_THAT(error_of(doc), Catch::Contains("services[0].replicaz: unknown key \"replicaz\"; did you mean \"replicas\"?"));
  json top = minimal();
  top["duraton_s"] = 5;
  CHECK_THAT(error_of(top), Catch::Contains("duraton_s: unknown key \"duraton_s\"; did you mean \"duration_s\"?"));
}

TEST_CASE("distributions need their parameters", "[scenario][bad-input]") {
  json doc = minimal();
  doc["services"][0]["service_time_ms"] = {{"dist", "lognormal"}, {"mean_ms", 5}};
  CHECK_THAT(error_of(doc), Catch::Contains("services[0].service_time_ms.cv: required"));
  doc["services"][0]["service_time_ms"] = {{"dist", "weibull"}, {"mean_ms", 5}};
  CHECK_THAT(error_of(doc), Catch::Contains("expected one of exponential, constant, lognormal, gamma, uniform, empirical"));
  doc["services"][0]["service_time_ms"] = json::parse(R"({"dist": "empirical", "quantiles_ms": {"p50": 3, "p100": 9}})");
  CHECK_THAT(error_of(doc), Catch::Contains("p0 (the minimum) and p100"));
  doc["services"][0]["service_time_ms"] = json::parse(R"({"dist": "uniform", "min_ms": 5, "max_ms": 1})");
  CHECK_THAT(error_of(doc), Catch::Contains("max_ms: expected max_ms >= min_ms"));
}

TEST_CASE("profile points must be in time order after each ramp", "[scenario][bad-input]") {
  json doc = minimal();
  doc["traffic"].erase("rate_rps");
  doc["traffic"]["profile"] = json::parse(R"([{"at_s": 0, "rps": 10}, {"at_s": 5, "rps": 50, "ramp_s": 10}, {"at_s": 8, "rps": 1}])");
  CHECK_THAT(error_of(doc), Catch::Contains("traffic.profile[2].at_s: expected points in time order"));
}

TEST_CASE("set overrides reach values by dotted path, array elements by name or index", "[scenario][overrides]") {
  const std::string text = minimal().dump();
  const auto s = fleetsim::scenario::parse_scenario_text(
      text, "x.json",
      {{"services.a.replicas", "5"}, {"balancer.algorithm", "p2c"}, {"traffic.routes.0.weight", "2.5"},
       {"slo.latency_p99_ms", "250"}});
  CHECK(s.services[0].replicas == 5);
  CHECK(s.balancer.algorithm == "p2c");
  CHECK(s.traffic.routes[0].weight == 2.5);
  CHECK(s.slo.latency_p99_ms == 250);
  CHECK_THAT(error_of(text, {{"services.zz.replicas", "5"}}), Catch::Contains("no element \"zz\" in services (has: a, b)"));
  CHECK_THAT(error_of(text, {{"services.a.replica", "5"}}), Catch::Contains("did you mean \"replicas\""));
  CHECK_THAT(error_of(text, {{"name.x", "5"}}), Catch::Contains("cannot descend into name"));
}

TEST_CASE("set lists split on top-level commas only and expand to a grid", "[scenario][overrides]") {
  using fleetsim::scenario::parse_set_argument;
  const auto a = parse_set_argument("balancer.algorithm=round_robin,least_conn,p2c");
  CHECK(a.path == "balancer.algorithm");
  CHECK(a.values == std::vector<std::string>{"round_robin", "least_conn", "p2c"});
  const auto b = parse_set_argument("services.a.weights=[1,2],[3,4]");
  CHECK(b.values == std::vector<std::string>{"[1,2]", "[3,4]"});
  const auto grid = fleetsim::scenario::expand_grid({a, parse_set_argument("seed=1,2")});
  CHECK(grid.size() == 6);
  CHECK(grid[1][0].value == "round_robin");
  CHECK(grid[1][1].value == "2");
  CHECK_THROWS_AS(parse_set_argument("novalue"), InputError);
}

TEST_CASE("set text that is not UTF-8 is an input error, not an internal one (found by the scenario fuzzer)",
          "[scenario][overrides][fuzz]") {
  using fleetsim::scenario::parse_set_argument;
  // Valid UTF-8 of every length passes: 2-byte é, 3-byte €, 4-byte 😀.
  CHECK(parse_set_argument("name=caf\xC3\xA9-\xE2\x82\xAC-\xF0\x9F\x98\x80").values.size() == 1);
  for (const std::string bad : {"name=\x8D", "name=a\xC3", "name=\xC0\xAF", "name=\xED\xA0\x80", "name=\xF4\x90\x80\x80",
                                "na\xFFme=1"}) {
    try {
      parse_set_argument(bad);
      FAIL("accepted " << bad.size() << " bytes that are not UTF-8");
    } catch (const InputError& e) {
      CHECK_THAT(std::string(e.what()), Catch::Contains("expected UTF-8 text"));
    }
  }
  // The fuzzer's own input, kept in fuzz/regressions/: its first --set line is refused the same way.
  std::ifstream in(std::string(FLEETSIM_SOURCE_DIR) + "/fuzz/regressions/scenario-set-invalid-utf8", std::ios::binary);
  REQUIRE(in);
  std::string first_line;
  std::getline(in, first_line);
  REQUIRE(first_line.rfind("--set ", 0) == 0);
  CHECK_THROWS_AS(parse_set_argument(first_line.substr(6)), InputError);
}

TEST_CASE("keys of later models are accepted, reported, and never silently honoured", "[scenario]") {
  json doc = minimal();
  doc["services"][0]["health_check"] = {{"path", "/health"}};
  const auto s = fleetsim::scenario::parse_scenario_text(doc.dump(), "x.json");
  CHECK(s.unmodelled == std::vector<std::string>{"services[0].health_check"});
}

TEST_CASE("platform keys that make no sense are refused with their JSON path", "[scenario][bad-input]") {
  json doc = minimal();
  doc["hosts"] = {{"count", 2}, {"zones", {"a", "b"}}, {"instance_type", "t3.medium"}};
  doc["faults"] = json::parse(R"([{"at_s": 5, "kind": "kill_task", "service": "nope"}])");
  CHECK_THAT(error_of(doc), Catch::Contains("faults[0].service: unknown service \"nope\"; services are: a, b"));
  doc["faults"] = json::parse(R"([{"at_s": 5, "kind": "kill_host", "host": 7}])");
  CHECK_THAT(error_of(doc), Catch::Contains("faults[0].host: unknown host 7; hosts are 0 .. 1"));
  doc["faults"] = json::parse(R"([{"at_s": 5, "kind": "zone_outage", "zone": "z"}])");
  CHECK_THAT(error_of(doc), Catch::Contains("faults[0].zone: unknown zone \"z\"; hosts.zones are: a, b"));
  doc["faults"] = json::parse(R"([{"at_s": 5, "kind": "deploy"}])");
  CHECK_THAT(error_of(doc), Catch::Contains("faults[0].service: required for deploy"));
  doc["faults"] = json::parse(R"([{"at_s": 5, "kind": "hang_task", "service": "a", "duration_s": -3}])");
  CHECK_THAT(error_of(doc), Catch::Contains("faults[0].duration_s: expected a number >= 0"));
  doc["faults"] = json::parse(R"([{"at_s": 50, "kind": "kill_task", "service": "a"}])");
  CHECK_THAT(error_of(doc), Catch::Contains("faults[0].at_s: expected a time before the end of the run"));
  doc["faults"] = json::parse(R"([{"at_s": 5, "kind": "meteor"}])");
  CHECK_THAT(error_of(doc), Catch::Contains("faults[0].kind: expected one of kill_task"));
  doc.erase("faults");
  doc["services"][0]["autoscaling"] = {{"target", 0.7}, {"min", 5}, {"max", 3}};
  CHECK_THAT(error_of(doc), Catch::Contains("services[0].autoscaling.min: expected min <= max"));
  doc["services"][0].erase("autoscaling");
  doc["cost"] = {{"prices", "aws-us-east-1"}};
  doc["hosts"]["instance_type"] = "t9.enormous";
  const std::string e = error_of(doc);
  CHECK_THAT(e, Catch::Contains("hosts.instance_type"));
  CHECK_THAT(e, Catch::Contains("t9.enormous"));
  CHECK_THAT(e, Catch::Contains("t3.medium"));
  doc["hosts"]["instance_type"] = "t3.medium";
  doc["cost"]["prices"] = "mars-north-1";
  CHECK_THAT(error_of(doc), Catch::Contains("cost.prices"));
  doc.erase("cost");
  doc["services"][0]["deployment"] = {{"strategy", "rolling"}, {"shift", "canary"}};
  CHECK_THAT(error_of(doc), Catch::Contains("services[0].deployment.shift: \"shift\" belongs to strategy \"blue_green\""));
  doc["services"][0]["deployment"] = {{"strategy", "rolling"}, {"min_healthy_percent", 100}, {"max_percent", 100}};
  CHECK_THAT(error_of(doc), Catch::Contains("services[0].deployment.max_percent"));
  doc["services"][0].erase("deployment");
  doc["services"][0]["algorithm"] = "fastest";
  CHECK_THAT(error_of(doc), Catch::Contains("services[0].algorithm: unknown algorithm \"fastest\""));
  doc["services"][0].erase("algorithm");
  doc["balancer"] = {{"retries", {{"tries", 2}, {"on", {"error", "sometimes"}}}}};
  CHECK_THAT(error_of(doc), Catch::Contains("balancer.retries.on"));
}

TEST_CASE("a number beyond a double is an input error, not an internal one (found by the scenario fuzzer)", "[scenario][fuzz]") {
  const std::string e = error_of(std::string(R"({"name": "x", "duration_s": 1e400})"));
  CHECK_THAT(e, Catch::Contains("bad.json: malformed JSON: number overflow parsing '1e400'"));
  // The fuzzer's own input, kept in fuzz/regressions/: refused the same way, never a crash.
  std::ifstream in(std::string(FLEETSIM_SOURCE_DIR) + "/fuzz/regressions/scenario-number-overflow", std::ios::binary);
  REQUIRE(in);
  std::string input((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto newline = input.find('\n');
  CHECK_THAT(error_of(input.substr(newline + 1)), Catch::Contains("malformed JSON"));
}

TEST_CASE("absurd sizes are refused up front, naming the JSON path and the bound", "[scenario][bad-input][bounds]") {
  json doc = minimal();
  doc["traffic"]["rate_rps"] = 1e12;
  CHECK_THAT(error_of(doc), Catch::Contains("traffic.rate_rps: expected a number > 0 and <= 10000000.0, found 1000000000000.0"));
  doc = minimal();
  doc["services"][0]["replicas"] = 1'000'000'000;
  CHECK_THAT(error_of(doc), Catch::Contains("services[0].replicas: expected an integer in [1, 100000], found 1000000000"));
  doc = minimal();
  doc["duration_s"] = 1e7;
  CHECK_THAT(error_of(doc), Catch::Contains("duration_s: expected a number > 0 and <= 2592000.0, found 10000000.0"));
  doc = minimal();
  doc["traffic"].erase("rate_rps");
  doc["traffic"]["profile"] = json::array();
  for (int i = 0; i <= 100'000; ++i) doc["traffic"]["profile"].push_back({{"at_s", i * 1e-4}, {"rps", 10}});
  CHECK_THAT(error_of(doc), Catch::Contains("traffic.profile: expected at most 100000 points"));
  doc["traffic"]["profile"].erase(doc["traffic"]["profile"].size() - 1);  // 100,000 points: allowed
  CHECK(error_of(doc).empty());
}

TEST_CASE("the whole fleet is bounded: tasks over services and regions, hosts over regions", "[scenario][bad-input][bounds]") {
  // Each service within its own bound (100,000 replicas), ten of them too many together.
  json doc = minimal();
  doc["services"] = json::array();
  for (int i = 0; i < 11; ++i) {
    doc["services"].push_back({{"name", "s" + std::to_string(i)}, {"replicas", 100'000},
                               {"service_time_ms", {{"dist", "constant"}, {"mean_ms", 1}}}});
  }
  doc["traffic"]["routes"] = {{{"service", "s0"}}};
  CHECK_THAT(error_of(doc), Catch::Contains("bad.json: services: expected at most 1000000 tasks in the whole fleet"));
  CHECK_THAT(error_of(doc), Catch::Contains("found 1100000"));
  doc["services"].erase(10);
  CHECK(error_of(doc).empty());  // 1,000,000 exactly
  // A service counts at its largest: autoscaling max, a scale fault.
  doc["services"][0]["replicas"] = 1;
  doc["services"][0]["autoscaling"] = {{"target", 0.7}, {"min", 1}, {"max", 100'000}};
  CHECK(error_of(doc).empty());
  doc["services"][1]["replicas"] = 1;
  doc["faults"] = {{{"at_s", 1}, {"kind", "scale"}, {"service", "s1"}, {"replicas", 100'000}}};
  CHECK(error_of(doc).empty());
  doc["services"].push_back({{"name", "extra"}, {"replicas", 1}, {"service_time_ms", {{"dist", "constant"}, {"mean_ms", 1}}}});
  CHECK_THAT(error_of(doc), Catch::Contains("found 1000001"));
  // Every region runs a full copy of the fleet and of the hosts.
  doc = minimal();
  doc["services"][0]["replicas"] = 100'000;
  doc["regions"] = json::array();
  for (int i = 0; i < 11; ++i) doc["regions"].push_back({{"name", "r" + std::to_string(i)}, {"role", i == 0 ? "primary" : "standby"}});
  CHECK_THAT(error_of(doc), Catch::Contains("services: expected at most 1000000 tasks in the whole fleet"));
  CHECK_THAT(error_of(doc), Catch::Contains("times 11 regions); found 1100011"));
  doc["services"][0]["replicas"] = 1;
  doc["hosts"] = {{"count", 100'000}};
  CHECK_THAT(error_of(doc), Catch::Contains("hosts.count: expected at most 1000000 hosts in the whole fleet times 11 regions; found 1100000"));
}

TEST_CASE("a scenario file over 16 MiB is refused before it is parsed", "[scenario][bad-input][bounds]") {
  const std::string path = "/tmp/fleetsim-scenario-test-" + std::to_string(::getpid()) + "-huge.json";
  {
    // A valid start and 17 MiB of spaces: refused by size, not by the JSON.
    std::ofstream out(path, std::ios::binary);
    out << R"({"name": "huge")" << std::string(17u * 1024 * 1024, ' ') << "}";
  }
  std::string error;
  try {
    fleetsim::scenario::load_scenario(path);
  } catch (const InputError& e) {
    error = e.what();
  }
  std::remove(path.c_str());
  CHECK_THAT(error, Catch::Contains(path + ": the file is larger than 16 MiB"));
}
