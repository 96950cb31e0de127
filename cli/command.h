// The subcommands of the fleetsim binary. Each returns the process exit status:
// 0 done, 2 bad input (scenario::InputError or a usage error), 1 anything else.
#pragma once

#include <string>
#include <vector>

namespace fleetsim::cli {

using Arguments = std::vector<std::string>;  // after the subcommand name

int run_command(const Arguments& args);
int compare_command(const Arguments& args);
int check_command(const Arguments& args);
int load_command(const Arguments& args);
int backend_command(const Arguments& args);
int stack_command(const Arguments& args);
int validate_command(const Arguments& args);
int sweep_command(const Arguments& args);
int report_command(const Arguments& args);

}  // namespace fleetsim::cli
