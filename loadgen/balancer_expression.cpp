#include "loadgen/balancer_expression.h"

#include <algorithm>
#include <cmath>

#include "scenario/input_error.h"

namespace fleetsim::loadgen {

namespace {

using scenario::InputError;

bool expressible_algorithm(const std::string& algorithm) {
  // nginx: (default) weighted round robin, least_conn, ip_hash, hash ... consistent, random,
  // random two least_conn. HAProxy: roundrobin, leastconn, source, hash-type consistent,
  // random(1), random(2). Neither has a peak-EWMA (nginx Plus least_time is not open source).
  return algorithm == "round_robin" || algorithm == "weighted_round_robin" || algorithm == "least_conn" ||
         algorithm == "ip_hash" || algorithm == "consistent_hash" || algorithm == "random" || algorithm == "p2c";
}

// Names and paths go into configuration files: only characters that need no quoting there.
bool config_safe(const std::string& text, bool path) {
  if (text.empty()) return false;
  for (char ch : text) {
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' ||
                    ch == '_' || ch == '.' || (path && (ch == '/' || ch == '~' || ch == '%'));
    if (!ok) return false;
  }
  return !path || text.front() == '/';
}

}  // namespace

std::string_view balancer_kind_name(BalancerKind kind) { return kind == BalancerKind::kNginx ? "nginx" : "haproxy"; }

BalancerKind parse_balancer_kind(const std::string& name, const std::string& flag) {
  if (name == "nginx") return BalancerKind::kNginx;
  if (name == "haproxy") return BalancerKind::kHaproxy;
  throw InputError("usage", flag, "expected nginx or haproxy, got \"" + name + "\"");
}

const std::string& service_algorithm(const scenario::Scenario& s, std::size_t index) {
  const std::string& own = s.services[index].algorithm;
  return own.empty() ? s.balancer.algorithm : own;
}

BalancerExpression express_balancer(const scenario::Scenario& input, BalancerKind kind) {
  BalancerExpression out{input, {}};
  scenario::Scenario& s = out.scenario;
  const std::string lb(balancer_kind_name(kind));
  auto refuse = [&](const std::string& path, const std::string& why) { throw InputError(s.file, path, why); };
  auto note = [&](const std::string& line) { out.notes.push_back(line); };

  if (s.region_count > 1 || s.regions.size() > 1) {
    refuse("regions", "the local stack runs one region; " + lb + " cannot stand in for DNS failover between regions");
  }
  if (!expressible_algorithm(s.balancer.algorithm)) {
    refuse("balancer.algorithm", lb + " has no \"" + s.balancer.algorithm +
                                     "\" (expected round_robin, weighted_round_robin, least_conn, ip_hash, consistent_hash, random or p2c)");
  }
  // Every task is an emulator process on this machine (about 12 MB resident each, measured in
  // the soak): each service at the largest count it can reach, at most kMaxLocalTasks in all.
  std::uint64_t tasks = 0;
  for (const auto& service : s.services) {
    std::uint64_t largest = service.replicas;
    if (service.autoscaling) largest = std::max<std::uint64_t>(largest, service.autoscaling->max);
    for (const auto& f : s.faults) {
      if (f.kind == scenario::Fault::Kind::kScale && f.service == service.name) {
        largest = std::max<std::uint64_t>(largest, f.replicas);
      }
    }
    tasks += largest;
  }
  if (tasks > kMaxLocalTasks) {
    refuse("services", "the local stack runs one process per task, at most " + std::to_string(kMaxLocalTasks) +
                           " (each service at its largest count: replicas, autoscaling.max, scale faults); found " +
                           std::to_string(tasks) + ". Scale the scenario down for a local validation");
  }
  for (std::size_t i = 0; i < s.services.size(); ++i) {
    if (!config_safe(s.services[i].name, false)) {
      refuse("services[" + std::to_string(i) + "].name", "the local stack needs names of letters, digits, '-', '_' and '.'");
    }
  }
  for (std::size_t i = 0; i < s.traffic.routes.size(); ++i) {
    const std::string& path = s.traffic.routes[i].path;
    if (!path.empty() && !config_safe(path, true)) {
      refuse("traffic.routes[" + std::to_string(i) + "].path",
             "the local stack needs a path starting with '/' of letters, digits and - _ . / ~ %");
    }
  }
  for (std::size_t i = 0; i < s.services.size(); ++i) {
    const std::string& own = s.services[i].algorithm;
    if (!own.empty() && !expressible_algorithm(own)) {
      refuse("services[" + std::to_string(i) + "].algorithm", lb + " has no \"" + own + "\"");
    }
    for (double w : s.services[i].weights) {
      if (w != std::round(w) || w < 1) {
        note("services[" + std::to_string(i) + "].weights: " + lb + " takes whole weights >= 1; rounded");
        break;
      }
    }
    if (!s.services[i].calls.empty()) {
      note("services[" + std::to_string(i) + "].calls: the emulator does not call downstream services; dropped");
      s.services[i].calls.clear();
    }
    if (s.services[i].autoscaling) {
      note("services[" + std::to_string(i) + "].autoscaling: the local stack does not autoscale; dropped");
      s.services[i].autoscaling.reset();
    }
  }
  if (!s.hosts.given) {
    // Fargate: a dead task's address stops answering (connect timeout). The local stack's tasks
    // are processes on this machine: a dead task's port refuses at once, as on an EC2 host.
    note("hosts: none given (Fargate, one address per task); the local stack's tasks share this machine, so a dead "
         "task's port refuses at once; predicted as tasks on hosts");
    s.hosts.given = true;
    s.hosts.count = static_cast<std::uint32_t>(std::max<std::size_t>(1, s.hosts.zones.size()));
    s.hosts.vcpu = 1e6;  // the stack never runs out of room
    s.hosts.memory_gb = 1e6;
  }
  if (s.balancer.outlier.enabled) {
    note("balancer.outlier_detection: Envoy's; neither nginx nor HAProxy has it; dropped");
    s.balancer.outlier.enabled = false;
  }
  if (s.balancer.retries.per_try_timeout_s > 0 && kind == BalancerKind::kNginx) {
    note("balancer.retries.per_try_timeout_s: nginx has no per-try timeout; dropped");
    s.balancer.retries.per_try_timeout_s = 0;
  }
  if (s.balancer.retries.budget_percent > 0) {
    note("balancer.retries.budget_percent: " + lb + " has no retry budget; dropped");
    s.balancer.retries.budget_percent = 0;
  }
  if (kind == BalancerKind::kNginx) {
    if (s.balancer.health_check.enabled) {
      note("balancer.health_check: open-source nginx has no active health checks (nginx Plus does); dropped");
      s.balancer.health_check.enabled = false;
    }
    // instances = worker_processes: each nginx worker keeps its own round-robin position and
    // failure counts when the upstream has no `zone`, exactly the model's independent copies.
  } else {
    if (s.balancer.instances > 1) {
      refuse("balancer.instances", "HAProxy's threads share one state; the local stack runs one HAProxy (instances = 1)");
    }
    if (s.balancer.passive.max_fails > 0) {
      note("balancer.max_fails: HAProxy has no passive-only checks (observe needs active checks); dropped");
      s.balancer.passive.max_fails = 0;
    }
    if (s.balancer.health_check.enabled &&
        s.balancer.health_check.initial != scenario::ActiveHealthSpec::Initial::kHealthy) {
      note("balancer.health_check.initial: HAProxy 2.6 starts servers up; using \"healthy\"");
      s.balancer.health_check.initial = scenario::ActiveHealthSpec::Initial::kHealthy;
    }
    if (s.balancer.retries.tries == 0) {
      note("balancer.retries.tries 0 (nginx's \"every server once\"): HAProxy needs a count; using 3");
      s.balancer.retries.tries = 3;
    }
  }
  for (const auto& f : s.faults) {
    using K = scenario::Fault::Kind;
    if (f.kind == K::kNetworkPartition || f.kind == K::kRegionOutage) {
      refuse("faults", "the local stack cannot inject \"" + f.kind_name + "\" (one host, one region)");
    }
  }
  return out;
}

}  // namespace fleetsim::loadgen
