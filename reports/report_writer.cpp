#include "reports/report_writer.h"

#include <filesystem>
#include <iostream>
#include <stdexcept>

#include "reports/html_page.h"
#include "reports/png_charts.h"
#include "reports/sweep_view.h"
#include "results/results_json.h"

namespace fleetsim::reports {

ReportFiles write_report(const ReportInput& input, const std::string& dir, const ReportOptions& options) {
  if (input.runs.empty() && input.view != View::sweep) throw std::invalid_argument("a report needs at least one run");
  if (input.view == View::validation && input.runs.size() != 2) {
    throw std::invalid_argument("a validation report needs the predicted and the measured run");
  }
  std::filesystem::create_directories(dir);
  ReportFiles files;
  files.html = dir + "/report.html";
  results::write_file_atomically(files.html, render_html(input));
  if (options.png) {
    PngOutcome png = write_png_charts(input, dir, options.gnuplot_timeout_s);
    files.png = std::move(png.files);
    files.warning = std::move(png.warning);
    if (!files.warning.empty()) {
      (options.warnings != nullptr ? *options.warnings : std::cerr)
          << "warning: " << files.warning << " (report.html was written)\n";
    }
  }
  return files;
}

ReportFiles write_run_report(const std::string& dir, const results::Results& run, const std::string& scenario_json,
                             const ReportOptions& options) {
  ReportInput input;
  input.view = View::run;
  input.title = run.scenario_name;
  input.runs.push_back({run.scenario_name, &run, scenario_json});
  return write_report(input, dir, options);
}

ReportFiles write_comparison_report(const std::string& dir, const std::vector<std::string>& labels,
                                    const std::vector<results::Results>& runs, const std::string& scenario_json,
                                    const ReportOptions& options) {
  if (labels.size() != runs.size()) throw std::invalid_argument("one label per run");
  ReportInput input;
  input.view = runs.size() == 1 ? View::run : View::comparison;
  input.title = runs.empty() ? "" : runs.front().scenario_name;
  for (std::size_t i = 0; i < runs.size(); ++i) input.runs.push_back({labels[i], &runs[i], scenario_json});
  return write_report(input, dir, options);
}

ReportFiles write_validation_report(const std::string& dir, const nlohmann::json& validation,
                                    const results::Results& predicted, const results::Results& measured,
                                    const std::string& scenario_json, const ReportOptions& options) {
  ReportInput input;
  input.view = View::validation;
  input.title = measured.scenario_name;
  input.validation = validation;
  input.runs.push_back({"predicted", &predicted, scenario_json});
  input.runs.push_back({"measured", &measured, scenario_json});
  return write_report(input, dir, options);
}

ReportFiles write_sweep_report(const std::string& dir, const std::string& sweep_json_text, const std::string& scenario_json,
                               const ReportOptions& options) {
  ReportInput input;
  input.view = View::sweep;
  input.sweep = sweep_view(sweep_json_text, dir + "/sweep.json");
  input.title = input.sweep["scenario"]["name"].get<std::string>();
  input.scenario_json = scenario_json;
  return write_report(input, dir, options);
}

void write_scenario_file(const std::string& dir, const std::string& scenario_json) {
  std::filesystem::create_directories(dir);
  const auto doc = nlohmann::json::parse(scenario_json, nullptr, false);
  results::write_file_atomically(dir + "/scenario.json", doc.is_discarded() ? scenario_json : doc.dump(2) + "\n");
}

}  // namespace fleetsim::reports
