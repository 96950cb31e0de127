// MpiSession in a build without MPI: never started.
#include "sweep/mpi_session.h"

namespace fleetsim::sweep {

std::unique_ptr<MpiSession> MpiSession::start_if_launched() { return nullptr; }

}  // namespace fleetsim::sweep
