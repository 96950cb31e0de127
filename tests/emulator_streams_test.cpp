// Scenario::emulator_streams: the simulator draws each task's service times from the streams the
// local stack's emulator of that task uses (validate's coupled prediction).
#include <catch2/catch.hpp>
#include <cmath>

#include "models/duration_sampler.h"
#include "models/emulator_streams.h"
#include "test_support.h"

using namespace fleetsim;
using nlohmann::json;

TEST_CASE("coupled to the emulators' streams, each task serves exactly its emulator's draws", "[emulator-streams]") {
  // Two tasks behind round robin, one worker each, evenly spaced arrivals 100 ms apart and
  // service times of about 1 ms: nobody waits, every latency is one service time, and task k
  // serves every other request. So the latencies are the first draws of the streams named
  // emulator.s.s.0.time and emulator.s.s.1.time, exactly (the same buckets, count and sum).
  json doc = testing::queue_scenario(10, 2, 1, {{"dist", "exponential"}, {"mean_ms", 1}}, "round_robin", 20, 0);
  doc["traffic"]["arrivals"] = "uniform";
  doc["seed"] = 7;
  scenario::Scenario s = testing::scenario_from(doc);
  s.emulator_streams = true;
  const results::Results coupled = models::simulate(s);
  REQUIRE(coupled.ok == coupled.sent);
  REQUIRE(coupled.ok >= 190);

  const models::DurationSampler sampler(s.services[0].service_time);
  sim::LatencyHistogram expected;
  for (std::uint32_t task = 0; task < 2; ++task) {
    sim::Rng stream = sim::Rng::stream(7, models::emulator_stream_name("s", models::task_label("s", task), "time"));
    const std::uint64_t served = coupled.ok / 2 + (task == 0 ? coupled.ok % 2 : 0);  // round robin starts at task 0
    for (std::uint64_t k = 0; k < served; ++k) expected.record(sampler.sample(stream));
  }
  CHECK(coupled.histogram.to_words() == expected.to_words());

  // The default draws from one stream per service, in the order tasks start work: not these.
  s.emulator_streams = false;
  CHECK(models::simulate(s).histogram.to_words() != expected.to_words());
}
