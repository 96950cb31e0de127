// Regions and DNS failover against their arithmetic: the downtime clients see is about the
// detection time (failure_threshold × health_check_interval_s, aligned to the check ticks) plus
// the DNS TTL; RPO is the replication lag.
#include <catch2/catch.hpp>
#include <cmath>

#include "test_support.h"

using namespace fleetsim;
using nlohmann::json;

namespace {

json two_regions(double ttl_s, double interval_s, int threshold, double outage_at_s) {
  json doc = json::parse(R"({
    "name": "failover", "seed": 2, "duration_s": 900, "warmup_s": 30, "step_s": 1,
    "traffic": {"rate_rps": 200, "clients": 4000, "routes": [{"service": "web"}]},
    "balancer": {"algorithm": "round_robin", "max_fails": 0, "connect_timeout_s": 3},
    "services": [{"name": "web", "replicas": 2, "task": {"workers": 8},
                  "service_time_ms": {"dist": "exponential", "mean_ms": 5}}],
    "regions": [{"name": "east", "role": "primary", "rtt_ms": 10}, {"name": "west", "role": "standby", "rtt_ms": 60}]
  })");
  doc["failover"] = {{"dns_ttl_s", ttl_s}, {"health_check_interval_s", interval_s}, {"failure_threshold", threshold},
                     {"replication_lag_ms", 800}, {"writes_per_request", 0.5}};
  doc["faults"] = json::array({{{"at_s", outage_at_s}, {"kind", "region_outage"}, {"region", "east"}, {"duration_s", 400}}});
  return doc;
}

}  // namespace

TEST_CASE("failover downtime is detection plus the DNS TTL", "[failover]") {
  struct Case {
    double ttl_s, interval_s;
    int threshold;
  };
  for (const Case c : {Case{60, 30, 3}, Case{10, 10, 2}, Case{120, 10, 3}}) {
    // The outage starts just after a check tick, so detection takes exactly threshold checks.
    const double outage = 300.5;
    const results::Results r = models::simulate(testing::scenario_from(two_regions(c.ttl_s, c.interval_s, c.threshold, outage)));
    REQUIRE(r.failover.present);
    const double first_check = std::ceil(outage / c.interval_s) * c.interval_s;
    const double detected = first_check + (c.threshold - 1) * c.interval_s;
    INFO("ttl " << c.ttl_s << " interval " << c.interval_s << " threshold " << c.threshold << ": detected "
                << r.failover.detected_at_s << ", rto " << r.failover.rto_s);
    CHECK(r.failover.detected_at_s == Approx(detected));
    // Every client's answer is at most one TTL old at detection, so all have moved by
    // detection + TTL; with 4,000 clients resolving all the time, most move just before that.
    // The RTO (to the first 1 s step with >= 99 % success) lies in the last few seconds of it.
    const double expected_rto = detected + c.ttl_s - outage;
    CHECK(r.failover.rto_s <= expected_rto + 1);
    CHECK(r.failover.rto_s >= expected_rto - 0.05 * c.ttl_s - 2);
    CHECK(r.failover.rpo_s == Approx(0.8));
    // Lost writes: the request rate before the outage × writes per request × lag.
    CHECK(r.failover.lost_writes == Approx(200 * 0.5 * 0.8).epsilon(4 / std::sqrt(200.0)));
    // Requests failed in the outage: clients still on east from the outage until they move.
    CHECK(r.by_outcome.at("timeout") > 0);
  }
}

TEST_CASE("active-active regions share traffic by weight and lose one region's share while it is down", "[failover]") {
  json doc = two_regions(30, 10, 2, 400);
  doc["regions"] = json::parse(R"([{"name": "east", "role": "active", "weight": 3}, {"name": "west", "role": "active", "weight": 1}])");
  doc.erase("faults");
  const results::Results r = models::simulate(testing::scenario_from(doc));
  const double east = static_cast<double>(r.services.at("web@east").requests);
  const double west = static_cast<double>(r.services.at("web@west").requests);
  // Each DNS answer picks a region by weight; clients keep it for the TTL. Per-client stickiness
  // makes the counts clustered, so the bound is on the share over many clients: 3/4 within 2 %.
  CHECK(east / (east + west) == Approx(0.75).margin(0.02));
  CHECK(r.failed == 0);
}

TEST_CASE("a region named in a fault must exist", "[failover][bad-input]") {
  json doc = two_regions(60, 30, 3, 300);
  doc["faults"][0]["region"] = "mars";
  CHECK_THROWS_WITH(testing::scenario_from(doc), Catch::Contains("faults[0].region: unknown region \"mars\"; regions are: east, west"));
  json no_regions = doc;
  no_regions.erase("regions");
  no_regions.erase("failover");
  CHECK_THROWS_WITH(testing::scenario_from(no_regions), Catch::Contains("this scenario has no regions"));
}
