#include "reports/page_data.h"

#include "reports/percentile_spectrum.h"
#include "results/results_json.h"

namespace fleetsim::reports {

namespace {

using nlohmann::json;

json spectrum_json(const std::vector<SpectrumPoint>& points) {
  json percentile = json::array(), latency = json::array();
  for (const auto& p : points) {
    percentile.push_back(p.percentile);
    latency.push_back(p.latency_ms);
  }
  return {{"percentile", percentile}, {"latency_ms", latency}};
}

const char* view_name(View view) {
  switch (view) {
    case View::run: return "run";
    case View::comparison: return "comparison";
    case View::validation: return "validation";
    case View::sweep: return "sweep";
  }
  return "run";
}

json run_json(const RunInput& run) {
  // results.json itself, so the page sees exactly the documented keys and rounding.
  json doc = json::parse(results::to_json_text(*run.results));
  doc.erase("latency_histogram");  // drawn as the spectrum instead; buckets in ns are no use to the page
  doc["label"] = run.label;
  doc["spectrum"] = spectrum_json(percentile_spectrum(run.results->histogram));
  if (run.results->latency_uncorrected) {
    doc["spectrum_uncorrected"] = spectrum_json(summary_spectrum(*run.results->latency_uncorrected));
  }
  doc["scenario_doc"] = nullptr;
  if (!run.scenario_json.empty()) {
    // A scenario that does not parse is shown as missing rather than failing the report.
    json scenario = json::parse(run.scenario_json, nullptr, false);
    if (!scenario.is_discarded()) doc["scenario_doc"] = std::move(scenario);
  }
  return doc;
}

}  // namespace

json page_data(const ReportInput& input) {
  json runs = json::array();
  for (const auto& run : input.runs) runs.push_back(run_json(run));
  json doc = {{"view", view_name(input.view)},
              {"title", input.title},
              {"generator", "fleetsim"},
              {"runs", runs},
              {"validation", input.view == View::validation ? input.validation : json(nullptr)}};
  if (input.view == View::sweep) {
    doc["sweep"] = input.sweep;
    json scenario = input.scenario_json.empty() ? json(nullptr) : json::parse(input.scenario_json, nullptr, false);
    doc["sweep"]["scenario_doc"] = scenario.is_discarded() ? json(nullptr) : scenario;
  }
  return doc;
}

}  // namespace fleetsim::reports
