#include "loadgen/fixed_cost_probe.h"

#include <Eigen/Dense>
#include <algorithm>
#include <stdexcept>

#include "loadgen/load_generator.h"
#include "loadgen/load_target.h"

namespace fleetsim::loadgen {

namespace {

// A run of `path` at `options.rate_rps` with constant gaps against 127.0.0.1:`port`.
results::Results probe(const scenario::Scenario& base, std::uint16_t port, const std::string& path,
                       const ProbeOptions& options) {
  scenario::Scenario s = base;
  s.faults.clear();
  s.slo = {};
  s.warmup_s = 0.5;  // the first connections are opened in the warmup
  s.duration_s = s.warmup_s + options.duration_s;
  s.traffic.arrivals = scenario::Traffic::Arrivals::kUniform;
  s.traffic.profile = {{0, options.rate_rps, 0}};
  scenario::Route route;
  route.path = path;
  route.service = base.services.front().name;
  s.traffic.routes = {route};
  // One client: its keep-alive connections are reused, as in the measured run (with many clients
  // on few connections, each request would pay a connect from another source address).
  s.traffic.clients = 1;
  LoadOptions o;
  o.target = parse_load_target("http://127.0.0.1:" + std::to_string(port), false);
  o.duration_s = s.duration_s;
  o.threads = 1;
  o.max_connections = 8;
  o.timeout_s = 5;
  LoadReport report = run_load(s, o);
  if (report.results.ok == 0) {
    throw std::runtime_error("the fixed-cost probe of " + path + " on 127.0.0.1:" + std::to_string(port) + " got no answer");
  }
  return report.results;
}

}  // namespace

FixedCosts probe_fixed_costs(const scenario::Scenario& s, std::uint16_t balancer_port, std::uint16_t emulator_port,
                             const ProbeOptions& options) {
  const results::Results direct = probe(s, emulator_port, "/health", options);
  const results::Results proxied = probe(s, balancer_port, "/_fleetsim/health", options);
  // Rows: direct = rtt; proxied = rtt + overhead.
  Eigen::Matrix2d a;
  a << 1, 0, 1, 1;
  const Eigen::Vector2d b(direct.latency.p50, proxied.latency.p50);
  const Eigen::Vector2d x = a.colPivHouseholderQr().solve(b);
  FixedCosts c;
  c.rtt_ms = std::max(0.0, x(0));
  c.overhead_ms = std::max(0.0, x(1));
  c.direct_p50_ms = direct.latency.p50;
  c.proxied_p50_ms = proxied.latency.p50;
  c.samples = direct.ok + proxied.ok;
  return c;
}

}  // namespace fleetsim::loadgen
