// MpiSession on Boost.MPI (Open MPI). Built only with FLEETSIM_WITH_MPI.
#include <boost/mpi/collectives/all_gather.hpp>
#include <boost/mpi/collectives/gather.hpp>
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <boost/serialization/vector.hpp>
#include <cstdlib>
#include <string>

#include "sweep/mpi_launch.h"
#include "sweep/mpi_session.h"

namespace fleetsim::sweep {

namespace {

class BoostMpiSession final : public MpiSession {
 public:
  int rank() const override { return world_.rank(); }
  int size() const override { return world_.size(); }
  std::vector<std::vector<std::uint64_t>> all_gather(const std::vector<std::uint64_t>& mine) override {
    std::vector<std::vector<std::uint64_t>> all;
    boost::mpi::all_gather(world_, mine, all);
    return all;
  }
  std::vector<std::vector<std::uint64_t>> gather_to_root(const std::vector<std::uint64_t>& mine) override {
    std::vector<std::vector<std::uint64_t>> all;
    boost::mpi::gather(world_, mine, all, 0);
    return all;
  }
  [[noreturn]] void abort(int status) override {
    world_.abort(status);
    std::abort();  // MPI_Abort does not return; this tells the compiler so
  }

 private:
  boost::mpi::environment environment_;  // MPI_Init here, MPI_Finalize on destruction
  boost::mpi::communicator world_;
};

}  // namespace

std::unique_ptr<MpiSession> MpiSession::start_if_launched() {
  // Only under mpirun: MPI_Init in a plain run would start Open MPI's singleton machinery.
  if (mpirun_ranks() <= 1) return nullptr;
  return std::make_unique<BoostMpiSession>();
}

}  // namespace fleetsim::sweep
