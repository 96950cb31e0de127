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

CommandResult run_fleetsim_mpi(int ranks, const std::string& arguments) {
  // Under the sanitizers (scripts/sanitize.sh): Open MPI's libraries have no frame pointers, so
  // LeakSanitizer needs the slow unwinder to see MPI_Init's lifetime allocations through them
  // (scripts/lsan-suppressions.txt), and components stay loaded so their frames have names.
  return run_shell(
      "env OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl=self,vader "
      "OMPI_MCA_mca_base_component_disable_dlclose=1 ${ASAN_OPTIONS:+\"ASAN_OPTIONS=$ASAN_OPTIONS:fast_unwind_on_malloc=0\"} "
      "timeout 120 mpirun --oversubscribe -n " + std::to_string(ranks) + " '" + FLEETSIM_BINARY + "' " + arguments);
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
