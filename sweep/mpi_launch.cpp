#include "sweep/mpi_launch.h"

#include <cstdlib>
#include <initializer_list>

namespace fleetsim::sweep {

int mpirun_ranks() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"}) {
    if (const char* v = std::getenv(name)) return std::atoi(v);
  }
  return 0;
}

}  // namespace fleetsim::sweep
