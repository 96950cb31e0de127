// A LoadTally as 64-bit words and back, exactly: how an MPI rank's measurements travel to rank 0
// (`fleetsim load` under mpirun, cli/load_command.cpp). MPI itself stays out of loadgen/: the
// words go through sweep::MpiSession.
//
// Layout: a magic word (format and version), the step count, the outcome count, the scalar
// counts, the window outcomes, the two window histograms, the per-step series, the per-step
// histograms, then the answering tasks (service and task names as a byte length and bytes packed
// eight to a word, least significant first). Each histogram is its length then
// LatencyHistogram::to_words(). Words are host integers: ranks of one job share a byte order.
#pragma once

#include <cstdint>
#include <vector>

#include "loadgen/load_recorder.h"

namespace fleetsim::loadgen {

std::vector<std::uint64_t> load_tally_to_words(const LoadTally& tally);
// The tally load_tally_to_words() was given, exactly. Throws std::invalid_argument on words that
// are not such a tally (wrong magic or version, truncated, trailing words, bad histogram).
LoadTally load_tally_from_words(const std::vector<std::uint64_t>& words);

}  // namespace fleetsim::loadgen
