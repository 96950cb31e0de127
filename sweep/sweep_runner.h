// `fleetsim sweep`: a grid of scenario variants, each simulated with independent replications,
// summarised as the mean and Student-t confidence interval of every headline metric.
//
// Replication r of every point runs with seed replication_seed(base seed, r): the streams of
// different replications are independent, and the same replication of two points shares its
// seed (common random numbers, so differences between points are sharper than their CIs).
// With a target precision, replications are added in rounds of `replications` until every
// metric's half-width is within precision × |mean| (metrics whose mean is 0 count as met) or
// max_replications is reached. Rounds depend on results only, never on --jobs: the same sweep
// gives the same numbers with any number of jobs.
//
// Latency percentiles are also given pooled: the histograms of all replications merged exactly,
// then read (never percentiles averaged).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "results/results.h"
#include "scenario/overrides.h"
#include "scenario/scenario.h"
#include "sim/confidence.h"
#include "sim/histogram.h"
#include "sweep/sweep_metrics.h"

namespace fleetsim::sweep {

struct SweepOptions {
  std::uint32_t replications = 10;      // per point, and per round in precision mode
  std::uint32_t jobs = 1;               // local worker threads
  double precision = 0;                 // 0: fixed replications; else relative half-width target
  std::uint32_t max_replications = 200; // precision mode cap per point
  double level = 0.95;                  // confidence level
};

struct PointSummary {
  std::vector<scenario::Override> overrides;  // the grid point
  std::uint32_t replications = 0;
  std::array<sim::Interval, kMetrics.size()> intervals;  // in kMetrics order
  std::array<std::vector<double>, kMetrics.size()> samples;  // one per replication, in order
  sim::LatencyHistogram pooled;               // every replication's histogram, merged (ns)
  results::LatencySummary pooled_latency;
  bool precision_met = true;                  // precision mode: every half-width within target
};

// The seed of replication r (0-based) of a sweep whose scenario seed is `base`.
std::uint64_t replication_seed(std::uint64_t base, std::uint32_t r);

// One replication to run: point index and replication number (its seed follows from them).
struct ReplicationJob {
  std::size_t point = 0;
  std::uint32_t replication = 0;
};
// What a sweep keeps of one run.
struct ReplicationOutcome {
  MetricValues values{};
  sim::LatencyHistogram histogram;  // ok requests in the window (ns)
};
// Runs one round of jobs and returns their outcomes in job order. Local threads or MPI ranks.
using RoundExecutor = std::function<std::vector<ReplicationOutcome>(const std::vector<ReplicationJob>&)>;

// One replication: the point's scenario with the replication's seed, run by `run`.
using RunFunction = std::function<results::Results(const scenario::Scenario&)>;
ReplicationOutcome run_replication(const std::vector<scenario::Scenario>& points, const ReplicationJob& job,
                                   const RunFunction& run);

// Runs the jobs on `jobs` local threads. `progress(done, total)` is called after each job, from
// whichever thread finished it, one call at a time (may be empty).
RoundExecutor local_executor(const std::vector<scenario::Scenario>& points, RunFunction run, std::uint32_t jobs,
                             std::function<void(std::size_t, std::size_t)> progress);

// Simulates every point (already parsed and checked) round by round through `execute`.
std::vector<PointSummary> run_sweep(const std::vector<scenario::Scenario>& points,
                                    const std::vector<std::vector<scenario::Override>>& grid, const SweepOptions& options,
                                    const RoundExecutor& execute);

// Adds one replication to a summary (replications in order), and recomputes the intervals.
void add_replication(PointSummary& summary, const ReplicationOutcome& outcome);
void finish_summary(PointSummary& summary, double level);

}  // namespace fleetsim::sweep
