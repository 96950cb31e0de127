// fleetsim load SCENARIO --target http[s]://HOST:PORT --out DIR [--duration S] [--connections N]
//   [--threads T] [--max-connections N] [--timeout S] [--insecure] [--allow-remote] [--set ...] [--seed N]
//   [--quiet]
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "cli/command.h"
#include "cli/common_options.h"
#include "cli/summary_table.h"
#include "loadgen/chaos_executor.h"
#include "loadgen/load_generator.h"
#include "reports/report_writer.h"
#include "results/results_json.h"
#include "scenario/input_error.h"

namespace fleetsim::cli {

int load_command(const Arguments& args) {
  namespace po = boost::program_options;
  ScenarioOptions options;
  std::string target_url;
  double duration_s = 0, timeout_s = 10;
  std::uint32_t connections = 0, threads = 2, max_connections = 256;
  bool allow_remote = false, insecure = false;
  po::options_description d("fleetsim load SCENARIO --target http[s]://HOST:PORT --out DIR");
  add_scenario_options(d, options);
  d.add_options()
      ("target", po::value<std::string>(&target_url),
       "http://HOST:PORT[/PREFIX] or https://... (loopback only unless --allow-remote)")
      ("duration", po::value<double>(&duration_s), "seconds to run (default: the scenario's duration_s; at most 3600)")
      ("connections", po::value<std::uint32_t>(&connections), "closed model: N connections sending back to back")
      ("threads", po::value<std::uint32_t>(&threads)->default_value(2), "load threads")
      ("max-connections", po::value<std::uint32_t>(&max_connections)->default_value(256), "open model: connection cap")
      ("timeout", po::value<double>(&timeout_s)->default_value(10), "seconds: send deadline and response deadline")
      ("insecure", po::bool_switch(&insecure), "https: do not verify the certificate or its name (like curl -k)")
      ("allow-remote", po::bool_switch(&allow_remote), "allow a non-loopback target");
  parse_arguments(args, d, true, options);
  if (target_url.empty()) throw scenario::InputError("usage", "", "missing --target http://HOST:PORT or https://HOST:PORT");
  std::vector<scenario::Override> overrides;
  for (const auto& list : override_lists(options)) {
    if (list.values.size() != 1) throw scenario::InputError("--set", list.path, "load takes one value per path");
    overrides.push_back({list.path, list.values.front()});
  }
  loadgen::LoadOptions lo;
  lo.target = loadgen::parse_load_target(target_url, allow_remote);
  const scenario::Scenario s = load_checked(options.scenario_file, overrides);
  lo.duration_s = duration_s > 0 ? duration_s : s.duration_s;
  if (!(lo.duration_s > 0) || lo.duration_s > loadgen::kMaxLoadDuration_s) {
    throw scenario::InputError("--duration", "", "expected a duration in (0, 3600] seconds");
  }
  if (lo.duration_s <= s.warmup_s) {
    throw scenario::InputError("--duration", "", "the duration must be longer than the scenario's warmup_s");
  }
  if (!(timeout_s > 0) || timeout_s > 3600) throw scenario::InputError("--timeout", "", "expected (0, 3600] seconds");
  if (threads == 0 || threads > 256) throw scenario::InputError("--threads", "", "expected 1..256");
  if (max_connections == 0 || max_connections > 65535) throw scenario::InputError("--max-connections", "", "expected 1..65535");
  if (connections > 65535) throw scenario::InputError("--connections", "", "expected 1..65535");
  lo.connections = connections;
  lo.threads = threads;
  lo.max_connections = max_connections;
  lo.timeout_s = timeout_s;
  lo.insecure = insecure;
  lo.quiet = options.quiet;
  for (const auto& key : s.unmodelled) std::cerr << "warning: " << key << " has no effect on the load generator\n";

  // A deployed stack: the scenario's exec faults run at their times on the load's clock; the
  // other fault kinds need the local stack and are listed as not applied.
  std::filesystem::create_directories(options.out_dir);
  loadgen::ChaosExecutor chaos(s, nullptr, options.out_dir);
  lo.on_start = [&chaos](std::chrono::steady_clock::time_point zero) { chaos.start(zero); };
  loadgen::LoadReport report = loadgen::run_load(s, lo);
  report.results.latency_uncorrected = report.uncorrected_latency;
  report.results.events = chaos.events();
  std::stable_sort(report.results.events.begin(), report.results.events.end(),
                   [](const auto& a, const auto& b) { return a.t < b.t; });
  results::write_results(report.results, options.out_dir);
  reports::write_scenario_file(options.out_dir, s.canonical_json);
  const auto written = reports::write_run_report(options.out_dir, report.results, s.canonical_json);
  print_summary(std::cout, s, report.results);
  const auto& u = report.uncorrected_latency;
  std::printf("\nuncorrected latency (from the actual send, ms): p50 %.3f  p90 %.3f  p99 %.3f  p999 %.3f  max %.3f\n",
              u.p50, u.p90, u.p99, u.p999, u.max);
  for (const auto& e : report.results.events) std::cout << "  " << e.t << " s  " << e.kind << "  " << e.detail << "\n";
  std::cout << "wrote " << options.out_dir << "/results.json, " << written.html << " and " << written.png.size()
            << " PNG charts\n";
  return report.results.slo_pass ? 0 : 1;
}

}  // namespace fleetsim::cli
