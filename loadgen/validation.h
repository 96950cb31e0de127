// `validate`: the simulator's prediction against the load generator's measurement of the same
// scenario on the local stack, metric by metric, each with the tolerance it is judged by.
//
// Compared: latency p50, p90, p99 (relative tolerance, or inside the simulator's prediction
// interval over replications); availability (percentage points); the
// failed requests after each fault, from its at_s to the next fault or the end (relative, with
// an absolute floor for small counts, since a count of 4 vs 6 is noise, not a 50 % miss); the
// share of requests per task, tasks matched by rank (the stack's task labels are not the
// simulator's indices), as the largest difference in percentage points. p90 and the shares are
// shown; which metrics decide the verdict is in `Tolerances`.
#pragma once

#include <iosfwd>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "results/results.h"
#include "scenario/scenario.h"

namespace fleetsim::loadgen {

struct Tolerances {
  double latency_relative = 0.15;   // p50 and p99 (and p90 when check_p90)
  bool check_p90 = false;
  double availability_pp = 0.5;     // percentage points
  double failures_relative = 0.25;  // failed requests after each fault
  double failures_floor = 5;        // ... or at most this many requests apart
  double share_pp = 0;              // per-task share; 0 = shown, not judged
};

// The simulator's own run-to-run spread of the latency percentiles: one value per replication.
// A measured run is one sample; a percentile within the 99 % prediction interval of these is
// consistent with the model even when sampling alone moves it beyond the relative tolerance
// (a p99 from a few thousand requests moves by 10 % or more between seeds).
struct ReplicationSpread {
  std::vector<double> p50, p90, p99;  // ms
  double level = 0.99;
};

struct ValidationRow {
  std::string metric;
  double predicted = 0;
  double measured = 0;
  std::string delta;      // "+4.1 %", "-0.12 pp", "+3"
  std::string tolerance;  // "±15 %", "" when not judged
  bool judged = false;
  bool pass = true;
};

struct Validation {
  std::vector<ValidationRow> rows;
  bool pass = true;
};

// `spread` may be null (no replications): then only the relative tolerance judges latency.
Validation compare_runs(const scenario::Scenario& s, const results::Results& predicted, const results::Results& measured,
                        const Tolerances& tolerances, const ReplicationSpread* spread = nullptr);
void print_validation(std::ostream& out, const Validation& v);
nlohmann::json validation_json(const Validation& v);

// Failed requests whose completion fell in [from_s, to_s), from a results' time series.
double failures_between(const results::Results& r, double from_s, double to_s);

}  // namespace fleetsim::loadgen
