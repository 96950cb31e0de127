#include "scenario/autoscaling_parse.h"

#include <algorithm>
#include <vector>

#include "scenario/json_reader.h"

namespace fleetsim::scenario {

namespace {

using nlohmann::json;

// The same ceiling as services[].replicas.
constexpr std::int64_t kMaxReplicas = 100'000;
constexpr double kMaxTargetRps = 10'000'000;
constexpr double kDayS = 24 * 3600;

const std::vector<std::string> kEcsOnlyKeys = {"period_s", "scale_out_cooldown_s", "scale_in_cooldown_s",
                                               "scale_out_datapoints", "scale_in_datapoints",
                                               "scale_in_threshold", "disable_scale_in"};
const std::vector<std::string> kHpaOnlyKeys = {"sync_period_s", "tolerance", "scale_up", "scale_down"};

std::string index_path(const std::string& base, std::size_t i) { return base + "[" + std::to_string(i) + "]"; }

// A key that only the other kind reads is a mistake worth naming, not an unknown key.
void reject_keys_of_other_kind(const ObjectReader& r, const std::vector<std::string>& keys, const std::string& owner,
                               const std::string& kind, bool kind_given) {
  for (const auto& key : keys) {
    if (!r.has(key)) continue;
    std::string message = "\"" + key + "\" belongs to kind \"" + owner + "\", but this autoscaling has kind \"" + kind +
                          "\"" + (kind_given ? "" : " (the default)");
    message += "; remove it or set \"kind\": \"" + owner + "\"";
    r.fail(key, message);
  }
}

AutoscalingSpec::Policy parse_policy(const json& value, const std::string& path, const std::string& file) {
  ObjectReader r(value, path, file);
  AutoscalingSpec::Policy p;
  if (!r.has("type")) r.fail("type", "required: \"percent\" or \"pods\"");
  p.type = r.choice("type", "percent", {"percent", "pods"}) == "pods" ? AutoscalingSpec::Policy::Type::kPods
                                                                     : AutoscalingSpec::Policy::Type::kPercent;
  if (!r.has("value")) r.fail("value", "required: an integer >= 1 (pods, or percent)");
  p.value = static_cast<std::uint32_t>(r.integer("value", 1, 1, 100'000));
  // Kubernetes allows periodSeconds in (0, 1800].
  p.period_s = r.number("period_s", 15, Range::kPositive, 1800);
  r.finish();
  return p;
}

AutoscalingSpec::ScalingRules parse_rules(const json& value, const std::string& path, const std::string& file,
                                          AutoscalingSpec::ScalingRules rules) {
  ObjectReader r(value, path, file);
  // Kubernetes allows stabilizationWindowSeconds in [0, 3600].
  rules.stabilization_s = r.number("stabilization_s", rules.stabilization_s, Range::kNonNegative, 3600);
  if (const json* policies = r.array("policies")) {
    if (policies->empty()) {
      r.fail("policies", "expected at least one policy such as {\"type\": \"percent\", \"value\": 100, "
                         "\"period_s\": 15} (leave \"policies\" out for the default)");
    }
    rules.policies.clear();
    for (std::size_t i = 0; i < policies->size(); ++i) {
      rules.policies.push_back(parse_policy((*policies)[i], index_path(r.path_of("policies"), i), file));
    }
  }
  const std::string select = r.choice("select", "max", {"max", "min", "disabled"});
  rules.select = select == "min"        ? AutoscalingSpec::Select::kMin
                 : select == "disabled" ? AutoscalingSpec::Select::kDisabled
                                        : AutoscalingSpec::Select::kMax;
  r.finish();
  return rules;
}

}  // namespace

AutoscalingSpec parse_autoscaling(const json& value, const std::string& path, const std::string& file) {
  ObjectReader r(value, path, file);
  AutoscalingSpec a;
  const bool kind_given = r.has("kind");
  const std::string kind = r.choice("kind", "ecs_target_tracking", {"ecs_target_tracking", "hpa"});
  a.kind = kind == "hpa" ? AutoscalingSpec::Kind::kHpa : AutoscalingSpec::Kind::kEcsTargetTracking;
  if (a.kind == AutoscalingSpec::Kind::kHpa) {
    reject_keys_of_other_kind(r, kEcsOnlyKeys, "ecs_target_tracking", kind, kind_given);
  } else {
    reject_keys_of_other_kind(r, kHpaOnlyKeys, "hpa", kind, kind_given);
  }

  a.metric = r.choice("metric", "cpu", {"cpu", "requests_per_task"}) == "requests_per_task"
                 ? AutoscalingSpec::Metric::kRequestsPerTask
                 : AutoscalingSpec::Metric::kCpu;
  if (!r.has("target")) {
    r.fail("target", a.metric == AutoscalingSpec::Metric::kCpu
                         ? "required: the CPU fraction to hold, in (0, 1] (70 % is 0.7)"
                         : "required: the requests per second per task to hold, > 0");
  }
  a.target = r.number("target", a.target, Range::kPositive, kMaxTargetRps);
  if (a.metric == AutoscalingSpec::Metric::kCpu && a.target > 1) {
    r.fail("target", "expected a CPU fraction in (0, 1] for metric \"cpu\" (70 % is 0.7), found " +
                         json(a.target).dump());
  }

  if (!r.has("max")) r.fail("max", "required: the largest task count, an integer >= 1");
  a.max = static_cast<std::uint32_t>(r.integer("max", 1, 1, kMaxReplicas));
  a.min = static_cast<std::uint32_t>(r.integer("min", 1, 0, kMaxReplicas));
  if (a.min > a.max) {
    r.fail("min", "expected min <= max (" + std::to_string(a.max) + "), found " + std::to_string(a.min));
  }

  if (a.kind == AutoscalingSpec::Kind::kEcsTargetTracking) {
    a.period_s = r.number("period_s", a.period_s, Range::kPositive, kDayS);
    a.scale_out_cooldown_s = r.number("scale_out_cooldown_s", a.scale_out_cooldown_s, Range::kNonNegative, kDayS);
    a.scale_in_cooldown_s = r.number("scale_in_cooldown_s", a.scale_in_cooldown_s, Range::kNonNegative, kDayS);
    // CloudWatch evaluates at most a day of one-minute datapoints.
    a.scale_out_datapoints = static_cast<std::uint32_t>(r.integer("scale_out_datapoints", a.scale_out_datapoints, 1, 1440));
    a.scale_in_datapoints = static_cast<std::uint32_t>(r.integer("scale_in_datapoints", a.scale_in_datapoints, 1, 1440));
    a.scale_in_threshold = r.number("scale_in_threshold", a.scale_in_threshold, Range::kPositive, 1);
    a.disable_scale_in = r.boolean("disable_scale_in", a.disable_scale_in);
  } else {
    if (a.min < 1) {
      r.fail("min", "expected min >= 1 for kind \"hpa\" (minReplicas 0 needs the alpha HPAScaleToZero feature "
                    "gate), found 0");
    }
    a.sync_period_s = r.number("sync_period_s", a.sync_period_s, Range::kPositive, 3600);
    a.tolerance = r.number("tolerance", a.tolerance, Range::kNonNegative, 1);
    if (const json* up = r.object("scale_up")) a.scale_up = parse_rules(*up, r.path_of("scale_up"), file, a.scale_up);
    if (const json* down = r.object("scale_down")) {
      a.scale_down = parse_rules(*down, r.path_of("scale_down"), file, a.scale_down);
    }
  }
  r.finish();
  return a;
}

}  // namespace fleetsim::scenario
