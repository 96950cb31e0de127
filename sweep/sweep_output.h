// A sweep's files: sweep.json (every point: overrides, replications, each metric's mean,
// half-width, bounds and samples, the pooled latency) and sweep.csv (one row per point, one
// mean/low/high triple per metric), both written atomically.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "sweep/sweep_runner.h"

namespace fleetsim::sweep {

struct SweepInfo {
  std::string scenario_name;
  std::string scenario_file;
  std::uint64_t seed = 0;
  SweepOptions options;
};

std::string sweep_json(const SweepInfo& info, const std::vector<PointSummary>& points);
std::string sweep_csv(const std::vector<PointSummary>& points);
void write_sweep(const std::string& directory, const SweepInfo& info, const std::vector<PointSummary>& points);
// The table printed at the end: one row per point, mean ± half-width of the key metrics.
void print_sweep(std::ostream& out, const SweepInfo& info, const std::vector<PointSummary>& points);

}  // namespace fleetsim::sweep
