// Writing a report: DIR/report.html (self-contained: data, script and chart library inline) and
// the PNG charts beside it. This is the one-call API the commands use (`run`, `compare`, `load`,
// `validate`, `sweep`, `report`); the views are described in docs/reports.md.
#pragma once

#include <iosfwd>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "reports/report_input.h"
#include "results/results.h"

namespace fleetsim::reports {

struct ReportOptions {
  bool png = true;                   // also the PNG charts (needs gnuplot; skipped with a warning without)
  double gnuplot_timeout_s = 60;     // gnuplot is killed after this long
  std::ostream* warnings = nullptr;  // where the one-line warning goes; nullptr: std::cerr
};

struct ReportFiles {
  std::string html;              // path of report.html
  std::vector<std::string> png;  // PNGs written
  std::string warning;           // "" or the line printed as "warning: ..." (PNGs skipped or incomplete)
};

// Writes the report of `input` into `dir` (created if needed). report.html is written
// atomically. Throws std::runtime_error if report.html cannot be written; a PNG problem is only a
// warning.
ReportFiles write_report(const ReportInput& input, const std::string& dir, const ReportOptions& options = {});

// One run (`run`, `load`). `scenario_json`: the effective scenario (Scenario::canonical_json), or "".
ReportFiles write_run_report(const std::string& dir, const results::Results& run, const std::string& scenario_json = "",
                             const ReportOptions& options = {});

// Several runs overlaid, deltas against the first (`compare`). labels.size() == runs.size() >= 1.
ReportFiles write_comparison_report(const std::string& dir, const std::vector<std::string>& labels,
                                    const std::vector<results::Results>& runs, const std::string& scenario_json = "",
                                    const ReportOptions& options = {});

// `validate`: predicted vs measured with `validation` (the validation.json document: rows, pass,
// and optionally balancer, fixed_costs, notes).
ReportFiles write_validation_report(const std::string& dir, const nlohmann::json& validation,
                                    const results::Results& predicted, const results::Results& measured,
                                    const std::string& scenario_json = "", const ReportOptions& options = {});

// `sweep`: metric vs parameter with intervals, one line per combination of the other parameters,
// and a table of every point (reports/sweep_view.h). `sweep_json_text`: sweep.json's text;
// `scenario_json`: the scenario of the first point, or "". Throws scenario::InputError naming
// DIR/sweep.json and the JSON path when the text is not a fleetsim.sweep/1 document.
ReportFiles write_sweep_report(const std::string& dir, const std::string& sweep_json_text,
                               const std::string& scenario_json = "", const ReportOptions& options = {});

// Writes DIR/scenario.json: the effective scenario (after --set), pretty-printed, beside its
// results, so `fleetsim report DIR` can show the call graph and the scenario again.
void write_scenario_file(const std::string& dir, const std::string& scenario_json);

}  // namespace fleetsim::reports
