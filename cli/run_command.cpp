// fleetsim run SCENARIO --out DIR [--set PATH=VALUE]... [--seed N] [--quiet]
#include <iostream>

#include "cli/command.h"
#include "cli/common_options.h"
#include "cli/progress.h"
#include "cli/summary_table.h"
#include "models/simulation.h"
#include "reports/report_writer.h"
#include "results/results_json.h"
#include "scenario/input_error.h"

namespace fleetsim::cli {

int run_command(const Arguments& args) {
  ScenarioOptions options;
  boost::program_options::options_description d("fleetsim run SCENARIO --out DIR");
  add_scenario_options(d, options);
  parse_arguments(args, d, true, options);
  std::vector<scenario::Override> overrides;
  for (const auto& list : override_lists(options)) {
    if (list.values.size() != 1) {
      throw scenario::InputError("--set", list.path,
                                 "run takes one value per path; use `fleetsim compare` for a list of values");
    }
    overrides.push_back({list.path, list.values.front()});
  }
  // Everything is validated before the output directory is touched.
  const scenario::Scenario s = load_checked(options.scenario_file, overrides);
  for (const auto& key : s.unmodelled) {
    std::cerr << "warning: " << key << " is recognised but not modelled by this build; it has no effect\n";
  }
  ProgressLine progress(s.name, options.quiet);
  models::SimulationOptions sim_options;
  sim_options.progress = [&](double f) { progress.update(f); };
  const results::Results r = models::simulate(s, sim_options);
  results::write_results(r, options.out_dir);
  // The effective scenario beside its results, so `fleetsim report` can show it again later.
  reports::write_scenario_file(options.out_dir, s.canonical_json);
  const reports::ReportFiles report = reports::write_run_report(options.out_dir, r, s.canonical_json);
  print_summary(std::cout, s, r);
  std::cout << "\nwrote " << options.out_dir << "/results.json, " << report.html;
  if (!report.png.empty()) std::cout << " and " << report.png.size() << " PNG charts";
  std::cout << "\n";
  return 0;
}

}  // namespace fleetsim::cli
