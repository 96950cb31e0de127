#include "loadgen/load_generator.h"

#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <deque>
#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

#include "loadgen/connection_pool.h"
#include "loadgen/http_client.h"
#include "loadgen/load_recorder.h"
#include "loadgen/request_template.h"
#include "loadgen/send_plan.h"
#include "models/client_address.h"
#include "results/slo.h"

namespace fleetsim::loadgen {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

// One load thread: its own io_context, connections, share of the plan, random stream and recorder.
// Of the sends of this process's share (PlanShare: all of the plan outside MPI), thread k takes
// the k-th, (k + T)-th, (k + 2T)-th, ...: the union over threads is the process's share.
class LoadWorker {
 public:
  LoadWorker(const scenario::Scenario& s, const LoadOptions& o, const ConnectionSettings& shared,
             const std::vector<RouteRequest>& requests, bool bind_sources, const PlanShare& share, std::uint32_t index,
             std::uint32_t threads, std::uint32_t connection_cap, Clock::time_point start, StepLatencies& steps,
             LiveCounters& live)
      : options_(o),
        routes_(s.traffic.routes),
        requests_(requests),
        bind_sources_(bind_sources),
        share_(share),
        index_(index),
        threads_(threads),
        cap_(connection_cap),
        start_(start),
        end_ns_(sim::from_seconds(o.duration_s)),
        timeout_ns_(sim::from_seconds(o.timeout_s)),
        plan_(s, o.duration_s),
        // Rank 0's threads keep the one-process streams; other ranks' threads get streams of their own.
        random_ids_(sim::Rng::stream(s.seed, "loadgen.random_id").substream(std::uint64_t{share.rank} << 32 | index)),
        settings_(shared),
        pool_(connection_cap, [this] { return std::make_unique<HttpConnection>(io_, settings_); }),
        timer_(io_),
        recorder_(sim::from_seconds(s.warmup_s), end_ns_, sim::kNanosPerSecond,
                  static_cast<std::size_t>(std::ceil(o.duration_s)), steps, live) {
    if (o.target.scheme == LoadTarget::Scheme::kHttps) {
      tls_.emplace(make_tls_client_context(!o.insecure));  // one per thread: no locking in OpenSSL's context
      settings_.tls = &*tls_;
      settings_.tls_host = o.target.host;
      settings_.verify = !o.insecure;
    }
  }

  void run() {
    if (options_.connections > 0) {
      for (std::uint32_t i = 0; i < cap_; ++i) {
        closed_.push_back(std::make_unique<HttpConnection>(io_, settings_));
        send_closed(closed_.back().get());
      }
    } else {
      have_next_ = take_own(next_);
      arm_timer();
    }
    io_.run();
    pool_.close_all();
    for (auto& c : closed_) c->close();
    recorder_.flush();
  }
  const LoadRecorder& recorder() const { return recorder_; }

 private:
  sim::SimTime now_ns() const { return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start_).count(); }
  sim::SimTime ns_of(Clock::time_point t) const {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t - start_).count();
  }

  // This thread's next send of the process's share; owned_ counts the share's sends drawn so far.
  bool owns(const PlannedSend& p) { return share_.owns(p) && owned_++ % threads_ == index_; }
  bool take_own(PlannedSend& p) {
    while (plan_.next(p)) {
      if (owns(p)) return true;
    }
    return false;
  }

  // The address a client's requests leave from; 0: not bound (the kernel's choice).
  std::uint32_t source_of(std::uint32_t client) const { return bind_sources_ ? models::client_address(client) : 0; }

  // Open model: wake at the next intended send time.
  void arm_timer() {
    if (!have_next_) return;  // the plan is over; completions drain the rest
    timer_.expires_at(start_ + std::chrono::nanoseconds(next_.at_ns));
    timer_.async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;
      const sim::SimTime now = now_ns();
      while (have_next_ && next_.at_ns <= now) {
        recorder_.planned(next_.at_ns);
        pending_.push_back(next_);
        have_next_ = take_own(next_);
      }
      dispatch();
      arm_timer();
    });
  }

  // Sends due requests in plan order, each on a connection from its client's source address
  // (ConnectionPool: reused, new up to the cap, or evicted); drops the ones whose send deadline
  // has passed.
  void dispatch() {
    const sim::SimTime now = now_ns();
    while (!pending_.empty()) {
      const PlannedSend p = pending_.front();
      if (now - p.at_ns > timeout_ns_) {
        pending_.pop_front();
        recorder_.finished(p.at_ns, now, now, LoadOutcome::kDropped);
        continue;
      }
      HttpConnection* c = pool_.acquire(source_of(p.client));
      if (!c) return;  // every connection is busy
      pending_.pop_front();
      send(c, p, [this](HttpConnection* done) {
        pool_.release(done);
        dispatch();
      });
    }
  }

  // Closed model: send again as soon as the previous response is in, until the end. With bound
  // sources the connection reconnects whenever the next client's address differs.
  void send_closed(HttpConnection* c) {
    const sim::SimTime now = now_ns();
    if (now >= end_ns_) return;
    PlannedSend p;
    do plan_.next_identity(p);
    while (!owns(p));  // ends: PlanShare gives every rank clients or sequences of its own
    p.at_ns = now;
    recorder_.planned(now);
    c->bind_source(source_of(p.client));
    send(c, p, [this](HttpConnection* done) { send_closed(done); });
  }

  template <typename Then>
  void send(HttpConnection* c, const PlannedSend& p, Then then) {
    const RouteRequest& route = requests_[p.route < requests_.size() ? p.route : 0];
    auto done = [this, c, p, then](LoadOutcome outcome, Clock::time_point sent_at, Clock::time_point done_at,
                                   std::string_view task) {
      recorder_.finished(p.at_ns, ns_of(sent_at), ns_of(done_at), outcome);
      if (outcome == LoadOutcome::kOk && !task.empty()) recorder_.answered_by(route_service(p.route), task, p.at_ns);
      then(c);
    };
    const auto deadline = Clock::now() + std::chrono::nanoseconds(timeout_ns_);
    // The same route for the same client renders the same request: send it again as it is.
    const std::uint64_t key = route.reusable() ? (std::uint64_t{p.route} << 32 | p.client) : HttpConnection::kNoKey;
    if (c->holds(key)) {
      c->send_again(deadline, std::move(done));
    } else {
      c->send(route.render(p.sequence, p.client, random_ids_), deadline, std::move(done), key);
    }
  }

  // The service a route reaches ("" for a scenario without routes).
  const std::string& route_service(std::uint32_t route) const {
    static const std::string none;
    return route < routes_.size() ? routes_[route].service : none;
  }

  const LoadOptions& options_;
  const std::vector<scenario::Route>& routes_;   // the scenario's, for route_service()
  const std::vector<RouteRequest>& requests_;  // by route index, shared by the threads
  bool bind_sources_;                          // clients leave from their own loopback addresses
  PlanShare share_;                            // this process's sends of the plan
  std::uint32_t index_, threads_, cap_;
  Clock::time_point start_;
  sim::SimTime end_ns_, timeout_ns_;
  asio::io_context io_{1};  // concurrency hint: run by this worker's thread alone
  SendPlan plan_;
  sim::Rng random_ids_;         // {{random_id}}: this thread's stream of the scenario seed
  std::optional<asio::ssl::context> tls_;  // https only
  ConnectionSettings settings_;            // the shared ones plus this thread's TLS context
  PlannedSend next_;            // this thread's next send, when have_next_
  bool have_next_ = false;
  std::uint64_t owned_ = 0;     // sends of the process's share drawn so far, this thread's or not
  ConnectionPool pool_;                                 // open model
  std::vector<std::unique_ptr<HttpConnection>> closed_;  // closed model: one per connection, for the run
  asio::steady_timer timer_;
  std::deque<PlannedSend> pending_;  // due, not yet sent, in plan order
  LoadRecorder recorder_;
};

double ms(sim::SimTime ns) { return sim::to_millis(ns); }

// The start time every rank uses, as this process's steady clock reads it. Alone: 20 ms from
// now, so every thread is waiting before the first send.
Clock::time_point agreed_start(const LoadOptions& o) {
  if (!o.agree_start) return Clock::now() + std::chrono::milliseconds(20);
  using Wall = std::chrono::system_clock;
  // Room for the agreement itself (a collective over the ranks, loopback or network).
  const auto margin = std::chrono::milliseconds(250);
  const Wall::time_point proposed = Wall::now() + margin;
  const Wall::time_point agreed = o.agree_start(proposed);
  const Wall::time_point wall_now = Wall::now();
  const Clock::time_point steady_now = Clock::now();
  const auto skew = agreed - proposed;
  if (skew > std::chrono::minutes(1) || skew < -std::chrono::minutes(1)) {
    throw std::runtime_error("the ranks' start times differ by more than a minute: synchronise the hosts' clocks (NTP)");
  }
  // The wall clock may step; the run itself is timed on the steady clock from here.
  return steady_now + std::chrono::duration_cast<Clock::duration>(agreed - wall_now);
}

}  // namespace

LoadTally measure_load(const scenario::Scenario& s, const LoadOptions& o) {
  if (!(o.duration_s > 0) || o.duration_s > kMaxLoadDuration_s) {
    throw std::invalid_argument("load duration must be in (0, 3600] s");
  }
  if (o.ranks == 0 || o.rank >= o.ranks) throw std::invalid_argument("load: rank out of range");
  if (o.connections > 0 && o.connections < o.ranks) {
    throw std::invalid_argument("load: the closed model needs at least one connection per rank");
  }
  ConnectionSettings settings;  // each thread adds its own TLS context
  {
    asio::io_context io;
    asio::ip::tcp::resolver resolver(io);
    boost::system::error_code ec;
    settings.endpoints = resolver.resolve(o.target.host, o.target.port, ec);
    if (ec) throw std::runtime_error("cannot resolve " + o.target.host + ": " + ec.message());
  }
  // An IPv4 loopback target: every client connects from its own address in 127.0.0.0/8, so the
  // balancer (nginx ip_hash, HAProxy balance source) sees the scenario's clients.
  const bool bind_sources = binds_client_sources(o.target);
  if (bind_sources) settings.loopback_v4 = *settings.endpoints.begin();
  const PlanShare share = plan_share(s, o.rank, o.ranks, bind_sources);
  std::vector<RouteRequest> requests;
  for (const auto& route : s.traffic.routes) requests.emplace_back(route, o.target);
  if (requests.empty()) requests.emplace_back(scenario::Route{}, o.target);
  // This process's connections; never more threads than connections, so every thread has one.
  const std::uint32_t pool = o.connections > 0
                                 ? o.connections / o.ranks + (o.rank < o.connections % o.ranks ? 1 : 0)
                                 : std::max<std::uint32_t>(1, o.max_connections);
  const std::uint32_t threads = std::max<std::uint32_t>(1, std::min(o.threads, pool));
  const std::size_t steps = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(o.duration_s)));
  StepLatencies step_latencies(steps);
  LiveCounters live;

  const Clock::time_point start = agreed_start(o);
  if (o.on_start) o.on_start(start);
  std::vector<std::unique_ptr<LoadWorker>> workers;
  for (std::uint32_t i = 0; i < threads; ++i) {
    const std::uint32_t cap = pool / threads + (i < pool % threads ? 1 : 0);
    workers.push_back(std::make_unique<LoadWorker>(s, o, settings, requests, bind_sources, share, i, threads, cap,
                                                   start, step_latencies, live));
  }
  std::atomic<std::uint32_t> running{threads};
  std::vector<std::exception_ptr> failures(threads);  // a thread's unexpected exception, rethrown here
  std::vector<std::thread> pool_threads;
  for (std::uint32_t i = 0; i < threads; ++i) {
    pool_threads.emplace_back([&running, &failures, i, worker = workers[i].get()] {
      try {
        worker->run();
      } catch (...) {
        failures[i] = std::current_exception();
      }
      running.fetch_sub(1);
    });
  }
  // Progress: one line a second on stderr; under MPI, this rank's share.
  const std::string whose =
      o.ranks > 1 ? "  (rank " + std::to_string(o.rank) + " of " + std::to_string(o.ranks) + ": its share)" : "";
  std::uint64_t last_sent = 0, last_ok = 0, last_failed = 0;
  for (int second = 1; running.load() > 0; ++second) {
    const auto wake = start + std::chrono::seconds(second);
    while (running.load() > 0 && Clock::now() < wake) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (running.load() == 0 || o.quiet) continue;
    const std::uint64_t sent = live.sent.load(), ok = live.ok.load(), failed = live.failed.load();
    std::fprintf(stderr, "load: %4d s / %.0f s  sent %llu/s  ok %llu/s  errors %llu/s  in flight %lld%s\n", second,
                 o.duration_s, static_cast<unsigned long long>(sent - last_sent),
                 static_cast<unsigned long long>(ok - last_ok), static_cast<unsigned long long>(failed - last_failed),
                 static_cast<long long>(sent) - static_cast<long long>(ok + failed), whose.c_str());
    last_sent = sent, last_ok = ok, last_failed = failed;
  }
  for (auto& t : pool_threads) t.join();
  for (const auto& failure : failures) {
    if (failure) std::rethrow_exception(failure);
  }

  LoadTally total(steps);
  for (const auto& w : workers) total.merge(w->recorder().tally());
  total.step_latencies = step_latencies.snapshot();  // the recorders' tallies leave these empty
  total.wall_s = std::chrono::duration<double>(Clock::now() - start).count();
  return total;
}

LoadReport load_report(const scenario::Scenario& s, const LoadOptions& o, const LoadTally& total) {
  LoadReport report;
  report.wall_s = total.wall_s;
  report.planned_total = total.planned_total;

  results::Results& r = report.results;
  r.source = "loadgen";
  r.scenario_name = s.name;
  r.scenario_sha256 = s.sha256;
  r.seed = s.seed;
  r.window_start_s = s.warmup_s;
  r.window_end_s = o.duration_s;
  r.sent = total.sent;
  for (int i = 0; i < kLoadOutcomeCount; ++i) {
    r.by_outcome[std::string(load_outcome_name(static_cast<LoadOutcome>(i)))] = total.outcomes[i];
  }
  r.ok = total.outcomes[static_cast<std::size_t>(LoadOutcome::kOk)];
  r.failed = r.sent - r.ok;
  r.availability = r.sent ? static_cast<double>(r.ok) / static_cast<double>(r.sent) : 1.0;
  r.throughput_rps = static_cast<double>(r.ok) / (o.duration_s - s.warmup_s);
  r.latency = results::LatencySummary::of(total.corrected);
  // Which task answered (the local stack's emulators say): the per-task shares `validate` compares.
  for (const auto& [service, tasks] : total.by_task) {
    auto& sr = r.services[service];
    sr.requests_by_task = std::map<std::string, std::uint64_t>(tasks.begin(), tasks.end());
    for (const auto& [task, n] : tasks) sr.requests += n;
  }
  r.histogram = total.corrected;
  report.uncorrected = total.uncorrected;
  report.uncorrected_latency = results::LatencySummary::of(total.uncorrected);

  auto& ts = r.timeseries;
  ts.step_s = 1;
  const std::size_t steps = total.steps();
  for (std::size_t k = 0; k < steps; ++k) {
    const double span = std::min(1.0, o.duration_s - static_cast<double>(k));
    ts.t.push_back(static_cast<double>(k));
    ts.rps.push_back(static_cast<double>(total.step_sent[k]) / span);
    ts.ok_rps.push_back(static_cast<double>(total.step_ok[k]) / span);
    ts.errors.push_back(static_cast<double>(total.step_errors[k]) / span);
    ts.retries.push_back(0);
    ts.p50_ms.push_back(ms(total.step_latencies[k].quantile(0.50)));
    ts.p99_ms.push_back(ms(total.step_latencies[k].quantile(0.99)));
  }
  for (int outcome = 0; outcome < kLoadOutcomeCount; ++outcome) {
    const auto& counts = total.step_failures[static_cast<std::size_t>(outcome)];
    bool any = false;
    for (auto n : counts) any = any || n > 0;
    if (!any) continue;
    auto& v = ts.errors_by_outcome[std::string(load_outcome_name(static_cast<LoadOutcome>(outcome)))];
    for (std::size_t k = 0; k < steps; ++k) {
      v.push_back(static_cast<double>(counts[k]) / std::min(1.0, o.duration_s - static_cast<double>(k)));
    }
  }

  results::check_slo(s.slo.latency_p50_ms, s.slo.latency_p99_ms, s.slo.availability, r);
  r.engine_wall_s = report.wall_s;
  return report;
}

LoadReport run_load(const scenario::Scenario& s, const LoadOptions& o) { return load_report(s, o, measure_load(s, o)); }

}  // namespace fleetsim::loadgen
