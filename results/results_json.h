// results.json: writing (atomically) and reading back.
#pragma once

#include <string>

#include "results/results.h"

namespace fleetsim::results {

// The JSON text; byte-identical for equal results (wall-clock fields aside).
std::string to_json_text(const Results& results);
// Writes DIR/results.json through a temporary file and a rename, so no reader ever sees half.
// Throws std::runtime_error on I/O failure.
void write_results(const Results& results, const std::string& directory);
// Writes `text` to `path` atomically (temporary file in the same directory, then rename).
void write_file_atomically(const std::string& path, const std::string& text);

}  // namespace fleetsim::results
