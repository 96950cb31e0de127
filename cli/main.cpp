// fleetsim: what happens to a microservice fleet if ...? Parse the subcommand, run it, map
// errors to exit statuses (0 done, 2 bad input, 1 anything else).
#include <csignal>
#include <cstring>
#include <exception>
#include <iostream>
#include <string>

#include "cli/command.h"
#include "scenario/input_error.h"

namespace {

const char* kUsage =
    "usage: fleetsim COMMAND [options]\n"
    "\n"
    "commands:\n"
    "  run      SCENARIO --out DIR [--set PATH=VALUE]... [--seed N] [--quiet]\n"
    "           simulate one scenario; print a summary; write DIR/results.json\n"
    "  compare  SCENARIO --set PATH=V1,V2,... --out DIR\n"
    "           simulate each variant; print them side by side; write DIR/<variant>/results.json\n"
    "  sweep    SCENARIO --set PATH=V1,V2,... --replications R --out DIR [--jobs N] [--precision P]\n"
    "           replications of every grid point; mean and confidence interval per metric; sweep.json, sweep.csv\n"
    "  check    SCENARIO [--set PATH=VALUE]...\n"
    "           validate the scenario only\n"
    "  load     SCENARIO --target http://HOST:PORT --out DIR [--duration S] [--connections N]\n"
    "           [--threads T] [--max-connections N] [--timeout S] [--allow-remote] [--set ...] [--seed N]\n"
    "           replay the scenario's traffic against a real endpoint; write DIR/results.json\n"
    "  backend  SCENARIO --service NAME [--task-id ID] [--bind ADDR] [--port N] [--seed N] [--control]\n"
    "           serve one task of a service over HTTP (the local stack's emulator); print \"listening ADDR:PORT\"\n"
    "  stack    up SCENARIO --lb nginx|haproxy --dir DIR [--duration S] [--no-faults] [--detach] [--set ...]\n"
    "           start a local stack: an emulator per task, real nginx or HAProxy, discovery, the faults\n"
    "  stack    down --dir DIR\n"
    "           stop the local stack of DIR\n"
    "  validate SCENARIO --lb nginx|haproxy --out DIR [--duration S] [--tolerance-latency R] ...\n"
    "           stack + load + simulation of one scenario; predicted vs measured; exit 1 outside tolerance\n"
    "  report   DIR... --out DIR [--no-png]\n"
    "           re-render report.html and PNGs from results: one run, several overlaid, or a validation\n"
    "\n"
    "exit status: 0 done, 2 bad input, 1 anything else\n";

}  // namespace

int main(int argc, char** argv) {
  // Writes to a closed socket or to a dead watchdog's pipe fail with EPIPE instead of killing us.
  std::signal(SIGPIPE, SIG_IGN);
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0 ||
      std::strcmp(argv[1], "help") == 0) {
    std::cout << kUsage;
    return argc < 2 ? 2 : 0;
  }
  const std::string command = argv[1];
  const fleetsim::cli::Arguments args(argv + 2, argv + argc);
  try {
    if (command == "run") return fleetsim::cli::run_command(args);
    if (command == "compare") return fleetsim::cli::compare_command(args);
    if (command == "check") return fleetsim::cli::check_command(args);
    if (command == "load") return fleetsim::cli::load_command(args);
    if (command == "backend") return fleetsim::cli::backend_command(args);
    if (command == "stack") return fleetsim::cli::stack_command(args);
    if (command == "validate") return fleetsim::cli::validate_command(args);
    if (command == "sweep") return fleetsim::cli::sweep_command(args);
    if (command == "report") return fleetsim::cli::report_command(args);
    std::cerr << "fleetsim: unknown command \"" << command << "\"\n\n" << kUsage;
    return 2;
  } catch (const fleetsim::scenario::InputError& e) {
    std::cerr << "fleetsim " << command << ": " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "fleetsim " << command << ": error: " << e.what() << "\n";
    return 1;
  }
}
