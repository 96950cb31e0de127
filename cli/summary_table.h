// Human-readable summaries on stdout: one run, or several side by side.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "results/results.h"
#include "scenario/scenario.h"

namespace fleetsim::cli {

void print_summary(std::ostream& out, const scenario::Scenario& scenario, const results::Results& results);
// One column per run, one row per headline metric.
void print_comparison(std::ostream& out, const std::vector<std::string>& labels,
                      const std::vector<results::Results>& runs);

}  // namespace fleetsim::cli
