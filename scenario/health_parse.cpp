#include "scenario/health_parse.h"

#include <algorithm>
#include <cmath>
#include <string_view>

namespace fleetsim::scenario {
namespace {

using json = nlohmann::json;

constexpr double kMaxPeriodS = 3600;          // check and sweep intervals, timeouts
constexpr double kMaxEjectionS = 7 * 86400;   // one ejection
constexpr std::int64_t kMaxFailTimeoutS = 86400;

std::string number_text(double x) { return json(x).dump(); }

// nginx conditions of proxy_next_upstream that this build does not model (it has no 403, 404 or
// 429 answers, no malformed headers, no request methods).
constexpr std::string_view kUnmodelledConditions[] = {"invalid_header", "http_403", "http_404", "http_429",
                                                      "non_idempotent", "off"};

std::string condition_list() {
  std::string list;
  for (const char* name : kRetryConditionNames) list += (list.empty() ? "" : ", ") + std::string(name);
  return list;
}

}  // namespace

PassiveHealthSpec parse_passive(ObjectReader& balancer) {
  PassiveHealthSpec spec;
  spec.max_fails = static_cast<std::uint32_t>(balancer.integer("max_fails", spec.max_fails, 0, 1'000'000));
  if (const auto t = balancer.optional_number("fail_timeout_s", Range::kNonNegative,
                                               static_cast<double>(kMaxFailTimeoutS))) {
    if (*t != std::floor(*t)) {
      balancer.fail("fail_timeout_s", "expected whole seconds (nginx's fail_timeout has a resolution of 1 s), found " +
                                          number_text(*t));
    }
    spec.fail_timeout_s = static_cast<std::uint32_t>(*t);
  }
  return spec;
}

ActiveHealthSpec parse_active(const json& value, const std::string& path, const std::string& file) {
  ObjectReader r(value, path, file);
  ActiveHealthSpec spec;
  spec.enabled = r.boolean("enabled", true);
  spec.interval_s = r.number("interval_s", spec.interval_s, Range::kPositive, kMaxPeriodS);
  const bool timeout_given = r.has("timeout_s");
  spec.timeout_s = r.number("timeout_s", spec.timeout_s, Range::kPositive, kMaxPeriodS);
  if (spec.timeout_s >= spec.interval_s) {
    r.fail(timeout_given ? "timeout_s" : "interval_s",
           "expected timeout_s < interval_s (as ALB requires), found timeout_s " + number_text(spec.timeout_s) +
               (timeout_given ? "" : " (the default)") + " and interval_s " + number_text(spec.interval_s));
  }
  spec.healthy_threshold = static_cast<std::uint32_t>(r.integer("healthy_threshold", spec.healthy_threshold, 1, 1000));
  spec.unhealthy_threshold =
      static_cast<std::uint32_t>(r.integer("unhealthy_threshold", spec.unhealthy_threshold, 1, 1000));
  spec.path = r.string("path", spec.path);
  if (spec.path.empty() || spec.path.front() != '/') {
    r.fail("path", "expected a URL path starting with \"/\", found \"" + spec.path + "\"");
  }
  const std::string initial =
      r.choice("initial", "healthy", {"healthy", "unhealthy", "fully_healthy", "fully_unhealthy"});
  if (initial == "unhealthy") {
    spec.initial = ActiveHealthSpec::Initial::kUnhealthy;
  } else if (initial == "fully_healthy") {
    spec.initial = ActiveHealthSpec::Initial::kFullyHealthy;
  } else if (initial == "fully_unhealthy") {
    spec.initial = ActiveHealthSpec::Initial::kFullyUnhealthy;
  } else {
    spec.initial = ActiveHealthSpec::Initial::kHealthy;
  }
  r.finish();
  return spec;
}

OutlierSpec parse_outlier(const json& value, const std::string& path, const std::string& file) {
  ObjectReader r(value, path, file);
  OutlierSpec spec;
  spec.enabled = r.boolean("enabled", true);
  spec.consecutive_5xx = static_cast<std::uint32_t>(r.integer("consecutive_5xx", spec.consecutive_5xx, 1, 1'000'000));
  spec.interval_s = r.number("interval_s", spec.interval_s, Range::kPositive, kMaxPeriodS);
  spec.base_ejection_time_s = r.number("base_ejection_time_s", spec.base_ejection_time_s, Range::kPositive, kMaxEjectionS);
  if (const auto max = r.optional_number("max_ejection_time_s", Range::kPositive, kMaxEjectionS)) {
    if (*max < spec.base_ejection_time_s) {
      r.fail("max_ejection_time_s", "expected a time >= base_ejection_time_s (" + number_text(spec.base_ejection_time_s) +
                                        "), found " + number_text(*max));
    }
    spec.max_ejection_time_s = *max;
  } else {
    spec.max_ejection_time_s = std::max(spec.max_ejection_time_s, spec.base_ejection_time_s);  // Envoy's rule
  }
  spec.max_ejection_percent =
      static_cast<std::uint32_t>(r.integer("max_ejection_percent", spec.max_ejection_percent, 0, 100));
  spec.always_eject_one_host = r.boolean("always_eject_one_host", spec.always_eject_one_host);
  r.finish();
  return spec;
}

RetrySpec parse_retries(const json& value, const std::string& path, const std::string& file) {
  ObjectReader r(value, path, file);
  RetrySpec spec;
  // At most 16 tries: the request keeps the tried servers in a fixed array.
  spec.tries = static_cast<std::uint32_t>(r.integer("tries", spec.tries, 0, 16));
  if (const json* on = r.array("on")) {
    spec.on.reset();
    for (std::size_t i = 0; i < on->size(); ++i) {
      const json& item = (*on)[i];
      const std::string item_path = r.path_of("on") + "[" + std::to_string(i) + "]";
      if (!item.is_string()) {
        throw InputError(file, item_path, "expected a retry condition name (one of " + condition_list() + "), found " +
                                              json_kind(item));
      }
      const std::string name = item.get<std::string>();
      const auto* known = std::find(std::begin(kRetryConditionNames), std::end(kRetryConditionNames), name);
      if (known != std::end(kRetryConditionNames)) {
        spec.on.set(static_cast<std::size_t>(known - std::begin(kRetryConditionNames)));
        continue;
      }
      const bool nginx_name = std::find(std::begin(kUnmodelledConditions), std::end(kUnmodelledConditions), name) !=
                              std::end(kUnmodelledConditions);
      throw InputError(file, item_path,
                       (nginx_name ? "\"" + name + "\" is an nginx condition this build does not model"
                                   : "unknown retry condition \"" + name + "\"") +
                           "; expected one of: " + condition_list());
    }
  }
  spec.per_try_timeout_s = r.number("per_try_timeout_s", spec.per_try_timeout_s, Range::kNonNegative, kMaxPeriodS);
  spec.budget_percent = r.number("budget_percent", spec.budget_percent, Range::kNonNegative, 1000);
  spec.budget_min_retries_per_s =
      static_cast<std::uint32_t>(r.integer("budget_min_retries_per_s", spec.budget_min_retries_per_s, 0, 1'000'000));
  r.finish();
  return spec;
}

}  // namespace fleetsim::scenario
