// Parsing of the balancer's health and retry settings (scenario/health_spec.h). Internal to the
// scenario parser: each function reads one JSON object, rejects unknown keys, and throws
// InputError naming the file and the JSON path of the offending value.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "scenario/health_spec.h"
#include "scenario/json_reader.h"

namespace fleetsim::scenario {

// Reads "max_fails" and "fail_timeout_s" from the balancer object itself (marks them known; the
// caller still calls balancer.finish()).
PassiveHealthSpec parse_passive(ObjectReader& balancer);

// Each reads the object `value` found at `path` (e.g. "balancer.health_check") of `file`. The
// object's presence enables the feature unless it says "enabled": false.
ActiveHealthSpec parse_active(const nlohmann::json& value, const std::string& path, const std::string& file);
OutlierSpec parse_outlier(const nlohmann::json& value, const std::string& path, const std::string& file);
RetrySpec parse_retries(const nlohmann::json& value, const std::string& path, const std::string& file);

}  // namespace fleetsim::scenario
