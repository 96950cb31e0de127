// fleetsim load SCENARIO --target http[s]://HOST:PORT --out DIR [--duration S] [--connections N]
//   [--threads T] [--max-connections N] [--timeout S] [--insecure] [--allow-remote] [--set ...] [--seed N]
//   [--quiet]
// Under `mpirun -n K`: every rank parses the same input and sends its share of the plan
// (loadgen/send_plan.h, PlanShare); the ranks agree on one start time; at the end rank 0 gathers
// every rank's tally as words, merges them exactly, writes results.json and the report, prints the
// summary, and shares the exit status so that every rank (and mpirun) exits with it. Other ranks
// write and print nothing but errors. --threads and --max-connections are per rank;
// --connections is the total over the ranks (at least K).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "cli/command.h"
#include "cli/common_options.h"
#include "cli/summary_table.h"
#include "loadgen/chaos_executor.h"
#include "loadgen/load_generator.h"
#include "loadgen/load_tally_words.h"
#include "reports/report_writer.h"
#include "results/results_json.h"
#include "scenario/input_error.h"
#include "sweep/mpi_session.h"

namespace fleetsim::cli {

namespace {

// Writes results.json, the scenario and the report, prints the summary; the exit status.
int report_load(const scenario::Scenario& s, const ScenarioOptions& options, loadgen::LoadReport report,
                const loadgen::ChaosExecutor& chaos, int ranks) {
  report.results.latency_uncorrected = report.uncorrected_latency;
  report.results.events = chaos.events();
  std::stable_sort(report.results.events.begin(), report.results.events.end(),
                   [](const auto& a, const auto& b) { return a.t < b.t; });
  results::write_results(report.results, options.out_dir);
  reports::write_scenario_file(options.out_dir, s.canonical_json);
  const auto written = reports::write_run_report(options.out_dir, report.results, s.canonical_json);
  if (ranks > 1) std::cout << "load from " << ranks << " MPI ranks\n";
  print_summary(std::cout, s, report.results);
  const auto& u = report.uncorrected_latency;
  std::printf("\nuncorrected latency (from the actual send, ms): p50 %.3f  p90 %.3f  p99 %.3f  p999 %.3f  max %.3f\n",
              u.p50, u.p90, u.p99, u.p999, u.max);
  for (const auto& e : report.results.events) std::cout << "  " << e.t << " s  " << e.kind << "  " << e.detail << "\n";
  std::cout << "wrote " << options.out_dir << "/results.json, " << written.html << " and " << written.png.size()
            << " PNG charts\n";
  return report.results.slo_pass ? 0 : 1;
}

// One process: the whole plan.
int load_alone(const scenario::Scenario& s, const ScenarioOptions& options, loadgen::LoadOptions lo) {
  for (const auto& key : s.unmodelled) std::cerr << "warning: " << key << " has no effect on the load generator\n";
  // A deployed stack: the scenario's exec faults run at their times on the load's clock; the
  // other fault kinds need the local stack and are listed as not applied.
  std::filesystem::create_directories(options.out_dir);
  loadgen::ChaosExecutor chaos(s, nullptr, options.out_dir);
  lo.on_start = [&chaos](std::chrono::steady_clock::time_point zero) { chaos.start(zero); };
  return report_load(s, options, loadgen::run_load(s, lo), chaos, 1);
}

// Rank r of K under mpirun: r's share of the plan from a common start; rank 0 merges and reports.
int load_on_ranks(sweep::MpiSession& mpi, const scenario::Scenario& s, const ScenarioOptions& options,
                  loadgen::LoadOptions lo) {
  const bool reporter = mpi.rank() == 0;
  lo.rank = static_cast<std::uint32_t>(mpi.rank());
  lo.ranks = static_cast<std::uint32_t>(mpi.size());
  lo.quiet = lo.quiet || !reporter;  // rank 0's progress line, showing its share
  // Every rank proposes a start (its clock + a margin); all take the latest proposal. The
  // all-gather is also the barrier: the last rank to arrive proposed after every other rank was
  // waiting, so the latest start is ahead of every rank (rank 0's alone could already be past
  // when another rank arrives late).
  lo.agree_start = [&mpi](std::chrono::system_clock::time_point mine) {
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(mine.time_since_epoch()).count();
    std::uint64_t latest = 0;
    for (const auto& proposal : mpi.all_gather({static_cast<std::uint64_t>(ns)})) latest = std::max(latest, proposal.at(0));
    return std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(
        std::chrono::nanoseconds(static_cast<std::int64_t>(latest))));
  };
  // Only rank 0 writes, warns and runs the scenario's exec faults (once, not once per rank).
  std::optional<loadgen::ChaosExecutor> chaos;
  if (reporter) {
    for (const auto& key : s.unmodelled) std::cerr << "warning: " << key << " has no effect on the load generator\n";
    std::filesystem::create_directories(options.out_dir);
    chaos.emplace(s, nullptr, options.out_dir);
    lo.on_start = [&chaos](std::chrono::steady_clock::time_point zero) { chaos->start(zero); };
  }
  const loadgen::LoadTally mine = loadgen::measure_load(s, lo);
  // Rank 0 merges every rank's tally exactly (its own included, through the same words).
  const auto gathered = mpi.gather_to_root(loadgen::load_tally_to_words(mine));
  int status = 0;
  if (reporter) {
    loadgen::LoadTally total(mine.steps());
    for (const auto& words : gathered) total.merge(loadgen::load_tally_from_words(words));
    status = report_load(s, options, loadgen::load_report(s, lo, total), *chaos, mpi.size());
  }
  // Rank 0's verdict on every rank, so mpirun exits with it whichever rank it reports. Output
  // first: when the verdict is not 0, mpirun kills the job as soon as one rank exits.
  std::cout.flush();
  std::fflush(stdout);
  return static_cast<int>(mpi.all_gather({static_cast<std::uint64_t>(status)}).at(0).at(0));
}

}  // namespace

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
      ("connections", po::value<std::uint32_t>(&connections), "closed model: N connections sending back to back (under mpirun: in total, split over the ranks)")
      ("threads", po::value<std::uint32_t>(&threads)->default_value(2), "load threads (per MPI rank)")
      ("max-connections", po::value<std::uint32_t>(&max_connections)->default_value(256), "open model: connection cap (per MPI rank)")
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

  std::unique_ptr<sweep::MpiSession> mpi = sweep::MpiSession::start_if_launched();
  if (mpi && connections > 0 && connections < static_cast<std::uint32_t>(mpi->size())) {
    // Every rank sees the same input and exits 2. Rank 0 says why (as main() would) before the
    // barrier: mpirun ends the job as soon as one rank exits non-zero.
    const std::string ranks = std::to_string(mpi->size());
    const scenario::InputError error("--connections", "",
                                     "under mpirun -n " + ranks + " the closed model needs at least " + ranks +
                                         " connections (one per rank; they are split over the ranks)");
    if (mpi->rank() == 0) std::cerr << "fleetsim load: " << error.what() << std::endl;
    mpi->all_gather({});
    return 2;
  }
  if (!mpi) return load_alone(s, options, lo);
  int failed = 0;
  try {
    return load_on_ranks(*mpi, s, options, lo);
  } catch (const std::exception& e) {
    // This rank failed while others may wait for it in a collective: end the whole job, with
    // the status one process would have exited with.
    const bool input = dynamic_cast<const scenario::InputError*>(&e) != nullptr;
    // One write, so that two ranks' messages do not interleave.
    std::cerr << ("fleetsim load (rank " + std::to_string(mpi->rank()) + " of " + std::to_string(mpi->size()) +
                  "): " + (input ? "" : "error: ") + e.what() + "\n")
              << std::flush;
    failed = input ? 2 : 1;
  }
  mpi->abort(failed);
  return failed;  // not reached (a virtual [[noreturn]] does not tell the compiler so)
}

}  // namespace fleetsim::cli
