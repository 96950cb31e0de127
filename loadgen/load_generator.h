// `fleetsim load`: replays a scenario's traffic against a real HTTP endpoint and measures it.
//
// Open model (default, like wrk2): every request has an intended send time from the send plan;
// it goes out on a free keep-alive connection (a new one is opened up to the cap) and its latency
// is measured from the intended time (coordinated omission corrected), with an uncorrected
// histogram (from the actual send) beside it. A request not sent within timeout_s of its intended
// time is dropped. Closed model (`connections` > 0, like wrk): that many connections, each
// sending back to back until the end; there the two histograms agree by construction, except
// that a connection reopened for another client's source address (below) adds its connect to
// the corrected figure only.
//
// Each request is its route's (method, headers, body; templates rendered per request:
// request_template.h), over http or https (certificates verified unless `insecure`). Against an
// IPv4 loopback target, client c's requests leave from its own source address
// models::client_address(c), and keep-alive connections are reused per source address
// (connection_pool.h); against any other target the identity travels in an X-Fleetsim-Client
// header only (it always does as well).
//
// Under `mpirun -n K` (cli/load_command.cpp) each process runs measure_load() with its rank: it
// draws the whole plan and sends its share (PlanShare, send_plan.h), all ranks start at one
// agreed time, and rank 0 merges every rank's LoadTally and reports with load_report().
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

#include "loadgen/load_recorder.h"
#include "loadgen/load_target.h"
#include "results/results.h"
#include "scenario/scenario.h"
#include "sim/histogram.h"

namespace fleetsim::loadgen {

inline constexpr double kMaxLoadDuration_s = 3600;  // every run ends

struct LoadOptions {
  LoadTarget target;
  double duration_s = 0;             // the run's length, in (warmup, kMaxLoadDuration_s]
  std::uint32_t connections = 0;     // 0: open model; N > 0: closed model with N connections
  std::uint32_t threads = 2;         // load threads of this process, each with its own io_context
  std::uint32_t max_connections = 256;  // open model: cap over this process's threads
  double timeout_s = 10;             // response deadline from the send; send deadline from the plan
  bool insecure = false;             // https: accept any certificate and name (curl -k)
  bool quiet = true;                 // false: a progress line on stderr each second
  // Called once, before any send, with the run's time zero (the plan's 0 s), so a chaos executor
  // can act on the same clock. Runs on the calling thread; must return quickly.
  std::function<void(std::chrono::steady_clock::time_point)> on_start;
  // Under mpirun: this process is rank `rank` of `ranks` and sends only its share of the plan.
  // The closed model's `connections` are then the total over the ranks, split as evenly as they
  // go (rank r has N/K, plus one when r < N mod K), so there must be at least `ranks`.
  std::uint32_t rank = 0, ranks = 1;
  // Set under mpirun: called once, when this process is ready to send, with its proposed start
  // (wall clock, a moment ahead); returns the start every rank uses (the latest proposal), and
  // on no rank before every rank has called it, so the ranks start together and their
  // per-second steps line up.
  // Ranks on several hosts need their clocks synchronised (NTP); a start more than a minute
  // away from this process's own proposal is refused as a clock error.
  std::function<std::chrono::system_clock::time_point(std::chrono::system_clock::time_point)> agree_start;
};

struct LoadReport {
  results::Results results;                   // source "loadgen"; latency is the corrected figure
  sim::LatencyHistogram uncorrected;          // ok requests in the window, from the actual send (ns)
  results::LatencySummary uncorrected_latency;
  std::uint64_t planned_total = 0;            // over the whole run, window or not
  double wall_s = 0;
};

// Runs this process's share of the load (all of it unless options.ranks > 1) and returns what it
// measured: its threads' tallies merged. Throws std::runtime_error when the target's host cannot
// be resolved; failures of the target itself are counted. Prints a progress line a second on
// stderr unless options.quiet.
LoadTally measure_load(const scenario::Scenario& scenario, const LoadOptions& options);
// The report of a run from its tally (one process's, or every rank's merged): counts, series,
// percentiles read from the merged histograms, the SLO verdict.
LoadReport load_report(const scenario::Scenario& scenario, const LoadOptions& options, const LoadTally& tally);
// measure_load, then load_report: a run in one process.
LoadReport run_load(const scenario::Scenario& scenario, const LoadOptions& options);

}  // namespace fleetsim::loadgen
