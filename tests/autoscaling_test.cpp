// The autoscalers' documented decisions (Kubernetes HPA with behavior; AWS ECS target tracking)
// and the parsing of `services[].autoscaling`.

#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "models/autoscaling/autoscaler.h"
#include "scenario/autoscaling_parse.h"
#include "scenario/autoscaling_spec.h"
#include "scenario/input_error.h"
#include "sim/time.h"

namespace {

using fleetsim::models::Autoscaler;
using fleetsim::models::make_autoscaler;
using fleetsim::scenario::AutoscalingSpec;
using fleetsim::scenario::InputError;
using fleetsim::scenario::parse_autoscaling;
using fleetsim::sim::SimTime;
using nlohmann::json;
using Policy = AutoscalingSpec::Policy;

constexpr SimTime kSecond = fleetsim::sim::kNanosPerSecond;
constexpr double kNoDatapoint = std::numeric_limits<double>::quiet_NaN();

SimTime at_s(std::int64_t seconds) { return seconds * kSecond; }

AutoscalingSpec hpa_spec(double target = 0.7, std::uint32_t min = 2, std::uint32_t max = 10) {
  AutoscalingSpec spec;
  spec.kind = AutoscalingSpec::Kind::kHpa;
  spec.target = target;
  spec.min = min;
  spec.max = max;
  return spec;
}

AutoscalingSpec ecs_spec(double target = 0.7, std::uint32_t min = 2, std::uint32_t max = 10) {
  AutoscalingSpec spec;
  spec.kind = AutoscalingSpec::Kind::kEcsTargetTracking;
  spec.target = target;
  spec.min = min;
  spec.max = max;
  return spec;
}

// Drives an autoscaler as the simulation does: `current` follows what it returns.
struct Driver {
  explicit Driver(const AutoscalingSpec& spec, std::uint32_t start)
      : scaler(make_autoscaler(spec)), current(start) {}
  // One evaluation at the next interval; returns the new count.
  std::uint32_t step(double metric) {
    now += scaler->evaluation_interval();
    current = scaler->evaluate(now, current, metric);
    return current;
  }
  // `n` evaluations at the same metric; returns the count after them.
  std::uint32_t steps(int n, double metric) {
    for (int i = 0; i < n; ++i) step(metric);
    return current;
  }
  std::unique_ptr<Autoscaler> scaler;
  std::uint32_t current;
  SimTime now = 0;
};

std::optional<InputError> parse_error(const json& value) {
  try {
    parse_autoscaling(value, "services[0].autoscaling", "fleet.json");
  } catch (const InputError& e) {
    return e;
  }
  return std::nullopt;
}

}  // namespace

// --- Kubernetes HPA -------------------------------------------------------------------------

TEST_CASE("the HPA evaluates every sync period, 15 s by default", "[autoscaling]") {
  CHECK(make_autoscaler(hpa_spec())->evaluation_interval() == at_s(15));
  auto spec = hpa_spec();
  spec.sync_period_s = 30;
  CHECK(make_autoscaler(spec)->evaluation_interval() == at_s(30));
}

TEST_CASE("the HPA scales to ceil(current x metric / target)", "[autoscaling]") {
  auto hpa = make_autoscaler(hpa_spec());
  CHECK(hpa->last_reason().empty());
  CHECK(hpa->evaluate(at_s(15), 4, 0.9) == 6);  // ceil(4 x 0.9 / 0.7) = ceil(5.14)
  CHECK(hpa->last_reason() == "cpu 0.90 vs target 0.70: 4 -> 6");

  auto rps = hpa_spec(100);
  rps.metric = AutoscalingSpec::Metric::kRequestsPerTask;
  CHECK(make_autoscaler(rps)->evaluate(at_s(15), 4, 170) == 7);  // ceil(6.8)
}

TEST_CASE("the HPA does not scale while the ratio is within the 0.1 tolerance", "[autoscaling]") {
  auto hpa = make_autoscaler(hpa_spec());
  CHECK(hpa->evaluate(at_s(15), 4, 0.75) == 4);   // ratio 1.07
  CHECK(hpa->evaluate(at_s(30), 4, 0.64) == 4);   // ratio 0.91
  CHECK(hpa->evaluate(at_s(45), 4, 0.78) == 5);   // ratio 1.11: ceil(4.46)
  CHECK(hpa->last_reason() == "cpu 0.78 vs target 0.70: 4 -> 5");

  auto wide = hpa_spec();
  wide.tolerance = 0.5;
  CHECK(make_autoscaler(wide)->evaluate(at_s(15), 4, 1.0) == 4);  // ratio 1.43
}

TEST_CASE("the HPA clamps its result to max and min", "[autoscaling]") {
  auto hpa = make_autoscaler(hpa_spec(0.5));
  CHECK(hpa->evaluate(at_s(15), 8, 1.0) == 10);  // wants 16
  CHECK(hpa->last_reason() == "cpu 1.00 vs target 0.50: 8 -> 10 (recommended 16, limited by max 10)");

  auto spec = hpa_spec();
  spec.scale_down.stabilization_s = 0;
  auto down = make_autoscaler(spec);
  CHECK(down->evaluate(at_s(15), 3, 0.1) == 2);  // wants ceil(0.43) = 1
  CHECK(down->last_reason() == "cpu 0.10 vs target 0.70: 3 -> 2 (recommended 1, limited by min 2)");
}

TEST_CASE("the HPA brings a count outside min..max back inside, whatever the metric", "[autoscaling]") {
  auto hpa = make_autoscaler(hpa_spec());
  CHECK(hpa->evaluate(at_s(15), 12, 0.7) == 10);
  CHECK(hpa->last_reason() == "above max 10: 12 -> 10");
  CHECK(hpa->evaluate(at_s(30), 1, 0.7) == 2);
  CHECK(hpa->last_reason() == "below min 2: 1 -> 2");
  CHECK(hpa->evaluate(at_s(45), 1, kNoDatapoint) == 2);
}

TEST_CASE("the HPA keeps the count when there is no metric", "[autoscaling]") {
  auto hpa = make_autoscaler(hpa_spec());
  CHECK(hpa->evaluate(at_s(15), 5, kNoDatapoint) == 5);
  CHECK(hpa->last_reason().empty());
}

TEST_CASE("a dip shorter than the 300 s scale-down window does not scale the HPA down", "[autoscaling]") {
  Driver d(hpa_spec(), 6);
  REQUIRE(d.steps(40, 0.7) == 6);  // on target for 600 s
  // 19 low evaluations (their metric covers 285 s), then back on target.
  for (int i = 0; i < 19; ++i) CHECK(d.step(0.2) == 6);
  CHECK(d.step(0.7) == 6);
  CHECK(d.steps(40, 0.7) == 6);
}

TEST_CASE("a sustained dip scales the HPA down 300 s after the last higher recommendation", "[autoscaling]") {
  Driver d(hpa_spec(), 6);
  REQUIRE(d.steps(40, 0.7) == 6);
  const SimTime last_high = d.now;
  // Recommends ceil(6 x 0.2 / 0.7) = 2 at each low evaluation.
  while (d.step(0.2) == 6) REQUIRE(d.now - last_high < at_s(300));
  CHECK(d.now - last_high == at_s(300));
  CHECK(d.current == 2);
  CHECK(d.scaler->last_reason() == "cpu 0.20 vs target 0.70: 6 -> 2");
}

TEST_CASE("the HPA scales down to the highest recommendation of the window", "[autoscaling]") {
  Driver d(hpa_spec(), 6);
  REQUIRE(d.steps(40, 0.7) == 6);
  const SimTime last_high = d.now;
  d.steps(2, 0.2);   // recommends 2
  d.step(0.45);      // recommends ceil(3.86) = 4, at last_high + 45 s
  const SimTime four_at = d.now;
  while (d.step(0.2) == 6) {
  }
  CHECK(d.now - last_high == at_s(300));
  CHECK(d.current == 4);
  CHECK(d.scaler->last_reason() == "cpu 0.20 vs target 0.70: 6 -> 4 (recommended 2, stabilized 4)");
  // The 4 leaves the window 300 s after it was made; then the 2s rule.
  while (d.step(0.2) == 4) REQUIRE(d.now - four_at < at_s(300));
  CHECK(d.now - four_at == at_s(300));
  CHECK(d.current == 2);
}

TEST_CASE("a new HPA does not scale down during its first scale-down window", "[autoscaling]") {
  auto hpa = make_autoscaler(hpa_spec());
  // The first evaluation counts the current 6 as a recommendation.
  for (std::int64_t t = 15; t <= 300; t += 15) CHECK(hpa->evaluate(at_s(t), 6, 0.1) == 6);
  CHECK(hpa->evaluate(at_s(315), 6, 0.1) == 2);
}

TEST_CASE("without a scale-up window the HPA scales up at once after a scale-down", "[autoscaling]") {
  Driver d(hpa_spec(), 6);
  d.steps(40, 0.2);
  REQUIRE(d.current == 2);
  CHECK(d.step(0.9) == 3);  // ceil(2 x 0.9 / 0.7) = ceil(2.57)
}

TEST_CASE("a scale-up window holds the HPA at the lowest recommendation of the window", "[autoscaling]") {
  auto spec = hpa_spec(0.5, 2, 100);
  spec.scale_up.stabilization_s = 60;
  Driver d(spec, 4);
  d.step(0.5);  // recommends 4
  const SimTime low_at = d.now;
  while (d.step(1.0) == 4) REQUIRE(d.now - low_at < at_s(60));
  CHECK(d.now - low_at == at_s(60));
  CHECK(d.current == 8);
}

TEST_CASE("the HPA's default scale-up allows max(+100 %, +4 pods) per 15 s", "[autoscaling]") {
  Driver d(hpa_spec(0.1, 2, 100), 2);
  CHECK(d.step(1.0) == 6);   // wants 20; +4 pods beats +100 %
  CHECK(d.scaler->last_reason() == "cpu 1.00 vs target 0.10: 2 -> 6 (recommended 20, limited by scale-up policies)");
  CHECK(d.step(1.0) == 12);  // +100 % beats +4
  CHECK(d.step(1.0) == 24);
  CHECK(d.step(1.0) == 48);
  CHECK(d.step(1.0) == 96);
  CHECK(d.step(1.0) == 100);  // max
}

TEST_CASE("an HPA policy counts the changes of its whole period", "[autoscaling]") {
  auto spec = hpa_spec(0.1, 2, 100);
  spec.scale_up.policies = {{Policy::Type::kPods, 4, 60}};
  Driver d(spec, 2);
  CHECK(d.step(1.0) == 6);  // at 15 s
  // The +4 at 15 s uses up the period until it is 60 s old.
  CHECK(d.step(1.0) == 6);
  CHECK(d.step(1.0) == 6);
  CHECK(d.step(1.0) == 6);
  CHECK(d.step(1.0) == 10);  // at 75 s
}

TEST_CASE("selectPolicy Min takes the policy allowing the smallest change", "[autoscaling]") {
  auto spec = hpa_spec(0.1, 2, 100);
  spec.scale_up.select = AutoscalingSpec::Select::kMin;
  Driver d(spec, 2);
  CHECK(d.step(1.0) == 4);   // min(+100 %, +4)
  CHECK(d.step(1.0) == 8);
  CHECK(d.step(1.0) == 12);  // +4 is now the smaller

  auto down = hpa_spec(0.7, 1, 100);
  down.scale_down = {0, {{Policy::Type::kPercent, 50, 15}, {Policy::Type::kPods, 1, 15}}, AutoscalingSpec::Select::kMin};
  CHECK(make_autoscaler(down)->evaluate(at_s(15), 10, 0.07) == 9);  // max(5, 9)
  down.scale_down.select = AutoscalingSpec::Select::kMax;
  CHECK(make_autoscaler(down)->evaluate(at_s(15), 10, 0.07) == 5);  // min(5, 9)
}

TEST_CASE("selectPolicy Disabled stops the HPA scaling in that direction", "[autoscaling]") {
  auto spec = hpa_spec();
  spec.scale_up.select = AutoscalingSpec::Select::kDisabled;
  spec.scale_down.select = AutoscalingSpec::Select::kDisabled;
  Driver d(spec, 4);
  CHECK(d.steps(5, 1.0) == 4);
  CHECK(d.steps(40, 0.1) == 4);
}

TEST_CASE("a scale-down percent policy rounds down, from the count at the start of its period", "[autoscaling]") {
  auto spec = hpa_spec(0.7, 1, 100);
  spec.scale_down = {0, {{Policy::Type::kPercent, 30, 60}}, AutoscalingSpec::Select::kMax};
  Driver d(spec, 10);
  CHECK(d.step(0.07) == 7);  // trunc(10 x 0.7)
  CHECK(d.step(0.07) == 7);  // the period started at 10
  CHECK(d.step(0.07) == 7);
  CHECK(d.step(0.07) == 7);
  CHECK(d.step(0.07) == 4);  // trunc(7 x 0.7) = 4, at 75 s
}

// --- ECS target tracking ----------------------------------------------------------------------

TEST_CASE("ECS target tracking evaluates once per 60 s metric period", "[autoscaling]") {
  CHECK(make_autoscaler(ecs_spec())->evaluation_interval() == at_s(60));
}

TEST_CASE("ECS scales out only after 3 consecutive datapoints above the target", "[autoscaling]") {
  Driver d(ecs_spec(), 4);
  CHECK(d.step(0.91) == 4);
  CHECK(d.step(0.91) == 4);
  CHECK(d.step(0.91) == 6);  // ceil(4 x 0.91 / 0.7) = ceil(5.2)
  CHECK(d.scaler->last_reason() == "cpu 0.91 > 0.70 for 3 periods: 4 -> 6");
}

TEST_CASE("a datapoint at or below the target restarts the ECS scale-out count", "[autoscaling]") {
  Driver d(ecs_spec(), 4);
  d.steps(2, 0.91);
  CHECK(d.step(0.70) == 4);
  CHECK(d.steps(2, 0.91) == 4);
  CHECK(d.step(0.91) == 6);
}

TEST_CASE("a missing ECS datapoint neither counts nor breaks the run", "[autoscaling]") {
  Driver d(ecs_spec(), 4);
  d.steps(2, 0.91);
  CHECK(d.step(kNoDatapoint) == 4);
  CHECK(d.step(0.91) == 6);
}

TEST_CASE("an ECS scale-out sets ceil(current x metric / target), at most max", "[autoscaling]") {
  Driver d(ecs_spec(), 5);
  CHECK(d.steps(3, 0.98) == 7);  // ceil(7.0): exactly 7, not 8

  auto rps = ecs_spec(100);
  rps.metric = AutoscalingSpec::Metric::kRequestsPerTask;
  Driver r(rps, 3);
  CHECK(r.steps(3, 250) == 8);
  CHECK(r.scaler->last_reason() == "requests/s per task 250.0 > 100.0 for 3 periods: 3 -> 8");

  Driver capped(ecs_spec(), 8);
  CHECK(capped.steps(3, 0.99) == 10);
  CHECK(capped.scaler->last_reason() == "cpu 0.99 > 0.70 for 3 periods: 8 -> 10 (max 10, wanted 12)");
}

TEST_CASE("the ECS scale-out cooldown blocks a second scale-out until it ends", "[autoscaling]") {
  Driver d(ecs_spec(), 4);  // scale_out_cooldown_s 300
  REQUIRE(d.steps(3, 0.91) == 6);
  const SimTime scaled_at = d.now;
  while (d.step(0.91) == 6) REQUIRE(d.now - scaled_at < at_s(300));
  CHECK(d.now - scaled_at == at_s(300));
  CHECK(d.current == 8);  // ceil(6 x 0.91 / 0.7) = ceil(7.8)

  auto short_cooldown = ecs_spec();
  short_cooldown.scale_out_cooldown_s = 60;
  Driver s(short_cooldown, 4);
  REQUIRE(s.steps(3, 0.91) == 6);
  CHECK(s.step(0.91) == 8);  // the alarm is still in ALARM: the action fires again
}

TEST_CASE("ECS scales in only after 15 datapoints below 0.9 x target", "[autoscaling]") {
  Driver d(ecs_spec(), 6);
  CHECK(d.steps(14, 0.3) == 6);
  CHECK(d.step(0.3) == 3);  // ceil(6 x 0.3 / 0.7) = ceil(2.57)
  CHECK(d.scaler->last_reason() == "cpu 0.30 (highest of 15 periods) < 0.63 (0.9 x 0.70): 6 -> 3");

  Driver between(ecs_spec(), 6);  // 0.65 is below the target but above 0.63
  CHECK(between.steps(30, 0.65) == 6);

  Driver broken(ecs_spec(), 6);
  broken.steps(14, 0.3);
  CHECK(broken.step(0.64) == 6);
  CHECK(broken.steps(14, 0.3) == 6);
  CHECK(broken.step(0.3) == 3);
}

TEST_CASE("an ECS scale-in sizes for the busiest datapoint of the window", "[autoscaling]") {
  Driver d(ecs_spec(), 6);
  d.steps(3, 0.3);
  d.step(0.5);  // ceil(6 x 0.5 / 0.7) = ceil(4.29)
  CHECK(d.steps(11, 0.3) == 5);
}

TEST_CASE("an ECS scale-in stops at min and at a count that would exceed the target", "[autoscaling]") {
  Driver idle(ecs_spec(), 6);
  CHECK(idle.steps(15, 0.0) == 2);
  CHECK(idle.scaler->last_reason() == "cpu 0.00 (highest of 15 periods) < 0.63 (0.9 x 0.70): 6 -> 2 (min 2)");

  Driver two(ecs_spec(0.7, 1, 10), 2);
  CHECK(two.steps(30, 0.6) == 2);  // ceil(2 x 0.6 / 0.7) = 2: one task would run at 1.2
}

TEST_CASE("the ECS scale-in cooldown spaces scale-ins but not scale-outs", "[autoscaling]") {
  Driver d(ecs_spec(0.7, 1, 10), 6);  // scale_in_cooldown_s 300
  REQUIRE(d.steps(15, 0.3) == 3);
  const SimTime scaled_at = d.now;
  while (d.step(0.3) == 3) REQUIRE(d.now - scaled_at < at_s(300));
  CHECK(d.now - scaled_at == at_s(300));
  CHECK(d.current == 2);  // ceil(3 x 0.3 / 0.7) = ceil(1.29)

  Driver out(ecs_spec(), 6);
  REQUIRE(out.steps(15, 0.3) == 3);
  CHECK(out.steps(3, 0.91) == 4);  // 3 datapoints later, within the scale-in cooldown
}

TEST_CASE("no ECS scale-in happens during a scale-out cooldown", "[autoscaling]") {
  auto spec = ecs_spec();
  spec.scale_in_datapoints = 2;
  spec.scale_out_cooldown_s = 600;
  Driver d(spec, 4);
  REQUIRE(d.steps(3, 0.91) == 6);
  const SimTime scaled_at = d.now;
  while (d.step(0.1) == 6) REQUIRE(d.now - scaled_at < at_s(600));
  CHECK(d.now - scaled_at == at_s(600));
  CHECK(d.current == 2);
}

TEST_CASE("disable_scale_in keeps ECS from removing tasks but not from adding them", "[autoscaling]") {
  auto spec = ecs_spec();
  spec.disable_scale_in = true;
  Driver d(spec, 6);
  CHECK(d.steps(60, 0.1) == 6);
  CHECK(d.steps(3, 0.91) == 8);
}

TEST_CASE("ECS brings a count outside min..max back inside at once", "[autoscaling]") {
  auto ecs = make_autoscaler(ecs_spec());
  CHECK(ecs->evaluate(at_s(60), 1, kNoDatapoint) == 2);
  CHECK(ecs->last_reason() == "below min 2: 1 -> 2");
  CHECK(ecs->evaluate(at_s(120), 11, 0.7) == 10);
}

// --- Parsing ------------------------------------------------------------------------------------

TEST_CASE("autoscaling defaults to ECS target tracking with AWS's defaults", "[autoscaling]") {
  const auto a = parse_autoscaling(json::parse(R"({"metric": "cpu", "target": 0.7, "max": 10})"), "p", "f.json");
  CHECK(a.kind == AutoscalingSpec::Kind::kEcsTargetTracking);
  CHECK(a.metric == AutoscalingSpec::Metric::kCpu);
  CHECK(a.target == 0.7);
  CHECK(a.min == 1);
  CHECK(a.max == 10);
  CHECK(a.period_s == 60);
  CHECK(a.scale_out_cooldown_s == 300);
  CHECK(a.scale_in_cooldown_s == 300);
  CHECK(a.scale_out_datapoints == 3);
  CHECK(a.scale_in_datapoints == 15);
  CHECK(a.scale_in_threshold == 0.9);
  CHECK_FALSE(a.disable_scale_in);
}

TEST_CASE("the design's ECS example parses", "[autoscaling]") {
  const auto a = parse_autoscaling(json::parse(R"({"metric": "cpu", "target": 0.7, "min": 2, "max": 10,
      "period_s": 60, "scale_out_cooldown_s": 60, "scale_in_cooldown_s": 300, "disable_scale_in": true})"),
                                   "services[0].autoscaling", "f.json");
  CHECK(a.min == 2);
  CHECK(a.scale_out_cooldown_s == 60);
  CHECK(a.disable_scale_in);
}

TEST_CASE("an HPA with behavior parses into rules and policies", "[autoscaling]") {
  const auto a = parse_autoscaling(json::parse(R"({"kind": "hpa", "metric": "requests_per_task", "target": 50,
      "min": 2, "max": 10, "sync_period_s": 30, "tolerance": 0.05,
      "scale_up": {"stabilization_s": 60, "policies": [{"type": "percent", "value": 50, "period_s": 60}]},
      "scale_down": {"policies": [{"type": "pods", "value": 1}], "select": "min"}})"),
                                   "p", "f.json");
  CHECK(a.kind == AutoscalingSpec::Kind::kHpa);
  CHECK(a.metric == AutoscalingSpec::Metric::kRequestsPerTask);
  CHECK(a.target == 50);
  CHECK(a.sync_period_s == 30);
  CHECK(a.tolerance == 0.05);
  CHECK(a.scale_up.stabilization_s == 60);
  REQUIRE(a.scale_up.policies.size() == 1);
  CHECK(a.scale_up.policies[0].type == Policy::Type::kPercent);
  CHECK(a.scale_up.policies[0].value == 50);
  CHECK(a.scale_up.policies[0].period_s == 60);
  CHECK(a.scale_up.select == AutoscalingSpec::Select::kMax);
  CHECK(a.scale_down.stabilization_s == 300);  // the default, kept
  REQUIRE(a.scale_down.policies.size() == 1);
  CHECK(a.scale_down.policies[0].type == Policy::Type::kPods);
  CHECK(a.scale_down.policies[0].period_s == 15);
  CHECK(a.scale_down.select == AutoscalingSpec::Select::kMin);
}

TEST_CASE("an HPA without behavior gets Kubernetes' default rules", "[autoscaling]") {
  const auto a = parse_autoscaling(json::parse(R"({"kind": "hpa", "target": 0.7, "min": 2, "max": 10})"), "p", "f");
  CHECK(a.sync_period_s == 15);
  CHECK(a.tolerance == 0.1);
  CHECK(a.scale_up.stabilization_s == 0);
  REQUIRE(a.scale_up.policies.size() == 2);
  CHECK(a.scale_up.policies[1].type == Policy::Type::kPods);
  CHECK(a.scale_up.policies[1].value == 4);
  CHECK(a.scale_down.stabilization_s == 300);
  REQUIRE(a.scale_down.policies.size() == 1);
  CHECK(a.scale_down.policies[0].value == 100);
}

TEST_CASE("min > max is an input error at min", "[autoscaling][bad-input]") {
  const auto e = parse_error(json::parse(R"({"metric": "cpu", "target": 0.7, "min": 5, "max": 3})"));
  REQUIRE(e);
  CHECK(e->file() == "fleet.json");
  CHECK(e->path() == "services[0].autoscaling.min");
  CHECK_THAT(e->message(), Catch::Contains("expected min <= max (3), found 5"));
}

TEST_CASE("a key of the other kind names the kind it belongs to", "[autoscaling][bad-input]") {
  auto e = parse_error(json::parse(R"({"kind": "hpa", "target": 0.7, "max": 10, "scale_out_cooldown_s": 60})"));
  REQUIRE(e);
  CHECK(e->path() == "services[0].autoscaling.scale_out_cooldown_s");
  CHECK_THAT(e->message(), Catch::Contains("belongs to kind \"ecs_target_tracking\"") &&
                               Catch::Contains("has kind \"hpa\""));

  e = parse_error(json::parse(R"({"target": 0.7, "max": 10, "scale_down": {"stabilization_s": 60}})"));
  REQUIRE(e);
  CHECK(e->path() == "services[0].autoscaling.scale_down");
  CHECK_THAT(e->message(), Catch::Contains("belongs to kind \"hpa\"") && Catch::Contains("(the default)") &&
                               Catch::Contains("set \"kind\": \"hpa\""));
}

TEST_CASE("an unknown autoscaling key suggests the nearest valid one", "[autoscaling][bad-input]") {
  auto e = parse_error(json::parse(R"({"target": 0.7, "max": 10, "scale_in_cooldwn_s": 60})"));
  REQUIRE(e);
  CHECK(e->path() == "services[0].autoscaling.scale_in_cooldwn_s");
  CHECK_THAT(e->message(), Catch::Contains("did you mean \"scale_in_cooldown_s\"?"));

  e = parse_error(json::parse(R"({"kind": "hpa", "target": 0.7, "max": 10, "scale_up": {"stabilisation_s": 60}})"));
  REQUIRE(e);
  CHECK(e->path() == "services[0].autoscaling.scale_up.stabilisation_s");
  CHECK_THAT(e->message(), Catch::Contains("did you mean \"stabilization_s\"?"));
}

TEST_CASE("bad autoscaling values name their path and what was expected", "[autoscaling][bad-input]") {
  struct Case {
    const char* text;
    const char* path;
    const char* message;
  };
  const Case cases[] = {
      {R"({"target": 70, "max": 10})", "target", "70 % is 0.7"},
      {R"({"target": 0, "max": 10})", "target", "expected a number > 0"},
      {R"({"target": -0.5, "max": 10})", "target", "expected a number > 0"},
      {R"({"max": 10})", "target", "required"},
      {R"({"target": 0.7})", "max", "required"},
      {R"({"target": 0.7, "min": -1, "max": 10})", "min", "expected an integer in [0, 100000]"},
      {R"({"target": 0.7, "max": 0})", "max", "expected an integer in [1, 100000]"},
      {R"({"target": 0.7, "max": 10, "kind": "keda"})", "kind", "expected one of ecs_target_tracking, hpa"},
      {R"({"target": 0.7, "max": 10, "metric": "memory"})", "metric", "expected one of cpu, requests_per_task"},
      {R"({"target": 0.7, "max": 10, "period_s": 0})", "period_s", "expected a number > 0"},
      {R"({"target": 0.7, "max": 10, "scale_in_datapoints": 0})", "scale_in_datapoints", "expected an integer in [1,"},
      {R"({"kind": "hpa", "target": 0.7, "min": 0, "max": 10})", "min", "expected min >= 1 for kind \"hpa\""},
      {R"({"kind": "hpa", "target": 0.7, "max": 10, "tolerance": 2})", "tolerance", "expected a number >= 0"},
      {R"({"kind": "hpa", "target": 0.7, "max": 10, "scale_up": {"policies": []}})", "scale_up.policies",
       "expected at least one policy"},
      {R"({"kind": "hpa", "target": 0.7, "max": 10, "scale_up": {"policies": [{"type": "pods", "value": 4},
           {"type": "bogus", "value": 1}]}})",
       "scale_up.policies[1].type", "expected one of percent, pods"},
      {R"({"kind": "hpa", "target": 0.7, "max": 10, "scale_down": {"policies": [{"type": "pods"}]}})",
       "scale_down.policies[0].value", "required"},
      {R"({"kind": "hpa", "target": 0.7, "max": 10, "scale_down": {"policies": [{"type": "pods", "value": 1,
           "period_s": 3600}]}})",
       "scale_down.policies[0].period_s", "<= 1800"},
      {R"({"kind": "hpa", "target": 0.7, "max": 10, "scale_down": {"select": "maximum"}})", "scale_down.select",
       "expected one of max, min, disabled"},
      {R"({"kind": "hpa", "target": 0.7, "max": 10, "scale_down": {"stabilization_s": 7200}})",
       "scale_down.stabilization_s", "<= 3600"},
      {R"([1, 2])", "", "expected an object"},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    const auto e = parse_error(json::parse(c.text));
    REQUIRE(e);
    CHECK(e->path() == (std::string(c.path).empty() ? "services[0].autoscaling"
                                                     : "services[0].autoscaling." + std::string(c.path)));
    CHECK_THAT(e->message(), Catch::Contains(c.message));
  }
}
