// fleetsim report and the reports written by run and compare, without a browser: files, PNG
// sizes, bad input, and a missing gnuplot.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "test_support.h"

using fleetsim::testing::run_fleetsim;
using fleetsim::testing::run_shell;
namespace fs = std::filesystem;

namespace {
struct Scratch {
  fs::path dir;
  Scratch() {
    static int counter = 0;
    dir = fs::temp_directory_path() / ("fleetsim-report-cli-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  ~Scratch() { fs::remove_all(dir); }
  std::string path(const std::string& name) const { return (dir / name).string(); }
};

// Width and height from a PNG's IHDR chunk (0, 0 if it is not a PNG).
std::pair<unsigned, unsigned> png_size(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  unsigned char b[24] = {};
  in.read(reinterpret_cast<char*>(b), sizeof b);
  if (!in || b[0] != 0x89 || b[1] != 'P' || b[12] != 'I' || b[13] != 'H') return {0, 0};
  auto be = [&](int at) { return (unsigned{b[at]} << 24) | (unsigned{b[at + 1]} << 16) | (unsigned{b[at + 2]} << 8) | b[at + 3]; };
  return {be(16), be(20)};
}
}  // namespace

TEST_CASE("run writes report.html and four 1200x700 PNG charts beside results.json", "[report][cli]") {
  Scratch s;
  const auto r = run_fleetsim("run scenarios/quickstart.json --set duration_s=20 --quiet --out '" + s.path("q") + "'");
  REQUIRE(r.status == 0);
  CHECK(r.err.find("warning") == std::string::npos);
  CHECK(fs::file_size(s.path("q/report.html")) > 50000);  // uPlot alone is 50 kB
  CHECK(fs::exists(s.path("q/scenario.json")));
  for (const char* png : {"latency.png", "throughput.png", "tasks.png", "spectrum.png"}) {
    INFO(png);
    CHECK(png_size(s.path(std::string("q/") + png)) == std::make_pair(1200u, 700u));
    CHECK(fs::file_size(s.path(std::string("q/") + png)) > 5000);
  }
}

TEST_CASE("compare writes a comparison report with PNGs and a page per variant", "[report][cli]") {
  Scratch s;
  const auto r = run_fleetsim("compare scenarios/quickstart.json --set balancer.algorithm=round_robin,least_conn "
                              "--set duration_s=20 --quiet --out '" + s.path("c") + "'");
  REQUIRE(r.status == 0);
  CHECK(fs::exists(s.path("c/report.html")));
  CHECK(fs::exists(s.path("c/balancer.algorithm=round_robin,duration_s=20/report.html")));
  for (const char* png : {"compare-latency.png", "compare-throughput.png", "compare-spectrum.png"}) {
    INFO(png);
    CHECK(png_size(s.path(std::string("c/") + png)) == std::make_pair(1200u, 700u));
  }
  // Re-rendered from the results on disk: the compare directory as a whole.
  const auto again = run_fleetsim("report '" + s.path("c") + "' --out '" + s.path("again") + "' --no-png");
  REQUIRE(again.status == 0);
  CHECK(fs::exists(s.path("again/report.html")));
  CHECK(!fs::exists(s.path("again/compare-latency.png")));
}

TEST_CASE("without gnuplot the HTML is still written and one warning line says how to get PNGs", "[report][cli]") {
  Scratch s;
  const auto r = run_shell("FLEETSIM_GNUPLOT=/nonexistent/gnuplot '" + std::string(FLEETSIM_BINARY) +
                           "' run scenarios/quickstart.json --set duration_s=15 --quiet --out '" + s.path("q") + "'");
  REQUIRE(r.status == 0);
  CHECK(fs::exists(s.path("q/report.html")));
  CHECK(!fs::exists(s.path("q/latency.png")));
  CHECK(r.err.find("warning: PNG charts skipped: /nonexistent/gnuplot not found; install gnuplot") != std::string::npos);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
}

TEST_CASE("report with bad input exits 2 naming the file and the JSON path, and writes nothing", "[report][cli][bad-input]") {
  Scratch s;
  auto r = run_fleetsim("report '" + s.path("missing") + "' --out '" + s.path("out") + "'");
  CHECK(r.status == 2);
  CHECK(r.err.find("missing") != std::string::npos);

  fs::create_directories(s.path("bad"));
  std::ofstream(s.path("bad/results.json")) << R"({"schema": "fleetsim.results/1", "source": "sim", "scenario": {"name": 5}})";
  r = run_fleetsim("report '" + s.path("bad") + "' --out '" + s.path("out") + "'");
  CHECK(r.status == 2);
  CHECK(r.err.find("bad/results.json: scenario.name: expected a string") != std::string::npos);
  CHECK(!fs::exists(s.path("out")));

  r = run_fleetsim("report '" + s.path("bad") + "'");
  CHECK(r.status == 2);
  CHECK(r.err.find("--out") != std::string::npos);
}

TEST_CASE("sweep writes report.html and four 1200x700 PNG charts with error bars beside sweep.json", "[report][cli][sweep]") {
  Scratch s;
  const auto r = run_fleetsim("sweep scenarios/quickstart.json --set duration_s=15 --set warmup_s=2 "
                              "--set services.catalog.replicas=4,6 --set balancer.algorithm=least_conn,p2c "
                              "--replications 2 --jobs 2 --out '" + s.path("sw") + "' --quiet");
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(r.err.find("warning") == std::string::npos);
  CHECK(r.out.find("wrote " + s.path("sw") + "/report.html and 4 PNG charts") != std::string::npos);
  CHECK(fs::file_size(s.path("sw/report.html")) > 50000);
  for (const char* png : {"sweep-availability.png", "sweep-throughput.png", "sweep-latency-p50.png", "sweep-latency-p99.png"}) {
    INFO(png);
    CHECK(png_size(s.path(std::string("sw/") + png)) == std::make_pair(1200u, 700u));
    CHECK(fs::file_size(s.path(std::string("sw/") + png)) > 5000);
  }
  // Re-rendered from sweep.json alone.
  const auto again = run_fleetsim("report '" + s.path("sw") + "' --out '" + s.path("again") + "'");
  INFO(again.err);
  REQUIRE(again.status == 0);
  CHECK(again.out.find("report.html and 4 PNG charts") != std::string::npos);
  CHECK(png_size(s.path("again/sweep-latency-p99.png")) == std::make_pair(1200u, 700u));
}

TEST_CASE("report on a bad sweep.json exits 2 naming the file and the JSON path, and writes nothing", "[report][cli][sweep][bad-input]") {
  Scratch s;
  fs::create_directories(s.path("bad"));
  const std::string file = s.path("bad/sweep.json");
  auto report = [&](const std::string& text) {
    std::ofstream(file, std::ios::trunc) << text;
    return run_fleetsim("report '" + s.path("bad") + "' --out '" + s.path("out") + "'");
  };
  auto r = report("{not json");
  CHECK(r.status == 2);
  CHECK(r.err.find(file + ": not a JSON object") != std::string::npos);

  r = report(R"({"schema": "fleetsim.results/1"})");
  CHECK(r.status == 2);
  CHECK(r.err.find(file + ": schema: expected \"fleetsim.sweep/1\"") != std::string::npos);

  const std::string head = R"({"schema": "fleetsim.sweep/1", "scenario": {"name": "q"}, "confidence_level": 0.95, "points": )";
  r = report(head + R"([{"set": {"a": 1}, "replications": 2, "metrics": {}}]})");
  CHECK(r.status == 2);
  CHECK(r.err.find(file + ": points[0].set.a: expected a string") != std::string::npos);

  r = report(head + R"([{"set": {"a": "1"}, "replications": 2, "metrics": {}}]})");
  CHECK(r.status == 2);
  CHECK(r.err.find(file + ": points[0].metrics.availability: required") != std::string::npos);

  const std::string metric = R"({"unit": "ms", "mean": 1, "half_width": 0.1, "low": 0.9, "high": 1.1})";
  r = report(head + R"([{"set": {"a": "1"}, "replications": 2, "metrics": {"availability": )" + metric +
             R"(, "throughput_rps": )" + metric + R"(, "latency_p50_ms": )" + metric +
             R"(, "latency_p99_ms": {"unit": "ms", "mean": "fast", "half_width": 0, "low": 0, "high": 0}}}]})");
  CHECK(r.status == 2);
  CHECK(r.err.find(file + ": points[0].metrics.latency_p99_ms.mean: expected a number or null") != std::string::npos);
  CHECK(!fs::exists(s.path("out")));
}
