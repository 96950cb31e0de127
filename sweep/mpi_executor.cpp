#include <bit>
#include <stdexcept>

#include "sweep/mpi_session.h"

namespace fleetsim::sweep {

void append_outcome_words(const ReplicationOutcome& outcome, std::uint64_t job_index, std::vector<std::uint64_t>& words) {
  words.push_back(job_index);
  for (double v : outcome.values) words.push_back(std::bit_cast<std::uint64_t>(v));
  const auto histogram = outcome.histogram.to_words();
  words.push_back(histogram.size());
  words.insert(words.end(), histogram.begin(), histogram.end());
}

std::vector<std::pair<std::uint64_t, ReplicationOutcome>> outcomes_from_words(const std::vector<std::uint64_t>& words) {
  std::vector<std::pair<std::uint64_t, ReplicationOutcome>> out;
  std::size_t k = 0;
  const std::size_t header = 1 + kMetrics.size() + 1;
  while (k < words.size()) {
    if (words.size() - k < header) throw std::invalid_argument("outcome words: truncated");
    ReplicationOutcome o;
    const std::uint64_t index = words[k++];
    for (auto& v : o.values) v = std::bit_cast<double>(words[k++]);
    const std::uint64_t length = words[k++];
    if (length > words.size() - k) throw std::invalid_argument("outcome words: truncated histogram");
    o.histogram = sim::LatencyHistogram::from_words(
        std::vector<std::uint64_t>(words.begin() + static_cast<std::ptrdiff_t>(k),
                                   words.begin() + static_cast<std::ptrdiff_t>(k + length)));
    k += length;
    out.emplace_back(index, std::move(o));
  }
  return out;
}

RoundExecutor mpi_executor(MpiSession& session, const std::vector<scenario::Scenario>& points, RunFunction run,
                           std::uint32_t jobs, std::function<void(std::size_t, std::size_t)> progress) {
  return [&session, &points, run = std::move(run), jobs, progress = std::move(progress)](const std::vector<ReplicationJob>& round) {
    const auto rank = static_cast<std::size_t>(session.rank()), size = static_cast<std::size_t>(session.size());
    std::vector<ReplicationJob> mine;
    std::vector<std::uint64_t> mine_index;
    for (std::size_t i = rank; i < round.size(); i += size) {
      mine.push_back(round[i]);
      mine_index.push_back(i);
    }
    const std::vector<ReplicationOutcome> local = local_executor(points, run, jobs, progress)(mine);
    std::vector<std::uint64_t> words;
    for (std::size_t j = 0; j < local.size(); ++j) append_outcome_words(local[j], mine_index[j], words);
    std::vector<ReplicationOutcome> out(round.size());
    std::vector<bool> seen(round.size(), false);
    for (const auto& rank_words : session.all_gather(words)) {
      for (auto& [index, outcome] : outcomes_from_words(rank_words)) {
        if (index >= round.size() || seen[index]) throw std::runtime_error("MPI gather: unexpected job index");
        seen[index] = true;
        out[index] = std::move(outcome);
      }
    }
    for (bool s : seen) {
      if (!s) throw std::runtime_error("MPI gather: a job's outcome is missing");
    }
    return out;
  };
}

}  // namespace fleetsim::sweep
