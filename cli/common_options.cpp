#include "cli/common_options.h"

#include "models/service_catalog.h"
#include "scenario/input_error.h"
#include "scenario/parse.h"
#include "sweep/mpi_launch.h"

namespace fleetsim::cli {

namespace po = boost::program_options;

void add_scenario_options(po::options_description& d, ScenarioOptions& o) {
  d.add_options()
      ("scenario", po::value<std::string>(&o.scenario_file), "scenario file (positional)")
      ("out", po::value<std::string>(&o.out_dir), "output directory")
      ("set", po::value<std::vector<std::string>>(&o.sets)->composing(),
       "override a scenario value: PATH=VALUE (repeatable; VALUE may be a comma-separated list)")
      ("seed", po::value<std::uint64_t>(), "override the scenario's seed")
      ("quiet,q", po::bool_switch(&o.quiet), "no progress on stderr");
}

po::variables_map parse_flags(const Arguments& args, const po::options_description& d, const std::string& positional_name) {
  po::positional_options_description positional;
  if (!positional_name.empty()) positional.add(positional_name.c_str(), 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(d).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw scenario::InputError("usage", "", e.what());
  }
  return vm;
}

void parse_arguments(const Arguments& args, const po::options_description& d, bool wants_out, ScenarioOptions& o) {
  const po::variables_map vm = parse_flags(args, d, "scenario");
  if (o.scenario_file.empty()) throw scenario::InputError("usage", "", "missing the SCENARIO file argument");
  if (wants_out && o.out_dir.empty()) throw scenario::InputError("usage", "", "missing --out DIR");
  if (vm.count("seed")) o.seed = vm["seed"].as<std::uint64_t>();
}

std::vector<scenario::OverrideList> override_lists(const ScenarioOptions& o) {
  std::vector<scenario::OverrideList> lists;
  for (const auto& s : o.sets) lists.push_back(scenario::parse_set_argument(s));
  if (o.seed) lists.push_back({"seed", {std::to_string(*o.seed)}});
  return lists;
}

std::vector<scenario::Override> single_overrides(const ScenarioOptions& options, const std::string& command) {
  std::vector<scenario::Override> overrides;
  for (const auto& list : override_lists(options)) {
    if (list.values.size() != 1) throw scenario::InputError("--set", list.path, command + " takes one value per path");
    overrides.push_back({list.path, list.values.front()});
  }
  return overrides;
}

scenario::Scenario load_checked(const std::string& file, const std::vector<scenario::Override>& overrides) {
  scenario::Scenario s = scenario::load_scenario(file, overrides);
  models::check_model_inputs(s);
  return s;
}

void refuse_under_mpirun(const std::string& command) {
  const int ranks = sweep::mpirun_ranks();
  if (ranks <= 1) return;
  throw scenario::InputError("usage", "mpirun",
                             "fleetsim " + command + " runs one stack on this machine, not one per rank (" +
                                 std::to_string(ranks) + " ranks); run it without mpirun (mpirun -n K fleetsim load "
                                 "splits a load over ranks)");
}

}  // namespace fleetsim::cli
