#include "models/simulation.h"

#include <chrono>

#include "models/fleet.h"
#include "models/request_flow.h"
#include "models/run_metrics.h"
#include "models/traffic_source.h"
#include "sim/engine.h"

namespace fleetsim::models {

namespace {

// Window edges and per-step gauge samples, as events so they land in time order.
class Clockwork final : public sim::EventHandler {
 public:
  enum Tag : std::uint64_t { kOpenWindow, kCloseWindow, kSample };
  Clockwork(sim::Engine& engine, RunMetrics& metrics, const Fleet& fleet, sim::SimTime step, sim::SimTime end)
      : engine_(engine), metrics_(metrics), fleet_(fleet), step_(step), end_(end) {}
  void on_event(std::uint64_t tag) override {
    switch (tag) {
      case kOpenWindow: metrics_.open_window(); break;
      case kCloseWindow: metrics_.close_window(); break;
      default:
        for (std::uint32_t i = 0; i < fleet_.services().size(); ++i) {
          metrics_.set_running_tasks(i, engine_.now(), fleet_.services()[i].task_count);
        }
        if (engine_.now() + step_ < end_) engine_.schedule_in(step_, *this, kSample, sim::Priority::kFirst);
    }
  }

 private:
  sim::Engine& engine_;
  RunMetrics& metrics_;
  const Fleet& fleet_;
  sim::SimTime step_;
  sim::SimTime end_;
};

}  // namespace

results::Results simulate(const scenario::Scenario& scenario, const SimulationOptions& options) {
  const auto wall_start = std::chrono::steady_clock::now();
  sim::Engine engine;
  Fleet fleet(scenario);
  RunMetrics metrics(scenario, fleet);
  RequestFlow flow(engine, fleet, metrics, scenario);
  TrafficSource traffic(engine, flow, fleet, scenario);

  const sim::SimTime end = sim::from_seconds(scenario.duration_s);
  Clockwork clock(engine, metrics, fleet, sim::from_seconds(scenario.step_s), end);
  engine.schedule_at(0, clock, Clockwork::kSample, sim::Priority::kFirst);
  engine.schedule_at(metrics.window_start(), clock, Clockwork::kOpenWindow, sim::Priority::kFirst);
  // Last at its time, so requests completing exactly at the end still count inside.
  engine.schedule_at(metrics.window_end(), clock, Clockwork::kCloseWindow, sim::Priority::kLast);
  traffic.start();

  // Run in slices of 1 % so progress can be shown; slicing does not change the event order.
  const sim::SimTime slice = std::max<sim::SimTime>(end / 100, 1);
  for (sim::SimTime t = slice; t < end + slice; t += slice) {
    engine.run_until(std::min(t, end));
    if (options.progress) options.progress(static_cast<double>(std::min(t, end)) / static_cast<double>(end));
  }
  // Drain: no new arrivals after `end`; let in-flight requests finish within the drain period.
  const sim::SimTime drain_end = end + sim::from_seconds(options.drain_s);
  while (flow.in_flight() > 0 && engine.pending_events() > 0 && engine.now() < drain_end) {
    engine.run_until(std::min(engine.now() + slice, drain_end));
  }

  results::Results results = metrics.finish(engine.now(), flow.in_flight_client_arrivals());
  results.engine_events = engine.events_processed();
  results.engine_wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return results;
}

}  // namespace fleetsim::models
