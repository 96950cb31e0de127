// Health and retry state machines: nginx passive checks (timings pinned to
// ngx_http_upstream_round_robin.c), rise/fall active checks, Envoy consecutive-5xx outlier
// detection, the Finagle-style retry budget, and the parsing of their settings.

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "models/health/active_health.h"
#include "models/health/outlier_detector.h"
#include "models/health/passive_health.h"
#include "models/health/retry_budget.h"
#include "scenario/health_parse.h"
#include "scenario/input_error.h"
#include "scenario/json_reader.h"
#include "sim/time.h"

namespace {

using fleetsim::models::ActiveHealth;
using fleetsim::models::InitialHealth;
using fleetsim::models::OutlierConfig;
using fleetsim::models::OutlierDetector;
using fleetsim::models::PassiveHealth;
using fleetsim::models::RetryBudget;
using fleetsim::scenario::ActiveHealthSpec;
using fleetsim::scenario::InputError;
using fleetsim::scenario::ObjectReader;
using fleetsim::scenario::RetryCondition;
using fleetsim::sim::SimTime;
using json = nlohmann::json;

constexpr SimTime kMs = fleetsim::sim::kNanosPerMilli;
constexpr SimTime kS = fleetsim::sim::kNanosPerSecond;

// Time in seconds, to the millisecond: at(102, 900) is 102.9 s.
constexpr SimTime at(std::int64_t s, std::int64_t ms = 0) { return s * kS + ms * kMs; }

// One attempt through nginx: chosen, then freed as a failure or a success.
void attempt(PassiveHealth& h, std::size_t slot, SimTime chosen, SimTime done, bool failed) {
  REQUIRE(h.eligible(slot, chosen));
  h.on_chosen(slot, chosen);
  if (failed) {
    h.on_failure(slot, done);
  } else {
    h.on_success(slot, done);
  }
}

template <typename Parse>
std::optional<InputError> error_of(Parse parse) {
  try {
    parse();
  } catch (const InputError& e) {
    return e;
  }
  return std::nullopt;
}

}  // namespace

// ---- nginx passive health -------------------------------------------------------------------

TEST_CASE("nginx holds a peer down for fail_timeout after max_fails failures, then lets one request through",
          "[health]") {
  PassiveHealth h(3, 30 * kS);  // max_fails=3 fail_timeout=30s, whole seconds as nginx
  h.reset(3);
  attempt(h, 0, at(100, 200), at(100, 300), true);
  attempt(h, 0, at(101), at(101, 500), true);
  CHECK(h.eligible(0, at(101, 600)));  // two failures: still in service
  attempt(h, 0, at(102, 100), at(102, 900), true);
  CHECK(h.fails(0) == 3);

  // checked = 102 (whole seconds); skipped while now - checked <= 30, i.e. through second 132.
  CHECK_FALSE(h.eligible(0, at(102, 900)));
  CHECK_FALSE(h.eligible(0, at(132, 999)));
  CHECK(h.down_until(0) == at(133));
  CHECK(h.eligible(0, at(133)));
  CHECK(h.eligible(1, at(110)));  // the others are unaffected

  // One request is let through: choosing it moves checked to 133, which holds the peer down for
  // everyone else while that request is in flight.
  h.on_chosen(0, at(133));
  CHECK_FALSE(h.eligible(0, at(133, 500)));
  CHECK(h.down_until(0) == at(164));

  // It fails: down for another fail_timeout from this failure.
  h.on_failure(0, at(134));
  CHECK(h.fails(0) == 4);
  CHECK_FALSE(h.eligible(0, at(164, 999)));
  CHECK(h.down_until(0) == at(165));

  // The next probe succeeds: accessed (134) < checked (165), so fails is cleared.
  attempt(h, 0, at(165), at(165, 500), false);
  CHECK(h.fails(0) == 0);
  CHECK(h.eligible(0, at(165, 600)));
  CHECK(h.down_until(0) == 0);
}

TEST_CASE("nginx clears fails only on a success chosen more than fail_timeout after the last failure",
          "[health]") {
  PassiveHealth h(3, 30 * kS);
  h.reset(2);
  attempt(h, 0, at(10), at(10), true);
  attempt(h, 0, at(11), at(11), true);
  // Chosen 9 s after the last failure: checked does not move (20 - 11 <= 30), accessed == checked,
  // so the success leaves fails at 2 ...
  attempt(h, 0, at(20), at(20, 500), false);
  CHECK(h.fails(0) == 2);
  // ... and one more failure takes the peer down, although a success came in between.
  attempt(h, 0, at(25), at(25), true);
  CHECK(h.fails(0) == 3);
  CHECK_FALSE(h.eligible(0, at(26)));

  // Slot 1: a success chosen 40 s after the failure moves checked first, then clears fails.
  attempt(h, 1, at(10), at(10), true);
  attempt(h, 1, at(50), at(50, 100), false);
  CHECK(h.fails(1) == 0);
}

TEST_CASE("nginx failures further apart than fail_timeout still add up when no success comes between",
          "[health]") {
  // nginx's documentation speaks of failures "within fail_timeout", but the code never resets
  // fails by time: only a success (after checked moved) does. fail_timeout only governs how long
  // the peer stays down. So three lone failures 100 s apart take the peer down.
  PassiveHealth h(3, 30 * kS);
  h.reset(2);
  attempt(h, 0, at(0), at(0, 10), true);
  attempt(h, 0, at(100), at(100, 10), true);
  CHECK(h.fails(0) == 2);
  attempt(h, 0, at(200), at(200, 10), true);
  CHECK(h.fails(0) == 3);
  CHECK_FALSE(h.eligible(0, at(215)));
  CHECK(h.down_until(0) == at(231));
}

TEST_CASE("nginx max_fails 0 never marks a peer down", "[health]") {
  PassiveHealth h(0, 30 * kS);
  h.reset(2);
  for (int i = 0; i < 50; ++i) attempt(h, 0, at(i), at(i, 1), true);
  CHECK(h.fails(0) == 50);  // still counted, as nginx does
  CHECK(h.eligible(0, at(50)));
  CHECK(h.down_until(0) == 0);
}

TEST_CASE("nginx never takes down the only server of a group", "[health]") {
  PassiveHealth h(1, 10 * kS);
  h.reset(1);
  for (int i = 0; i < 10; ++i) attempt(h, 0, at(i), at(i, 1), true);
  CHECK(h.eligible(0, at(10)));
  CHECK(h.fails(0) == 0);  // the single-peer path counts nothing
  CHECK(h.down_until(0) == 0);

  h.reset(2);  // a second server makes the same failures count
  attempt(h, 0, at(20), at(20, 1), true);
  CHECK_FALSE(h.eligible(0, at(21)));
}

TEST_CASE("nginx times are whole seconds unless whole_seconds is off", "[health]") {
  PassiveHealth nginx(1, 30 * kS);
  PassiveHealth exact(1, 30 * kS, false);
  nginx.reset(2);
  exact.reset(2);
  attempt(nginx, 0, at(102, 900), at(102, 900), true);
  attempt(exact, 0, at(102, 900), at(102, 900), true);
  // nginx: down through second 132 (30.1 s here); exact: 30 s and 1 ns.
  CHECK(nginx.down_until(0) == at(133));
  CHECK(exact.down_until(0) == at(132, 900) + 1);
  CHECK_FALSE(exact.eligible(0, at(132, 900)));
  CHECK(exact.eligible(0, at(132, 900) + 1));
  CHECK_FALSE(nginx.eligible(0, at(132, 999)));

  // A failure at the very start of a second is down for a full 31 s under nginx.
  attempt(nginx, 1, at(200), at(200), true);
  CHECK(nginx.down_until(1) == at(231));

  // fail_timeout is floored to whole seconds too (nginx only accepts seconds).
  PassiveHealth floored(1, at(30, 700));
  floored.reset(2);
  attempt(floored, 0, at(10), at(10), true);
  CHECK(floored.down_until(0) == at(41));

  // fail_timeout=0: down for the rest of the second of the failure.
  PassiveHealth zero(1, 0);
  zero.reset(2);
  attempt(zero, 0, at(5, 200), at(5, 200), true);
  CHECK_FALSE(zero.eligible(0, at(5, 999)));
  CHECK(zero.eligible(0, at(6)));
}

TEST_CASE("a new backend set starts every peer afresh", "[health]") {
  PassiveHealth h(1, 10 * kS);
  h.reset(3);
  attempt(h, 2, at(1), at(1), true);
  CHECK_FALSE(h.eligible(2, at(2)));
  h.reset(3);
  CHECK(h.eligible(2, at(2)));
  CHECK(h.fails(2) == 0);
}

// ---- active health ---------------------------------------------------------------------------

TEST_CASE("active checks flip after fall consecutive failures and rise consecutive passes", "[health]") {
  ActiveHealth h(2, 3, InitialHealth::kFullyHealthy);  // rise 2, fall 3
  h.reset(2);
  CHECK(h.healthy_count() == 2);
  CHECK_FALSE(h.record(0, false));
  CHECK_FALSE(h.record(0, false));
  CHECK(h.healthy(0));
  CHECK(h.streak(0) == 2);
  CHECK(h.record(0, false));
  CHECK_FALSE(h.healthy(0));
  CHECK(h.healthy_count() == 1);
  CHECK_FALSE(h.record(0, false));  // more failures change nothing
  CHECK_FALSE(h.record(0, true));
  CHECK(h.record(0, true));
  CHECK(h.healthy(0));
  CHECK(h.healthy_count() == 2);
  CHECK(h.healthy(1));
}

TEST_CASE("alternating check results never flip the state", "[health]") {
  ActiveHealth h(2, 2, InitialHealth::kFullyHealthy);
  h.reset(2);
  h.record(1, false);
  h.record(1, false);
  REQUIRE_FALSE(h.healthy(1));
  for (int i = 0; i < 40; ++i) {
    CHECK_FALSE(h.record(0, i % 2 == 0));  // fail, pass, fail, ...
    CHECK_FALSE(h.record(1, i % 2 == 1));  // pass, fail, pass, ...
  }
  CHECK(h.healthy(0));
  CHECK_FALSE(h.healthy(1));
}

TEST_CASE("new targets start as HAProxy init-state or the ALB initial state says", "[health]") {
  ActiveHealth haproxy(2, 3, InitialHealth::kHealthy);  // up, down at the first failure
  haproxy.reset(1);
  CHECK(haproxy.healthy(0));
  CHECK(haproxy.record(0, false));

  ActiveHealth haproxy_passed(2, 3, InitialHealth::kHealthy);  // a pass first: then fall applies
  haproxy_passed.reset(1);
  haproxy_passed.record(0, true);
  CHECK_FALSE(haproxy_passed.record(0, false));
  CHECK_FALSE(haproxy_passed.record(0, false));
  CHECK(haproxy_passed.record(0, false));

  ActiveHealth alb(5, 2, InitialHealth::kUnhealthy);  // ALB: one passed check after registration
  alb.reset(2);
  CHECK(alb.healthy_count() == 0);
  CHECK(alb.record(0, true));
  CHECK(alb.healthy_count() == 1);

  ActiveHealth fully_down(3, 2, InitialHealth::kFullyUnhealthy);
  fully_down.reset(1);
  CHECK_FALSE(fully_down.record(0, true));
  CHECK_FALSE(fully_down.record(0, true));
  CHECK(fully_down.record(0, true));

  alb.restart(0);  // re-registered: back to initial
  CHECK_FALSE(alb.healthy(0));
  CHECK(alb.healthy_count() == 0);
}

// ---- Envoy outlier detection -----------------------------------------------------------------

namespace {
OutlierConfig envoy_defaults() { return OutlierConfig{}; }  // 5, 10 s, 30 s, 300 s, 10 %

// `count` 5xx on `slot` at `t`; whether the last one ejected it.
bool errors(OutlierDetector& d, std::size_t slot, SimTime t, int count) {
  bool ejected = false;
  for (int i = 0; i < count; ++i) ejected = d.on_result(slot, t, true);
  return ejected;
}
}  // namespace

TEST_CASE("outlier detection ejects a host after consecutive 5xx and a success resets the count", "[health]") {
  OutlierDetector d(envoy_defaults());
  d.reset(10);  // 10 hosts at 10 %: one may be ejected
  CHECK_FALSE(errors(d, 0, at(1), 4));
  CHECK_FALSE(d.on_result(0, at(1), false));  // a success: back to 0
  CHECK(d.consecutive_5xx(0) == 0);
  CHECK_FALSE(errors(d, 0, at(2), 4));
  CHECK_FALSE(d.ejected(0, at(2)));
  CHECK(d.on_result(0, at(2), true));  // the fifth in a row
  CHECK(d.ejected(0, at(2)));
  CHECK(d.ejections(0) == 1);
  CHECK(d.consecutive_5xx(0) == 0);
  CHECK(d.ejected_count(at(2)) == 1);
  CHECK_FALSE(d.ejected(1, at(2)));
}

TEST_CASE("an ejection ends at the first interval tick after base_ejection_time", "[health]") {
  OutlierDetector d(envoy_defaults());
  d.reset(10);
  REQUIRE(errors(d, 0, at(12, 500), 5));
  // 12.5 s + 30 s = 42.5 s; the sweep that un-ejects runs at 50 s.
  CHECK(d.ejected_until(0) == at(50));
  CHECK(d.ejected(0, at(42, 500)));
  CHECK(d.ejected(0, at(49, 999)));
  CHECK_FALSE(d.ejected(0, at(50)));
  CHECK(d.ejected_count(at(49, 999)) == 1);
  CHECK(d.ejected_count(at(50)) == 0);
}

TEST_CASE("ejection time grows with each ejection and the multiplier decays while the host behaves",
          "[health]") {
  OutlierDetector d(envoy_defaults());
  d.reset(10);
  REQUIRE(errors(d, 0, at(12, 500), 5));  // m = 1: 30 s -> back at 50 s
  CHECK(d.multiplier(0, at(13)) == 1);
  REQUIRE(errors(d, 0, at(51), 5));       // within an interval of the un-ejection: m = 2, 60 s
  CHECK(d.ejections(0) == 2);
  CHECK(d.multiplier(0, at(52)) == 2);
  CHECK(d.ejected_until(0) == at(120));   // 51 + 60 = 111 -> tick 120
  REQUIRE(errors(d, 0, at(121), 5));      // m = 3, 90 s: 211 -> 220
  CHECK(d.ejected_until(0) == at(220));

  // Back at 220 with m = 3; each later tick (230, 240, 250) takes one off.
  CHECK(d.multiplier(0, at(229)) == 3);
  CHECK(d.multiplier(0, at(230)) == 2);
  CHECK(d.multiplier(0, at(245)) == 1);
  REQUIRE(errors(d, 0, at(245), 5));      // m = 1 + 1 = 2: 60 s -> 305 -> 310
  CHECK(d.multiplier(0, at(246)) == 2);
  CHECK(d.ejected_until(0) == at(310));
  CHECK(d.ejections(0) == 4);             // the count never decays
}

TEST_CASE("max_ejection_time caps an ejection and the multiplier", "[health]") {
  OutlierConfig c = envoy_defaults();
  c.max_ejection_time = 60 * kS;
  c.max_ejection_percent = 100;
  OutlierDetector d(c);
  d.reset(4);
  // m: 1, 2, 3 (3 × 30 < 60 + 30 is false, so it stops there); durations 30, 60, 60, 60.
  SimTime t = at(1);
  const SimTime expected[] = {at(40), at(110), at(180), at(250)};
  for (SimTime until : expected) {
    REQUIRE(errors(d, 0, t, 5));
    CHECK(d.ejected_until(0) == until);
    t = until + kS;  // next bout 1 s after it is back: no decay
  }
  CHECK(d.multiplier(0, at(200)) == 3);
}

TEST_CASE("max_ejection_percent caps how many hosts are out at once", "[health]") {
  OutlierConfig c = envoy_defaults();
  c.max_ejection_percent = 20;
  OutlierDetector d(c);
  d.reset(10);  // 20 % of 10 = 2 hosts
  CHECK(errors(d, 0, at(1), 5));
  CHECK(errors(d, 1, at(1), 5));
  CHECK_FALSE(errors(d, 2, at(1), 5));  // 3 of 10 would be 30 %
  CHECK_FALSE(d.ejected(2, at(1)));
  CHECK(d.consecutive_5xx(2) == 0);     // Envoy resets the counter after the refused attempt
  CHECK(d.ejected_count(at(1)) == 2);
  // Once the first two are back (tick 40), the third can go.
  CHECK(errors(d, 2, at(40), 5));
  CHECK(d.ejected_count(at(40)) == 1);
}

TEST_CASE("Envoy's default 10 % ejects no host out of fewer than 10 unless always_eject_one_host", "[health]") {
  OutlierDetector strict(envoy_defaults());
  strict.reset(5);
  CHECK_FALSE(errors(strict, 0, at(1), 5));  // 1 of 5 = 20 % > 10 %

  OutlierConfig c = envoy_defaults();
  c.always_eject_one_host = true;
  OutlierDetector one(c);
  one.reset(5);
  CHECK(errors(one, 0, at(1), 5));
  CHECK_FALSE(errors(one, 1, at(1), 5));  // only the first one
}

TEST_CASE("5xx answered by an ejected host do not re-trigger, and un-ejection clears the counter", "[health]") {
  OutlierDetector d(envoy_defaults());
  d.reset(10);
  REQUIRE(errors(d, 0, at(1), 5));        // out until tick 40
  CHECK_FALSE(errors(d, 0, at(2), 7));    // late answers of requests in flight
  CHECK(d.consecutive_5xx(0) == 7);       // ran past the threshold, left alone
  CHECK(d.ejections(0) == 1);
  CHECK(d.ejected_count(at(40)) == 0);    // the sweep at 40 s brings it back ...
  CHECK(d.consecutive_5xx(0) == 0);       // ... with a fresh counter
  CHECK_FALSE(errors(d, 0, at(41), 4));
  CHECK(d.on_result(0, at(41), true));
}

// ---- retry budget ----------------------------------------------------------------------------

TEST_CASE("a 20 % retry budget without minimum allows 20 retries for 100 requests", "[health]") {
  RetryBudget budget(20, 0);
  for (int i = 0; i < 100; ++i) budget.deposit(at(1, i));
  CHECK(budget.balance(at(1, 100)) == 20);
  int allowed = 0;
  for (int i = 0; i < 30; ++i) allowed += budget.try_withdraw(at(1, 100 + i)) ? 1 : 0;
  CHECK(allowed == 20);
  CHECK(budget.balance(at(1, 200)) == 0);
}

TEST_CASE("retry budget deposits and withdrawals leave the window after ttl", "[health]") {
  RetryBudget budget(20, 0);  // ttl 10 s in 10 slices of 1 s
  for (int i = 0; i < 50; ++i) budget.deposit(at(0, 500));
  for (int i = 0; i < 50; ++i) budget.deposit(at(5));
  CHECK(budget.balance(at(9, 999)) == 20);
  CHECK(budget.balance(at(10)) == 10);  // the slice of 0 s has left the window
  CHECK(budget.balance(at(15)) == 0);
  CHECK_FALSE(budget.try_withdraw(at(15)));

  // A withdrawal outlives the deposits that paid for it: it is still owed after they expire.
  RetryBudget borrowed(20, 0);
  for (int i = 0; i < 5; ++i) borrowed.deposit(at(0));
  REQUIRE(borrowed.try_withdraw(at(9)));
  for (int i = 0; i < 5; ++i) borrowed.deposit(at(10));
  CHECK_FALSE(borrowed.try_withdraw(at(10)));  // 5 new deposits only repay the retry at 9 s
  CHECK(borrowed.try_withdraw(at(19)));        // the retry at 9 s has expired
}

TEST_CASE("the retry budget minimum allows min × ttl retries without any request", "[health]") {
  RetryBudget budget(20, 10);  // Finagle's default: 10 retries/s over 10 s
  int allowed = 0;
  for (int i = 0; i < 150; ++i) allowed += budget.try_withdraw(at(3)) ? 1 : 0;
  CHECK(allowed == 100);
  CHECK_FALSE(budget.try_withdraw(at(12, 999)));
  CHECK(budget.try_withdraw(at(13)));  // the withdrawals at 3 s have expired
}

// ---- parsing ---------------------------------------------------------------------------------

TEST_CASE("health and retry settings parse with their defaults", "[health][scenario]") {
  const json balancer = {{"max_fails", 3}, {"fail_timeout_s", 30}};
  ObjectReader r(balancer, "balancer", "s.json");
  const auto passive = fleetsim::scenario::parse_passive(r);
  r.finish();
  CHECK(passive.max_fails == 3);
  CHECK(passive.fail_timeout_s == 30);

  const auto active = fleetsim::scenario::parse_active(json{{"interval_s", 5}, {"timeout_s", 2}, {"initial", "unhealthy"}},
                                                       "balancer.health_check", "s.json");
  CHECK(active.enabled);
  CHECK(active.healthy_threshold == 2);
  CHECK(active.unhealthy_threshold == 3);
  CHECK(active.path == "/health");
  CHECK(active.initial == ActiveHealthSpec::Initial::kUnhealthy);

  const auto outlier =
      fleetsim::scenario::parse_outlier(json{{"base_ejection_time_s", 400}}, "balancer.outlier_detection", "s.json");
  CHECK(outlier.enabled);
  CHECK(outlier.consecutive_5xx == 5);
  CHECK(outlier.max_ejection_time_s == 400);  // Envoy: max(300 s, base)
  CHECK(outlier.max_ejection_percent == 10);

  const auto retries = fleetsim::scenario::parse_retries(json{{"tries", 3}, {"on", {"http_502", "timeout"}}},
                                                         "balancer.retries", "s.json");
  CHECK(retries.tries == 3);
  CHECK(retries.retries_on(RetryCondition::kHttp502));
  CHECK(retries.retries_on(RetryCondition::kTimeout));
  CHECK_FALSE(retries.retries_on(RetryCondition::kError));
  CHECK(retries.budget_percent == 0);

  const auto defaults = fleetsim::scenario::parse_retries(json::object(), "balancer.retries", "s.json");
  CHECK(defaults.tries == 1);
  CHECK(defaults.retries_on(RetryCondition::kError));  // nginx's default: error timeout
  CHECK(defaults.retries_on(RetryCondition::kTimeout));
  CHECK_FALSE(defaults.retries_on(RetryCondition::kHttp503));
}

TEST_CASE("bad health and retry settings are reported with their JSON paths", "[health][scenario]") {
  using namespace fleetsim::scenario;
  const std::string file = "s.json";

  auto e = error_of([&] { parse_active(json{{"interval_s", 5}, {"timeout_s", 5}}, "balancer.health_check", file); });
  REQUIRE(e);
  CHECK(e->path() == "balancer.health_check.timeout_s");
  CHECK_THAT(e->message(), Catch::Contains("timeout_s < interval_s"));

  e = error_of([&] { parse_active(json{{"interval_s", 4}}, "balancer.health_check", file); });
  REQUIRE(e);
  CHECK(e->path() == "balancer.health_check.interval_s");
  CHECK_THAT(e->message(), Catch::Contains("the default"));

  e = error_of([&] { parse_active(json{{"healthy_threshold", 0}}, "balancer.health_check", file); });
  REQUIRE(e);
  CHECK(e->path() == "balancer.health_check.healthy_threshold");

  e = error_of([&] { parse_active(json{{"initial", "up"}}, "balancer.health_check", file); });
  REQUIRE(e);
  CHECK(e->path() == "balancer.health_check.initial");

  e = error_of([&] { parse_active(json{{"intervall_s", 5}}, "balancer.health_check", file); });
  REQUIRE(e);
  CHECK(e->path() == "balancer.health_check.intervall_s");
  CHECK_THAT(e->message(), Catch::Contains("did you mean \"interval_s\""));

  e = error_of([&] { parse_retries(json{{"on", {"error", "http_404"}}}, "balancer.retries", file); });
  REQUIRE(e);
  CHECK(e->path() == "balancer.retries.on[1]");
  CHECK_THAT(e->message(), Catch::Contains("nginx condition this build does not model"));
  CHECK_THAT(e->message(), Catch::Contains("error, timeout, http_500, http_502, http_503, http_504"));

  e = error_of([&] { parse_retries(json{{"on", {"http_5xx"}}}, "balancer.retries", file); });
  REQUIRE(e);
  CHECK(e->path() == "balancer.retries.on[0]");
  CHECK_THAT(e->message(), Catch::Contains("unknown retry condition \"http_5xx\""));

  e = error_of([&] { parse_retries(json{{"on", "error"}}, "balancer.retries", file); });
  REQUIRE(e);
  CHECK(e->path() == "balancer.retries.on");

  e = error_of([&] { parse_retries(json{{"tries", -1}}, "balancer.retries", file); });
  REQUIRE(e);
  CHECK(e->path() == "balancer.retries.tries");

  e = error_of([&] {
    parse_outlier(json{{"base_ejection_time_s", 60}, {"max_ejection_time_s", 30}}, "balancer.outlier_detection", file);
  });
  REQUIRE(e);
  CHECK(e->path() == "balancer.outlier_detection.max_ejection_time_s");

  e = error_of([&] { parse_outlier(json{{"max_ejection_percent", 150}}, "balancer.outlier_detection", file); });
  REQUIRE(e);
  CHECK(e->path() == "balancer.outlier_detection.max_ejection_percent");

  e = error_of([&] {
    const json balancer = {{"fail_timeout_s", 2.5}};
    ObjectReader r(balancer, "balancer", file);
    parse_passive(r);
  });
  REQUIRE(e);
  CHECK(e->path() == "balancer.fail_timeout_s");
  CHECK_THAT(e->message(), Catch::Contains("whole seconds"));
  CHECK_THAT(std::string(e->what()), Catch::StartsWith("s.json: balancer.fail_timeout_s: "));
}
