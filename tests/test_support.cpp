#include "test_support.h"

#include <cstdio>
#include <fstream>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

namespace fleetsim::testing {

namespace {
std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}
}  // namespace

CommandResult run_fleetsim(const std::string& arguments) {
  return run_shell(std::string("'") + FLEETSIM_BINARY + "' " + arguments);
}

CommandResult run_shell(const std::string& shell_command) {
  const std::string base = "/tmp/fleetsim-test-" + std::to_string(::getpid());
  const std::string command = std::string("cd '") + FLEETSIM_SOURCE_DIR + "' && " + shell_command + " >" + base +
                              ".out 2>" + base + ".err";
  const int raw = std::system(command.c_str());
  CommandResult r{WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, slurp(base + ".out"), slurp(base + ".err")};
  std::remove((base + ".out").c_str());
  std::remove((base + ".err").c_str());
  return r;
}

}  // namespace fleetsim::testing
