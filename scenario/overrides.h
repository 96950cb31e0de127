// `--set PATH=VALUE` overrides, and their expansion into compare/sweep grids.
#pragma once

#include <string>
#include <vector>

namespace fleetsim::scenario {

// One `--set`: a dotted path (array elements by index or by their "name") and a value,
// read as JSON when it parses as JSON and as a string otherwise.
struct Override {
  std::string path;
  std::string value;
};

// Splits "PATH=V1,V2,..." into its path and values (commas inside [], {} or quotes don't split).
// Throws InputError when there is no '=' or the path is empty.
struct OverrideList {
  std::string path;
  std::vector<std::string> values;
};
OverrideList parse_set_argument(const std::string& argument);

// The cartesian product of the lists: one vector of overrides per grid point, the first list
// varying slowest.
std::vector<std::vector<Override>> expand_grid(const std::vector<OverrideList>& lists);

// A short label for a grid point, e.g. "balancer.algorithm=p2c".
std::string describe(const std::vector<Override>& point);

}  // namespace fleetsim::scenario
