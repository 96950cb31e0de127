// Options shared by the subcommands that read a scenario, parsed with Boost.Program_options.
#pragma once

#include <boost/program_options.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cli/command.h"
#include "scenario/overrides.h"
#include "scenario/scenario.h"

namespace fleetsim::cli {

struct ScenarioOptions {
  std::string scenario_file;
  std::string out_dir;
  std::vector<std::string> sets;  // raw --set arguments
  std::optional<std::uint64_t> seed;
  bool quiet = false;
};

// Adds --out, --set, --seed, --quiet and the positional SCENARIO.
void add_scenario_options(boost::program_options::options_description& description, ScenarioOptions& options);
// Parses `args` against `description`, with `positional` (may be empty) naming the one positional
// option; throws a usage error (scenario::InputError with file "usage") on bad flags.
boost::program_options::variables_map parse_flags(const Arguments& args,
                                                  const boost::program_options::options_description& description,
                                                  const std::string& positional);
// Parses `args`; throws a usage error (scenario::InputError with file "usage") on bad flags.
void parse_arguments(const Arguments& args, const boost::program_options::options_description& description,
                     bool wants_out, ScenarioOptions& options);
// --set arguments as lists (--seed becomes one more override of "seed").
std::vector<scenario::OverrideList> override_lists(const ScenarioOptions& options);
// --set arguments (and --seed) for commands that take one value per path; a list is a usage
// error naming `command`.
std::vector<scenario::Override> single_overrides(const ScenarioOptions& options, const std::string& command);
// Loads and fully validates one grid point (parse, then model checks). Throws InputError.
scenario::Scenario load_checked(const std::string& file, const std::vector<scenario::Override>& overrides);
// Throws InputError when this process was started by mpirun with more than one rank: `command`
// (stack up, validate) runs one stack on this machine, and K copies would each start their own.
void refuse_under_mpirun(const std::string& command);

}  // namespace fleetsim::cli
