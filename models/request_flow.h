// The life of a request: a try through the balancer to an endpoint, what the endpoint is by
// then (the right task, a closed port, a gone host, another service's task), the task's queue
// and workers, service time, errors, downstream calls, timeouts, and retries to other endpoints
// (nginx proxy_next_upstream semantics).
//
// A Request is what a client (or a calling task) asked for; an Attempt is one try of it at one
// endpoint. An attempt the balancer gave up on (read timeout) stays at its task until the task
// finishes it, as a real server does not notice the client left; its answer is dropped.
//
// Client-visible latency = per balancer pass: overhead_ms + rtt_ms (half each way) + queueing +
// service time + the calls it makes one after another holding its worker, + failed tries (a
// refusal costs a round trip, a gone host the connect timeout, a hung task the read timeout).
// Anything zero adds nothing and costs no event, so textbook queues stay exact.
//
// Requests and attempts live in pools that grow to the largest number in flight and are reused.
#pragma once

#include <vector>

#include "models/cluster.h"
#include "models/outcome.h"
#include "models/run_metrics.h"
#include "models/service_catalog.h"
#include "sim/engine.h"

namespace fleetsim::models {

class RetryBudget;

class RequestFlow final : public sim::EventHandler {
 public:
  RequestFlow(sim::Engine& engine, Cluster& cluster, ServiceCatalog& catalog, RunMetrics& metrics,
              const scenario::Scenario& scenario);
  ~RequestFlow();

  // A client request for `service` from client `client` leaves the client now; it reaches the
  // region's balancer after `client_rtt` (a region's extra round trip), or fails with a connect
  // timeout when the region is down.
  void start_client_request(std::uint32_t service, std::uint32_t client, sim::SimTime client_rtt = 0);
  void on_event(std::uint64_t tag) override;

  // The cluster stopped a task abruptly: its connections are reset.
  void task_killed(std::uint32_t task);
  // A hung task resumes: work that finished while it was stopped completes now.
  void task_resumed(std::uint32_t task);

  // Arrival times of client requests still in flight (at the end of a run).
  std::vector<sim::SimTime> in_flight_client_arrivals() const;
  std::size_t in_flight() const { return requests_.size() - free_requests_.size(); }

 private:
  static constexpr std::uint32_t kNone = UINT32_MAX;
  static constexpr int kMaxTries = 16;
  enum Step : std::uint8_t {
    kArrive = 1,        // the try reaches the endpoint
    kServiceDone = 2,   // the worker's own work is done
    kResponse = 3,      // the task's answer is back at the balancer
    kFailBack = 4,      // a refusal, reset or wrong answer is back at the balancer
    kConnectTimeout = 5,
    kReadTimeouts = 6,  // the timeout queue's head may be due
    kClientEnter = 7,   // a client request reaches its region (tag: request id)
    kClientUnreachable = 8,  // the client gives up connecting to a region that is down
  };

  struct Request {
    sim::SimTime arrival;         // when the client (or the calling worker) sent it
    std::uint32_t parent;         // the attempt whose worker made this call, or kNone
    std::uint32_t client;
    std::uint32_t service;
    std::uint32_t generation;     // of the upstream group the tried slots belong to
    std::uint16_t instance;       // balancer instance
    std::uint8_t tries;           // attempts made so far
    std::uint8_t tried_count;     // valid entries of `tried` (this generation's slots)
    Outcome last_failure;         // of the previous try, what the client gets if none is left
    bool live;
    std::uint32_t tried[kMaxTries];
  };
  struct Attempt {
    sim::SimTime sent_at;     // the balancer picked the endpoint
    sim::SimTime started_at;  // a worker took it
    std::uint32_t request;
    std::uint32_t serial;     // changes at every reuse: stale events and timeouts skip it
    std::uint32_t task;       // where it is served, or kNone
    std::uint32_t generation;
    std::uint32_t child;      // the call request in flight, or kNone
    std::int32_t slot;
    std::uint16_t next_call;
    Outcome outcome;
    bool holds_worker;
    bool answered;            // the balancer has its result (answer, failure or timeout)
    bool at_task;             // queued or in service at `task`
    bool live;
    bool awaiting_deadline;   // in the read-timeout list
    sim::SimTime deadline;    // read timeout, when awaiting_deadline
    std::uint32_t deadline_prev;
    std::uint32_t deadline_next;
  };

  std::uint32_t new_request();
  std::uint32_t new_attempt(std::uint32_t request);
  void free_attempt(std::uint32_t id);
  void schedule(sim::SimTime delay, Step step, std::uint32_t attempt);

  void try_once(std::uint32_t request);
  void arrive(std::uint32_t attempt);
  void start_service(std::uint32_t attempt);
  void service_done(std::uint32_t attempt);
  void continue_calls(std::uint32_t attempt);
  // The task answers: frees the worker, sends the answer back (unless nobody waits for it).
  void respond(std::uint32_t attempt, Outcome outcome);
  // The attempt's result reaches the balancer: health bookkeeping, then retry or finish.
  void result_at_balancer(std::uint32_t attempt, Outcome outcome);
  void finish_request(std::uint32_t request, Outcome outcome);
  void leave_task(std::uint32_t attempt);
  void expire_read_timeouts();
  // Makes sure the timeout queue is looked at by `at`.
  void wake_for_deadline(sim::SimTime at);
  void link_deadline(std::uint32_t attempt, sim::SimTime at);
  void unlink_deadline(std::uint32_t attempt);
  bool retryable(Outcome outcome) const;
  bool counts_as_failure(Outcome outcome) const;
  // The streams a task's service times and errors come from: the service's, or with
  // Scenario::emulator_streams the task's own (made when the task first serves).
  struct Streams {
    sim::Rng* time;
    sim::Rng* errors;
  };
  Streams streams_of(const Task& task);

  sim::Engine& engine_;
  Cluster& cluster_;
  ServiceCatalog& catalog_;
  RunMetrics& metrics_;
  const scenario::Scenario& scenario_;
  sim::SimTime overhead_;
  sim::SimTime half_rtt_;
  sim::SimTime connect_timeout_;
  sim::SimTime read_timeout_;
  std::uint32_t instances_;
  std::uint32_t max_tries_;
  std::uint32_t retry_on_;  // bit per Outcome that may be retried
  std::uint32_t fail_on_;   // bit per Outcome that counts against a peer (nginx passive checks)
  std::unique_ptr<RetryBudget> budget_;
  std::vector<Request> requests_;
  std::vector<std::uint32_t> free_requests_;
  std::vector<Attempt> attempts_;
  std::vector<std::uint32_t> free_attempts_;
  std::vector<std::unique_ptr<std::pair<sim::Rng, sim::Rng>>> task_streams_;  // by task id (emulator_streams)
  // Read timeouts all have the same length, so attempts waiting for an answer are in deadline
  // order when kept in connection order: an intrusive list through the attempts (O(1) to add
  // and to remove, memory only for what is in flight) and one engine event for its head.
  std::uint32_t deadline_head_ = kNone;
  std::uint32_t deadline_tail_ = kNone;
  bool deadline_wake_pending_ = false;
  sim::SimTime deadline_wake_at_ = 0;
  std::uint64_t deadline_wake_serial_ = 0;
  std::vector<std::uint32_t> scratch_;
};

}  // namespace fleetsim::models
