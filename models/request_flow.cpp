#include "models/request_flow.h"

#include <algorithm>
#include <cassert>

#include "models/client_address.h"
#include "models/emulator_streams.h"
#include "models/health/retry_budget.h"
#include "models/regions.h"

namespace fleetsim::models {

namespace {
constexpr std::uint32_t bit(Outcome o) { return 1u << static_cast<unsigned>(o); }
constexpr std::uint64_t kSerialMask = (1u << 28) - 1;
}  // namespace

RequestFlow::RequestFlow(sim::Engine& engine, Cluster& cluster, ServiceCatalog& catalog, RunMetrics& metrics,
                         const scenario::Scenario& s)
    : engine_(engine),
      cluster_(cluster),
      catalog_(catalog),
      metrics_(metrics),
      scenario_(s),
      overhead_(sim::from_millis(s.balancer.overhead_ms)),
      half_rtt_(sim::from_millis(s.network.rtt_ms / 2)),
      connect_timeout_(sim::from_seconds(s.balancer.connect_timeout_s)),
      // Envoy's per_try_timeout, when given, bounds each try instead of the read timeout.
      read_timeout_(sim::from_seconds(s.balancer.retries.per_try_timeout_s > 0 ? s.balancer.retries.per_try_timeout_s
                                                                                : s.balancer.read_timeout_s)),
      instances_(s.balancer.instances),
      // tries 0 is nginx's default: no limit but the servers themselves (each tried once).
      max_tries_(s.balancer.retries.tries == 0 ? kMaxTries : std::min<std::uint32_t>(s.balancer.retries.tries, kMaxTries)) {
  // nginx proxy_next_upstream: which ends of a try send the request to the next server, and
  // which count against the server for max_fails. error and timeout always count as failures;
  // http_ codes count only when listed.
  using Condition = scenario::RetryCondition;
  const auto& retries = s.balancer.retries;
  retry_on_ = 0;
  if (retries.retries_on(Condition::kError)) retry_on_ |= bit(Outcome::kRefused) | bit(Outcome::kReset);
  if (retries.retries_on(Condition::kTimeout)) retry_on_ |= bit(Outcome::kTimeout);
  if (retries.retries_on(Condition::kHttp500)) retry_on_ |= bit(Outcome::kHttp5xx);
  if (retries.retries_on(Condition::kHttp502)) retry_on_ |= bit(Outcome::kNoBackend);
  if (retries.retries_on(Condition::kHttp503)) retry_on_ |= bit(Outcome::kRejected);
  // error and timeout always count against the server; listed http_ codes count too.
  fail_on_ = bit(Outcome::kRefused) | bit(Outcome::kReset) | bit(Outcome::kTimeout) |
             (retry_on_ & (bit(Outcome::kHttp5xx) | bit(Outcome::kRejected)));
  if (s.balancer.retries.budget_percent > 0) {
    budget_ = std::make_unique<RetryBudget>(s.balancer.retries.budget_percent, s.balancer.retries.budget_min_retries_per_s);
  }
}

RequestFlow::~RequestFlow() = default;

std::uint32_t RequestFlow::new_request() {
  std::uint32_t id;
  if (!free_requests_.empty()) {
    id = free_requests_.back();
    free_requests_.pop_back();
  } else {
    requests_.emplace_back();
    id = static_cast<std::uint32_t>(requests_.size() - 1);
  }
  Request& r = requests_[id];
  r.parent = kNone;
  r.tries = 0;
  r.tried_count = 0;
  r.live = true;
  return id;
}

std::uint32_t RequestFlow::new_attempt(std::uint32_t request) {
  std::uint32_t id;
  if (!free_attempts_.empty()) {
    id = free_attempts_.back();
    free_attempts_.pop_back();
  } else {
    attempts_.emplace_back();
    attempts_.back().serial = 0;
    id = static_cast<std::uint32_t>(attempts_.size() - 1);
  }
  Attempt& a = attempts_[id];
  a.serial = static_cast<std::uint32_t>((a.serial + 1) & kSerialMask);
  a.request = request;
  a.task = kNone;
  a.child = kNone;
  a.slot = kNoBackend;
  a.next_call = 0;
  a.outcome = Outcome::kOk;
  a.holds_worker = false;
  a.answered = false;
  a.at_task = false;
  a.live = true;
  a.awaiting_deadline = false;
  return id;
}

void RequestFlow::free_attempt(std::uint32_t id) {
  unlink_deadline(id);
  Attempt& a = attempts_[id];
  a.live = false;
  a.serial = static_cast<std::uint32_t>((a.serial + 1) & kSerialMask);
  free_attempts_.push_back(id);
}

void RequestFlow::schedule(sim::SimTime delay, Step step, std::uint32_t attempt) {
  const std::uint64_t tag = (std::uint64_t{step} << 60) | (std::uint64_t{attempts_[attempt].serial} << 32) | attempt;
  engine_.schedule_in(delay, *this, tag);
}

void RequestFlow::on_event(std::uint64_t tag) {
  const auto step = static_cast<Step>(tag >> 60);
  if (step == kReadTimeouts) {
    // Only the latest wake-up counts; an earlier one that was superseded does nothing.
    if ((tag & kSerialMask) != deadline_wake_serial_) return;
    deadline_wake_pending_ = false;
    expire_read_timeouts();
    return;
  }
  const auto id = static_cast<std::uint32_t>(tag);
  if (step == kClientEnter) {
    try_once(id);
    return;
  }
  if (step == kClientUnreachable) {
    finish_request(id, Outcome::kTimeout);
    return;
  }
  const auto serial = static_cast<std::uint32_t>((tag >> 32) & kSerialMask);
  if (id >= attempts_.size() || attempts_[id].serial != serial) return;  // the attempt moved on
  switch (step) {
    case kArrive: arrive(id); break;
    case kServiceDone: service_done(id); break;
    case kResponse: result_at_balancer(id, attempts_[id].outcome); break;
    case kFailBack: result_at_balancer(id, attempts_[id].outcome); break;
    case kConnectTimeout: result_at_balancer(id, Outcome::kTimeout); break;
    default: break;
  }
}

void RequestFlow::start_client_request(std::uint32_t service, std::uint32_t client, sim::SimTime client_rtt) {
  const std::uint32_t id = new_request();
  Request& r = requests_[id];
  r.arrival = engine_.now();
  r.client = client;
  r.service = service;
  // Each client talks to one balancer instance, as DNS or an upstream ALB would pin it.
  r.instance = static_cast<std::uint16_t>(client % instances_);
  metrics_.client_sent(r.arrival);
  if (budget_) budget_->deposit(r.arrival);
  const std::uint64_t tag = std::uint64_t{id};
  if (cluster_.region_down(region_of_service(scenario_, service))) {
    engine_.schedule_in(connect_timeout_, *this, (std::uint64_t{kClientUnreachable} << 60) | tag);
  } else if (client_rtt > 0) {
    engine_.schedule_in(client_rtt, *this, (std::uint64_t{kClientEnter} << 60) | tag);
  } else {
    try_once(id);
  }
}

void RequestFlow::try_once(std::uint32_t request_id) {
  Request& r = requests_[request_id];
  ServiceEntry& service = catalog_[r.service];
  UpstreamGroup& group = service.groups[r.instance];
  // Tried slots name endpoints of one generation; after a reload nothing is excluded.
  if (r.tried_count > 0 && r.generation != group.generation()) r.tried_count = 0;
  const std::span<const std::uint32_t> tried(r.tried, r.tried_count);
  const int slot = group.pick(client_address(r.client), engine_.now(), tried, service.balancer_rngs[r.instance]);
  if (slot == kNoBackend) {
    // nginx: "no live upstreams" (502) on the first try; after failed tries with no server left
    // to try, the client gets the last try's result.
    finish_request(request_id, r.tries == 0 ? Outcome::kNoBackend : r.last_failure);
    return;
  }
  const std::uint32_t id = new_attempt(request_id);
  Attempt& a = attempts_[id];
  a.slot = slot;
  a.generation = group.generation();
  a.sent_at = engine_.now();
  if (r.tried_count < kMaxTries) r.tried[r.tried_count++] = static_cast<std::uint32_t>(slot);
  r.generation = group.generation();
  ++r.tries;
  group.on_send(slot, a.sent_at);
  const sim::SimTime delay = overhead_ + half_rtt_;
  if (delay > 0) {
    schedule(delay, kArrive, id);
  } else {
    arrive(id);
  }
}

void RequestFlow::arrive(std::uint32_t id) {
  Attempt& a = attempts_[id];
  const Request& r = requests_[a.request];
  const Endpoint endpoint = catalog_[r.service].groups[r.instance].endpoint(static_cast<std::size_t>(a.slot));
  const Resolution where = cluster_.resolve(endpoint);
  switch (where.kind) {
    case Resolution::Kind::kUnreachable:
      // SYNs go unanswered until the connect timeout, counted from the connect's start, half a
      // round trip ago.
      schedule(std::max<sim::SimTime>(connect_timeout_ - half_rtt_, 0), kConnectTimeout, id);
      return;
    case Resolution::Kind::kRefused:
      a.outcome = Outcome::kRefused;  // the RST comes back after half a round trip
      schedule(half_rtt_, kFailBack, id);
      return;
    case Resolution::Kind::kTask: break;
  }
  Task& task = cluster_.tasks()[where.task];
  if (task.service != r.service) {
    // A port reused by another service's task: it answers (404 or worse), so for the balancer
    // the try succeeded; the client got a wrong answer.
    metrics_.misrouted(r.service, task.service, engine_.now());
    a.outcome = Outcome::kMisrouted;
    schedule(half_rtt_, kFailBack, id);
    return;
  }
  a.task = where.task;
  metrics_.service_sent(r.service, where.task, engine_.now());
  // The connection is up: the read timeout runs from here.
  link_deadline(id, engine_.now() + read_timeout_);
  switch (task.station.admit(id)) {
    case TaskStation::Admission::kStarted:
      a.at_task = true;
      start_service(id);
      break;
    case TaskStation::Admission::kQueued: a.at_task = true; break;
    case TaskStation::Admission::kRejected: respond(id, Outcome::kRejected); break;
  }
}

void RequestFlow::start_service(std::uint32_t id) {
  Attempt& a = attempts_[id];
  a.holds_worker = true;
  a.started_at = engine_.now();
  Task& task = cluster_.tasks()[a.task];
  task.in_service.push_back(id);
  ServiceEntry& service = catalog_[task.service];
  sim::SimTime work = service.versions[task.version].service_time.sample(*streams_of(task).time);
  if (task.extra_ms > 0) work += sim::from_millis(task.extra_ms);
  schedule(work, kServiceDone, id);
}

RequestFlow::Streams RequestFlow::streams_of(const Task& task) {
  ServiceEntry& service = catalog_[task.service];
  if (!scenario_.emulator_streams) return {&service.time_rng, &service.error_rng};
  if (task.id >= task_streams_.size()) task_streams_.resize(task.id + 1);
  auto& own = task_streams_[task.id];
  if (!own) {
    const std::string& name = scenario_.services[task.service].name;
    const std::string label = task_label(name, task.ordinal);
    own = std::make_unique<std::pair<sim::Rng, sim::Rng>>(
        sim::Rng::stream(scenario_.seed, emulator_stream_name(name, label, "time")),
        sim::Rng::stream(scenario_.seed, emulator_stream_name(name, label, "errors")));
  }
  return {&own->first, &own->second};
}

void RequestFlow::service_done(std::uint32_t id) {
  Attempt& a = attempts_[id];
  if (!a.at_task) return;  // the task was killed while it worked
  Task& task = cluster_.tasks()[a.task];
  if (task.hung) {
    task.frozen.push_back(id);  // SIGSTOP: the answer waits for the process to resume
    return;
  }
  metrics_.worker_busy(task.service, a.started_at, engine_.now());
  ServiceEntry& service = catalog_[task.service];
  const double error_rate = task.error_rate >= 0 ? task.error_rate : service.versions[task.version].error_rate;
  // The emulator draws once per answer whatever the rate; coupled to it, so does the model.
  sim::Rng& errors = *streams_of(task).errors;
  const bool error = scenario_.emulator_streams ? errors.bernoulli(error_rate) : error_rate > 0 && errors.bernoulli(error_rate);
  if (error) {
    respond(id, Outcome::kHttp5xx);
    return;
  }
  a.next_call = 0;
  continue_calls(id);
}

void RequestFlow::task_resumed(std::uint32_t task_id) {
  Task& task = cluster_.tasks()[task_id];
  std::vector<std::uint32_t> frozen;
  frozen.swap(task.frozen);
  for (std::uint32_t id : frozen) {
    if (attempts_[id].live && attempts_[id].task == task_id) service_done(id);
  }
}

void RequestFlow::continue_calls(std::uint32_t id) {
  const std::uint32_t service_index = cluster_.tasks()[attempts_[id].task].service;
  ServiceEntry& service = catalog_[service_index];
  for (std::size_t i = attempts_[id].next_call; i < service.calls.size(); ++i) {
    const ResolvedCall& call = service.calls[i];
    if (call.probability < 1 && !service.call_rng.bernoulli(call.probability)) continue;
    attempts_[id].next_call = static_cast<std::uint16_t>(i + 1);
    const std::uint32_t child = new_request();  // may move requests_: no references held across
    Request& c = requests_[child];
    c.arrival = engine_.now();
    c.parent = id;
    c.client = requests_[attempts_[id].request].client;
    c.service = call.service;
    // The call leaves from the caller's host through the balancer instance there.
    const Task& caller = cluster_.tasks()[attempts_[id].task];
    const std::uint32_t origin = caller.host >= 0 ? static_cast<std::uint32_t>(caller.host) : caller.id;
    c.instance = static_cast<std::uint16_t>(origin % instances_);
    attempts_[id].child = child;
    try_once(child);
    return;
  }
  respond(id, Outcome::kOk);
}

void RequestFlow::leave_task(std::uint32_t id) {
  Attempt& a = attempts_[id];
  if (!a.at_task) return;
  a.at_task = false;
  Task& task = cluster_.tasks()[a.task];
  if (a.holds_worker) {
    a.holds_worker = false;
    auto& busy = task.in_service;
    for (std::size_t i = 0; i < busy.size(); ++i) {
      if (busy[i] == id) {
        busy[i] = busy.back();
        busy.pop_back();
        break;
      }
    }
    std::uint32_t next;
    if (task.station.release(next)) start_service(next);
  }
}

void RequestFlow::respond(std::uint32_t id, Outcome outcome) {
  leave_task(id);
  Attempt& a = attempts_[id];
  a.outcome = outcome;
  if (a.answered) {
    free_attempt(id);  // the balancer gave up on it already: the answer goes nowhere
    return;
  }
  if (half_rtt_ > 0) {
    schedule(half_rtt_, kResponse, id);
  } else {
    result_at_balancer(id, outcome);
  }
}

bool RequestFlow::counts_as_failure(Outcome outcome) const { return (fail_on_ & bit(outcome)) != 0; }
bool RequestFlow::retryable(Outcome outcome) const { return (retry_on_ & bit(outcome)) != 0; }

void RequestFlow::result_at_balancer(std::uint32_t id, Outcome outcome) {
  Attempt& a = attempts_[id];
  if (a.answered) return;
  a.answered = true;
  unlink_deadline(id);
  const std::uint32_t request_id = a.request;
  Request& r = requests_[request_id];
  const sim::SimTime now = engine_.now();
  UpstreamGroup& group = catalog_[r.service].groups[r.instance];
  const bool tries_left = r.tries < max_tries_;
  // nginx: an http_ status listed in proxy_next_upstream counts against the server only while
  // another try is left; on the last try the response goes to the client as a success.
  const bool http_status = outcome == Outcome::kHttp5xx || outcome == Outcome::kRejected;
  const bool failure = counts_as_failure(outcome) && (!http_status || tries_left);
  group.on_result(a.slot, a.generation, now, now - a.sent_at, failure, http_status || outcome == Outcome::kTimeout ||
                                                                           outcome == Outcome::kRefused || outcome == Outcome::kReset);
  if (a.task != kNone) metrics_.service_done(r.service, a.sent_at, now, outcome == Outcome::kOk);
  // An attempt still at its task (a read timeout) is freed when the task answers.
  if (!a.at_task && a.child == kNone) free_attempt(id);
  if (outcome != Outcome::kOk && retryable(outcome) && tries_left &&
      (!budget_ || budget_->try_withdraw(now))) {
    metrics_.retry(now);
    r.last_failure = outcome;
    try_once(request_id);
    return;
  }
  finish_request(request_id, outcome);
}

void RequestFlow::finish_request(std::uint32_t request_id, Outcome outcome) {
  Request& r = requests_[request_id];
  const std::uint32_t parent = r.parent;
  const sim::SimTime arrival = r.arrival;
  r.live = false;
  free_requests_.push_back(request_id);
  if (parent == kNone) {
    metrics_.client_done(arrival, engine_.now(), outcome);
    return;
  }
  // A call returned to the worker that made it: go on with the next call, or fail fast.
  Attempt& caller = attempts_[parent];
  caller.child = kNone;
  if (!caller.at_task) {
    // The caller's task was killed while it waited: nobody to resume.
    if (caller.answered) free_attempt(parent);
    return;
  }
  if (outcome == Outcome::kOk) {
    continue_calls(parent);
  } else {
    respond(parent, Outcome::kHttp5xx);
  }
}

void RequestFlow::link_deadline(std::uint32_t id, sim::SimTime at) {
  Attempt& a = attempts_[id];
  a.awaiting_deadline = true;
  a.deadline = at;
  a.deadline_prev = deadline_tail_;
  a.deadline_next = kNone;
  if (deadline_tail_ != kNone) {
    attempts_[deadline_tail_].deadline_next = id;
  } else {
    deadline_head_ = id;
  }
  deadline_tail_ = id;
  wake_for_deadline(attempts_[deadline_head_].deadline);
}

void RequestFlow::unlink_deadline(std::uint32_t id) {
  Attempt& a = attempts_[id];
  if (!a.awaiting_deadline) return;
  a.awaiting_deadline = false;
  if (a.deadline_prev != kNone) {
    attempts_[a.deadline_prev].deadline_next = a.deadline_next;
  } else {
    deadline_head_ = a.deadline_next;
  }
  if (a.deadline_next != kNone) {
    attempts_[a.deadline_next].deadline_prev = a.deadline_prev;
  } else {
    deadline_tail_ = a.deadline_prev;
  }
}

void RequestFlow::expire_read_timeouts() {
  const sim::SimTime now = engine_.now();
  while (deadline_head_ != kNone && attempts_[deadline_head_].deadline <= now) {
    const std::uint32_t id = deadline_head_;
    unlink_deadline(id);
    result_at_balancer(id, Outcome::kTimeout);
  }
  if (deadline_head_ != kNone) wake_for_deadline(attempts_[deadline_head_].deadline);
}

void RequestFlow::wake_for_deadline(sim::SimTime at) {
  // One wake-up at a time: keep the pending one if it comes no later than `at`.
  if (deadline_wake_pending_ && deadline_wake_at_ <= at) return;
  deadline_wake_pending_ = true;
  deadline_wake_at_ = at;
  deadline_wake_serial_ = (deadline_wake_serial_ + 1) & kSerialMask;
  engine_.schedule_at(at, *this, (std::uint64_t{kReadTimeouts} << 60) | deadline_wake_serial_);
}

void RequestFlow::task_killed(std::uint32_t task_id) {
  Task& task = cluster_.tasks()[task_id];
  scratch_.clear();
  task.station.take_waiting(scratch_);
  for (std::uint32_t id : task.in_service) scratch_.push_back(id);
  task.in_service.clear();
  task.frozen.clear();
  task.station.clear();
  for (std::uint32_t id : scratch_) {
    Attempt& a = attempts_[id];
    a.at_task = false;
    a.holds_worker = false;
    if (a.answered) {
      if (a.child == kNone) free_attempt(id);
      continue;
    }
    // The connection is reset: the balancer learns it half a round trip later.
    a.outcome = Outcome::kReset;
    schedule(half_rtt_, kFailBack, id);
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
