// The steady state allocates nothing: after warm-up, events, requests, queues and histograms
// reuse their storage. Counted with a replaced global operator new in this test binary.
#include <atomic>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <new>

#include "models/simulation.h"
#include "test_support.h"

// AddressSanitizer owns operator new; counting through malloc would confuse it. Under ASan the
// test is not built (the sanitizer job checks memory errors, this one checks allocation counts).
// GCC says so with __SANITIZE_ADDRESS__, clang with __has_feature.
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FLEETSIM_UNDER_ASAN 1
#endif
#endif
#if !defined(__SANITIZE_ADDRESS__) && !defined(FLEETSIM_UNDER_ASAN)

namespace {
std::atomic<std::uint64_t> g_allocations{0};
}  // namespace

void* operator new(std::size_t size) {
  ++g_allocations;
  if (void* p = std::malloc(size ? size : 1)) return p;
  throw std::bad_alloc();
}
// GCC flags free() on memory from operator new; here operator new is malloc, so it matches.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

using namespace fleetsim;

TEST_CASE("after warm-up a run allocates nothing per event", "[engine][allocation]") {
  for (const char* algorithm : {"round_robin", "weighted_round_robin", "least_conn", "ip_hash", "consistent_hash",
                                "random", "p2c", "peak_ewma"}) {
    nlohmann::json doc = testing::queue_scenario(4000, 8, 2, {{"dist", "lognormal"}, {"mean_ms", 2}, {"cv", 1}},
                                                 algorithm, 30, 0);
    doc["network"] = {{"rtt_ms", 0.3}};
    doc["services"][0]["calls"] = {{{"service", "db"}, {"probability", 0.5}}};
    doc["services"][1] = {{"name", "db"}, {"replicas", 3}, {"service_time_ms", {{"dist", "exponential"}, {"mean_ms", 0.5}}}};
    const scenario::Scenario s = testing::scenario_from(doc);
    models::Simulation simulation(s);
    simulation.run_until(sim::from_seconds(10));  // warm-up: pools and queues reach their size
    const std::uint64_t before = g_allocations.load();
    const std::uint64_t events_before = simulation.events_processed();
    simulation.run_until(sim::from_seconds(20));
    const std::uint64_t allocations = g_allocations.load() - before;
    const std::uint64_t events = simulation.events_processed() - events_before;
    INFO(algorithm << ": " << allocations << " allocations in " << events << " events");
    CHECK(events > 100'000);
    // A rare growth (a new longest queue or slowest latency) may still allocate; per event, never.
    CHECK(allocations < 20);
  }
}

#endif  // not under AddressSanitizer
