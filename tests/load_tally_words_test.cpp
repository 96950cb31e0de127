// What `fleetsim load` under mpirun relies on, without mpirun: a rank's tally crosses processes as
// words exactly, tallies of a split merge into the tally of the whole, and the ranks' shares of
// the send plan add up to the plan.
#include <catch2/catch.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include "loadgen/load_recorder.h"
#include "loadgen/load_tally_words.h"
#include "loadgen/send_plan.h"
#include "scenario/parse.h"
#include "sim/rng.h"

namespace loadgen = fleetsim::loadgen;
namespace sim = fleetsim::sim;
using loadgen::LoadOutcome;

namespace {

constexpr std::size_t kSteps = 5;
constexpr sim::SimTime kSecond = sim::kNanosPerSecond;

// One request as a load thread sees it.
struct Request {
  sim::SimTime intended, sent, done;
  LoadOutcome outcome;
  std::string task;  // who answered, when ok
};

// Requests over 5 s with completion times that only grow (as within one load thread), every
// outcome now and then, answers from three tasks of two services, some completions in the drain.
std::vector<Request> requests(std::size_t n) {
  sim::Rng rng = sim::Rng::stream(42, "test.load_tally");
  std::vector<Request> out;
  sim::SimTime done = 0;
  for (std::size_t i = 0; i < n; ++i) {
    done += static_cast<sim::SimTime>(rng.below(static_cast<std::uint64_t>(12 * kSecond / static_cast<sim::SimTime>(n))));
    const auto latency = static_cast<sim::SimTime>(1 + rng.below(400'000'000));  // up to 0.4 s, in ns
    const auto wait = static_cast<sim::SimTime>(rng.below(static_cast<std::uint64_t>(latency)));
    const auto outcome = rng.bernoulli(0.8) ? LoadOutcome::kOk
                                            : static_cast<LoadOutcome>(1 + rng.below(loadgen::kLoadOutcomeCount - 1));
    const char* tasks[] = {"t-0", "t-1", "a-much-longer-task-name-17"};
    out.push_back({done - latency, done - latency + wait, done, outcome, tasks[rng.below(3)]});
  }
  return out;
}

// A tally of `part` as one load thread records it: window [1 s, 5 s), 1 s steps.
loadgen::LoadTally record(const std::vector<Request>& part) {
  loadgen::StepLatencies steps(kSteps);
  loadgen::LiveCounters live;
  loadgen::LoadRecorder recorder(kSecond, 5 * kSecond, kSecond, kSteps, steps, live);
  for (const auto& r : part) {
    recorder.planned(r.intended);
    recorder.finished(r.intended, r.sent, r.done, r.outcome);
    if (r.outcome == LoadOutcome::kOk) recorder.answered_by(r.task == "t-1" ? "search" : "catalog", r.task, r.intended);
  }
  recorder.flush();
  loadgen::LoadTally tally = recorder.tally();
  tally.step_latencies = steps.snapshot();
  return tally;
}

fleetsim::scenario::Scenario scenario_with_clients(std::uint32_t clients) {
  const nlohmann::json doc = {{"name", "plan-share"},
                              {"seed", 3},
                              {"duration_s", 4},
                              {"traffic", {{"rate_rps", 400}, {"clients", clients}, {"routes", {{{"service", "s"}}}}}},
                              {"services", {{{"name", "s"}, {"service_time_ms", {{"dist", "constant"}, {"mean_ms", 1}}}}}}};
  return fleetsim::scenario::parse_scenario_text(doc.dump(), "test.json");
}

}  // namespace

TEST_CASE("a load tally crosses processes as words exactly, and malformed words are refused", "[loadgen][mpi]") {
  const auto all = requests(3000);
  const loadgen::LoadTally tally = record(all);
  REQUIRE(tally.sent > 0);
  REQUIRE(tally.corrected.count() > 0);
  REQUIRE(tally.by_task.size() == 2);
  const auto words = loadgen::load_tally_to_words(tally);
  const loadgen::LoadTally back = loadgen::load_tally_from_words(words);
  CHECK(loadgen::load_tally_to_words(back) == words);
  CHECK(back.sent == tally.sent);
  CHECK(back.planned_total == all.size());
  CHECK(back.outcomes == tally.outcomes);
  CHECK(back.corrected.to_words() == tally.corrected.to_words());
  CHECK(back.uncorrected.to_words() == tally.uncorrected.to_words());
  CHECK(back.step_sent == tally.step_sent);
  CHECK(back.step_failures == tally.step_failures);
  for (std::size_t k = 0; k < kSteps; ++k) CHECK(back.step_latencies[k].to_words() == tally.step_latencies[k].to_words());
  CHECK(back.by_task == tally.by_task);

  auto truncated = words;
  truncated.pop_back();
  CHECK_THROWS_AS(loadgen::load_tally_from_words(truncated), std::invalid_argument);
  auto trailing = words;
  trailing.push_back(0);
  CHECK_THROWS_AS(loadgen::load_tally_from_words(trailing), std::invalid_argument);
  auto foreign = words;
  foreign[0] ^= 1;  // not the magic word
  CHECK_THROWS_AS(loadgen::load_tally_from_words(foreign), std::invalid_argument);
  auto huge = words;
  huge[1] = ~std::uint64_t{0};  // a step count no words could hold
  CHECK_THROWS_AS(loadgen::load_tally_from_words(huge), std::invalid_argument);
  CHECK_THROWS_AS(loadgen::load_tally_from_words({}), std::invalid_argument);
}

TEST_CASE("the tallies of two recorders merged equal one recorder of all their requests", "[loadgen][mpi]") {
  const auto all = requests(4000);
  std::vector<Request> even, odd;
  for (std::size_t i = 0; i < all.size(); ++i) (i % 2 ? odd : even).push_back(all[i]);
  loadgen::LoadTally merged = record(even);
  // Through the words, as rank 0 receives them. (Latency sums are whole nanoseconds, exact in a
  // double far beyond these totals, so the order of addition does not matter.)
  merged.merge(loadgen::load_tally_from_words(loadgen::load_tally_to_words(record(odd))));
  const loadgen::LoadTally whole = record(all);
  CHECK(loadgen::load_tally_to_words(merged) == loadgen::load_tally_to_words(whole));
  CHECK(merged.sent == whole.sent);
  CHECK(merged.corrected.quantile(0.99) == whole.corrected.quantile(0.99));
  std::uint64_t by_task = 0;
  for (const auto& [service, tasks] : merged.by_task) {
    for (const auto& [task, n] : tasks) by_task += n;
  }
  CHECK(by_task == merged.outcomes[static_cast<std::size_t>(LoadOutcome::kOk)]);

  loadgen::LoadTally shorter(kSteps - 1);
  CHECK_THROWS_AS(merged.merge(shorter), std::invalid_argument);
}

TEST_CASE("the ranks' shares of the send plan add up to exactly the plan", "[loadgen][mpi]") {
  const auto s = scenario_with_clients(1000);
  const auto plan = loadgen::whole_send_plan(s, 4);
  REQUIRE(plan.size() > 1000);
  for (std::uint32_t ranks : {1u, 2u, 3u}) {
    for (bool sources : {false, true}) {
      std::vector<std::size_t> owned(ranks);
      std::map<std::uint32_t, std::set<std::uint32_t>> ranks_of_client;
      for (const auto& p : plan) {
        int owners = 0;
        for (std::uint32_t r = 0; r < ranks; ++r) {
          if (!loadgen::plan_share(s, r, ranks, sources).owns(p)) continue;
          ++owners;
          ++owned[r];
          ranks_of_client[p.client].insert(r);
        }
        REQUIRE(owners == 1);
      }
      // Shares are near even: by sequence exactly, by client as the uniform draws of 1000 clients.
      for (auto n : owned) CHECK(n > plan.size() / ranks * 8 / 10);
      if (sources) {
        for (const auto& [client, rs] : ranks_of_client) CHECK(rs.size() == 1);  // a client stays on one rank
      }
    }
  }
  // Fewer clients than ranks: some rank would own none, so the split is by sequence.
  CHECK_FALSE(loadgen::plan_share(scenario_with_clients(2), 0, 3, true).by_client);
  CHECK(loadgen::plan_share(scenario_with_clients(3), 0, 3, true).by_client);
  CHECK_THROWS_AS(loadgen::plan_share(s, 2, 2, false), std::invalid_argument);
}
