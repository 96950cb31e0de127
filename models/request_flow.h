// The life of a request: balancer pick, network, the task's queue and workers, service time,
// errors, downstream calls (each through the called service's balancer), the response.
//
// Client-visible latency = for each balancer pass: overhead_ms + rtt_ms (half each way),
// + queueing + service time at the task, + the calls it makes, one after another, while
// holding its worker (a thread-per-request server). Anything zero adds nothing and costs no
// event, so textbook queues are exact.
//
// Requests live in a pool that grows to the largest number in flight and is then reused:
// the steady state allocates nothing.
#pragma once

#include <vector>

#include "models/fleet.h"
#include "models/outcome.h"
#include "models/run_metrics.h"
#include "sim/engine.h"

namespace fleetsim::models {

class RequestFlow final : public sim::EventHandler {
 public:
  RequestFlow(sim::Engine& engine, Fleet& fleet, RunMetrics& metrics, const scenario::Scenario& scenario);

  // A client request for `service` from client `client` arrives now.
  void start_client_request(std::uint32_t service, std::uint32_t client);
  void on_event(std::uint64_t tag) override;

  // Arrival times of client requests still in flight (at the end of a run).
  std::vector<sim::SimTime> in_flight_client_arrivals() const;
  std::size_t in_flight() const { return requests_.size() - free_.size(); }

 private:
  static constexpr std::uint32_t kNone = UINT32_MAX;
  enum Step : std::uint8_t { kReachTask = 1, kServiceDone = 2, kResponse = 3 };

  struct Request {
    sim::SimTime arrival;    // client requests: when the client sent it; calls: when made
    sim::SimTime sent_at;    // when the balancer picked the task
    sim::SimTime started_at; // when a worker took it
    std::uint32_t parent;    // the request whose worker made this call, or kNone
    std::uint32_t service;
    std::uint32_t client;
    std::uint32_t task;
    std::uint32_t generation;  // of the balancer set the slot belongs to
    std::int32_t slot;
    std::uint16_t instance;    // balancer instance
    std::uint16_t next_call;   // the next entry of the service's calls to consider
    Outcome outcome;
    bool holds_worker;
    bool live;
  };

  std::uint32_t allocate();
  void release(std::uint32_t id);
  void schedule(sim::SimTime delay, Step step, std::uint32_t id);
  void dispatch(std::uint32_t id);
  void reach_task(std::uint32_t id);
  void start_service(std::uint32_t id);
  void service_done(std::uint32_t id);
  void continue_calls(std::uint32_t id);
  // The task answers (ok or not): frees the worker, sends the response back.
  void respond(std::uint32_t id, Outcome outcome);
  void response_arrived(std::uint32_t id);
  // The request ends at the balancer without reaching a task.
  void end_at_balancer(std::uint32_t id, Outcome outcome);
  void complete(std::uint32_t id);

  sim::Engine& engine_;
  Fleet& fleet_;
  RunMetrics& metrics_;
  sim::SimTime overhead_;
  sim::SimTime half_rtt_;
  std::uint32_t instances_;
  std::vector<Request> requests_;
  std::vector<std::uint32_t> free_;
};

}  // namespace fleetsim::models
