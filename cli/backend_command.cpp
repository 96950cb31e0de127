// fleetsim backend SCENARIO --service NAME [--task-id ID] [--bind ADDR] [--port N] [--seed N]
// [--set PATH=VALUE]... [--control] [--version-of-fault N]: one task of a scenario service as a real HTTP server
// (loadgen/service_emulator.h). Prints "listening ADDR:PORT" once the port is bound, then
// serves until SIGTERM or SIGINT, stops gracefully and exits 0.
#include <pthread.h>
#include <signal.h>

#include <boost/asio/ip/address.hpp>
#include <boost/program_options.hpp>
#include <iostream>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/common_options.h"
#include "loadgen/emulator_config.h"
#include "loadgen/service_emulator.h"
#include "scenario/input_error.h"
#include "scenario/overrides.h"
#include "scenario/parse.h"

namespace fleetsim::cli {

namespace po = boost::program_options;

int backend_command(const Arguments& args) {
  ScenarioOptions options;  // SCENARIO, --set, --seed (and --out/--quiet, unused here)
  std::string service, task_id = "0", bind = "127.0.0.1";
  unsigned port = 0;
  bool control = false;
  int version_fault = -1;
  po::options_description d("fleetsim backend SCENARIO --service NAME");
  add_scenario_options(d, options);
  d.add_options()
      ("service", po::value<std::string>(&service), "the scenario service this task serves (required)")
      ("task-id", po::value<std::string>(&task_id), "this task's label, in X-Fleetsim-Task and the random streams (default 0)")
      ("bind", po::value<std::string>(&bind), "address to listen on (default 127.0.0.1: loopback only)")
      ("port", po::value<unsigned>(&port), "port to listen on (default 0: the kernel picks)")
      ("version-of-fault", po::value<int>(&version_fault), "serve the version of deploy fault N (faults[N].version)")
      ("control", po::bool_switch(&control), "serve POST /_chaos/{hang,slow?ms=N,error?rate=R,unhealthy,resume}");
  parse_arguments(args, d, false, options);
  if (service.empty()) throw scenario::InputError("usage", "", "missing --service NAME");
  if (port > 65535) throw scenario::InputError("usage", "--port", "must be 0..65535");
  boost::system::error_code bad_address;
  boost::asio::ip::make_address(bind, bad_address);
  if (bad_address) throw scenario::InputError("usage", "--bind", "not an IP address: \"" + bind + "\"");

  std::vector<scenario::Override> overrides;
  for (const auto& list : override_lists(options)) {
    if (list.values.size() != 1) throw scenario::InputError("usage", "--set", "takes one value here: " + list.path);
    overrides.push_back({list.path, list.values.front()});
  }
  const scenario::Scenario s = scenario::load_scenario(options.scenario_file, overrides);
  loadgen::EmulatorConfig config = loadgen::emulator_config(s, service, task_id);
  if (version_fault >= 0) {
    const auto index = static_cast<std::size_t>(version_fault);
    if (index >= s.faults.size() || s.faults[index].kind != scenario::Fault::Kind::kDeploy) {
      throw scenario::InputError(options.scenario_file, "faults[" + std::to_string(version_fault) + "]", "expected a deploy fault");
    }
    config.service_time = s.faults[index].version.service_time;
    config.error_rate = s.faults[index].version.error_rate;
  }
  config.bind_address = bind;
  config.port = static_cast<std::uint16_t>(port);
  config.control = control;

  // Block the stop signals before the io thread starts (it inherits the mask), then wait for
  // them here: no handler runs on an arbitrary thread.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  loadgen::ServiceEmulator emulator(config);
  try {
    emulator.start();
  } catch (const boost::system::system_error& e) {
    std::cerr << "fleetsim backend: cannot listen on " << bind << ":" << port << ": " << e.code().message() << "\n";
    return 1;
  }
  std::cout << "listening " << bind << ":" << emulator.port() << std::endl;  // one line, flushed
  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  emulator.stop();
  return 0;
}

}  // namespace fleetsim::cli
