#include <catch2/catch.hpp>
#include <vector>

#include "sim/engine.h"

using namespace fleetsim::sim;

namespace {
struct Recorder final : EventHandler {
  Engine* engine = nullptr;
  std::vector<std::pair<SimTime, std::uint64_t>> seen;
  void on_event(std::uint64_t tag) override { seen.emplace_back(engine->now(), tag); }
};
}  // namespace

TEST_CASE("events run in time order whatever order they were scheduled in", "[engine]") {
  Engine engine;
  Recorder r;
  r.engine = &engine;
  for (std::uint64_t tag : {5, 1, 4, 2, 3}) engine.schedule_at(static_cast<SimTime>(tag * 10), r, tag);
  engine.run_until(1000);
  REQUIRE(r.seen.size() == 5);
  for (std::size_t i = 0; i < 5; ++i) {
    CHECK(r.seen[i].second == i + 1);
    CHECK(r.seen[i].first == static_cast<SimTime>((i + 1) * 10));
  }
  CHECK(engine.now() == 1000);
}

TEST_CASE("events at the same time and priority run first in, first out", "[engine]") {
  Engine engine;
  Recorder r;
  r.engine = &engine;
  for (std::uint64_t tag = 0; tag < 1000; ++tag) engine.schedule_at(7, r, tag);
  engine.run_until(7);
  REQUIRE(r.seen.size() == 1000);
  for (std::uint64_t i = 0; i < 1000; ++i) CHECK(r.seen[i].second == i);
}

TEST_CASE("a lower priority value runs first among events at the same time", "[engine]") {
  Engine engine;
  Recorder r;
  r.engine = &engine;
  engine.schedule_at(5, r, 1, Priority::kLast);
  engine.schedule_at(5, r, 2, Priority::kNormal);
  engine.schedule_at(5, r, 3, Priority::kFirst);
  engine.run_until(5);
  REQUIRE(r.seen.size() == 3);
  CHECK(r.seen[0].second == 3);
  CHECK(r.seen[1].second == 2);
  CHECK(r.seen[2].second == 1);
}

TEST_CASE("run_until leaves later events pending and stop returns at once", "[engine]") {
  Engine engine;
  struct Stopper final : EventHandler {
    Engine* engine;
    int calls = 0;
    void on_event(std::uint64_t) override {
      ++calls;
      engine->stop();
    }
  } stopper;
  stopper.engine = &engine;
  engine.schedule_at(10, stopper, 0);
  engine.schedule_at(20, stopper, 0);
  engine.schedule_at(30, stopper, 0);
  engine.run_until(25);
  CHECK(stopper.calls == 1);
  CHECK(engine.now() == 10);
  engine.run_until(25);
  CHECK(stopper.calls == 2);
  engine.run_until(25);
  CHECK(engine.now() == 25);
  CHECK(engine.pending_events() == 1);
  CHECK(engine.events_processed() == 2);
}

TEST_CASE("a handler may schedule more events while it runs, including at the current time", "[engine]") {
  Engine engine;
  struct Chain final : EventHandler {
    Engine* engine;
    std::vector<SimTime> times;
    void on_event(std::uint64_t n) override {
      times.push_back(engine->now());
      if (n > 0) engine->schedule_in(n % 2 ? 0 : 3, *this, n - 1);
    }
  } chain;
  chain.engine = &engine;
  engine.schedule_at(0, chain, 4);
  engine.run_until(100);
  CHECK(chain.times == std::vector<SimTime>{0, 3, 3, 6, 6});
}

TEST_CASE("two engines side by side share nothing", "[engine]") {
  Engine a, b;
  Recorder ra, rb;
  ra.engine = &a;
  rb.engine = &b;
  a.schedule_at(1, ra, 1);
  b.schedule_at(2, rb, 2);
  a.run_until(10);
  CHECK(ra.seen.size() == 1);
  CHECK(rb.seen.empty());
  CHECK(b.pending_events() == 1);
}
