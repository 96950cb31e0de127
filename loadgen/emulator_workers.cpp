#include "loadgen/emulator_workers.h"

#include <chrono>
#include <utility>

#include "models/emulator_streams.h"
#include "sim/time.h"

namespace fleetsim::loadgen {

EmulatorWorkers::EmulatorWorkers(boost::asio::io_context& io, const EmulatorConfig& config, EmulatorChaos& chaos)
    : io_(io),
      chaos_(chaos),
      station_(config.workers, config.queue_limit),
      service_time_(config.service_time),
      error_rate_(config.error_rate),
      time_rng_(sim::Rng::stream(config.seed, models::emulator_stream_name(config.service, config.task_id, "time"))),
      error_rng_(sim::Rng::stream(config.seed, models::emulator_stream_name(config.service, config.task_id, "errors"))) {}

void EmulatorWorkers::submit(Done done) {
  const std::uint32_t id = next_id_++;
  switch (station_.admit(id)) {
    case models::TaskStation::Admission::kRejected:
      done(Outcome::kRejected);
      return;
    case models::TaskStation::Admission::kQueued:
      jobs_.emplace(id, Job{std::move(done), nullptr});
      return;
    case models::TaskStation::Admission::kStarted:
      jobs_.emplace(id, Job{std::move(done), nullptr});
      start_service(id);
      return;
  }
}

void EmulatorWorkers::start_service(std::uint32_t id) {
  Job& job = jobs_.at(id);
  const sim::SimTime ns = service_time_.sample(time_rng_) + sim::from_millis(chaos_.extra_ms());
  job.timer = std::make_unique<boost::asio::steady_timer>(io_, std::chrono::nanoseconds(ns));
  job.timer->async_wait([this, id](const boost::system::error_code& ec) {
    if (ec) return;  // cancelled: cancel_all() already forgot the job
    chaos_.when_answering([this, id] { finish(id); });
  });
}

void EmulatorWorkers::finish(std::uint32_t id) {
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return;
  const bool error = error_rng_.bernoulli(chaos_.error_rate(error_rate_));
  Done done = std::move(it->second.done);
  jobs_.erase(it);
  std::uint32_t next = 0;
  if (station_.release(next)) start_service(next);
  done(error ? Outcome::kError : Outcome::kServed);
}

void EmulatorWorkers::cancel_all() {
  for (auto& [id, job] : jobs_) {
    if (job.timer) job.timer->cancel();
  }
  jobs_.clear();
  station_.clear();
}

}  // namespace fleetsim::loadgen
