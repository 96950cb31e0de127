// Reports as a person sees them: each kind of report.html opened in headless Chromium (Debian's
// chromium, installed by scripts/install-deps.sh).
//
// How: the page, opened with #selftest, checks that every chart container holds a canvas with
// coloured pixels or a non-empty svg, and collects script errors, console.error calls, alerts
// and blocked fetches; it writes its verdict into document.title. Chromium's --dump-dom prints
// the DOM after the page ran; its stderr (--enable-logging=stderr) carries every console
// message as a CONSOLE line, so any console output at all fails the test too. A screenshot
// (--screenshot) is decoded by a small PNG reader in python3 (standard library only) to check
// the page is not blank. Chromium runs in its own process group and is killed at a time limit.
#include <catch2/catch.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "test_support.h"

using fleetsim::testing::run_fleetsim;
namespace fs = std::filesystem;

namespace {

constexpr const char* kChromium = "/usr/bin/chromium";
constexpr int kBrowserTimeoutS = 60;

struct Scratch {
  fs::path dir;
  Scratch() {
    static int counter = 0;
    dir = fs::temp_directory_path() / ("fleetsim-browser-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  ~Scratch() { fs::remove_all(dir); }
  std::string path(const std::string& name) const { return (dir / name).string(); }
};

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Browser {
  bool timed_out = false;
  int status = -1;
  std::string out, err;
};

// Runs chromium with `args` in its own process group; kills the group after the time limit.
Browser run_chromium(const std::vector<std::string>& args, const Scratch& scratch) {
  if (::access(kChromium, X_OK) != 0) {
    FAIL(kChromium << " is missing: run scripts/install-deps.sh (it installs Debian's chromium)");
  }
  static int run = 0;
  const std::string base = scratch.path("chromium-" + std::to_string(run++));
  std::vector<std::string> argv = {kChromium,
                                   "--headless=new",
                                   "--no-sandbox",
                                   "--disable-gpu",
                                   "--no-first-run",
                                   "--no-default-browser-check",
                                   "--disable-extensions",
                                   "--disable-dev-shm-usage",
                                   "--disable-background-networking",
                                   "--disable-breakpad",
                                   "--disable-crash-reporter",
                                   "--hide-scrollbars",
                                   "--enable-logging=stderr",
                                   "--v=0",
                                   "--user-data-dir=" + base + "-profile"};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> raw;
  for (auto& a : argv) raw.push_back(a.data());
  raw.push_back(nullptr);
  // Opened before fork, so the child only dup2()s and execs; stdio flushed so the child does not
  // repeat our buffered output.
  const int out = ::open((base + ".out").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  const int err = ::open((base + ".err").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  REQUIRE(out >= 0);
  REQUIRE(err >= 0);
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::setpgid(0, 0);
    ::dup2(out, STDOUT_FILENO);
    ::dup2(err, STDERR_FILENO);
    ::execv(raw[0], raw.data());
    ::_exit(127);
  }
  ::close(out);
  ::close(err);
  ::setpgid(pid, pid);
  Browser b;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(kBrowserTimeoutS);
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      b.timed_out = true;
      ::kill(-pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(-pid, SIGKILL);  // any helper process chromium left in its group
  b.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  b.out = slurp(base + ".out");
  b.err = slurp(base + ".err");
  return b;
}

std::string file_url(const std::string& path) { return "file://" + fs::absolute(path).string(); }

// Console messages the page produced (chromium logs each as "...:CONSOLE:N] "text", source: ...").
std::vector<std::string> console_lines(const std::string& err) {
  std::vector<std::string> lines;
  std::istringstream in(err);
  std::string line;
  while (std::getline(in, line)) {
    if (line.find(":CONSOLE") != std::string::npos) lines.push_back(line);
  }
  return lines;
}

// Opens `html` with #selftest; requires a clean verdict and no console output. Returns the DOM.
std::string open_and_selftest(const std::string& html, const Scratch& scratch) {
  REQUIRE(fs::exists(html));
  const Browser b = run_chromium({"--virtual-time-budget=5000", "--dump-dom", file_url(html) + "#selftest"}, scratch);
  REQUIRE_FALSE(b.timed_out);
  REQUIRE(b.status == 0);
  const auto console = console_lines(b.err);
  for (const auto& line : console) UNSCOPED_INFO("console: " << line);
  CHECK(console.empty());
  const auto title = b.out.find("<title>");
  REQUIRE(title != std::string::npos);
  const std::string verdict = b.out.substr(title + 7, b.out.find("</title>", title) - title - 7);
  INFO("verdict: " << verdict);
  CHECK(verdict.rfind("SELFTEST PASS: ", 0) == 0);
  return b.out;
}

// python3 with the standard library only: decodes the PNG (zlib + the five row filters) and
// prints "WIDTH HEIGHT DISTINCT_COLOURS NON_WHITE_SHARE".
constexpr const char* kPngStats = R"PY(
import struct, sys, zlib
data = open(sys.argv[1], 'rb').read()
assert data[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
pos, idat = 8, b''
while pos < len(data):
    n, kind = struct.unpack('>I4s', data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    pos += 12 + n
    if kind == b'IHDR':
        w, h, depth, ctype = struct.unpack('>IIBB', body[:10])
    elif kind == b'IDAT':
        idat += body
assert depth == 8 and ctype in (2, 6), 'unexpected PNG format'
bpp = 3 if ctype == 2 else 4
raw, stride = zlib.decompress(idat), w * bpp
prev, colours, ink, i = bytearray(stride), set(), 0, 0
for y in range(h):
    f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
    i += 1 + stride
    if f == 1:
        for x in range(bpp, stride): line[x] = (line[x] + line[x - bpp]) & 255
    elif f == 2:
        line = bytearray((a + b) & 255 for a, b in zip(line, prev))
    elif f == 3:
        for x in range(stride): line[x] = (line[x] + ((line[x - bpp] if x >= bpp else 0) + prev[x]) // 2) & 255
    elif f == 4:
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b, c = prev[x], (prev[x - bpp] if x >= bpp else 0)
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    for x in range(0, stride, bpp * 2):  # every other pixel is plenty for a blank check
        px = bytes(line[x:x + 3])
        colours.add(px)
        if px != b'\xff\xff\xff': ink += 1
    prev = line
print(w, h, len(colours), ink / (h * ((w + 1) // 2)))
)PY";

struct ScreenStats {
  int width = 0, height = 0, colours = 0;
  double ink = 0;
};

ScreenStats screenshot(const std::string& html, const Scratch& scratch) {
  const std::string png = scratch.path("shot-" + std::to_string(std::rand()) + ".png");
  const Browser b = run_chromium({"--virtual-time-budget=5000", "--window-size=1200,900", "--screenshot=" + png,
                                  file_url(html)},
                                 scratch);
  REQUIRE_FALSE(b.timed_out);
  REQUIRE(fs::exists(png));
  std::ofstream(scratch.path("png_stats.py")) << kPngStats;
  const std::string python = ::access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
  const auto r = fleetsim::testing::run_shell("timeout 60 " + python + " '" + scratch.path("png_stats.py") + "' '" + png + "'");
  INFO(r.err);
  REQUIRE(r.status == 0);
  ScreenStats s;
  std::istringstream(r.out) >> s.width >> s.height >> s.colours >> s.ink;
  return s;
}

void require_not_blank(const std::string& html, const Scratch& scratch) {
  const ScreenStats s = screenshot(html, scratch);
  INFO("screenshot " << s.width << "x" << s.height << ", " << s.colours << " colours, " << s.ink * 100 << " % not white");
  CHECK(s.width == 1200);
  CHECK(s.colours >= 16);
  CHECK(s.ink > 0.02);
}

nlohmann::json read_json(const std::string& path) { return nlohmann::json::parse(slurp(path)); }
void write_json(const std::string& path, const nlohmann::json& j) { std::ofstream(path) << j.dump(2); }

}  // namespace

TEST_CASE("the screenshot check tells a blank page from a drawn one", "[report][browser]") {
  Scratch s;
  std::ofstream(s.path("blank.html")) << "<!DOCTYPE html><html><body style='background:#fff'></body></html>";
  const ScreenStats blank = screenshot(s.path("blank.html"), s);
  CHECK(blank.width == 1200);
  CHECK(blank.colours < 16);
  CHECK(blank.ink < 0.02);
}

TEST_CASE("the selftest fails a page whose chart drew nothing or that logs an error", "[report][browser]") {
  Scratch s;
  // A run page whose data has no latency at all is still drawn; break it on purpose instead:
  // take a real report and make its data invalid for the charts.
  REQUIRE(run_fleetsim("run scenarios/quickstart.json --set duration_s=12 --quiet --out '" + s.path("q") + "'").status == 0);
  std::string html = slurp(s.path("q/report.html"));
  const std::string marker = "var data = JSON.parse(";
  const auto at = html.find(marker);
  REQUIRE(at != std::string::npos);
  html.insert(at, "console.error('deliberate'); ");
  std::ofstream(s.path("broken.html")) << html;
  const Browser b = run_chromium({"--virtual-time-budget=5000", "--dump-dom", file_url(s.path("broken.html")) + "#selftest"}, s);
  REQUIRE_FALSE(b.timed_out);
  CHECK(b.out.find("<title>SELFTEST FAIL: console.error: deliberate") != std::string::npos);
  CHECK_FALSE(console_lines(b.err).empty());
}

TEST_CASE("a run report from the quickstart draws every chart in Chromium with no console error", "[report][browser]") {
  Scratch s;
  const auto r = run_fleetsim("run scenarios/quickstart.json --set duration_s=30 --quiet --out '" + s.path("q") + "'");
  REQUIRE(r.status == 0);
  const std::string dom = open_and_selftest(s.path("q/report.html"), s);
  for (const char* section : {"Summary", "Over time", "Latency distribution", "Services", "Outcomes", "Cost",
                              "Service call graph", "Events", "Scenario"}) {
    CHECK(dom.find(std::string("<h2>") + section + "</h2>") != std::string::npos);
  }
  CHECK(dom.find("SELFTEST PASS: 6 charts") != std::string::npos);  // latency, throughput, errors by outcome, tasks, spectrum, call graph
  require_not_blank(s.path("q/report.html"), s);
}

TEST_CASE("a comparison report overlays runs and shows deltas in Chromium", "[report][browser]") {
  Scratch s;
  const auto r = run_fleetsim("compare scenarios/quickstart.json --set balancer.algorithm=round_robin,least_conn,random "
                              "--set duration_s=30 --quiet --out '" + s.path("c") + "'");
  REQUIRE(r.status == 0);
  const std::string dom = open_and_selftest(s.path("c/report.html"), s);
  CHECK(dom.find("Δ vs round_robin,30") != std::string::npos);
  require_not_blank(s.path("c/report.html"), s);
  // fleetsim report with two directories: the same view, re-rendered from disk.
  const auto again = run_fleetsim("report '" + s.path("c/balancer.algorithm=round_robin,duration_s=30") + "' '" +
                                  s.path("c/balancer.algorithm=random,duration_s=30") + "' --no-png --out '" + s.path("again") + "'");
  REQUIRE(again.status == 0);
  open_and_selftest(s.path("again/report.html"), s);
  // Each variant's own page works too.
  open_and_selftest(s.path("c/balancer.algorithm=least_conn,duration_s=30/report.html"), s);
}

TEST_CASE("a validation report shows predicted vs measured with deltas and the verdict in Chromium", "[report][browser]") {
  Scratch s;
  REQUIRE(run_fleetsim("run scenarios/quickstart.json --set duration_s=30 --quiet --out '" + s.path("v/predicted") + "'").status == 0);
  REQUIRE(run_fleetsim("run scenarios/quickstart.json --set duration_s=30 --seed 11 --set services.catalog.replicas=4 --quiet --out '" +
                       s.path("measured") + "'").status == 0);
  fs::copy_file(s.path("measured/results.json"), s.path("v/results.json"));
  fs::copy_file(s.path("measured/scenario.json"), s.path("v/scenario.json"));
  // validation.json as loadgen/validation.cpp writes it (validation_json plus validate's extras).
  write_json(s.path("v/validation.json"),
             {{"schema", "fleetsim.validation/1"},
              {"rows",
               {{{"metric", "latency p50 (ms)"}, {"predicted", 15.5}, {"measured", 16.1}, {"delta", "+3.9 %"},
                 {"tolerance", "±15 %"}, {"judged", true}, {"pass", true}},
                {{"metric", "latency p99 (ms)"}, {"predicted", 133.4}, {"measured", 190.2}, {"delta", "+42.6 %"},
                 {"tolerance", "±15 %"}, {"judged", true}, {"pass", false}},
                {{"metric", "latency p90 (ms)"}, {"predicted", 49.4}, {"measured", 51.0}, {"delta", "+3.2 %"},
                 {"tolerance", ""}, {"judged", false}, {"pass", true}}}},
              {"pass", false},
              {"balancer", "nginx"},
              {"fixed_costs", {{"rtt_ms", 0.08}, {"overhead_ms", 0.05}, {"direct_p50_ms", 0.2}, {"proxied_p50_ms", 0.3}, {"samples", 200}}},
              {"coupled", {{"p50_ms", 16.02}, {"p90_ms", 50.5}, {"p99_ms", 187.25}, {"availability", 1.0}, {"failed", 0}}},
              {"notes", {"hand-written for the report test"}}});
  const auto r = run_fleetsim("report '" + s.path("v") + "' --out '" + s.path("v") + "'");
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(fs::exists(s.path("v/compare-spectrum.png")));
  const std::string dom = open_and_selftest(s.path("v/report.html"), s);
  CHECK(dom.find("predicted vs measured") != std::string::npos);
  CHECK(dom.find("validation FAILED") != std::string::npos);
  CHECK(dom.find("+42.6 %") != std::string::npos);
  CHECK(dom.find("(shown)") != std::string::npos);
  CHECK(dom.find("coupled prediction") != std::string::npos);
  CHECK(dom.find("p99 187.25 ms") != std::string::npos);
  require_not_blank(s.path("v/report.html"), s);
}

TEST_CASE("a load report shows corrected and uncorrected latency side by side in Chromium", "[report][browser]") {
  Scratch s;
  REQUIRE(run_fleetsim("run scenarios/quickstart.json --set duration_s=20 --quiet --out '" + s.path("sim") + "'").status == 0);
  // Shaped as fleetsim load writes it: source loadgen, an uncorrected summary, no services or tasks.
  auto doc = read_json(s.path("sim/results.json"));
  doc["source"] = "loadgen";
  doc["latency_uncorrected_ms"] = {{"mean", 9.0}, {"p50", 8.0}, {"p90", 20.0}, {"p95", 30.0},
                                   {"p99", 60.0}, {"p999", 120.0}, {"max", 400.0}};
  doc["services"] = nlohmann::json::object();
  doc["timeseries"]["tasks"] = nlohmann::json::object();
  doc.erase("cost");
  fs::create_directories(s.path("load"));
  write_json(s.path("load/results.json"), doc);
  const auto r = run_fleetsim("report '" + s.path("load") + "' --out '" + s.path("load") + "'");
  INFO(r.err);
  REQUIRE(r.status == 0);
  const std::string dom = open_and_selftest(s.path("load/report.html"), s);
  CHECK(dom.find("uncorrected (from actual send)") != std::string::npos);
  CHECK(dom.find("corrected (from intended send)") != std::string::npos);
  CHECK(dom.find("load generator") != std::string::npos);
  require_not_blank(s.path("load/report.html"), s);
}

TEST_CASE("a service named <script>alert(1)</script> is shown as text and runs nothing", "[report][browser]") {
  Scratch s;
  auto scenario = read_json(std::string(FLEETSIM_SOURCE_DIR) + "/scenarios/quickstart.json");
  const std::string evil = "<script>alert(1)</script>";
  scenario["name"] = "</script><script>alert(2)</script><!--";
  scenario["services"][1]["name"] = evil;
  scenario["services"][0]["calls"][0]["service"] = evil;
  scenario["traffic"]["routes"][1]["service"] = evil;
  write_json(s.path("evil.json"), scenario);
  const auto r = run_fleetsim("run '" + s.path("evil.json") + "' --set duration_s=15 --quiet --out '" + s.path("e") + "'");
  INFO(r.err);
  REQUIRE(r.status == 0);
  const std::string dom = open_and_selftest(s.path("e/report.html"), s);  // no alert, no error
  CHECK(dom.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);  // shown as text
  CHECK(dom.find("<script>alert(1)</script>") == std::string::npos);              // never an element
  CHECK(dom.find("<script>alert(2)</script>") == std::string::npos);
}

TEST_CASE("a sweep report draws metric vs parameter with error bars, one line per other parameter, in Chromium",
          "[report][browser][sweep]") {
  Scratch s;
  const auto r = run_fleetsim("sweep scenarios/quickstart.json --set duration_s=20 --set warmup_s=2 "
                              "--set services.catalog.replicas=4,6 --set balancer.algorithm=least_conn,p2c "
                              "--replications 3 --jobs 2 --out '" + s.path("sw") + "' --quiet");
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(r.out.find("wrote " + s.path("sw") + "/report.html and 4 PNG charts") != std::string::npos);
  const std::string dom = open_and_selftest(s.path("sw/report.html"), s);
  // Availability, throughput, p50, p99: each drew its canvas and all four error bars (2 x 2 points).
  CHECK(dom.find("SELFTEST PASS: 4 charts") != std::string::npos);
  for (const char* chart : {"sweep-availability", "sweep-throughput", "sweep-latency-p50", "sweep-latency-p99"}) {
    CHECK(dom.find(std::string("data-chart=\"") + chart + "\"") != std::string::npos);
  }
  CHECK(dom.find("data-error-bars=\"4\"") != std::string::npos);
  CHECK(dom.find("<h2>Metrics vs services.catalog.replicas</h2>") != std::string::npos);
  CHECK(dom.find("balancer.algorithm=least_conn") != std::string::npos);  // a line per algorithm
  CHECK(dom.find("balancer.algorithm=p2c") != std::string::npos);
  CHECK(dom.find("<h2>Points</h2>") != std::string::npos);
  CHECK(dom.find(" ± ") != std::string::npos);
  require_not_blank(s.path("sw/report.html"), s);

  // fleetsim report on the sweep directory: the same view again, categories on x when the first
  // parameter is not numeric (here the order of --set decides: algorithm first).
  nlohmann::ordered_json reordered = nlohmann::ordered_json::parse(slurp(s.path("sw/sweep.json")));
  for (auto& p : reordered["points"]) {
    nlohmann::ordered_json set;
    set["balancer.algorithm"] = p["set"]["balancer.algorithm"];
    set["services.catalog.replicas"] = p["set"]["services.catalog.replicas"];
    p["set"] = set;
  }
  fs::create_directories(s.path("cat"));
  std::ofstream(s.path("cat/sweep.json")) << reordered.dump(2);
  const auto again = run_fleetsim("report '" + s.path("cat") + "' --no-png --out '" + s.path("cat-out") + "'");
  INFO(again.err);
  REQUIRE(again.status == 0);
  const std::string dom2 = open_and_selftest(s.path("cat-out/report.html"), s);
  CHECK(dom2.find("SELFTEST PASS: 4 charts") != std::string::npos);
  CHECK(dom2.find("<h2>Metrics vs balancer.algorithm</h2>") != std::string::npos);
  CHECK(dom2.find("services.catalog.replicas=6") != std::string::npos);
  CHECK(reordered["points"].size() == 4);
}

TEST_CASE("a sweep parameter named with markup is shown as text in the sweep view", "[report][browser][sweep]") {
  Scratch s;
  const std::string evil = "<script>alert(3)</script>";
  nlohmann::ordered_json sweep = {{"schema", "fleetsim.sweep/1"},
                                  {"scenario", {{"name", "</script><script>alert(4)</script>"}, {"file", "x.json"}, {"seed", 1}}},
                                  {"confidence_level", 0.95},
                                  {"replications", 2},
                                  {"points", nlohmann::ordered_json::array()}};
  for (int k = 0; k < 3; ++k) {
    nlohmann::ordered_json metrics;
    for (const char* m : {"availability", "throughput_rps", "latency_p50_ms", "latency_p99_ms"}) {
      const double mean = (std::string(m) == "availability" ? 0.99 : 10.0 * (k + 1));
      metrics[m] = {{"unit", "ms"}, {"mean", mean}, {"half_width", mean * 0.01}, {"low", mean * 0.99},
                    {"high", mean * 1.01}, {"samples", {mean, mean}}};
    }
    sweep["points"].push_back({{"set", {{evil, k == 2 ? evil : std::to_string(k)}}}, {"replications", 2}, {"metrics", metrics}});
  }
  fs::create_directories(s.path("e"));
  std::ofstream(s.path("e/sweep.json")) << sweep.dump(2);
  const auto r = run_fleetsim("report '" + s.path("e") + "' --no-png --out '" + s.path("e") + "'");
  INFO(r.err);
  REQUIRE(r.status == 0);
  const std::string dom = open_and_selftest(s.path("e/report.html"), s);
  CHECK(dom.find("&lt;script&gt;alert(3)&lt;/script&gt;") != std::string::npos);
  CHECK(dom.find("<script>alert(3)</script>") == std::string::npos);
  CHECK(dom.find("<script>alert(4)</script>") == std::string::npos);
}
