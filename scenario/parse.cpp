#include "scenario/parse.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <map>
#include <set>

#include "scenario/autoscaling_parse.h"
#include "scenario/cost_parse.h"
#include "scenario/health_parse.h"
#include "scenario/json_reader.h"
#include "scenario/override_apply.h"
#include "scenario/sha256.h"

namespace fleetsim::scenario {

namespace {

using nlohmann::json;

// Bounds that refuse absurd inputs up front instead of exhausting memory mid-run.
constexpr double kMaxDurationS = 30.0 * 24 * 3600;  // a simulated month
constexpr double kMaxRateRps = 10'000'000;
constexpr std::int64_t kMaxReplicas = 100'000;
constexpr std::int64_t kMaxWorkers = 100'000;
constexpr std::int64_t kMaxClients = 100'000'000;
constexpr double kMaxMillis = 3'600'000;  // one hour, the histogram's documented range
constexpr std::size_t kMaxSteps = 10'000'000;
// The whole fleet, which the simulator holds in memory: about 300 bytes a task and 200 a host
// (measured: a million tasks ran in 307 MB, a million hosts in 199 MB). Per-key bounds alone
// would let 10,000 services of 100,000 replicas through (10^9 tasks, some 300 GB).
constexpr std::uint64_t kMaxFleetTasks = 1'000'000;
constexpr std::uint64_t kMaxFleetHosts = 1'000'000;
// nlohmann's document of a file is up to ~25 times the file (measured: 1.6 GB for 60 MiB of
// small objects), all of it before any key is checked; 16 MiB holds a 100,000-point profile
// five times over.
constexpr std::size_t kMaxFileBytes = 16u * 1024 * 1024;

std::string index_path(const std::string& base, std::size_t i) { return base + "[" + std::to_string(i) + "]"; }

Distribution parse_distribution(const json& value, const std::string& path, const std::string& file) {
  ObjectReader r(value, path, file);
  Distribution d;
  const std::string dist = r.choice("dist", "exponential",
                                    {"exponential", "constant", "lognormal", "gamma", "uniform", "empirical"});
  if (dist == "exponential" || dist == "constant" || dist == "lognormal" || dist == "gamma") {
    if (!r.has("mean_ms")) r.fail("mean_ms", "required for dist \"" + dist + "\": expected a number > 0");
    d.mean_ms = r.number("mean_ms", 0, Range::kPositive, kMaxMillis);
  }
  if (dist == "exponential") d.kind = Distribution::Kind::kExponential;
  if (dist == "constant") d.kind = Distribution::Kind::kConstant;
  if (dist == "lognormal" || dist == "gamma") {
    d.kind = dist == "gamma" ? Distribution::Kind::kGamma : Distribution::Kind::kLognormal;
    if (!r.has("cv")) r.fail("cv", "required for dist \"" + dist + "\": expected a number > 0 (stddev / mean)");
    d.cv = r.number("cv", 1, Range::kPositive, 100);
  }
  if (dist == "uniform") {
    d.kind = Distribution::Kind::kUniform;
    if (!r.has("min_ms") || !r.has("max_ms")) r.fail("", "dist \"uniform\" needs min_ms and max_ms");
    d.min_ms = r.number("min_ms", 0, Range::kNonNegative, kMaxMillis);
    d.max_ms = r.number("max_ms", 0, Range::kNonNegative, kMaxMillis);
    if (d.max_ms < d.min_ms) r.fail("max_ms", "expected max_ms >= min_ms (" + json(d.min_ms).dump() + ")");
    if (d.max_ms == 0) r.fail("max_ms", "expected max_ms > 0");
  }
  if (dist == "empirical") {
    d.kind = Distribution::Kind::kEmpirical;
    const json* q = r.object("quantiles_ms");
    if (!q) r.fail("quantiles_ms", "required for dist \"empirical\": an object such as {\"p0\": 2, \"p50\": 10, \"p99\": 80, \"p100\": 200}");
    const std::string qpath = r.path_of("quantiles_ms");
    for (auto it = q->begin(); it != q->end(); ++it) {
      const std::string key = it.key();
      const std::string kpath = qpath + "." + key;
      double p = -1;
      // "p" then digits with at most one '.', nothing else (std::stod alone would take "p1e1").
      const bool plain = key.size() >= 2 && key[0] == 'p' &&
                         key.find_first_not_of("0123456789.", 1) == std::string::npos &&
                         std::count(key.begin(), key.end(), '.') <= 1 && key[1] != '.' && key.back() != '.';
      if (plain) {
        try {
          std::size_t used = 0;
          p = std::stod(key.substr(1), &used);
          if (used != key.size() - 1) p = -1;
        } catch (const std::exception&) {
          p = -1;
        }
      }
      if (!(p >= 0 && p <= 100)) throw InputError(file, kpath, "expected a key p0 .. p100 (a percentile), found \"" + key + "\"");
      if (!it->is_number() || !(it->get<double>() >= 0) || it->get<double>() > kMaxMillis) {
        throw InputError(file, kpath, "expected a latency in ms >= 0, found " + json_kind(*it));
      }
      d.quantiles_ms.emplace_back(p / 100.0, it->get<double>());
    }
    std::sort(d.quantiles_ms.begin(), d.quantiles_ms.end());
    if (d.quantiles_ms.empty() || d.quantiles_ms.front().first != 0.0 || d.quantiles_ms.back().first != 1.0) {
      throw InputError(file, qpath, "expected the points p0 (the minimum) and p100 (the maximum) among the quantiles");
    }
    for (std::size_t i = 1; i < d.quantiles_ms.size(); ++i) {
      if (d.quantiles_ms[i].second < d.quantiles_ms[i - 1].second) {
        throw InputError(file, qpath, "expected values that do not decrease with the percentile");
      }
    }
    if (d.quantiles_ms.back().second <= 0) throw InputError(file, qpath, "expected p100 > 0");
  }
  r.finish();
  return d;
}

// A template of a route's request, or bad input at `path`.
TextTemplate route_template(const std::string& text, const std::string& file, const std::string& path) {
  std::string error;
  std::optional<TextTemplate> t = compile_text_template(text, error);
  if (!t) throw InputError(file, path, error);
  return std::move(*t);
}

// A route's method, headers and body (what the load generator sends; the simulator ignores them).
void parse_route_request(ObjectReader& rr, Route& route) {
  route.method = rr.choice("method", "GET", {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"});
  if (const json* headers = rr.object("headers")) {
    for (const auto& [name, value] : headers->items()) {
      const std::string path = rr.path_of("headers") + "." + name;
      // RFC 9110 token characters: anything else would corrupt the request line by line.
      const bool token = !name.empty() && std::all_of(name.begin(), name.end(), [](unsigned char c) {
        return std::isalnum(c) || std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
      });
      if (!token) throw InputError(rr.file(), path, "expected a header name of letters, digits and !#$%&'*+-.^_`|~");
      std::string lower = name;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (lower == "content-length" || lower == "transfer-encoding") {
        throw InputError(rr.file(), path, "set by the load generator from the body; remove it");
      }
      if (!value.is_string()) throw InputError(rr.file(), path, "expected a string, found " + json_kind(value));
      const std::string text = value.get<std::string>();
      if (text.find_first_of(std::string("\r\n\0", 3)) != std::string::npos) {
        throw InputError(rr.file(), path, "expected a value without line breaks or NUL");
      }
      route.headers.emplace_back(name, route_template(text, rr.file(), path));
    }
  }
  if (rr.child("body")) route.body = route_template(rr.string("body", ""), rr.file(), rr.path_of("body"));
}

// No traffic key is recognised-but-unmodelled any more; `notes` stays for the common signature.
Traffic parse_traffic(const json& value, const std::string& file, std::vector<std::string>& /*notes*/) {
  ObjectReader r(value, "traffic", file);
  Traffic t;
  t.arrivals = r.choice("arrivals", "poisson", {"poisson", "uniform"}) == "uniform" ? Traffic::Arrivals::kUniform
                                                                                    : Traffic::Arrivals::kPoisson;
  const auto rate = r.optional_number("rate_rps", Range::kPositive, kMaxRateRps);
  const json* profile = r.array("profile");
  if (rate && profile) r.fail("", "give either rate_rps or profile, not both");
  if (!rate && !profile) r.fail("", "expected rate_rps (a number > 0) or profile (a list of {at_s, rps, ramp_s})");
  if (rate) t.profile.push_back({0, *rate, 0});
  if (profile) {
    if (profile->empty()) r.fail("profile", "expected at least one point");
    if (profile->size() > 100'000) r.fail("profile", "expected at most 100000 points");
    double previous_end = 0;
    for (std::size_t i = 0; i < profile->size(); ++i) {
      ObjectReader p((*profile)[i], index_path("traffic.profile", i), file);
      RatePoint point;
      point.at_s = p.number("at_s", 0, Range::kNonNegative, kMaxDurationS);
      point.rps = p.number("rps", 0, Range::kNonNegative, kMaxRateRps);
      if (!p.has("rps")) p.fail("rps", "required: expected a number >= 0");
      point.ramp_s = p.number("ramp_s", 0, Range::kNonNegative, kMaxDurationS);
      p.finish();
      if (i == 0 && point.at_s != 0) p.fail("at_s", "expected the first point at 0 s");
      if (i > 0 && point.at_s < previous_end) {
        p.fail("at_s", "expected points in time order, each after the previous one's ramp ends (" +
                           json(previous_end).dump() + " s)");
      }
      previous_end = point.at_s + point.ramp_s;
      t.profile.push_back(point);
    }
    const bool any_positive = std::any_of(t.profile.begin(), t.profile.end(), [](auto& p) { return p.rps > 0; });
    if (!any_positive) r.fail("profile", "expected a rate > 0 somewhere in the profile");
  }
  t.clients = static_cast<std::uint32_t>(r.integer("clients", 1000, 1, kMaxClients));
  const json* routes = r.array("routes");
  if (!routes || routes->empty()) r.fail("routes", "expected a list of {path, service, weight} with at least one route");
  double total = 0;
  for (std::size_t i = 0; i < routes->size(); ++i) {
    ObjectReader rr((*routes)[i], index_path("traffic.routes", i), file);
    Route route;
    route.path = rr.string("path", "/");
    route.service = rr.string("service", "");
    if (route.service.empty()) rr.fail("service", "required: the name of a service");
    route.weight = rr.number("weight", 1, Range::kNonNegative, 1e9);
    parse_route_request(rr, route);
    rr.finish();
    total += route.weight;
    t.routes.push_back(route);
  }
  if (total <= 0) r.fail("routes", "expected route weights with a positive sum, found all zero");
  r.finish();
  return t;
}

Balancer parse_balancer(const json& value, const std::string& file, std::vector<std::string>& notes) {
  ObjectReader r(value, "balancer", file);
  Balancer b;
  b.algorithm = r.string("algorithm", b.algorithm);  // checked against the registry by the model builder
  b.instances = static_cast<std::uint32_t>(r.integer("instances", 1, 1, 10'000));
  b.overhead_ms = r.number("overhead_ms", 0, Range::kNonNegative, kMaxMillis);
  b.ewma_decay_s = r.number("ewma_decay_s", b.ewma_decay_s, Range::kPositive, 3600);
  b.ring_points = static_cast<std::uint32_t>(r.integer("ring_points", b.ring_points, 1, 10'000));
  b.connect_timeout_s = r.number("connect_timeout_s", b.connect_timeout_s, Range::kPositive, 3600);
  b.read_timeout_s = r.number("read_timeout_s", b.read_timeout_s, Range::kPositive, 3600);
  b.passive = parse_passive(r);
  if (const json* hc = r.object("health_check")) b.health_check = parse_active(*hc, "balancer.health_check", file);
  if (const json* od = r.object("outlier_detection")) b.outlier = parse_outlier(*od, "balancer.outlier_detection", file);
  if (const json* rt = r.object("retries")) b.retries = parse_retries(*rt, "balancer.retries", file);
  (void)notes;
  r.finish();
  return b;
}

Deployment parse_deployment(const json& value, const std::string& path, const std::string& file, std::uint32_t replicas) {
  ObjectReader r(value, path, file);
  Deployment d;
  d.strategy = r.choice("strategy", "rolling", {"rolling", "blue_green"}) == "blue_green" ? Deployment::Strategy::kBlueGreen
                                                                                          : Deployment::Strategy::kRolling;
  const bool rolling = d.strategy == Deployment::Strategy::kRolling;
  auto only = [&](const char* key, bool allowed, const char* strategy) {
    if (r.has(key) && !allowed) r.fail(key, std::string("\"") + key + "\" belongs to strategy \"" + strategy + "\"");
  };
  for (const char* key : {"min_healthy_percent", "max_percent", "max_surge", "max_unavailable"}) only(key, rolling, "rolling");
  for (const char* key : {"shift", "canary_percent", "step_percent", "step_interval_s", "bake_s"}) only(key, !rolling, "blue_green");
  d.min_healthy_percent = r.number("min_healthy_percent", 100, Range::kPercent);
  d.max_percent = r.number("max_percent", 200, Range::kNonNegative, 1000);
  if (r.has("max_surge") || r.has("max_unavailable")) {
    if (r.has("min_healthy_percent") || r.has("max_percent")) {
      r.fail("", "give ECS's min_healthy_percent/max_percent or Kubernetes' max_surge/max_unavailable, not both");
    }
    const auto surge = r.integer("max_surge", 1, 0, 100'000);
    const auto unavailable = r.integer("max_unavailable", 0, 0, 100'000);
    d.max_percent = 100.0 * (replicas + static_cast<double>(surge)) / replicas;
    d.min_healthy_percent = std::max(0.0, 100.0 * (replicas - static_cast<double>(unavailable)) / replicas);
  }
  if (rolling) {
    // ECS: maximumPercent is at least 100. A rolling update moves when it may start a task beyond
    // the desired count or stop one below it.
    if (d.max_percent < 100) r.fail("max_percent", "expected max_percent >= 100 (ECS maximumPercent)");
    const double n = replicas;
    const bool can_surge = std::floor(n * d.max_percent / 100 + 1e-9) > n;
    const bool can_stop = std::ceil(n * d.min_healthy_percent / 100 - 1e-9) < n;
    if (!can_surge && !can_stop) {
      r.fail("max_percent", "expected room to replace a task: with " + std::to_string(replicas) +
                                " replicas, max_percent must allow one extra task or min_healthy_percent one task fewer");
    }
  }
  const std::string shift = r.choice("shift", "all_at_once", {"all_at_once", "canary", "linear"});
  d.shift = shift == "canary" ? Deployment::Shift::kCanary : shift == "linear" ? Deployment::Shift::kLinear
                                                                              : Deployment::Shift::kAllAtOnce;
  d.canary_percent = r.number("canary_percent", 10, Range::kPositive, 100);
  d.step_percent = r.number("step_percent", 10, Range::kPositive, 100);
  d.step_interval_s = r.number("step_interval_s", 60, Range::kNonNegative, 86'400);
  d.bake_s = r.number("bake_s", 300, Range::kNonNegative, 86'400);
  if (const json* cb = r.object("circuit_breaker")) {
    ObjectReader c(*cb, r.path_of("circuit_breaker"), file);
    d.circuit_breaker = c.boolean("enabled", true);
    d.rollback = c.boolean("rollback", true);
    c.finish();
  }
  d.health_check_grace_s = r.number("health_check_grace_s", 0, Range::kNonNegative, 86'400);
  r.finish();
  return d;
}

Service parse_service(const json& value, const std::string& path, const std::string& file,
                      std::vector<std::string>& notes) {
  ObjectReader r(value, path, file);
  Service s;
  s.name = r.string("name", "");
  if (s.name.empty()) r.fail("name", "required: a non-empty service name");
  s.replicas = static_cast<std::uint32_t>(r.integer("replicas", 1, 1, kMaxReplicas));
  s.algorithm = r.string("algorithm", "");  // checked against the registry by the model builder
  if (const json* w = r.array("weights")) {
    for (std::size_t i = 0; i < w->size(); ++i) {
      const json& x = (*w)[i];
      if (!x.is_number() || !(x.get<double>() > 0) || x.get<double>() > 1e6) {
        throw InputError(file, index_path(r.path_of("weights"), i), "expected a weight > 0, found " + json_kind(x));
      }
      s.weights.push_back(x.get<double>());
    }
    if (s.weights.empty()) r.fail("weights", "expected at least one weight (or leave it out)");
  }
  if (const json* task = r.object("task")) {
    ObjectReader t(*task, r.path_of("task"), file);
    s.task.vcpu = t.number("vcpu", s.task.vcpu, Range::kPositive, 1024);
    s.task.memory_gb = t.number("memory_gb", s.task.memory_gb, Range::kPositive, 24 * 1024);
    s.task.workers = static_cast<std::uint32_t>(t.integer("workers", 1, 1, kMaxWorkers));
    s.task.queue_limit = t.integer("queue_limit", -1, -1, 100'000'000);
    s.task.startup_s = t.number("startup_s", 0, Range::kNonNegative, 3600);
    s.task.replace_delay_s = t.number("replace_delay_s", s.task.replace_delay_s, Range::kNonNegative, 3600);
    s.task.deregistration_delay_s = t.number("deregistration_delay_s", 0, Range::kNonNegative, 3600);
    s.task.container_port = static_cast<std::uint16_t>(t.integer("container_port", 8080, 1, 65535));
    t.finish();
  }
  const json* st = r.object("service_time_ms");
  if (!st) r.fail("service_time_ms", "required: a distribution such as {\"dist\": \"exponential\", \"mean_ms\": 20}");
  s.service_time = parse_distribution(*st, r.path_of("service_time_ms"), file);
  s.error_rate = r.number("error_rate", 0, Range::kProbability);
  if (const json* calls = r.array("calls")) {
    for (std::size_t i = 0; i < calls->size(); ++i) {
      ObjectReader c((*calls)[i], index_path(r.path_of("calls"), i), file);
      Call call;
      call.service = c.string("service", "");
      if (call.service.empty()) c.fail("service", "required: the name of the service called");
      call.probability = c.number("probability", 1, Range::kProbability);
      c.finish();
      s.calls.push_back(call);
    }
  }
  const std::string placement =
      r.choice("placement", "spread", {"spread", "binpack", "distinct_instance", "random"});
  s.placement = placement == "binpack"             ? Service::Placement::kBinpack
                : placement == "distinct_instance" ? Service::Placement::kDistinctInstance
                : placement == "random"            ? Service::Placement::kRandom
                                                   : Service::Placement::kSpread;
  if (const json* a = r.object("autoscaling")) s.autoscaling = parse_autoscaling(*a, r.path_of("autoscaling"), file);
  if (const json* d = r.object("deployment")) s.deployment = parse_deployment(*d, r.path_of("deployment"), file, s.replicas);
  r.unmodelled("health_check", notes);
  r.finish();
  return s;
}

Hosts parse_hosts(const json& value, const std::string& file) {
  ObjectReader r(value, "hosts", file);
  Hosts h;
  h.given = true;
  h.count = static_cast<std::uint32_t>(r.integer("count", 1, 1, 100'000));
  h.vcpu = r.number("vcpu", h.vcpu, Range::kPositive, 1024);
  h.memory_gb = r.number("memory_gb", h.memory_gb, Range::kPositive, 24 * 1024);
  if (const json* zones = r.array("zones")) {
    h.zones.clear();
    for (std::size_t i = 0; i < zones->size(); ++i) {
      const json& z = (*zones)[i];
      if (!z.is_string() || z.get<std::string>().empty()) {
        throw InputError(file, index_path("hosts.zones", i), "expected a zone name, found " + json_kind(z));
      }
      h.zones.push_back(z.get<std::string>());
    }
    if (h.zones.empty()) r.fail("zones", "expected at least one zone");
  }
  if (const json* range = r.array("port_range")) {
    if (range->size() != 2 || !(*range)[0].is_number_integer() || !(*range)[1].is_number_integer()) {
      r.fail("port_range", "expected [first, last], two integers");
    }
    const auto lo = (*range)[0].get<std::int64_t>(), hi = (*range)[1].get<std::int64_t>();
    if (lo < 1 || hi > 65535 || lo > hi) r.fail("port_range", "expected 1 <= first <= last <= 65535");
    h.port_min = static_cast<std::uint32_t>(lo);
    h.port_max = static_cast<std::uint32_t>(hi);
  }
  const std::string reuse = r.choice("port_reuse", "sequential", {"sequential", "lowest", "random"});
  h.port_reuse = reuse == "lowest"   ? Hosts::PortReuse::kLowest
                 : reuse == "random" ? Hosts::PortReuse::kRandom
                                     : Hosts::PortReuse::kSequential;
  h.instance_type = r.string("instance_type", h.instance_type);
  r.finish();
  return h;
}

Discovery parse_discovery(const json& value, const std::string& file) {
  ObjectReader r(value, "discovery", file);
  Discovery d;
  const std::string mode = r.choice("mode", "poll", {"static", "poll", "registry"});
  d.mode = mode == "static" ? Discovery::Mode::kStatic : mode == "registry" ? Discovery::Mode::kRegistry
                                                                            : Discovery::Mode::kPoll;
  d.interval_s = r.number("interval_s", d.interval_s, Range::kPositive, 86'400);
  d.phase_s = r.number("phase_s", 0, Range::kNonNegative, 86'400);
  d.listing_s = r.number("listing_s", 0, Range::kNonNegative, 3600);
  d.reload_s = r.number("reload_s", d.reload_s, Range::kNonNegative, 3600);
  d.health_probe = r.boolean("health_probe", false);
  d.stagger_instances = r.boolean("stagger_instances", true);
  r.finish();
  return d;
}

std::vector<Fault> parse_faults(const json& list, const std::string& file, double duration_s,
                                const std::vector<Service>& services) {
  static const std::vector<std::pair<std::string, Fault::Kind>> kinds = {
      {"kill_task", Fault::Kind::kKillTask},         {"kill_host", Fault::Kind::kKillHost},
      {"spot_interruption", Fault::Kind::kSpotInterruption}, {"hang_task", Fault::Kind::kHangTask},
      {"slow_task", Fault::Kind::kSlowTask},         {"error_task", Fault::Kind::kErrorTask},
      {"zone_outage", Fault::Kind::kZoneOutage},     {"discovery_outage", Fault::Kind::kDiscoveryOutage},
      {"network_partition", Fault::Kind::kNetworkPartition}, {"scale", Fault::Kind::kScale},
      {"exec", Fault::Kind::kExec},                   {"deploy", Fault::Kind::kDeploy},
      {"region_outage", Fault::Kind::kRegionOutage}};
  std::vector<std::string> names;
  for (const auto& [name, kind] : kinds) names.push_back(name);
  std::vector<Fault> faults;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string path = index_path("faults", i);
    ObjectReader r(list[i], path, file);
    Fault f;
    f.kind_name = r.choice("kind", "", names);
    for (const auto& [name, kind] : kinds) {
      if (name == f.kind_name) f.kind = kind;
    }
    if (!r.has("at_s")) r.fail("at_s", "required: when the fault happens, in seconds from the start");
    f.at_s = r.number("at_s", 0, Range::kNonNegative, kMaxDurationS);
    if (f.at_s >= duration_s) r.fail("at_s", "expected a time before the end of the run (" + json(duration_s).dump() + " s)");
    f.duration_s = r.number("duration_s", 0, Range::kNonNegative, kMaxDurationS);
    using K = Fault::Kind;
    const K k = f.kind;
    const bool task_fault = k == K::kKillTask || k == K::kSpotInterruption || k == K::kHangTask ||
                            k == K::kSlowTask || k == K::kErrorTask || k == K::kScale || k == K::kDeploy;
    if (task_fault) {
      f.service = r.string("service", "");
      if (f.service.empty()) r.fail("service", "required for " + f.kind_name + ": the service whose tasks it hits");
    }
    if (task_fault && k != K::kScale && k != K::kDeploy) f.count = static_cast<std::uint32_t>(r.integer("count", 1, 1, 100'000));
    if (k == K::kKillHost) {
      f.host = r.integer("host", -1, 0, 100'000);
      f.zone = r.string("zone", "");
      if ((f.host < 0) == f.zone.empty()) r.fail("", "kill_host needs exactly one of host (an index) or zone");
    }
    if (k == K::kZoneOutage || k == K::kNetworkPartition) {
      f.zone = r.string("zone", "");
      if (f.zone.empty()) r.fail("zone", "required for " + f.kind_name + ": a zone of hosts.zones");
    }
    if (k == K::kRegionOutage) {
      f.region = r.string("region", "");
      if (f.region.empty()) r.fail("region", "required for region_outage: a name from regions");
    }
    if (k == K::kSlowTask) {
      if (!r.has("extra_ms")) r.fail("extra_ms", "required for slow_task: the added service time in ms");
      f.extra_ms = r.number("extra_ms", 0, Range::kPositive, kMaxMillis);
    }
    if (k == K::kErrorTask) f.error_rate = r.number("error_rate", 1, Range::kProbability);
    if (k == K::kScale) {
      if (!r.has("replicas")) r.fail("replicas", "required for scale: the new desired task count");
      f.replicas = static_cast<std::uint32_t>(r.integer("replicas", 1, 0, kMaxReplicas));
    }
    if (k == K::kSpotInterruption) f.warning_s = r.number("warning_s", 120, Range::kNonNegative, 3600);
    if (k == K::kDeploy) {
      // What the deploy does not give, the new version keeps from the service.
      // "name@region" deploys to one region's copy; its defaults are the service's all the same.
      const std::string base = f.service.substr(0, f.service.find('@'));
      const auto service = std::find_if(services.begin(), services.end(), [&](auto& sv) { return sv.name == base; });
      if (service != services.end()) {
        f.version.service_time = service->service_time;
        f.version.error_rate = service->error_rate;
        f.version.startup_s = service->task.startup_s;
      }
      // Default label: v2 for the service's first deploy, v3 for its second, ...
      std::size_t earlier = 0;
      for (const auto& g : faults) earlier += g.kind == K::kDeploy && g.service == f.service;
      f.version.label = r.string("version", "v" + std::to_string(earlier + 2));
      f.version.error_rate = r.number("error_rate", f.version.error_rate, Range::kProbability);
      if (const json* st = r.object("service_time_ms")) {
        f.version.service_time = parse_distribution(*st, r.path_of("service_time_ms"), file);
      }
      f.version.healthy = r.boolean("healthy", true);
      f.version.startup_s = r.number("startup_s", f.version.startup_s, Range::kNonNegative, 3600);
    }
    if (k == K::kExec) {
      f.command = r.string("command", "");
      if (f.command.empty()) r.fail("command", "required for exec: the shell command the load generator runs");
      f.timeout_s = r.number("timeout_s", f.timeout_s, Range::kPositive, 3600);
    }
    r.finish();
    faults.push_back(f);
  }
  std::stable_sort(faults.begin(), faults.end(), [](const Fault& a, const Fault& b) { return a.at_s < b.at_s; });
  return faults;
}

std::vector<Region> parse_regions(const json& list, const std::string& file) {
  std::vector<Region> regions;
  std::size_t primaries = 0, actives = 0;
  for (std::size_t i = 0; i < list.size(); ++i) {
    ObjectReader r(list[i], index_path("regions", i), file);
    Region region;
    region.name = r.string("name", "");
    if (region.name.empty() || region.name.find('@') != std::string::npos) {
      r.fail("name", "required: a region name without '@'");
    }
    const std::string role = r.choice("role", "primary", {"primary", "standby", "active"});
    region.role = role == "standby" ? Region::Role::kStandby : role == "active" ? Region::Role::kActive : Region::Role::kPrimary;
    region.rtt_ms = r.number("rtt_ms", 0, Range::kNonNegative, 10'000);
    region.weight = r.number("weight", 1, Range::kPositive, 1e6);
    r.finish();
    for (const auto& other : regions) {
      if (other.name == region.name) r.fail("name", "duplicate region \"" + region.name + "\"");
    }
    primaries += region.role == Region::Role::kPrimary;
    actives += region.role == Region::Role::kActive;
    regions.push_back(region);
  }
  if (regions.empty()) throw InputError(file, "regions", "expected at least one region (or leave regions out)");
  if (actives > 0 && primaries + actives != regions.size() && primaries > 0) {
    throw InputError(file, "regions", "mix either primary/standby (active-passive) or active (active-active) roles, not both");
  }
  if (actives == 0 && primaries != 1) {
    throw InputError(file, "regions", "active-passive needs exactly one region with role \"primary\"");
  }
  return regions;
}

Failover parse_failover(const json& value, const std::string& file) {
  ObjectReader r(value, "failover", file);
  Failover f;
  f.dns_ttl_s = r.number("dns_ttl_s", f.dns_ttl_s, Range::kNonNegative, 86'400);
  f.health_check_interval_s = r.number("health_check_interval_s", f.health_check_interval_s, Range::kPositive, 3600);
  f.failure_threshold = static_cast<std::uint32_t>(r.integer("failure_threshold", 3, 1, 10));
  f.replication_lag_ms = r.number("replication_lag_ms", 0, Range::kNonNegative, 3'600'000);
  f.writes_per_request = r.number("writes_per_request", 0, Range::kNonNegative, 1000);
  f.sticky_share = r.number("sticky_share", 0, Range::kProbability);
  f.sticky_extra_s = r.number("sticky_extra_s", f.sticky_extra_s, Range::kNonNegative, 86'400);
  r.finish();
  return f;
}

void check_references(const Scenario& s) {
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < s.services.size(); ++i) {
    if (!index.emplace(s.services[i].name, i).second) {
      throw InputError(s.file, index_path("services", i) + ".name",
                       "duplicate service name \"" + s.services[i].name + "\"");
    }
  }
  auto known_list = [&] {
    std::string list;
    for (const auto& [name, i] : index) list += (list.empty() ? "" : ", ") + name;
    return list;
  };
  for (std::size_t i = 0; i < s.traffic.routes.size(); ++i) {
    if (!index.count(s.traffic.routes[i].service)) {
      throw InputError(s.file, index_path("traffic.routes", i) + ".service",
                       "unknown service \"" + s.traffic.routes[i].service + "\"; services are: " + known_list());
    }
  }
  for (std::size_t i = 0; i < s.faults.size(); ++i) {
    const Fault& f = s.faults[i];
    const std::string path = index_path("faults", i);
    // "service@region" names a service's copy in one region; plain names mean the primary's.
    std::string base = f.service;
    if (const auto at = base.find('@'); at != std::string::npos && !s.regions.empty()) {
      const std::string region = base.substr(at + 1);
      base = base.substr(0, at);
      if (std::none_of(s.regions.begin(), s.regions.end(), [&](const Region& r) { return r.name == region; })) {
        throw InputError(s.file, path + ".service", "unknown region \"" + region + "\" in \"" + f.service + "\"");
      }
    }
    if (!f.region.empty() && std::none_of(s.regions.begin(), s.regions.end(), [&](const Region& r) { return r.name == f.region; })) {
      std::string names;
      for (const auto& r : s.regions) names += (names.empty() ? "" : ", ") + r.name;
      throw InputError(s.file, path + ".region", "unknown region \"" + f.region + "\"" +
                                                     (names.empty() ? "; this scenario has no regions" : "; regions are: " + names));
    }
    if (!base.empty() && !index.count(base)) {
      const std::string& shown = base;
      throw InputError(s.file, path + ".service", "unknown service \"" + shown + "\"; services are: " + known_list());
    }
    if (!f.zone.empty() && std::find(s.hosts.zones.begin(), s.hosts.zones.end(), f.zone) == s.hosts.zones.end()) {
      std::string zones;
      for (const auto& z : s.hosts.zones) zones += (zones.empty() ? "" : ", ") + z;
      throw InputError(s.file, path + ".zone", "unknown zone \"" + f.zone + "\"; hosts.zones are: " + zones);
    }
    if ((f.kind == Fault::Kind::kKillHost || f.kind == Fault::Kind::kZoneOutage ||
         f.kind == Fault::Kind::kNetworkPartition) && !s.hosts.given) {
      throw InputError(s.file, path + ".kind", f.kind_name + " needs hosts (this scenario runs on Fargate: no hosts section)");
    }
    if (f.host >= 0 && f.host >= static_cast<std::int64_t>(s.hosts.count)) {
      throw InputError(s.file, path + ".host", "unknown host " + std::to_string(f.host) + "; hosts are 0 .. " +
                                                   std::to_string(s.hosts.count - 1));
    }
  }
  for (std::size_t i = 0; i < s.services.size(); ++i) {
    for (std::size_t c = 0; c < s.services[i].calls.size(); ++c) {
      if (!index.count(s.services[i].calls[c].service)) {
        throw InputError(s.file, index_path(index_path("services", i) + ".calls", c) + ".service",
                         "unknown service \"" + s.services[i].calls[c].service + "\"; services are: " + known_list());
      }
    }
  }
}

// Each service at the largest count it can reach (replicas, autoscaling max, a scale fault's
// replicas) and the hosts, both times the regions (each runs a full copy): within the fleet
// bounds above.
void check_fleet_size(const Scenario& s) {
  const std::uint64_t copies = std::max<std::uint64_t>(1, s.regions.size());
  std::uint64_t tasks = 0;
  for (const auto& service : s.services) {
    std::uint64_t largest = service.replicas;
    if (service.autoscaling) largest = std::max<std::uint64_t>(largest, service.autoscaling->max);
    for (const auto& f : s.faults) {
      if (f.kind == Fault::Kind::kScale && f.service.substr(0, f.service.find('@')) == service.name) {
        largest = std::max<std::uint64_t>(largest, f.replicas);
      }
    }
    tasks += largest;
  }
  const std::string regions = copies > 1 ? " times " + std::to_string(copies) + " regions" : "";
  if (tasks * copies > kMaxFleetTasks) {
    throw InputError(s.file, "services",
                     "expected at most " + std::to_string(kMaxFleetTasks) + " tasks in the whole fleet (each service at "
                     "its largest count: replicas, autoscaling.max, scale faults" + regions + "); found " +
                         std::to_string(tasks * copies));
  }
  if (s.hosts.count * copies > kMaxFleetHosts) {
    throw InputError(s.file, "hosts.count",
                     "expected at most " + std::to_string(kMaxFleetHosts) + " hosts in the whole fleet" + regions +
                         "; found " + std::to_string(s.hosts.count * copies));
  }
}

Scenario parse_document(const json& doc, const std::string& file) {
  Scenario s;
  s.file = file;
  ObjectReader r(doc, "", file);
  s.name = r.string("name", "");
  if (s.name.empty()) throw InputError(file, "name", "required: a non-empty scenario name");
  s.description = r.string("description", "");
  s.seed = static_cast<std::uint64_t>(r.integer("seed", 1, 0, (std::int64_t{1} << 53)));
  s.duration_s = r.number("duration_s", 60, Range::kPositive, kMaxDurationS);
  s.warmup_s = r.number("warmup_s", 0, Range::kNonNegative, kMaxDurationS);
  if (s.warmup_s >= s.duration_s) r.fail("warmup_s", "expected warmup_s < duration_s (" + json(s.duration_s).dump() + ")");
  s.step_s = r.number("step_s", 1, Range::kPositive, kMaxDurationS);
  if (s.duration_s / s.step_s > static_cast<double>(kMaxSteps)) {
    r.fail("step_s", "expected at most " + std::to_string(kMaxSteps) + " time-series steps; raise step_s");
  }
  const json* traffic = r.object("traffic");
  if (!traffic) r.fail("traffic", "required: an object with rate_rps or profile, and routes");
  s.traffic = parse_traffic(*traffic, file, s.unmodelled);
  if (const json* net = r.object("network")) {
    ObjectReader n(*net, "network", file);
    s.network.rtt_ms = n.number("rtt_ms", 0, Range::kNonNegative, kMaxMillis);
    n.finish();
  }
  if (const json* b = r.object("balancer")) s.balancer = parse_balancer(*b, file, s.unmodelled);
  const json* services = r.array("services");
  if (!services || services->empty()) r.fail("services", "expected a list with at least one service");
  for (std::size_t i = 0; i < services->size(); ++i) {
    s.services.push_back(parse_service((*services)[i], index_path("services", i), file, s.unmodelled));
  }
  if (const json* slo = r.object("slo")) {
    ObjectReader o(*slo, "slo", file);
    s.slo.latency_p50_ms = o.number("latency_p50_ms", 0, Range::kNonNegative, kMaxMillis);
    s.slo.latency_p99_ms = o.number("latency_p99_ms", 0, Range::kNonNegative, kMaxMillis);
    s.slo.availability = o.number("availability", 0, Range::kProbability);
    o.finish();
  }
  if (const json* hosts = r.object("hosts")) s.hosts = parse_hosts(*hosts, file);
  if (const json* discovery = r.object("discovery")) s.discovery = parse_discovery(*discovery, file);
  if (const json* faults = r.array("faults")) s.faults = parse_faults(*faults, file, s.duration_s, s.services);
  if (const json* cost = r.object("cost")) {
    s.cost = parse_cost(*cost, file);
    if (s.hosts.given) check_instance_type(s.cost->prices, s.hosts.instance_type, file, "hosts.instance_type");
  }
  if (const json* regions = r.array("regions")) s.regions = parse_regions(*regions, file);
  if (const json* failover = r.object("failover")) {
    if (s.regions.empty()) r.fail("failover", "failover needs regions (a list of at least two)");
    s.failover = parse_failover(*failover, file);
  }
  r.finish();
  check_references(s);
  check_fleet_size(s);
  s.base_services = static_cast<std::uint32_t>(s.services.size());
  s.hosts_per_region = s.hosts.count;
  s.canonical_json = doc.dump();
  s.sha256 = sha256_hex(s.canonical_json);
  return s;
}

json parse_json_text(const std::string& text, const std::string& file) {
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    // Turn the byte offset into a line and column a person can find.
    std::size_t line = 1, column = 1;
    const std::size_t end = std::min<std::size_t>(e.byte > 0 ? e.byte - 1 : 0, text.size());
    for (std::size_t i = 0; i < end; ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    // nlohmann's text: "[json.exception.parse_error.101] parse error at line L, column C: WHAT".
    std::string what = e.what();
    const auto colon = what.find(": ");
    if (colon != std::string::npos) what = what.substr(colon + 2);
    throw InputError(file, "line " + std::to_string(line) + ", column " + std::to_string(column),
                     "malformed JSON: " + what);
  } catch (const json::exception& e) {
    // out_of_range 406: a number beyond a double ("1e400"); found by the scenario fuzzer.
    std::string what = e.what();
    const auto bracket = what.find("] ");
    if (bracket != std::string::npos) what = what.substr(bracket + 2);
    throw InputError(file, "", "malformed JSON: " + what + " (numbers must fit a double)");
  }
}

}  // namespace

Scenario parse_scenario_text(const std::string& text, const std::string& file, const std::vector<Override>& overrides) {
  json doc = parse_json_text(text, file);
  for (const auto& o : overrides) apply_override(doc, o, file);
  return parse_document(doc, file);
}

Scenario load_scenario(const std::string& file, const std::vector<Override>& overrides) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(file, "", "cannot open the file");
  // Read in chunks and stop past the bound: a huge file (or /dev/zero) is never read whole.
  std::string text;
  char chunk[64 * 1024];
  while (in.read(chunk, sizeof chunk) || in.gcount() > 0) {
    text.append(chunk, static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxFileBytes) throw InputError(file, "", "the file is larger than 16 MiB");
  }
  if (in.bad()) throw InputError(file, "", "cannot read the file");
  return parse_scenario_text(text, file, overrides);
}

}  // namespace fleetsim::scenario
