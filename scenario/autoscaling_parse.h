// Parses one `autoscaling` object of a service into an AutoscalingSpec.
//
// Internal to the scenario parser (it takes an nlohmann::json node, which models never see).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "scenario/autoscaling_spec.h"

namespace fleetsim::scenario {

// `value` is the autoscaling object, found at JSON path `path` (e.g. "services[0].autoscaling")
// of `file`. Throws InputError naming file and path for a wrong type or value, a missing
// `target` or `max`, min > max, a key of the other kind, or an unknown key (with the nearest
// valid one).
AutoscalingSpec parse_autoscaling(const nlohmann::json& value, const std::string& path, const std::string& file);

}  // namespace fleetsim::scenario
