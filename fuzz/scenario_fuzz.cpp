// libFuzzer target: the scenario parser and --set overrides. Input: up to four lines
// "--set PATH=VALUE" (overrides, lists allowed), then the scenario's JSON text. A scenario that
// is refused must be refused with scenario::InputError (a message and exit 2); anything else —
// another exception, a crash, a sanitizer report — is a bug.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "models/service_catalog.h"
#include "scenario/input_error.h"
#include "scenario/overrides.h"
#include "scenario/parse.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<fleetsim::scenario::OverrideList> lists;
  while (lists.size() < 4 && text.rfind("--set ", 0) == 0) {
    const auto newline = text.find('\n');
    const std::string argument = text.substr(6, newline == std::string::npos ? std::string::npos : newline - 6);
    text.erase(0, newline == std::string::npos ? text.size() : newline + 1);
    try {
      lists.push_back(fleetsim::scenario::parse_set_argument(argument));
    } catch (const fleetsim::scenario::InputError&) {
      return 0;
    }
  }
  std::vector<std::vector<fleetsim::scenario::Override>> grid;
  try {
    grid = fleetsim::scenario::expand_grid(lists);
  } catch (const fleetsim::scenario::InputError&) {
    return 0;
  }
  if (grid.empty()) grid.push_back({});
  if (grid.size() > 8) grid.resize(8);
  for (const auto& point : grid) {
    try {
      const auto s = fleetsim::scenario::parse_scenario_text(text, "fuzz.json", point);
      fleetsim::models::check_model_inputs(s);
    } catch (const fleetsim::scenario::InputError&) {
    }
  }
  return 0;
}
