// A sweep's report data: sweep.json (schema fleetsim.sweep/1, docs/sweeps.md) checked and
// reshaped for drawing. Shared by the page (reports/assets/report.js) and the PNGs, so both
// group the points the same way:
//
//   x axis      the first --set path whose value varies between points, in --set order; numeric
//               when every value is a number, else evenly spaced categories in first-seen order
//   series      one per combination of the other varying paths ("one line per other parameter")
//   charts      the headline metrics: availability (%), throughput, latency p50 and p99
//
//   {"scenario", "confidence_level", "replications", "file",
//    "parameters": [{"path", "values": [..]}],           varying paths, --set order
//    "fixed": [[path, value]...],                         paths with one value at every point
//    "x": {"path", "numeric", "categories": [..]},         categories: [] when numeric
//    "metrics": [{"name", "unit"}],                       in sweep.json order
//    "points": [{"label", "set": [[path, value]...], "x", "replications", "precision_met"?,
//                "metrics": {NAME: {"mean", "half_width", "low", "high"}}}],   null for a missing value
//    "series": [{"label", "points": [index...]}],          indices sorted by x
//    "charts": [{"name", "metric", "title", "y_label", "scale"}]}              scale: 100 for a ratio
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace fleetsim::reports {

// Throws scenario::InputError naming `file` and the JSON path (exit status 2 in the CLI) when the
// text is not JSON, is not fleetsim.sweep/1, or lacks a key the report draws.
nlohmann::json sweep_view(const std::string& sweep_json_text, const std::string& file);

}  // namespace fleetsim::reports
