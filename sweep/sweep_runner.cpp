#include "sweep/sweep_runner.h"

#include <atomic>
#include <cmath>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>

#include "sim/rng.h"

namespace fleetsim::sweep {

std::uint64_t replication_seed(std::uint64_t base, std::uint32_t r) {
  // splitmix64 of (base, r): well-mixed, distinct seeds; replication 0 keeps the scenario's own
  // seed so a sweep's first replication is the run `fleetsim run` makes.
  if (r == 0) return base;
  std::uint64_t state = base ^ (0x9E3779B97F4A7C15ull * r);
  return sim::splitmix64(state);
}

void add_replication(PointSummary& summary, const ReplicationOutcome& outcome) {
  for (std::size_t m = 0; m < kMetrics.size(); ++m) summary.samples[m].push_back(outcome.values[m]);
  summary.pooled.merge(outcome.histogram);
  ++summary.replications;
}

ReplicationOutcome run_replication(const std::vector<scenario::Scenario>& points, const ReplicationJob& job,
                                   const RunFunction& run) {
  scenario::Scenario s = points[job.point];
  s.seed = replication_seed(points[job.point].seed, job.replication);
  results::Results r = run(s);
  return {metric_values(r), std::move(r.histogram)};
}

void finish_summary(PointSummary& summary, double level) {
  for (std::size_t m = 0; m < kMetrics.size(); ++m) summary.intervals[m] = sim::mean_interval(summary.samples[m], level);
  summary.pooled_latency = results::LatencySummary::of(summary.pooled);
}

namespace {

bool precise_enough(const PointSummary& s, double precision) {
  for (const auto& i : s.intervals) {
    if (i.mean != 0 && i.half_width > precision * std::abs(i.mean)) return false;
  }
  return true;
}

// Runs tasks [0, count) on `jobs` threads; results are stored by index, so order is fixed.
void run_parallel(std::size_t count, std::uint32_t jobs, const std::function<void(std::size_t)>& task,
                  const std::function<void()>& after_each) {
  std::atomic<std::size_t> next{0};
  std::mutex mutex;
  std::exception_ptr failure;
  auto worker = [&] {
    while (true) {
      const std::size_t i = next.fetch_add(1);
      if (i >= count) return;
      try {
        task(i);
      } catch (...) {
        std::lock_guard lock(mutex);
        if (!failure) failure = std::current_exception();
        next = count;  // stop handing out work
        return;
      }
      std::lock_guard lock(mutex);
      if (after_each) after_each();
    }
  };
  std::vector<std::thread> threads;
  for (std::uint32_t j = 1; j < jobs && j < count; ++j) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace

RoundExecutor local_executor(const std::vector<scenario::Scenario>& points, RunFunction run, std::uint32_t jobs,
                             std::function<void(std::size_t, std::size_t)> progress) {
  auto done = std::make_shared<std::size_t>(0);
  return [&points, run = std::move(run), jobs, progress = std::move(progress), done](const std::vector<ReplicationJob>& round) {
    std::vector<ReplicationOutcome> out(round.size());
    const std::size_t total = *done + round.size();
    run_parallel(
        round.size(), std::max<std::uint32_t>(1, jobs), [&](std::size_t i) { out[i] = run_replication(points, round[i], run); },
        [&] {
          ++*done;
          if (progress) progress(*done, total);
        });
    return out;
  };
}

std::vector<PointSummary> run_sweep(const std::vector<scenario::Scenario>& points,
                                    const std::vector<std::vector<scenario::Override>>& grid, const SweepOptions& o,
                                    const RoundExecutor& execute) {
  std::vector<PointSummary> summaries(points.size());
  for (std::size_t p = 0; p < points.size(); ++p) summaries[p].overrides = grid[p];
  std::vector<std::size_t> active(points.size());
  for (std::size_t p = 0; p < points.size(); ++p) active[p] = p;
  while (!active.empty()) {
    // One round: `replications` more runs of every active point.
    std::vector<ReplicationJob> jobs;
    for (std::size_t p : active) {
      const std::uint32_t first = summaries[p].replications;
      const std::uint32_t count = o.precision > 0 ? std::min(o.replications, o.max_replications - first) : o.replications;
      for (std::uint32_t r = 0; r < count; ++r) jobs.push_back({p, first + r});
    }
    const std::vector<ReplicationOutcome> out = execute(jobs);
    for (std::size_t i = 0; i < jobs.size(); ++i) add_replication(summaries[jobs[i].point], out[i]);
    std::vector<std::size_t> still;
    for (std::size_t p : active) {
      finish_summary(summaries[p], o.level);
      if (o.precision <= 0) continue;
      const bool met = precise_enough(summaries[p], o.precision);
      summaries[p].precision_met = met;
      if (!met && summaries[p].replications < o.max_replications) still.push_back(p);
    }
    active.swap(still);
  }
  return summaries;
}

}  // namespace fleetsim::sweep
