// libFuzzer target: the results.json reader (fleetsim report reads files users hand it). A file
// that is refused must be refused with scenario::InputError; anything else is a bug.
#include <cstddef>
#include <cstdint>
#include <string>

#include "results/results_reader.h"
#include "scenario/input_error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    (void)fleetsim::results::parse_results_text(text, "fuzz.json");
  } catch (const fleetsim::scenario::InputError&) {
  }
  return 0;
}
