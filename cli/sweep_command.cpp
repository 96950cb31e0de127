// fleetsim sweep SCENARIO --set A=v1,v2 [--set B=w1,w2]... --replications R --out DIR
//   [--jobs N] [--precision P] [--max-replications M] [--level L] [--seed N] [--quiet]
// The cartesian grid of the --set lists, R replications per point (independent seed streams),
// mean and Student-t interval of every headline metric; DIR/sweep.json, DIR/sweep.csv and the
// report (DIR/report.html, PNGs).
#include <iostream>
#include <thread>

#include "cli/command.h"
#include "cli/common_options.h"
#include "cli/progress.h"
#include "models/simulation.h"
#include "reports/report_writer.h"
#include "scenario/input_error.h"
#include "sweep/mpi_session.h"
#include "sweep/sweep_output.h"
#include "sweep/sweep_runner.h"

namespace fleetsim::cli {

int sweep_command(const Arguments& args) {
  namespace po = boost::program_options;
  ScenarioOptions options;
  sweep::SweepOptions so;
  po::options_description d("fleetsim sweep SCENARIO --set PATH=V1,V2 --replications R --out DIR");
  add_scenario_options(d, options);
  d.add_options()
      ("replications", po::value<std::uint32_t>(&so.replications)->default_value(10), "replications per point (per round with --precision)")
      ("jobs", po::value<std::uint32_t>(&so.jobs)->default_value(1), "local worker threads (0: one per core)")
      ("precision", po::value<double>(&so.precision), "add replications until every half-width <= P x |mean| (e.g. 0.05)")
      ("max-replications", po::value<std::uint32_t>(&so.max_replications)->default_value(200), "cap per point with --precision")
      ("level", po::value<double>(&so.level)->default_value(0.95), "confidence level");
  parse_arguments(args, d, true, options);
  if (so.replications < 2 || so.replications > 10000) throw scenario::InputError("--replications", "", "expected 2..10000");
  if (so.jobs == 0) so.jobs = std::max(1u, std::thread::hardware_concurrency());
  if (so.jobs > 256) throw scenario::InputError("--jobs", "", "expected 0..256");
  if (so.precision < 0 || so.precision >= 1) throw scenario::InputError("--precision", "", "expected a relative half-width in (0, 1)");
  if (so.max_replications < so.replications || so.max_replications > 100000) {
    throw scenario::InputError("--max-replications", "", "expected --replications..100000");
  }
  if (!(so.level > 0.5 && so.level < 1)) throw scenario::InputError("--level", "", "expected a level in (0.5, 1)");

  auto lists = override_lists(options);
  // --seed is the sweep's base seed, not a grid dimension.
  std::erase_if(lists, [](const scenario::OverrideList& l) { return l.path == "seed" && l.values.size() == 1; });
  std::vector<scenario::Override> base;
  if (options.seed) base.push_back({"seed", std::to_string(*options.seed)});
  auto grid = scenario::expand_grid(lists);
  if (grid.empty()) grid.push_back({});
  if (grid.size() > 10000) throw scenario::InputError("--set", "", "the grid has " + std::to_string(grid.size()) + " points; at most 10000");
  // Parse every point first: a bad one fails before anything runs or is written.
  std::vector<scenario::Scenario> points;
  for (const auto& point : grid) {
    auto overrides = base;
    overrides.insert(overrides.end(), point.begin(), point.end());
    points.push_back(load_checked(options.scenario_file, overrides));
  }
  // Under mpirun: every rank runs its share; all gather the outcomes; rank 0 reports.
  const auto mpi = sweep::MpiSession::start_if_launched();
  const bool reporter = !mpi || mpi->rank() == 0;
  ProgressLine progress("sweep", options.quiet || !reporter);
  auto report_progress = [&](std::size_t done, std::size_t total) {
    progress.update(static_cast<double>(done) / static_cast<double>(total));
  };
  auto simulate = [](const scenario::Scenario& s) { return models::simulate(s); };
  const auto summaries = sweep::run_sweep(points, grid, so,
                                          mpi ? sweep::mpi_executor(*mpi, points, simulate, so.jobs, report_progress)
                                              : sweep::local_executor(points, simulate, so.jobs, report_progress));
  if (!reporter) return 0;
  const sweep::SweepInfo info{points.front().name, options.scenario_file, points.front().seed, so};
  sweep::write_sweep(options.out_dir, info, summaries);
  if (mpi) std::cout << "sweep over " << mpi->size() << " MPI ranks\n";
  sweep::print_sweep(std::cout, info, summaries);
  std::cout << "\nwrote " << options.out_dir << "/sweep.json and sweep.csv\n";
  const reports::ReportFiles report =
      reports::write_sweep_report(options.out_dir, sweep::sweep_json(info, summaries), points.front().canonical_json);
  std::cout << "wrote " << report.html;
  if (!report.png.empty()) std::cout << " and " << report.png.size() << " PNG charts";
  std::cout << "\n";
  return 0;
}

}  // namespace fleetsim::cli
