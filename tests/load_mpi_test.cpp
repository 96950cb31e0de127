// `fleetsim load` under `mpirun -n 2 --oversubscribe` on loopback, against a real `fleetsim backend`
// process: the ranks together send exactly the one-process plan, rank 0 alone reports, and the
// closed model splits its connections. Skipped (with a warning) when mpirun is missing or
// fleetsim was built without MPI.
#include <catch2/catch.hpp>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "loadgen/child_process.h"
#include "loadgen/send_plan.h"
#include "scenario/parse.h"
#include "sim/time.h"
#include "test_support.h"

namespace fs = std::filesystem;
using nlohmann::json;
using fleetsim::testing::run_fleetsim;

namespace {

// A few hundred requests a second for 4 s from 1000 clients over two routes to one service
// that answers in 1 ms with 32 workers: light enough for two cores shared by the ranks and the
// backend, so every request succeeds and the SLO (loose) passes.
const json kScenario = {
    {"name", "load-mpi"},
    {"seed", 11},
    {"duration_s", 4},
    {"warmup_s", 1},
    {"traffic",
     {{"arrivals", "poisson"},
      {"rate_rps", 300},
      {"clients", 1000},
      {"routes",
       {{{"path", "/a/"}, {"service", "api"}, {"weight", 0.7}}, {{"path", "/b/"}, {"service", "api"}, {"weight", 0.3}}}}}},
    {"services",
     {{{"name", "api"},
       {"replicas", 1},
       {"task", {{"workers", 32}}},
       {"service_time_ms", {{"dist", "constant"}, {"mean_ms", 1}}}}}},
    {"slo", {{"latency_p99_ms", 5000}, {"availability", 0.99}}}};

// A scratch directory with the scenario in it, and a backend serving it on a kernel-chosen port.
class Fixture {
 public:
  Fixture() : dir_(fs::temp_directory_path() / ("fleetsim-load-mpi-" + std::to_string(::getpid()))) {
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::ofstream(scenario()) << kScenario.dump(2);
    fleetsim::loadgen::SpawnOptions spawn;
    spawn.argv = {FLEETSIM_BINARY, "backend", scenario(), "--service", "api", "--task-id", "t-0"};
    spawn.pipe_stdout = true;
    backend_ = std::make_unique<fleetsim::loadgen::ChildProcess>(spawn);
    const auto line = backend_->read_line(std::chrono::seconds(10));
    const std::string prefix = "listening 127.0.0.1:";
    if (line && line->rfind(prefix, 0) == 0) target_ = "http://127.0.0.1:" + line->substr(prefix.size());
  }
  ~Fixture() {
    backend_.reset();  // SIGTERM, then SIGKILL after the grace
    fs::remove_all(dir_);
  }
  std::string scenario() const { return (dir_ / "scenario.json").string(); }
  std::string out(const std::string& name) const { return (dir_ / name).string(); }
  const std::string& target() const { return target_; }  // "" when the backend did not start

 private:
  fs::path dir_;
  std::unique_ptr<fleetsim::loadgen::ChildProcess> backend_;
  std::string target_;
};

// Why this machine cannot run the test, or "" when it can.
std::string cannot_run_mpi() {
  if (!FLEETSIM_WITH_MPI) return "fleetsim was built without MPI (FLEETSIM_WITH_MPI=OFF)";
  if (!fleetsim::loadgen::find_program("mpirun")) return "mpirun is not installed";
  return "";
}

// `fleetsim ARGS` under mpirun -n 2 (test_support: loopback and shared memory only).
fleetsim::testing::CommandResult mpirun_fleetsim(const std::string& args) {
  return fleetsim::testing::run_fleetsim_mpi(2, args);
}

json read_json(const std::string& path) {
  std::ifstream in(path);
  return json::parse(in);
}

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

std::uint64_t task_total(const json& results) {
  std::uint64_t n = 0;
  for (const auto& [service, s] : results["services"].items()) {
    if (!s.contains("requests_by_task")) continue;
    for (const auto& [task, count] : s["requests_by_task"].items()) n += count.get<std::uint64_t>();
  }
  return n;
}

}  // namespace

TEST_CASE("a load under mpirun -n 2 sends exactly the one-process plan and rank 0 alone reports it",
          "[loadgen][mpi]") {
  if (const auto why = cannot_run_mpi(); !why.empty()) {
    WARN("SKIPPED: " << why);  // ctest shows the case as skipped (SKIP_REGULAR_EXPRESSION)
    return;
  }
  Fixture f;
  REQUIRE(!f.target().empty());
  const std::string args = "load '" + f.scenario() + "' --target " + f.target() + " --out ";
  const auto alone = run_fleetsim(args + "'" + f.out("alone") + "' --quiet");
  INFO(alone.out << alone.err);
  REQUIRE(alone.status == 0);
  const auto ranks = mpirun_fleetsim(args + "'" + f.out("ranks") + "'");  // with the progress lines
  INFO(ranks.out << ranks.err);
  REQUIRE(ranks.status == 0);

  // Rank 0 alone prints the summary and its progress line; rank 1 prints nothing.
  CHECK(count_of(ranks.out, "load from 2 MPI ranks") == 1);
  CHECK(count_of(ranks.out, "wrote ") == 1);
  CHECK_THAT(ranks.err, Catch::Contains("(rank 0 of 2: its share)"));
  CHECK_THAT(ranks.err, !Catch::Contains("rank 1"));

  const json a = read_json(f.out("alone/results.json")), m = read_json(f.out("ranks/results.json"));
  CHECK(m["source"] == "loadgen");
  // The plan's sends in the window, drawn here from the same scenario and seed.
  const auto s = fleetsim::scenario::load_scenario(f.scenario(), {});
  std::uint64_t planned = 0;
  for (const auto& p : fleetsim::loadgen::whole_send_plan(s, 4)) planned += p.at_ns >= fleetsim::sim::from_seconds(1);
  CHECK(planned > 600);
  CHECK(m["requests"]["sent"].get<std::uint64_t>() == planned);
  CHECK(a["requests"]["sent"].get<std::uint64_t>() == planned);
  // Sends per step are counted by intended time: the same series, exactly.
  CHECK(m["timeseries"]["rps"] == a["timeseries"]["rps"]);
  std::uint64_t outcomes = 0;
  for (const auto& [name, n] : m["requests"]["by_outcome"].items()) outcomes += n.get<std::uint64_t>();
  CHECK(outcomes == planned);
  CHECK(m["requests"]["ok"] == m["requests"]["sent"]);
  // Every ok answer names its task; the merged counts add up like the one process's.
  CHECK(task_total(m) == m["requests"]["ok"].get<std::uint64_t>());
  CHECK(task_total(a) == a["requests"]["ok"].get<std::uint64_t>());
  CHECK(m["services"]["api"]["requests_by_task"]["t-0"] == m["requests"]["ok"]);
  CHECK(m["slo"]["pass"] == true);
}

TEST_CASE("a closed-model load under mpirun -n 2 splits its connections over the ranks", "[loadgen][mpi]") {
  if (const auto why = cannot_run_mpi(); !why.empty()) {
    WARN("SKIPPED: " << why);  // ctest shows the case as skipped (SKIP_REGULAR_EXPRESSION)
    return;
  }
  Fixture f;
  REQUIRE(!f.target().empty());
  const std::string args = "load '" + f.scenario() + "' --target " + f.target() + " --duration 3 --quiet --out ";
  const auto two = mpirun_fleetsim(args + "'" + f.out("two") + "' --connections 2");
  INFO(two.out << two.err);
  REQUIRE(two.status == 0);
  const json r = read_json(f.out("two/results.json"));
  CHECK(r["source"] == "loadgen");
  CHECK(r["requests"]["sent"].get<std::uint64_t>() > 100);
  CHECK(r["requests"]["ok"] == r["requests"]["sent"]);
  CHECK(task_total(r) == r["requests"]["ok"].get<std::uint64_t>());

  // One connection cannot be split over two ranks: bad input, said once, exit 2 from mpirun.
  const auto one = mpirun_fleetsim(args + "'" + f.out("one") + "' --connections 1");
  INFO(one.out << one.err);
  CHECK(one.status == 2);
  CHECK(count_of(one.err, "the closed model needs at least 2 connections") == 1);
  CHECK_FALSE(fs::exists(f.out("one/results.json")));
}
