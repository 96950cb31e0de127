#include "models/request_flow.h"

#include <cassert>

#include "models/client_address.h"

namespace fleetsim::models {

RequestFlow::RequestFlow(sim::Engine& engine, Fleet& fleet, RunMetrics& metrics, const scenario::Scenario& s)
    : engine_(engine),
      fleet_(fleet),
      metrics_(metrics),
      overhead_(sim::from_millis(s.balancer.overhead_ms)),
      half_rtt_(sim::from_millis(s.network.rtt_ms / 2)),
      instances_(s.balancer.instances) {}

std::uint32_t RequestFlow::allocate() {
  if (!free_.empty()) {
    const std::uint32_t id = free_.back();
    free_.pop_back();
    return id;
  }
  requests_.emplace_back();
  return static_cast<std::uint32_t>(requests_.size() - 1);
}

void RequestFlow::release(std::uint32_t id) {
  requests_[id].live = false;
  free_.push_back(id);
}

void RequestFlow::schedule(sim::SimTime delay, Step step, std::uint32_t id) {
  engine_.schedule_in(delay, *this, (std::uint64_t{step} << 32) | id);
}

void RequestFlow::on_event(std::uint64_t tag) {
  const auto id = static_cast<std::uint32_t>(tag);
  switch (static_cast<Step>(tag >> 32)) {
    case kReachTask: reach_task(id); break;
    case kServiceDone: service_done(id); break;
    case kResponse: response_arrived(id); break;
  }
}

void RequestFlow::start_client_request(std::uint32_t service, std::uint32_t client) {
  const std::uint32_t id = allocate();
  Request& r = requests_[id];
  r = Request{};
  r.arrival = engine_.now();
  r.parent = kNone;
  r.service = service;
  r.client = client;
  // Each client talks to one balancer instance, as DNS or an upstream ALB would pin it.
  r.instance = static_cast<std::uint16_t>(client % instances_);
  r.live = true;
  metrics_.client_sent(r.arrival);
  dispatch(id);
}

void RequestFlow::dispatch(std::uint32_t id) {
  Request& r = requests_[id];
  ServiceState& service = fleet_.services()[r.service];
  Balancer& balancer = *service.balancers[r.instance];
  const int slot = balancer.pick({client_address(r.client), engine_.now(), {}}, service.balancer_rngs[r.instance]);
  if (slot == kNoBackend) {
    end_at_balancer(id, Outcome::kNoBackend);
    return;
  }
  r.slot = slot;
  r.generation = balancer.generation();
  r.task = fleet_.task_for(r.service, slot);
  r.sent_at = engine_.now();
  balancer.on_send(slot, r.sent_at);
  metrics_.service_sent(r.service, r.task, r.sent_at);
  const sim::SimTime delay = overhead_ + half_rtt_;
  if (delay > 0) {
    schedule(delay, kReachTask, id);
  } else {
    reach_task(id);
  }
}

void RequestFlow::reach_task(std::uint32_t id) {
  switch (fleet_.tasks()[requests_[id].task].station.admit(id)) {
    case TaskStation::Admission::kStarted: start_service(id); break;
    case TaskStation::Admission::kQueued: break;
    case TaskStation::Admission::kRejected: respond(id, Outcome::kRejected); break;
  }
}

void RequestFlow::start_service(std::uint32_t id) {
  Request& r = requests_[id];
  r.holds_worker = true;
  r.started_at = engine_.now();
  ServiceState& service = fleet_.services()[r.service];
  schedule(service.service_time.sample(service.time_rng), kServiceDone, id);
}

void RequestFlow::service_done(std::uint32_t id) {
  Request& r = requests_[id];
  ServiceState& service = fleet_.services()[r.service];
  metrics_.worker_busy(r.service, r.started_at, engine_.now());
  if (service.error_rate > 0 && service.error_rng.bernoulli(service.error_rate)) {
    respond(id, Outcome::kHttp5xx);
    return;
  }
  r.next_call = 0;
  continue_calls(id);
}

void RequestFlow::continue_calls(std::uint32_t id) {
  ServiceState& service = fleet_.services()[requests_[id].service];
  for (std::size_t i = requests_[id].next_call; i < service.calls.size(); ++i) {
    const ResolvedCall& call = service.calls[i];
    if (call.probability < 1 && !service.call_rng.bernoulli(call.probability)) continue;
    requests_[id].next_call = static_cast<std::uint16_t>(i + 1);
    const std::uint32_t child = allocate();  // may move requests_: no references held across
    Request& c = requests_[child];
    c = Request{};
    c.arrival = engine_.now();
    c.parent = id;
    c.service = call.service;
    c.client = requests_[id].client;
    // The call leaves from the caller's host through the balancer instance there.
    c.instance = static_cast<std::uint16_t>(requests_[id].task % instances_);
    c.live = true;
    dispatch(child);
    return;
  }
  respond(id, Outcome::kOk);
}

void RequestFlow::respond(std::uint32_t id, Outcome outcome) {
  Request& r = requests_[id];
  r.outcome = outcome;
  if (r.holds_worker) {
    r.holds_worker = false;
    std::uint32_t next;
    if (fleet_.tasks()[r.task].station.release(next)) start_service(next);
  }
  if (half_rtt_ > 0) {
    schedule(half_rtt_, kResponse, id);
  } else {
    response_arrived(id);
  }
}

void RequestFlow::response_arrived(std::uint32_t id) {
  Request& r = requests_[id];
  const sim::SimTime now = engine_.now();
  const bool ok = r.outcome == Outcome::kOk;
  fleet_.services()[r.service].balancers[r.instance]->on_done(r.slot, r.generation, now, now - r.sent_at, ok);
  metrics_.service_done(r.service, r.sent_at, now, ok);
  complete(id);
}

void RequestFlow::end_at_balancer(std::uint32_t id, Outcome outcome) {
  requests_[id].outcome = outcome;
  complete(id);
}

void RequestFlow::complete(std::uint32_t id) {
  const Request r = requests_[id];
  release(id);
  if (r.parent == kNone) {
    metrics_.client_done(r.arrival, engine_.now(), r.outcome);
    return;
  }
  // A call returned to the worker that made it: go on with the next call, or fail fast.
  if (r.outcome == Outcome::kOk) {
    continue_calls(r.parent);
  } else {
    respond(r.parent, Outcome::kHttp5xx);
  }
}

std::vector<sim::SimTime> RequestFlow::in_flight_client_arrivals() const {
  std::vector<sim::SimTime> out;
  for (const auto& r : requests_) {
    if (r.live && r.parent == kNone) out.push_back(r.arrival);
  }
  return out;
}

}  // namespace fleetsim::models
