// The scenario as typed, validated values. Parsed once at the edge (scenario/parse.h); models
// never see JSON. Field comments give meaning, unit and default; docs/scenarios.md is the
// user-facing reference for the same keys.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace fleetsim::scenario {

// A service-time (or any duration) distribution, in milliseconds.
struct Distribution {
  enum class Kind { kExponential, kConstant, kLognormal, kGamma, kUniform, kEmpirical };
  Kind kind = Kind::kExponential;
  double mean_ms = 0;  // exponential, constant, lognormal, gamma
  double cv = 1;       // lognormal, gamma: standard deviation / mean
  double min_ms = 0;   // uniform
  double max_ms = 0;   // uniform
  // empirical: (probability, value) points of the quantile function, increasing in both;
  // values between points are interpolated linearly. The first point has p = 0, the last p = 1.
  std::vector<std::pair<double, double>> quantiles_ms;
};

struct RatePoint {
  double at_s = 0;    // when the step or ramp starts
  double rps = 0;     // the rate reached
  double ramp_s = 0;  // 0: a step at at_s; otherwise linear from the previous rate over ramp_s
};

struct Route {
  std::string path;     // URL prefix (used by the load generator and balancer configs)
  std::string service;  // the service it reaches
  double weight = 1;    // share of requests, relative to the other routes
};

struct Traffic {
  enum class Arrivals { kPoisson, kUniform };
  Arrivals arrivals = Arrivals::kPoisson;
  // The rate over time; `rate_rps` alone is one point at 0 s.
  std::vector<RatePoint> profile;
  std::uint32_t clients = 1000;  // distinct client identities (source addresses)
  std::vector<Route> routes;
};

struct Network {
  double rtt_ms = 0;  // round trip between the balancer and a task (and between tasks)
};

struct Balancer {
  std::string algorithm = "round_robin";  // a name from the balancer registry
  std::uint32_t instances = 1;            // independent copies, each with its own state
  double overhead_ms = 0;                 // per request, added once at the balancer
  double ewma_decay_s = 10;               // peak_ewma: time constant of the latency average
  std::uint32_t ring_points = 160;        // consistent_hash: ring points per unit of weight
};

struct Task {
  double vcpu = 0.25;
  double memory_gb = 0.5;
  std::uint32_t workers = 1;     // requests served at once
  std::int64_t queue_limit = -1; // waiting requests beyond the workers; -1 = unbounded
  double startup_s = 0;
};

struct Call {
  std::string service;     // downstream service called
  double probability = 1;  // chance that one request makes this call
};

struct Service {
  std::string name;
  std::uint32_t replicas = 1;
  std::vector<double> weights;  // balancer weight per replica (cycled); empty = all 1
  Task task;
  Distribution service_time;
  double error_rate = 0;        // chance a served request answers 500
  std::vector<Call> calls;      // made in order, after the task's own work, holding the worker
};

struct Slo {
  double latency_p50_ms = 0;  // 0 = no check
  double latency_p99_ms = 0;
  double availability = 0;
};

struct Scenario {
  std::string name;
  std::string description;
  std::string file;     // where it was read from, for messages
  std::string sha256;   // of the effective scenario (after --set), canonical JSON
  std::uint64_t seed = 1;
  double duration_s = 60;
  double warmup_s = 0;
  double step_s = 1;    // time-series step
  Traffic traffic;
  Network network;
  Balancer balancer;
  std::vector<Service> services;
  Slo slo;
  // Keys recognised from the design but not modelled by this build: each is named in a
  // warning on stderr and in results, never silently honoured.
  std::vector<std::string> unmodelled;
  std::string canonical_json;  // the effective scenario, for reports and hashing
};

}  // namespace fleetsim::scenario
