// fleetsim check SCENARIO [--set PATH=VALUE]...: validate only.
#include <iostream>

#include "cli/command.h"
#include "cli/common_options.h"

namespace fleetsim::cli {

int check_command(const Arguments& args) {
  ScenarioOptions options;
  boost::program_options::options_description d("fleetsim check SCENARIO");
  add_scenario_options(d, options);
  parse_arguments(args, d, false, options);
  std::size_t variants = 0;
  for (const auto& point : scenario::expand_grid(override_lists(options))) {
    const scenario::Scenario s = load_checked(options.scenario_file, point);
    if (variants == 0) {
      std::size_t tasks = 0;
      for (const auto& sv : s.services) tasks += sv.replicas;
      std::cout << options.scenario_file << ": ok: \"" << s.name << "\", " << s.services.size() << " services, "
                << tasks << " tasks, " << s.duration_s << " s, balancer " << s.balancer.algorithm << "\n";
      for (const auto& key : s.unmodelled) std::cout << "note: " << key << " is recognised but not modelled by this build\n";
    }
    ++variants;
  }
  if (variants > 1) std::cout << "all " << variants << " variants are valid\n";
  return 0;
}

}  // namespace fleetsim::cli
