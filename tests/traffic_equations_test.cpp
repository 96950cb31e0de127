// Per-service request rates against the traffic equations of the call graph, solved with Eigen:
// lambda = lambda0 + P^T lambda, where lambda0 are the client rates per service (route weights)
// and P[i][j] is the mean number of calls service i makes to service j per request.
#include <Eigen/Dense>
#include <catch2/catch.hpp>

#include "test_support.h"

using namespace fleetsim;
using nlohmann::json;

TEST_CASE("per-service request rates solve the traffic equations of the call graph", "[theory]") {
  const json doc = json::parse(R"({
    "name": "traffic-equations", "duration_s": 300, "warmup_s": 10, "step_s": 300,
    "traffic": {"rate_rps": 500, "routes": [{"service": "a", "weight": 0.7}, {"service": "b", "weight": 0.3}]},
    "services": [
      {"name": "a", "replicas": 2, "task": {"workers": 16}, "service_time_ms": {"dist": "exponential", "mean_ms": 2},
       "calls": [{"service": "b", "probability": 0.3}, {"service": "c", "probability": 0.5}, {"service": "c", "probability": 0.2}]},
      {"name": "b", "replicas": 2, "task": {"workers": 16}, "service_time_ms": {"dist": "exponential", "mean_ms": 2},
       "calls": [{"service": "c", "probability": 0.4}]},
      {"name": "c", "replicas": 2, "task": {"workers": 16}, "service_time_ms": {"dist": "exponential", "mean_ms": 2},
       "calls": [{"service": "d", "probability": 1.0}]},
      {"name": "d", "replicas": 2, "task": {"workers": 16}, "service_time_ms": {"dist": "constant", "mean_ms": 1}}
    ]
  })");
  const scenario::Scenario s = testing::scenario_from(doc);
  const int n = static_cast<int>(s.services.size());
  Eigen::MatrixXd calls = Eigen::MatrixXd::Zero(n, n);
  Eigen::VectorXd external = Eigen::VectorXd::Zero(n);
  double total_weight = 0;
  for (const auto& route : s.traffic.routes) total_weight += route.weight;
  auto index = [&](const std::string& name) {
    for (int i = 0; i < n; ++i) {
      if (s.services[static_cast<std::size_t>(i)].name == name) return i;
    }
    return -1;
  };
  for (const auto& route : s.traffic.routes) external(index(route.service)) += 500 * route.weight / total_weight;
  for (int i = 0; i < n; ++i) {
    for (const auto& call : s.services[static_cast<std::size_t>(i)].calls) calls(i, index(call.service)) += call.probability;
  }
  const Eigen::VectorXd rates = (Eigen::MatrixXd::Identity(n, n) - calls.transpose()).partialPivLu().solve(external);
  // a: 350; b: 150 + 0.3 × 350 = 255; c: 0.7 × 350 + 0.4 × 255 = 347; d = c.
  CHECK(rates(0) == Approx(350));
  CHECK(rates(1) == Approx(255));
  CHECK(rates(2) == Approx(347));
  CHECK(rates(3) == Approx(347));
  for (int i = 0; i < n; ++i) {
    const std::string name = s.services[static_cast<std::size_t>(i)].name;
    const sim::Interval ci = testing::replicate(doc, 8, 0.999, [&](const results::Results& r) {
      return static_cast<double>(r.services.at(name).requests) / (r.window_end_s - r.window_start_s);
    });
    INFO(name << ": simulated " << ci.mean << " +- " << ci.half_width << " rps, traffic equations " << rates(i));
    CHECK(ci.contains(rates(i)));
  }
}
