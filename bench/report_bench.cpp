// Rendering reports of a one-hour run with per-second series (3,600 steps of rps, ok, errors,
// retries, p50, p99 and running tasks of 5 services; 1 M latencies in the histogram; 200
// events). Target: report.html well under a second. See bench/README.md.
#include <benchmark/benchmark.h>

#include <cmath>
#include <filesystem>
#include <unistd.h>

#include "reports/gnuplot_script.h"
#include "reports/html_page.h"
#include "reports/report_writer.h"
#include "results/results.h"

namespace {

using namespace fleetsim;

results::Results one_hour_run() {
  results::Results r;
  r.scenario_name = "one-hour";
  r.scenario_sha256 = std::string(64, 'a');
  r.seed = 1;
  r.window_start_s = 60;
  r.window_end_s = 3600;
  r.sent = 2'880'000;
  r.ok = 2'879'000;
  r.failed = 1'000;
  r.by_outcome = {{"ok", r.ok}, {"http_5xx", 600}, {"timeout", 400}};
  r.availability = static_cast<double>(r.ok) / static_cast<double>(r.sent);
  r.throughput_rps = 800;
  // A deterministic, lognormal-looking spread of 1 M latencies from 1 ms to about 2 s.
  for (int i = 0; i < 1'000'000; ++i) {
    const double u = (i + 0.5) / 1e6;
    r.histogram.record(static_cast<sim::SimTime>(1e6 * std::exp(3 * std::pow(u, 3) + 4 * u * u * u * u * u * u)));
  }
  r.latency = results::LatencySummary::of(r.histogram);
  auto& ts = r.timeseries;
  ts.step_s = 1;
  for (int t = 0; t < 3600; ++t) {
    const double wave = 600 + 200 * std::sin(t / 300.0);
    ts.t.push_back(t);
    ts.rps.push_back(wave);
    ts.ok_rps.push_back(wave - 0.3);
    ts.errors.push_back(t % 600 == 0 ? 50 : 0.3);
    ts.retries.push_back(1.5);
    ts.p50_ms.push_back(15 + std::sin(t / 50.0));
    ts.p99_ms.push_back(130 + 20 * std::sin(t / 70.0));
  }
  for (int s = 0; s < 5; ++s) {
    const std::string name = "service-" + std::to_string(s);
    ts.tasks[name] = std::vector<double>(3600, 3 + s);
    results::ServiceResult service;
    service.requests = 500'000;
    service.latency = r.latency;
    service.tasks_min = service.tasks_max = service.tasks_mean = 3 + s;
    service.cpu_utilization = 0.5;
    r.services[name] = service;
  }
  for (int e = 0; e < 200; ++e) r.events.push_back({e * 18.0, e % 2 ? "discovery" : "scale", "service-1: 3 -> 4 tasks"});
  r.cost.present = true;
  r.cost.monthly_usd = 1234.5;
  r.cost.breakdown = {{"ec2:t3.medium", 1000}, {"alb", 234.5}};
  return r;
}

const results::Results& run() {
  static const results::Results r = one_hour_run();
  return r;
}

reports::ReportInput input_of(const results::Results& r) {
  reports::ReportInput input;
  input.title = r.scenario_name;
  input.runs.push_back({r.scenario_name, &r, ""});
  return input;
}

// The whole report.html in memory: results.json text, the page data, escaping, the template.
void BM_RenderHtmlOneHour(benchmark::State& state) {
  const auto input = input_of(run());
  std::size_t bytes = 0;
  for (auto _ : state) {
    const std::string html = reports::render_html(input);
    bytes = html.size();
    benchmark::DoNotOptimize(html.data());
  }
  state.counters["html_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_RenderHtmlOneHour)->Unit(benchmark::kMillisecond)->Iterations(20);

// The gnuplot script and data files (text only; gnuplot itself not run).
void BM_GnuplotJobOneHour(benchmark::State& state) {
  const auto input = input_of(run());
  for (auto _ : state) benchmark::DoNotOptimize(reports::gnuplot_job(input, "/tmp/d", "/tmp/o").script.size());
}
BENCHMARK(BM_GnuplotJobOneHour)->Unit(benchmark::kMillisecond)->Iterations(20);

// Everything `fleetsim run` does after simulating: report.html written and four PNGs by gnuplot.
void BM_WriteRunReportWithPngOneHour(benchmark::State& state) {
  const std::string dir = "/tmp/fleetsim-report-bench-" + std::to_string(::getpid());
  for (auto _ : state) {
    const auto files = reports::write_run_report(dir, run());
    if (!files.warning.empty()) state.SkipWithError(files.warning.c_str());
  }
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_WriteRunReportWithPngOneHour)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
