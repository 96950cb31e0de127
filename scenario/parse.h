// Reading a scenario file into a validated Scenario.
#pragma once

#include <string>
#include <vector>

#include "scenario/input_error.h"
#include "scenario/overrides.h"
#include "scenario/scenario.h"

namespace fleetsim::scenario {

// Reads `file`, applies `overrides` in order, and validates. Throws InputError naming the file,
// the JSON path and what was expected (with line and column for malformed JSON).
Scenario load_scenario(const std::string& file, const std::vector<Override>& overrides = {});

// The same from text already in memory (tests, fuzzing); `file` is used in messages only.
Scenario parse_scenario_text(const std::string& text, const std::string& file,
                             const std::vector<Override>& overrides = {});

}  // namespace fleetsim::scenario
