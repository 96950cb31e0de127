// The data a report page draws, as one JSON document embedded in report.html:
//
//   {"view": "run"|"comparison"|"validation"|"sweep", "title", "generator",
//    "runs": [RUN...], "validation": validation.json or null,
//    "sweep": reports/sweep_view.h's document plus "scenario_doc" (sweep view only)}
//
// Each RUN is the run's results.json (docs/results.md) without `latency_histogram`, plus
// "label", "spectrum" {"percentile": [], "latency_ms": []} drawn from the histogram,
// "spectrum_uncorrected" (same shape, load runs only) and "scenario_doc" (the effective scenario
// or null). Keeping results.json's own keys means the page reads the documented contract.
#pragma once

#include <nlohmann/json.hpp>

#include "reports/report_input.h"

namespace fleetsim::reports {

nlohmann::json page_data(const ReportInput& input);

}  // namespace fleetsim::reports
