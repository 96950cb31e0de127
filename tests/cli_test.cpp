// End-to-end: the fleetsim binary as a user runs it.
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "test_support.h"

using fleetsim::testing::run_fleetsim;
using fleetsim::testing::run_shell;
namespace fs = std::filesystem;

namespace {
// A fresh scratch directory under /tmp, removed at the end of the test.
struct Scratch {
  fs::path dir;
  Scratch() {
    dir = fs::temp_directory_path() / ("fleetsim-cli-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  ~Scratch() { fs::remove_all(dir); }
  static int& counter() {
    static int n = 0;
    return n;
  }
  std::string file(const std::string& name, const std::string& text) const {
    std::ofstream(dir / name) << text;
    return (dir / name).string();
  }
  std::string path(const std::string& name) const { return (dir / name).string(); }
};

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}
}  // namespace

TEST_CASE("run writes results.json with every key of the results contract and prints a summary", "[cli]") {
  Scratch s;
  const auto r = run_fleetsim("run scenarios/quickstart.json --out " + s.path("q") + " --quiet");
  REQUIRE(r.status == 0);
  CHECK(r.err.empty());
  CHECK_THAT(r.out, Catch::Contains("availability"));
  CHECK_THAT(r.out, Catch::Contains("catalog"));
  CHECK_THAT(r.out, Catch::Contains("latency_p99_ms"));
  const auto j = read_json(s.path("q/results.json"));
  for (const char* key : {"schema", "source", "scenario", "window", "requests", "availability", "throughput_rps",
                          "latency_ms", "services", "timeseries", "events", "slo", "engine"}) {
    CHECK(j.contains(key));
  }
  CHECK(j["schema"] == "fleetsim.results/1");
  CHECK(j["source"] == "sim");
  for (const char* p : {"mean", "p50", "p90", "p95", "p99", "p999", "max"}) CHECK(j["latency_ms"].contains(p));
  for (const char* k : {"sent", "ok", "failed", "retries", "by_outcome"}) CHECK(j["requests"].contains(k));
  std::uint64_t sum = 0;
  for (const auto& [k, v] : j["requests"]["by_outcome"].items()) sum += v.get<std::uint64_t>();
  CHECK(sum == j["requests"]["sent"].get<std::uint64_t>());
  CHECK(j["timeseries"]["t"].size() == 120);
  CHECK(j["timeseries"]["tasks"]["catalog"][0] == 5);
  CHECK(j["services"]["catalog"]["tasks"]["mean"] == 5);
  CHECK(j["engine"]["events"].get<std::uint64_t>() > 0);
  // The rate ramps from 200 to 800 rps: the series shows it.
  CHECK(j["timeseries"]["rps"][10].get<double>() < 300);
  CHECK(j["timeseries"]["rps"][110].get<double>() > 700);
}

TEST_CASE("run with --seed and --set changes exactly what it says", "[cli]") {
  Scratch s;
  const auto r = run_fleetsim("run scenarios/quickstart.json --out " + s.path("q") +
                              " --quiet --seed 11 --set services.catalog.replicas=6 --set balancer.algorithm=p2c");
  REQUIRE(r.status == 0);
  const auto j = read_json(s.path("q/results.json"));
  CHECK(j["scenario"]["seed"] == 11);
  CHECK(j["services"]["catalog"]["tasks"]["mean"] == 6);
  CHECK(j["services"]["catalog"]["per_task_requests"].size() == 6);
}

TEST_CASE("compare runs each variant, prints them side by side and writes each run", "[cli]") {
  Scratch s;
  const auto r = run_fleetsim("compare scenarios/quickstart.json --quiet --set balancer.algorithm=round_robin,least_conn,p2c --out " +
                              s.path("c"));
  REQUIRE(r.status == 0);
  CHECK_THAT(r.out, Catch::Contains("round_robin"));
  CHECK_THAT(r.out, Catch::Contains("least_conn"));
  CHECK_THAT(r.out, Catch::Contains("p2c"));
  CHECK_THAT(r.out, Catch::Contains("latency p99 ms"));
  for (const char* a : {"round_robin", "least_conn", "p2c"}) {
    CHECK(fs::exists(s.path(std::string("c/balancer.algorithm=") + a + "/results.json")));
  }
}

TEST_CASE("bad input exits 2 with file, JSON path and expectation, and writes nothing", "[cli][bad-input]") {
  Scratch s;
  struct Case {
    std::string arguments;
    std::string message;
  };
  const std::string malformed = s.file("malformed.json", "{\n \"name\": \"x\"\n \"duration_s\": 5\n}");
  const std::string bad_key = s.file("key.json", R"({"name": "x", "traffic": {"rate_rps": 5, "routes": [{"service": "a"}]},
    "services": [{"name": "a", "service_time_ms": {"dist": "exponential", "mean_ms": 1}, "wokers": 2}]})");
  const std::vector<Case> cases = {
      {"run " + malformed + " --out OUT", malformed + ": line 3, column"},
      {"run " + bad_key + " --out OUT", bad_key + ": services[0].wokers: unknown key \"wokers\""},
      {"run scenarios/quickstart.json --out OUT --set balancer.algorithm=fastest", "balancer.algorithm: unknown algorithm"},
      {"run scenarios/quickstart.json --out OUT --set traffic.profile.1.rps=-3", "traffic.profile[1].rps: expected a number >= 0"},
      {"run scenarios/quickstart.json --out OUT --set services.catalog.task.workers=0", "services[0].task.workers"},
      {"run scenarios/quickstart.json --out OUT --set balancer.algorithm=p2c,random", "use `fleetsim compare`"},
      {"compare scenarios/quickstart.json --out OUT --set balancer.algorithm=p2c,nope", "unknown algorithm \"nope\""},
      {"run " + s.path("missing.json") + " --out OUT", "cannot open the file"},
      {"run scenarios/quickstart.json", "missing --out"},
      {"run scenarios/quickstart.json --out OUT --frobnicate", "unrecognised option"},
      {"launch scenarios/quickstart.json", "unknown command"},
  };
  for (const auto& c : cases) {
    std::string arguments = c.arguments;
    const auto at = arguments.find("OUT");
    if (at != std::string::npos) arguments.replace(at, 3, s.path("out"));
    const auto r = run_fleetsim(arguments);
    INFO(arguments << "\nstderr: " << r.err);
    CHECK(r.status == 2);
    CHECK_THAT(r.err, Catch::Contains(c.message));
    CHECK_FALSE(fs::exists(s.path("out")));
  }
}

TEST_CASE("check validates without running and names every problem's path", "[cli]") {
  const auto ok = run_fleetsim("check scenarios/quickstart.json");
  CHECK(ok.status == 0);
  CHECK_THAT(ok.out, Catch::Contains("ok"));
  const auto grid = run_fleetsim("check scenarios/quickstart.json --set services.catalog.replicas=2,3,4");
  CHECK(grid.status == 0);
  CHECK_THAT(grid.out, Catch::Contains("all 3 variants are valid"));
  const auto bad = run_fleetsim("check scenarios/quickstart.json --set duration_s=-1");
  CHECK(bad.status == 2);
  CHECK_THAT(bad.err, Catch::Contains("scenarios/quickstart.json: duration_s: expected a number > 0"));
}

TEST_CASE("a long run shows progress on stderr unless --quiet", "[cli]") {
  Scratch s;
  // About three seconds of simulation on this machine; a short run prints nothing.
  const auto loud = run_fleetsim("run scenarios/quickstart.json --set duration_s=12000 --set step_s=60 --out " + s.path("p"));
  REQUIRE(loud.status == 0);
  CHECK_THAT(loud.err, Catch::Contains("% simulated"));
  const auto quiet = run_fleetsim("run scenarios/quickstart.json --quiet --set duration_s=1200 --out " + s.path("q"));
  REQUIRE(quiet.status == 0);
  CHECK(quiet.err.empty());
}

TEST_CASE("load replays a scenario against a real backend process and writes loadgen results", "[cli][loadgen]") {
  Scratch s;
  // A real emulator process on a kernel-chosen loopback port, stopped with SIGTERM at the end.
  const std::string script = s.file("run.sh", R"(set -e
cd ")" + std::string(FLEETSIM_SOURCE_DIR) + R"("
")" + std::string(FLEETSIM_BINARY) + R"(" backend scenarios/quickstart.json --service text-search --task-id t-0 > ")" +
                                                  s.path("backend.out") + R"(" &
pid=$!
for i in $(seq 50); do grep -q listening ")" + s.path("backend.out") + R"(" && break; sleep 0.1; done
port=$(sed -n 's/listening 127.0.0.1:\([0-9]*\)/\1/p' ")" + s.path("backend.out") + R"(")
status=0
")" + std::string(FLEETSIM_BINARY) + R"(" load scenarios/quickstart.json --target http://127.0.0.1:$port --duration 3 \
  --set warmup_s=1 --set traffic.profile.0.rps=50 --set traffic.profile.1.at_s=2 --set traffic.profile.1.ramp_s=0.5 \
  --set traffic.profile.1.rps=80 --quiet --out ")" + s.path("load") + R"(" > ")" + s.path("load.out") + R"(" || status=$?
kill -TERM $pid
wait $pid || true
exit $status
)");
  const auto r = fleetsim::testing::run_shell("bash " + script);
  INFO(read_json(s.path("load/results.json")).dump().substr(0, 400));
  const auto j = read_json(s.path("load/results.json"));
  CHECK(j["source"] == "loadgen");
  CHECK(j["requests"]["sent"].get<int>() > 80);
  CHECK(j["requests"]["ok"] == j["requests"]["sent"]);
  CHECK(j.contains("latency_uncorrected_ms"));
  // text-search's gamma service time has a 12 ms mean: the median is near it.
  CHECK(j["latency_ms"]["p50"].get<double>() > 3);
  CHECK(j["latency_ms"]["p50"].get<double>() < 40);
  CHECK(r.status == 0);
}

TEST_CASE("absurd rates, sizes, durations and connection counts are refused before anything runs", "[cli][bad-input][bounds]") {
  Scratch s;
  struct Case {
    std::string arguments;
    std::string message;
  };
  // A closed port: if a bound were missed, load would run (and fail) instead of exiting 2 at once.
  const std::string load = "load scenarios/validation/steady.json --target http://127.0.0.1:1 --out OUT ";
  const std::vector<Case> cases = {
      {"run scenarios/quickstart.json --out OUT --set traffic.profile.0.rps=1e12", "traffic.profile[0].rps: expected a number >= 0 and <= 10000000.0"},
      {"run scenarios/validation/steady.json --out OUT --set services.api.replicas=1000000000", "services[0].replicas: expected an integer in [1, 100000]"},
      {"run scenarios/validation/steady.json --out OUT --set duration_s=1e7", "duration_s: expected a number > 0 and <= 2592000.0"},
      {load + "--duration 1e7", "--duration: expected a duration in (0, 3600] seconds"},
      {load + "--connections 1000000", "--connections: expected 1..65535"},
      {load + "--max-connections 1000000", "--max-connections: expected 1..65535"},
      {load + "--threads 100000", "--threads: expected 1..256"},
      {load + "--timeout 1e9", "--timeout: expected (0, 3600] seconds"},
      {"validate scenarios/validation/steady.json --lb nginx --out OUT --duration 1e7", "--duration: expected a duration in (warmup_s, 3600] seconds"},
      {"validate scenarios/validation/steady.json --lb nginx --out OUT --replications 1000000", "--replications: expected 1..1000"},
      {"stack up scenarios/validation/steady.json --lb nginx --dir OUT --duration 1e7", "--duration: expected [0, 86400] seconds"},
  };
  for (const auto& c : cases) {
    std::string arguments = c.arguments;
    const auto at = arguments.find("OUT");
    if (at != std::string::npos) arguments.replace(at, 3, s.path("out"));
    const auto started = std::chrono::steady_clock::now();
    const auto r = run_fleetsim(arguments);
    INFO(arguments << "\nstderr: " << r.err);
    CHECK(r.status == 2);
    CHECK_THAT(r.err, Catch::Contains(c.message));
    CHECK_FALSE(fs::exists(s.path("out")));
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));  // refused, not attempted
  }
}

TEST_CASE("validate and stack up refuse to run once per mpirun rank", "[cli][mpi]") {
  // The launcher's environment is enough (no MPI is started): K copies would start K stacks.
  for (const std::string command : {"validate scenarios/validation/steady.json --lb nginx --out /tmp/fleetsim-never",
                                    "stack up scenarios/validation/steady.json --lb nginx --dir /tmp/fleetsim-never"}) {
    const auto r = run_shell("OMPI_COMM_WORLD_SIZE=2 '" + std::string(FLEETSIM_BINARY) + "' " + command);
    INFO(command);
    CHECK(r.status == 2);
    CHECK_THAT(r.err, Catch::Contains("runs one stack on this machine, not one per rank (2 ranks)"));
    CHECK_FALSE(std::filesystem::exists("/tmp/fleetsim-never"));
  }
}
