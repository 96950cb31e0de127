// Whether this process was started by mpirun, read from the launcher's environment without
// starting MPI (MPI_Init in a plain run would start Open MPI's singleton machinery).
#pragma once

namespace fleetsim::sweep {

// The number of processes mpirun started (OMPI_COMM_WORLD_SIZE, or PMI_SIZE for other
// launchers); 0 when not started by mpirun.
int mpirun_ranks();

}  // namespace fleetsim::sweep
