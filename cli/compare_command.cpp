// fleetsim compare SCENARIO --set PATH=V1,V2,... --out DIR
// Runs every combination of the listed values and prints them side by side; each run's
// results go to DIR/<label>/results.json.
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

namespace {
// A directory name for a grid point: the overrides with path separators made safe.
std::string directory_label(const std::vector<scenario::Override>& point) {
  std::string label;
  for (const auto& o : point) {
    if (o.path == "seed" && point.size() > 1) continue;
    label += (label.empty() ? "" : ",") + o.path + "=" + o.value;
  }
  for (char& c : label) {
    if (c == '/' || c == '\\' || c == ' ' || c == '"' || c == '\'' || c == ':' || c == '*' || c == '?') c = '_';
  }
  return label.empty() ? "baseline" : label;
}
}  // namespace

int compare_command(const Arguments& args) {
  ScenarioOptions options;
  boost::program_options::options_description d("fleetsim compare SCENARIO --set PATH=V1,V2 --out DIR");
  add_scenario_options(d, options);
  parse_arguments(args, d, true, options);
  const auto grid = scenario::expand_grid(override_lists(options));
  if (grid.size() < 2) {
    throw scenario::InputError("usage", "--set", "compare needs at least two variants, e.g. --set balancer.algorithm=round_robin,least_conn");
  }
  // Parse every variant first, so a bad one fails before anything runs or is written.
  std::vector<scenario::Scenario> scenarios;
  std::vector<std::string> labels;
  for (const auto& point : grid) {
    scenarios.push_back(load_checked(options.scenario_file, point));
    labels.push_back(directory_label(point));
  }
  std::vector<results::Results> runs;
  std::vector<std::string> short_labels;
  for (std::size_t i = 0; i < scenarios.size(); ++i) {
    ProgressLine progress(labels[i], options.quiet);
    models::SimulationOptions sim_options;
    sim_options.progress = [&](double f) { progress.update(f); };
    runs.push_back(models::simulate(scenarios[i], sim_options));
    const std::string dir = options.out_dir + "/" + labels[i];
    results::write_results(runs.back(), dir);
    reports::write_scenario_file(dir, scenarios[i].canonical_json);
    // Each variant's own page; the PNGs are drawn once, for the comparison below.
    reports::ReportOptions html_only;
    html_only.png = false;
    reports::write_run_report(dir, runs.back(), scenarios[i].canonical_json, html_only);
    std::string value;
    for (const auto& o : grid[i]) value += (value.empty() ? "" : ",") + o.value;
    short_labels.push_back(value);
  }
  std::cout << "compare " << scenarios.front().name << ": " << scenario::describe(grid.front()) << " ... ("
            << grid.size() << " runs)\n\n";
  const reports::ReportFiles report =
      reports::write_comparison_report(options.out_dir, short_labels, runs, scenarios.front().canonical_json);
  print_comparison(std::cout, short_labels, runs);
  std::cout << "\nwrote " << runs.size() << " results and reports under " << options.out_dir << "/, and the comparison "
            << report.html;
  if (!report.png.empty()) std::cout << " with " << report.png.size() << " PNG charts";
  std::cout << "\n";
  return 0;
}

}  // namespace fleetsim::cli
