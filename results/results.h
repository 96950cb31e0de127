// The results of one run, from the simulator or the load generator: one schema for both
// (docs/results.md; the contract is in DESIGN.md). Plain values; results_json.h writes them.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/histogram.h"

namespace fleetsim::results {

struct LatencySummary {  // milliseconds, successful requests, client view
  double mean = 0, p50 = 0, p90 = 0, p95 = 0, p99 = 0, p999 = 0, max = 0;
  static LatencySummary of(const sim::LatencyHistogram& h);
};

struct ServiceResult {
  std::uint64_t requests = 0;         // requests that reached the service (client and downstream)
  std::uint64_t failed = 0;
  std::uint64_t misrouted = 0;        // tries for it answered by another service's task
  LatencySummary latency;             // from the balancer's pick to the response, ok only
  double tasks_min = 0, tasks_max = 0, tasks_mean = 0;  // running (ready) tasks
  double pending_mean = 0, pending_max = 0;             // tasks that fit on no host
  double cpu_utilization = 0;         // mean share of worker time spent computing
  std::vector<std::uint64_t> per_task_requests;  // by task index
  // loadgen: ok requests in the window by the answering task's X-Fleetsim-Task label (the local
  // stack's emulators send it); empty when the target does not say.
  std::map<std::string, std::uint64_t> requests_by_task;
};

struct SloCheck {
  std::string name;
  double target = 0;
  double actual = 0;
  bool pass = false;
};

struct Event {
  double t = 0;  // seconds from the start
  std::string kind;
  std::string detail;
};

struct Series {
  double step_s = 1;
  std::vector<double> t;        // step start, seconds
  std::vector<double> rps;      // client requests sent per second
  std::vector<double> ok_rps;   // successful completions per second
  std::vector<double> errors;   // failed completions per second
  // The same split by outcome (its by_outcome name); only outcomes that occurred are listed.
  std::map<std::string, std::vector<double>> errors_by_outcome;
  std::vector<double> retries;  // retries per second
  std::vector<double> p50_ms;   // of completions in the step
  std::vector<double> p99_ms;
  std::map<std::string, std::vector<double>> tasks;  // running tasks per service
};

struct Results {
  std::string source = "sim";  // "sim" | "loadgen"
  std::string scenario_name;
  std::string scenario_sha256;
  std::uint64_t seed = 0;
  double window_start_s = 0, window_end_s = 0;

  std::uint64_t sent = 0, ok = 0, failed = 0, retries = 0;
  std::map<std::string, std::uint64_t> by_outcome;  // disjoint; sums to `sent`
  double availability = 0;   // ok / sent
  double throughput_rps = 0; // ok per second of the window
  LatencySummary latency;
  // loadgen: latency from the actual send instead of the intended one (not corrected for
  // coordinated omission), for comparison, as wrk2 keeps it.
  std::optional<LatencySummary> latency_uncorrected;
  sim::LatencyHistogram histogram;  // the latency distribution behind `latency` (ns)
  double concurrency_mean = 0;      // requests in the system, time-weighted over the window

  std::map<std::string, ServiceResult> services;
  Series timeseries;
  std::vector<Event> events;
  struct Cost {
    bool present = false;
    double period_usd = 0;    // over the measurement window
    double monthly_usd = 0;   // projected to a month
    std::map<std::string, double> breakdown;  // item -> monthly usd
  } cost;
  struct Failover {
    bool present = false;     // a region outage happened
    double outage_at_s = 0;
    double detected_at_s = -1;   // DNS stopped answering the failed region (-1: never)
    double recovered_at_s = -1;  // first step after the outage with >= 99 % of requests ok (by send time)
    double rto_s = -1;           // recovered_at_s - outage_at_s
    double rpo_s = 0;            // data written in the last replication_lag before the outage is lost
    double lost_writes = 0;      // estimate: write rate at the outage × replication lag
  } failover;
  std::vector<SloCheck> slo_checks;
  bool slo_pass = true;
  std::vector<std::string> warnings;

  std::uint64_t engine_events = 0;
  double engine_wall_s = 0;
};

}  // namespace fleetsim::results
