// Applying one `--set` to the JSON document before it is validated (internal to the parser).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "scenario/overrides.h"

namespace fleetsim::scenario {

// Walks `override.path` (objects by key; arrays by index or by an element's "name") and sets the
// value, creating a missing last key (validation then rejects keys that do not exist) and missing
// intermediate objects. Throws InputError for a path that cannot exist.
void apply_override(nlohmann::json& doc, const Override& override, const std::string& file);

}  // namespace fleetsim::scenario
