// results.json read back into Results (the inverse of results_json.h), for `fleetsim report`.
// Bad input (a missing file, invalid JSON, a missing key or a value of the wrong type) throws
// scenario::InputError naming the file and the JSON path, so the CLI exits with status 2.
#pragma once

#include <string>

#include "results/results.h"

namespace fleetsim::results {

// Reads and checks `path` (a results.json written by `run`, `compare`, `load` or `validate`).
// The latency histogram is rebuilt bucket by bucket (exact counts; each value at its bucket's
// lower bound), so percentile spectra drawn from it match the writer's.
Results read_results(const std::string& path);
// The same from JSON text; `file` only names the source in errors.
Results parse_results_text(const std::string& text, const std::string& file);

}  // namespace fleetsim::results
