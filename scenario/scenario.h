// The scenario as typed, validated values. Parsed once at the edge (scenario/parse.h); models
// never see JSON. Field comments give meaning, unit and default; docs/scenarios.md is the
// user-facing reference for the same keys.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scenario/autoscaling_spec.h"
#include "scenario/cost_spec.h"
#include "scenario/health_spec.h"
#include "scenario/text_template.h"

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

// A version of a service's code, as a deploy fault introduces it.
struct Version {
  std::string label = "v1";
  Distribution service_time;
  double error_rate = 0;
  bool healthy = true;  // whether its tasks pass health checks
  double startup_s = 0;
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
  // The HTTP request the load generator sends on this route. The simulator ignores these: they
  // do not change the model. Header values and the body are templates (scenario/text_template.h).
  std::string method = "GET";  // GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS
  std::vector<std::pair<std::string, TextTemplate>> headers;  // name → value, in name order
  std::optional<TextTemplate> body;  // absent: no body
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
  double connect_timeout_s = 60;          // nginx proxy_connect_timeout (default 60 s)
  double read_timeout_s = 60;             // nginx proxy_read_timeout: the response's deadline
  PassiveHealthSpec passive;              // max_fails, fail_timeout_s (nginx)
  ActiveHealthSpec health_check;          // active checks (HAProxy, ALB)
  OutlierSpec outlier;                    // outlier_detection (Envoy)
  RetrySpec retries;                      // retries (nginx proxy_next_upstream)
};

struct Task {
  double vcpu = 0.25;
  double memory_gb = 0.5;
  std::uint32_t workers = 1;     // requests served at once
  std::int64_t queue_limit = -1; // waiting requests beyond the workers; -1 = unbounded
  double startup_s = 0;          // from placement to accepting requests (image pull, app start)
  double replace_delay_s = 10;   // the scheduler's delay before replacing a stopped task (ECS)
  double deregistration_delay_s = 0;  // draining: deregistered this long before it stops
  std::uint16_t container_port = 8080;  // the port on Fargate (awsvpc: one address per task)
};

struct Hosts {
  bool given = false;            // absent: tasks run on Fargate, one address each
  std::uint32_t count = 1;
  double vcpu = 2;
  double memory_gb = 4;
  std::vector<std::string> zones{"a"};  // host i is in zones[i % zones.size()]
  std::uint32_t port_min = 32768;       // the host's dynamic port range (Docker, ECS bridge mode)
  std::uint32_t port_max = 65535;
  enum class PortReuse { kSequential, kLowest, kRandom };
  PortReuse port_reuse = PortReuse::kSequential;  // Docker hands out the port after the last one
  std::string instance_type = "t3.medium";
};

struct Discovery {
  enum class Mode { kStatic, kPoll, kRegistry };
  // static: the balancers keep the tasks of the start for ever (no discovery);
  // poll: a script lists running tasks every interval_s and reloads the balancer (nginx + cron);
  // registry: tasks are registered as they become ready and deregistered as they drain (ALB
  // target groups, Cloud Map), seen after reload_s.
  Mode mode = Mode::kStatic;
  double interval_s = 30;
  double phase_s = 0;       // first listing at phase_s (then every interval_s)
  double listing_s = 0;     // from listing to the new configuration written
  double reload_s = 0.5;    // from written to the balancers using it
  bool health_probe = false;  // list only tasks that answer a health probe at listing time
  bool stagger_instances = true;  // balancer instance i lists at phase + i × interval / instances
};

struct Fault {
  enum class Kind {
    kKillTask, kKillHost, kSpotInterruption, kHangTask, kSlowTask, kErrorTask, kZoneOutage,
    kDiscoveryOutage, kNetworkPartition, kScale, kExec, kDeploy, kRegionOutage
  };
  Kind kind = Kind::kKillTask;
  std::string kind_name;
  double at_s = 0;
  double duration_s = 0;       // 0: until the end of the run (hang/slow/error/outage/partition)
  std::string service;         // task faults, scale
  std::uint32_t count = 1;     // tasks affected
  std::int64_t host = -1;      // kill_host: host index
  std::string zone;            // kill_host by zone, zone_outage, network_partition
  std::string region;          // region_outage
  double extra_ms = 0;         // slow_task
  double error_rate = 1;       // error_task
  std::uint32_t replicas = 0;  // scale: the new desired count
  double warning_s = 120;      // spot_interruption: notice before the task stops
  std::string command;         // exec: run by the load generator only
  double timeout_s = 60;       // exec: the command's process group is killed after this long
  Version version;             // deploy: the new version (fields not given keep the service's)
};

// How a service rolls out a new version (`services[].deployment`), triggered by a `deploy` fault.
struct Deployment {
  enum class Strategy { kRolling, kBlueGreen };
  Strategy strategy = Strategy::kRolling;
  // Rolling (ECS): at least ceil(desired × min_healthy_percent / 100) tasks stay running and
  // healthy, at most floor(desired × max_percent / 100) run at once. Kubernetes' maxSurge and
  // maxUnavailable (task counts) are accepted instead and converted.
  double min_healthy_percent = 100;
  double max_percent = 200;
  // Blue-green (ECS with CodeDeploy): the green tasks start beside the blue ones; once all are
  // ready, traffic shifts all at once, as a canary (canary_percent for step_interval_s, then
  // all) or linearly (step_percent every step_interval_s); blue tasks stop bake_s after the
  // last shift.
  enum class Shift { kAllAtOnce, kCanary, kLinear };
  Shift shift = Shift::kAllAtOnce;
  double canary_percent = 10;
  double step_percent = 10;
  double step_interval_s = 60;
  double bake_s = 300;
  // ECS deployment circuit breaker: a new task that fails its health checks is stopped and
  // counted; at min(200, max(3, ceil(desired / 2))) failures the deployment fails and, with
  // rollback, the old version is restored.
  bool circuit_breaker = true;
  bool rollback = true;
  double health_check_grace_s = 0;
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
  enum class Placement { kSpread, kBinpack, kDistinctInstance, kRandom };
  Placement placement = Placement::kSpread;  // ECS placement strategy on hosts
  std::optional<AutoscalingSpec> autoscaling;
  Deployment deployment;
  std::string algorithm;  // this service's upstream algorithm; empty = balancer.algorithm
};

// A region running a full copy of the fleet (`regions`); without regions there is one, implicit.
struct Region {
  enum class Role { kPrimary, kStandby, kActive };
  std::string name;
  Role role = Role::kPrimary;
  double rtt_ms = 0;   // extra round trip between the clients and this region
  double weight = 1;   // active-active: share of DNS answers among healthy active regions
};

// DNS failover between regions (Route 53 failover or weighted records with health checks).
struct Failover {
  double dns_ttl_s = 60;               // clients re-resolve this long after their last answer
  double health_check_interval_s = 30; // Route 53 checks each region's endpoint this often
  std::uint32_t failure_threshold = 3; // consecutive failed checks to mark a region down (and passes to bring it back)
  double replication_lag_ms = 0;       // data written in the primary reaches the standby this much later
  double writes_per_request = 0;       // for the lost-writes estimate (RPO) at failover
  double sticky_share = 0;             // share of clients that keep a stale answer longer than the TTL
  double sticky_extra_s = 300;         // how much longer they keep it
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
  // The seed of what a load generator replays — arrivals, routes, clients, and which tasks the
  // faults hit — when it is not `seed`; never read from JSON. `validate` holds it at the measured
  // run's seed while its replications vary `seed`, so the prediction is conditional on the very
  // requests and faults that were sent and leaves only service times and balancer choices to chance.
  std::optional<std::uint64_t> plan_seed;
  std::uint64_t replay_seed() const { return plan_seed.value_or(seed); }
  // The simulator draws each task's service times and errors from that task's own streams, the
  // ones the local stack's emulators use (models/emulator_streams.h), instead of one stream per
  // service; never read from JSON. validate's coupled prediction sets it.
  bool emulator_streams = false;
  double duration_s = 60;
  double warmup_s = 0;
  double step_s = 1;    // time-series step
  Traffic traffic;
  Network network;
  Balancer balancer;
  std::vector<Service> services;
  Hosts hosts;
  Discovery discovery;
  std::vector<Fault> faults;   // in time order
  std::optional<CostSpec> cost;
  std::vector<Region> regions;      // empty: one region
  Failover failover;
  // Set by models::expand_regions, which gives every region its own copy of the services (region
  // r's copy of base service k is services[r × base_services + k]) and of the hosts (region r
  // has hosts [r × hosts_per_region, (r + 1) × hosts_per_region)).
  std::uint32_t region_count = 1;
  std::uint32_t base_services = 0;
  std::uint32_t hosts_per_region = 0;
  Slo slo;
  // Keys recognised from the design but not modelled by this build: each is named in a
  // warning on stderr and in results, never silently honoured.
  std::vector<std::string> unmodelled;
  std::string canonical_json;  // the effective scenario, for reports and hashing
};

}  // namespace fleetsim::scenario
