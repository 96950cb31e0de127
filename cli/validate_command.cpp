// fleetsim validate SCENARIO --lb nginx|haproxy --out DIR [--duration S] [--threads T]
//   [--tolerance-latency R] [--tolerance-availability PP] [--tolerance-failures R]
//   [--failures-floor N] [--tolerance-share PP] [--check-p90] [--probe-s S] [--replications R]
//   [--set ...] [--seed N]
//
// The loop that keeps the simulator honest: starts the local stack, measures its fixed costs,
// simulates the scenario with them, replays the scenario's traffic and faults on the stack, and
// prints predicted vs measured with a verdict (exit 1 outside tolerance). Writes
// DIR/results.json (measured), DIR/predicted/results.json, DIR/validation.json, DIR/stack/.
#include <exception>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli/command.h"
#include "cli/common_options.h"
#include "loadgen/balancer_expression.h"
#include "loadgen/chaos_executor.h"
#include "loadgen/fixed_cost_probe.h"
#include "loadgen/load_generator.h"
#include "loadgen/load_target.h"
#include "loadgen/local_stack.h"
#include "loadgen/validation.h"
#include "models/simulation.h"
#include "reports/report_writer.h"
#include "results/results_json.h"
#include "scenario/input_error.h"

namespace fleetsim::cli {

int validate_command(const Arguments& args) {
  refuse_under_mpirun("validate");
  namespace po = boost::program_options;
  ScenarioOptions options;
  std::string lb = "nginx";
  double duration_s = 0;
  std::uint32_t threads = 2;
  std::uint32_t replications = 10;
  loadgen::Tolerances tolerances;
  loadgen::ProbeOptions probe;
  po::options_description d("fleetsim validate SCENARIO --lb nginx|haproxy --out DIR");
  add_scenario_options(d, options);
  d.add_options()
      ("lb", po::value<std::string>(&lb), "the balancer: nginx (default) or haproxy")
      ("duration", po::value<double>(&duration_s), "seconds of load (default: the scenario's duration_s; at most 3600)")
      ("threads", po::value<std::uint32_t>(&threads)->default_value(2), "load threads")
      ("tolerance-latency", po::value<double>(&tolerances.latency_relative), "p50/p99: relative tolerance (default 0.15)")
      ("tolerance-availability", po::value<double>(&tolerances.availability_pp), "availability: percentage points (default 0.5)")
      ("tolerance-failures", po::value<double>(&tolerances.failures_relative), "failed requests after each fault: relative (default 0.25)")
      ("failures-floor", po::value<double>(&tolerances.failures_floor), "... or at most this many requests apart (default 5)")
      ("tolerance-share", po::value<double>(&tolerances.share_pp), "largest per-task share gap, percentage points (default: shown only)")
      ("check-p90", po::bool_switch(&tolerances.check_p90), "judge p90 too")
      ("probe-s", po::value<double>(&probe.duration_s), "seconds per fixed-cost probe (default 3)")
      ("replications", po::value<std::uint32_t>(&replications), "simulated replications behind the predicted latency (default 10)");
  parse_arguments(args, d, true, options);
  const auto kind = loadgen::parse_balancer_kind(lb);
  if (tolerances.latency_relative <= 0 || tolerances.availability_pp <= 0 || tolerances.failures_relative <= 0 ||
      tolerances.failures_floor < 0 || tolerances.share_pp < 0) {
    throw scenario::InputError("usage", "--tolerance-*", "tolerances must be positive");
  }
  if (!(probe.duration_s >= 0.5 && probe.duration_s <= 60)) throw scenario::InputError("--probe-s", "", "expected [0.5, 60] seconds");
  const auto overrides = single_overrides(options, "validate");
  const scenario::Scenario s = load_checked(options.scenario_file, overrides);
  const double run_s = duration_s > 0 ? duration_s : s.duration_s;
  if (!(run_s > s.warmup_s) || run_s > loadgen::kMaxLoadDuration_s) {
    throw scenario::InputError("--duration", "", "expected a duration in (warmup_s, 3600] seconds");
  }
  if (replications == 0 || replications > 1000) throw scenario::InputError("--replications", "", "expected 1..1000");
  if (threads == 0 || threads > 64) throw scenario::InputError("--threads", "", "expected 1..64");
  auto expressed = loadgen::express_balancer(s, kind);
  for (const auto& n : expressed.notes) std::cerr << "note: " << n << "\n";

  std::filesystem::create_directories(options.out_dir + "/predicted");
  loadgen::StackOptions so{options.scenario_file, overrides, kind, options.out_dir + "/stack", options.quiet};
  loadgen::LocalStack stack(expressed.scenario, so);
  stack.start();
  if (!options.quiet) std::cerr << "validate: stack up at " << stack.endpoint() << "; probing fixed costs\n";
  const loadgen::FixedCosts fixed = loadgen::probe_fixed_costs(expressed.scenario, stack.port(), stack.first_task_port(), probe);

  // The prediction: the expressed scenario with the measured fixed costs, over the load's length.
  scenario::Scenario predicted_scenario = expressed.scenario;
  predicted_scenario.network.rtt_ms = fixed.rtt_ms;
  predicted_scenario.balancer.overhead_ms = fixed.overhead_ms;
  predicted_scenario.duration_s = run_s;
  predicted_scenario.step_s = 1;  // the load generator's step, so failures line up second by second
  // Availability and failures come from the run with the scenario's seed: its arrivals are the
  // very requests the load generator sends. The latency distribution is a property of the model,
  // not of one sample path: the histograms of `replications` runs are merged, so the prediction's
  // own noise does not eat into the tolerance. The replications keep the measured run's plan
  // (plan_seed: arrivals, clients, fault targets) and vary the rest (seeds seed + 1, ...): the
  // load generator sends one particular plan, and a burst in it is not noise to average away.
  predicted_scenario.plan_seed = predicted_scenario.seed;
  results::Results predicted = models::simulate(predicted_scenario);
  loadgen::ReplicationSpread spread;
  auto keep = [&spread](const results::LatencySummary& l) {
    spread.p50.push_back(l.p50);
    spread.p90.push_back(l.p90);
    spread.p99.push_back(l.p99);
  };
  keep(predicted.latency);
  for (std::uint32_t r = 1; r < replications; ++r) {
    scenario::Scenario replica = predicted_scenario;
    replica.seed = predicted_scenario.seed + r;
    const results::Results run = models::simulate(replica);
    keep(run.latency);
    predicted.histogram.merge(run.histogram);
  }
  predicted.latency = results::LatencySummary::of(predicted.histogram);
  // The coupled prediction: the measured run's seed and plan, and each task's service times and
  // errors drawn from its emulator's own streams (models/emulator_streams.h), so the model and
  // the stack share their sampling and what differs between them is the model. Shown beside
  // the verdict, which stays with the independent prediction above.
  scenario::Scenario coupled_scenario = predicted_scenario;
  coupled_scenario.emulator_streams = true;
  const results::Results coupled = models::simulate(coupled_scenario);

  // The measurement: the same traffic and faults on the stack, on one clock.
  loadgen::ChaosExecutor chaos(expressed.scenario, &stack, stack.run_dir());
  loadgen::LoadOptions lo;
  lo.target = loadgen::parse_load_target(stack.endpoint(), false);
  lo.duration_s = run_s;
  lo.threads = threads;
  lo.quiet = options.quiet;
  lo.on_start = [&](std::chrono::steady_clock::time_point zero) {
    stack.schedule(std::chrono::steady_clock::now(), [&stack, &chaos, zero] {
      stack.set_epoch(zero);
      chaos.start(zero);
    });
  };
  if (!options.quiet) std::cerr << "validate: " << run_s << " s of load on " << stack.endpoint() << "\n";
  loadgen::LoadReport report;
  std::exception_ptr load_failure;
  std::thread load_thread([&] {
    try {
      report = loadgen::run_load(expressed.scenario, lo);
    } catch (...) {
      load_failure = std::current_exception();
    }
    stack.request_stop();
  });
  try {
    stack.run_until(std::chrono::steady_clock::time_point::max());
  } catch (...) {
    load_thread.join();
    throw;
  }
  load_thread.join();
  if (load_failure) std::rethrow_exception(load_failure);
  auto events = stack.events();
  stack.stop();
  for (const auto& e : chaos.events()) events.push_back(e);
  std::stable_sort(events.begin(), events.end(), [](const auto& a, const auto& b) { return a.t < b.t; });

  results::Results measured = report.results;
  measured.latency_uncorrected = report.uncorrected_latency;
  measured.events = events;
  results::write_results(measured, options.out_dir);
  results::write_results(predicted, options.out_dir + "/predicted");

  const loadgen::Validation v = loadgen::compare_runs(expressed.scenario, predicted, measured, tolerances, &spread);
  nlohmann::json j = loadgen::validation_json(v);
  j["balancer"] = lb;
  j["fixed_costs"] = {{"rtt_ms", fixed.rtt_ms}, {"overhead_ms", fixed.overhead_ms},
                      {"direct_p50_ms", fixed.direct_p50_ms}, {"proxied_p50_ms", fixed.proxied_p50_ms},
                      {"samples", fixed.samples}};
  j["notes"] = expressed.notes;
  j["coupled"] = {{"p50_ms", coupled.latency.p50}, {"p90_ms", coupled.latency.p90}, {"p99_ms", coupled.latency.p99},
                  {"availability", coupled.availability}, {"failed", coupled.failed}};
  results::write_file_atomically(options.out_dir + "/validation.json", j.dump(2) + "\n");
  reports::write_scenario_file(options.out_dir, expressed.scenario.canonical_json);
  const auto written = reports::write_validation_report(options.out_dir, j, predicted, measured, expressed.scenario.canonical_json);

  std::printf("validate %s on %s: %.0f s of load, %llu requests\n", s.name.c_str(), lb.c_str(), run_s,
              static_cast<unsigned long long>(measured.sent));
  std::printf("fixed costs (probe medians): balancer-to-task round trip %.3f ms, balancer overhead %.3f ms\n\n",
              fixed.rtt_ms, fixed.overhead_ms);
  loadgen::print_validation(std::cout, v);
  std::printf("coupled prediction (the emulators' own service-time draws, task by task): p50 %.2f ms, p90 %.2f ms, "
              "p99 %.2f ms, availability %.4f %%, %llu failed; measured p50 %.2f, p90 %.2f, p99 %.2f ms\n",
              coupled.latency.p50, coupled.latency.p90, coupled.latency.p99, coupled.availability * 100,
              static_cast<unsigned long long>(coupled.failed), measured.latency.p50, measured.latency.p90,
              measured.latency.p99);
  std::cout << "wrote " << options.out_dir << "/results.json, predicted/results.json, validation.json, " << written.html
            << " and " << written.png.size() << " PNG charts\n";
  return v.pass ? 0 : 1;
}

}  // namespace fleetsim::cli
