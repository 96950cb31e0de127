// One task's workers in wall time: the simulator's TaskStation (`workers` in service at once, a
// FIFO queue of at most `queue_limit`) with each service time waited on an asio timer, never by
// blocking a thread. Single-threaded: every call and callback is on the emulator's io thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>

#include "loadgen/emulator_chaos.h"
#include "loadgen/emulator_config.h"
#include "models/duration_sampler.h"
#include "models/task_station.h"
#include "sim/rng.h"

namespace fleetsim::loadgen {

class EmulatorWorkers {
 public:
  enum class Outcome { kServed, kError, kRejected };
  using Done = std::function<void(Outcome)>;

  // `chaos` (slow, error ratio, hang) must outlive this object.
  EmulatorWorkers(boost::asio::io_context& io, const EmulatorConfig& config, EmulatorChaos& chaos);

  // A request arrives: `done` runs once, with kRejected at once when the queue is full, otherwise
  // when its service ends (held back while the task is hung).
  void submit(Done done);
  // Forgets every request, queued or in service, without calling `done` (a hard stop).
  void cancel_all();
  // Requests in service or waiting.
  std::size_t in_flight() const { return jobs_.size(); }

 private:
  struct Job {
    Done done;                                         // the connection's answer
    std::unique_ptr<boost::asio::steady_timer> timer;  // the service time, once started
  };
  void start_service(std::uint32_t id);
  void finish(std::uint32_t id);

  boost::asio::io_context& io_;            // owned by the emulator
  EmulatorChaos& chaos_;                   // owned by the emulator
  models::TaskStation station_;            // who is in service, who waits (FIFO)
  models::DurationSampler service_time_;   // the scenario's distribution
  double error_rate_;                      // the scenario's; chaos may override
  sim::Rng time_rng_;                      // stream "emulator.SERVICE.TASK.time"
  sim::Rng error_rng_;                     // stream "emulator.SERVICE.TASK.errors"
  std::uint32_t next_id_ = 0;              // request ids, in arrival order
  std::map<std::uint32_t, Job> jobs_;      // requests queued or in service, by id
};

}  // namespace fleetsim::loadgen
