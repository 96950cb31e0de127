// What a report is drawn from: one or more runs' results, and for a validation the verdict.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "results/results.h"

namespace fleetsim::reports {

enum class View {
  run,         // one run: its charts and tables
  comparison,  // several runs overlaid, with deltas against the first
  validation,  // predicted (runs[0]) vs measured (runs[1]) with validation.json's rows and verdict
  sweep,       // a sweep's points (no runs): metric vs parameter with intervals, from `sweep`
};

struct RunInput {
  std::string label;                           // legend entry and table column
  const results::Results* results = nullptr;   // not owned; outlives the report call
  // The effective scenario (after --set) as JSON text, for the call graph and the scenario
  // section; "" when unknown (then the page says so).
  std::string scenario_json;
};

struct ReportInput {
  View view = View::run;
  std::string title;             // page title; scenario text, escaped where shown
  std::vector<RunInput> runs;    // run: 1; comparison: >= 2; validation: predicted, measured; sweep: none
  nlohmann::json validation;     // validation.json (loadgen's validation_json + extras); view == validation
  nlohmann::json sweep;          // reports/sweep_view.h's form of sweep.json; view == sweep
  std::string scenario_json;     // view == sweep: the scenario of the first point, or ""
};

}  // namespace fleetsim::reports
