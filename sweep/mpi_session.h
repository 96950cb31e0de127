// fleetsim over MPI ranks (Open MPI through Boost.MPI). Sweeps: when fleetsim runs under `mpirun -n K`,
// every rank parses the same scenario and grid, runs its share of each round's replications
// (job i on rank i mod K, with --jobs threads each), and all ranks gather every outcome — metric
// values and the exact histogram words — so each computes the same summaries; rank 0 writes.
// Histograms travel whole and are merged exactly; no percentile is ever averaged. `fleetsim load`
// uses the session too (cli/load_command.cpp): each rank sends its share of the plan, the ranks
// agree on a start time, and rank 0 gathers every rank's tally (loadgen/load_tally_words.h).
//
// Boost.MPI stays behind this interface: the rest of fleetsim does not include MPI headers, and
// a build without MPI (FLEETSIM_WITH_MPI off) has a session that never starts.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "sweep/sweep_runner.h"

namespace fleetsim::sweep {

class MpiSession {
 public:
  virtual ~MpiSession() = default;
  // The session when this process was started by mpirun (OMPI_COMM_WORLD_SIZE or PMI_SIZE > 1)
  // and fleetsim was built with MPI; nullptr otherwise.
  static std::unique_ptr<MpiSession> start_if_launched();
  virtual int rank() const = 0;
  virtual int size() const = 0;
  // Every rank's words, in rank order, on every rank. Also a barrier: no rank returns before
  // every rank has called it.
  virtual std::vector<std::vector<std::uint64_t>> all_gather(const std::vector<std::uint64_t>& mine) = 0;
  // Every rank's words, in rank order, on rank 0; empty on the other ranks. For large payloads
  // that only rank 0 reads (a load run's tallies).
  virtual std::vector<std::vector<std::uint64_t>> gather_to_root(const std::vector<std::uint64_t>& mine) = 0;
  // Ends every rank of the job at once with `status` (MPI_Abort), so that no rank waits forever
  // in a collective for a rank that failed. Does not return.
  [[noreturn]] virtual void abort(int status) = 0;
};

// A round executor over the session's ranks: this rank runs jobs i with i mod size == rank on
// `jobs` threads; outcomes are gathered and returned in job order on every rank.
RoundExecutor mpi_executor(MpiSession& session, const std::vector<scenario::Scenario>& points, RunFunction run,
                           std::uint32_t jobs, std::function<void(std::size_t, std::size_t)> progress);

// Outcomes as words and back (exact), for the gather.
void append_outcome_words(const ReplicationOutcome& outcome, std::uint64_t job_index, std::vector<std::uint64_t>& words);
// Decodes a rank's words into (job index, outcome) pairs. Throws std::invalid_argument when malformed.
std::vector<std::pair<std::uint64_t, ReplicationOutcome>> outcomes_from_words(const std::vector<std::uint64_t>& words);

}  // namespace fleetsim::sweep
