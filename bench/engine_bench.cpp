// Engine benchmarks (Google Benchmark). What each one measures, how to run them and the numbers
// measured are in bench/README.md.
//
// The reference is a bare M/M/4 loop (no engine, no models) doing the same work as the simulator
// on the same queue: a binary heap of (time, sequence, kind) events, Poisson arrivals, four
// exponential servers, a FIFO queue, a log-linear histogram of response times, and the same
// fleetsim::sim::Rng for every draw so the random-number cost is equal. The simulator's figure
// that matters is its events per second against this loop's, measured in the same run: main()
// prints that ratio after the benchmarks.
//
// Events are counted the same way on both sides: one per event popped from the queue. At zero
// network and balancer overhead a request costs two events (arrival, service completion).

#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <bit>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <map>
#include <string>
#include <vector>

#include "models/service_catalog.h"
#include "models/simulation.h"
#include "results/results.h"
#include "scenario/parse.h"
#include "sim/ring_queue.h"
#include "sim/rng.h"
#include "sim/time.h"

namespace {

using fleetsim::sim::SimTime;

// The M/M/4 of the first two benchmarks: mu = 1 per ms per server, rho = 0.8.
constexpr int kServers = 4;
constexpr double kServiceMeanMs = 1.0;
constexpr double kRho = 0.8;
constexpr double kArrivalRatePerS = kRho * kServers * 1000.0 / kServiceMeanMs;  // 3200 rps
constexpr double kMm4DurationS = 100;
constexpr std::uint64_t kSeed = 42;

// This thread's CPU time in seconds. On a shared machine wall time includes waiting for a core;
// CPU time does not, so both are reported.
double thread_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// What one run of a benchmark (all its iterations) measured.
struct Measured {
  double events = 0;
  double requests = 0;
  double seconds = 0;      // wall
  double cpu_seconds = 0;  // this thread's CPU
  double events_per_s() const { return seconds > 0 ? events / seconds : 0; }
  double events_per_cpu_s() const { return cpu_seconds > 0 ? events / cpu_seconds : 0; }
  double requests_per_s() const { return seconds > 0 ? requests / seconds : 0; }
};
// Every run of every benchmark (several with --benchmark_repetitions), for main()'s summary.
std::map<std::string, std::vector<Measured>>& measured() {
  static std::map<std::string, std::vector<Measured>> m;
  return m;
}

void report(benchmark::State& state, const std::string& key, const Measured& m, double mean_ms) {
  state.SetItemsProcessed(static_cast<std::int64_t>(m.events));  // items_per_second = events/s (wall)
  state.counters["requests_per_s"] = benchmark::Counter(m.requests, benchmark::Counter::kIsRate);
  state.counters["events_per_cpu_s"] = m.events_per_cpu_s();
  state.counters["events_per_request"] = m.requests > 0 ? m.events / m.requests : 0;
  // The mean response time, as a check that both sides simulate the same queue
  // (Erlang C for M/M/4 at rho 0.8: C = 0.5964, W = 1 + C / (c mu - lambda) = 1.7455 ms).
  state.counters["mean_ms"] = mean_ms;
  measured()[key].push_back(m);
}

// ---------------------------------------------------------------------------------------------
// a. The bare reference loop.

// HdrHistogram's log-linear layout (the one sim::LatencyHistogram uses) in a fixed array:
// values below 256 ns have a bucket each, then 128 buckets per power of two.
class BareHistogram {
 public:
  void record(SimTime value_ns) {
    const auto v = static_cast<std::uint64_t>(value_ns < 0 ? 0 : value_ns);
    std::size_t index;
    if (v < 256) {
      index = static_cast<std::size_t>(v);
    } else {
      const int shift = 63 - std::countl_zero(v) - 7;
      index = static_cast<std::size_t>(shift) * 128 + static_cast<std::size_t>(v >> shift);
    }
    ++counts_[index];
    ++count_;
    sum_ += static_cast<double>(v);
  }
  std::uint64_t count() const { return count_; }
  double mean_ms() const { return count_ ? sum_ / static_cast<double>(count_) * 1e-6 : 0; }

 private:
  std::array<std::uint64_t, 64 * 128> counts_{};
  std::uint64_t count_ = 0;
  double sum_ = 0;
};

struct BareEvent {
  SimTime time;
  std::uint64_t seq;
  std::uint32_t kind;   // kArrival or kDeparture
  SimTime arrival;      // kDeparture: when the departing request arrived
};
constexpr std::uint32_t kArrival = 0;
constexpr std::uint32_t kDeparture = 1;
struct Later {
  bool operator()(const BareEvent& a, const BareEvent& b) const {
    return a.time > b.time || (a.time == b.time && a.seq > b.seq);
  }
};

struct BareRun {
  std::uint64_t events = 0;
  std::uint64_t requests = 0;
  double mean_ms = 0;
};

// Arrivals during [0, duration), then drains the requests in the system, as simulate() does.
BareRun bare_mm4(double duration_s, std::uint64_t seed, std::vector<BareEvent>& storage) {
  using fleetsim::sim::Rng;
  Rng arrivals = Rng::stream(seed, "bare.arrivals");
  Rng service = Rng::stream(seed, "bare.service");
  const double arrival_mean_ns = 1e9 / kArrivalRatePerS;
  const double service_mean_ns = kServiceMeanMs * 1e6;
  const SimTime end = fleetsim::sim::from_seconds(duration_s);

  // A vector heap (std::push_heap / std::pop_heap) kept across iterations, so that, as in the
  // engine's EventQueue, the steady state allocates nothing.
  std::vector<BareEvent>& queue = storage;
  queue.clear();
  auto push = [&](const BareEvent& e) {
    queue.push_back(e);
    std::push_heap(queue.begin(), queue.end(), Later{});
  };
  fleetsim::sim::RingQueue<SimTime> waiting;  // arrival times, FIFO
  BareHistogram histogram;
  std::uint64_t seq = 0;
  int busy = 0;
  BareRun run;

  auto start_service = [&](SimTime now, SimTime arrival) {
    const auto s = static_cast<SimTime>(service.exponential(service_mean_ns) + 0.5);
    push({now + s, seq++, kDeparture, arrival});
  };
  push({static_cast<SimTime>(arrivals.exponential(arrival_mean_ns) + 0.5), seq++, kArrival, 0});
  while (!queue.empty()) {
    std::pop_heap(queue.begin(), queue.end(), Later{});
    const BareEvent e = queue.back();
    queue.pop_back();
    ++run.events;
    if (e.kind == kArrival) {
      ++run.requests;
      if (busy < kServers) {
        ++busy;
        start_service(e.time, e.time);
      } else {
        waiting.push(e.time);
      }
      const SimTime next = e.time + static_cast<SimTime>(arrivals.exponential(arrival_mean_ns) + 0.5);
      if (next < end) push({next, seq++, kArrival, 0});
    } else {
      histogram.record(e.time - e.arrival);
      if (!waiting.empty()) {
        start_service(e.time, waiting.pop());
      } else {
        --busy;
      }
    }
  }
  run.mean_ms = histogram.mean_ms();
  return run;
}

void BM_BareLoopMM4(benchmark::State& state) {
  std::vector<BareEvent> storage;
  Measured m;
  double mean_ms = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = thread_cpu_s();
    const BareRun run = bare_mm4(kMm4DurationS, kSeed, storage);
    m.cpu_seconds += thread_cpu_s() - c0;
    m.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    m.events += static_cast<double>(run.events);
    m.requests += static_cast<double>(run.requests);
    mean_ms = run.mean_ms;  // reported, so the loop cannot be optimised away
    // (No benchmark::DoNotOptimize on a double: with GCC its "+m,r" asm corrupts the value,
    // google/benchmark#903, GCC PR 92597.)
  }
  report(state, "bare_mm4", m, mean_ms);
}

// ---------------------------------------------------------------------------------------------
// b.-d. The real simulator: parse_scenario_text, check_model_inputs, then simulate().

std::string queue_scenario_json(const char* name, int replicas, int workers, double rate_rps,
                                const char* algorithm, double duration_s) {
  char text[1024];
  std::snprintf(text, sizeof text,
                R"({"name": "%s", "seed": %llu, "duration_s": %g, "warmup_s": 0, "step_s": %g,
                    "traffic": {"arrivals": "poisson", "rate_rps": %.17g, "routes": [{"service": "s"}]},
                    "balancer": {"algorithm": "%s"},
                    "services": [{"name": "s", "replicas": %d, "task": {"workers": %d},
                                  "service_time_ms": {"dist": "exponential", "mean_ms": 1}}]})",
                name, static_cast<unsigned long long>(kSeed), duration_s, duration_s, rate_rps, algorithm, replicas,
                workers);
  return text;
}

fleetsim::scenario::Scenario load(const std::string& json, const char* name) {
  auto s = fleetsim::scenario::parse_scenario_text(json, std::string(name) + ".json");
  fleetsim::models::check_model_inputs(s);
  return s;
}

// Timed by the simulator's own wall clock (results.engine_wall_s: everything simulate() does,
// fleet construction and results included), so events/s here is the figure results.json shows.
void run_engine(benchmark::State& state, const fleetsim::scenario::Scenario& scenario, const std::string& key) {
  Measured m;
  double mean_ms = 0;
  for (auto _ : state) {
    const double c0 = thread_cpu_s();
    const fleetsim::results::Results r = fleetsim::models::simulate(scenario);
    m.cpu_seconds += thread_cpu_s() - c0;
    state.SetIterationTime(r.engine_wall_s);
    m.seconds += r.engine_wall_s;
    m.events += static_cast<double>(r.engine_events);
    m.requests += static_cast<double>(r.sent);
    mean_ms = r.latency.mean;
    if (r.ok != r.sent) state.SkipWithError("requests failed: the scenario is not the intended queue");
  }
  report(state, key, m, mean_ms);
  state.counters["sim_s_per_wall_s"] =
      m.seconds > 0 ? scenario.duration_s * static_cast<double>(state.iterations()) / m.seconds : 0;
}

void BM_EngineMM4(benchmark::State& state) {
  static const auto scenario =
      load(queue_scenario_json("bench-mm4", 1, kServers, kArrivalRatePerS, "round_robin", kMm4DurationS), "mm4");
  run_engine(state, scenario, "engine_mm4");
}

void BM_EngineLeastConnFleet1000(benchmark::State& state) {
  // 1,000 single-worker tasks at rho 0.8: 800,000 rps of 1 ms requests.
  static const auto scenario =
      load(queue_scenario_json("bench-least-conn-1000", 1000, 1, 0.8 * 1000 * 1000, "least_conn", 2), "lc1000");
  run_engine(state, scenario, "engine_least_conn_1000");
}

void BM_EngineP2CFleet10000(benchmark::State& state) {
  // 10,000 single-worker tasks at rho 0.8: 8,000,000 rps of 1 ms requests.
  static const auto scenario =
      load(queue_scenario_json("bench-p2c-10000", 10000, 1, 0.8 * 10000 * 1000, "p2c", 0.25), "p2c10000");
  run_engine(state, scenario, "engine_p2c_10000");
}

// The M/M/4 again with the platform models switched on around it: hosts with dynamic ports,
// poll discovery, nginx passive checks and retries on every try, active health checks, an
// autoscaler evaluating, and a read timeout armed for every attempt. Same events per request;
// what it costs over BM_EngineMM4 is the models' overhead.
void BM_EngineMM4WithPlatform(benchmark::State& state) {
  char text[2048];
  std::snprintf(text, sizeof text,
                R"({"name": "bench-mm4-platform", "seed": %llu, "duration_s": %g, "warmup_s": 0, "step_s": %g,
                    "traffic": {"arrivals": "poisson", "rate_rps": %.17g, "routes": [{"service": "s"}]},
                    "balancer": {"algorithm": "round_robin", "max_fails": 3, "fail_timeout_s": 30,
                                 "retries": {"tries": 3, "on": ["error", "timeout", "http_503"]},
                                 "connect_timeout_s": 5, "read_timeout_s": 10,
                                 "health_check": {"interval_s": 10, "timeout_s": 5}},
                    "discovery": {"mode": "poll", "interval_s": 30, "reload_s": 0.5},
                    "hosts": {"count": 2, "vcpu": 4, "memory_gb": 8, "zones": ["a", "b"]},
                    "services": [{"name": "s", "replicas": 1, "task": {"workers": %d},
                                  "service_time_ms": {"dist": "exponential", "mean_ms": 1},
                                  "autoscaling": {"metric": "cpu", "target": 0.95, "min": 1, "max": 1}}]})",
                static_cast<unsigned long long>(kSeed), kMm4DurationS, kMm4DurationS, kArrivalRatePerS, kServers);
  static const auto scenario = load(text, "mm4-platform");
  run_engine(state, scenario, "engine_mm4_platform");
}

}  // namespace

BENCHMARK(BM_BareLoopMM4)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(30);
BENCHMARK(BM_EngineMM4)->Unit(benchmark::kMillisecond)->UseManualTime()->Iterations(30);
BENCHMARK(BM_EngineMM4WithPlatform)->Unit(benchmark::kMillisecond)->UseManualTime()->Iterations(30);
BENCHMARK(BM_EngineLeastConnFleet1000)->Unit(benchmark::kMillisecond)->UseManualTime()->Iterations(3);
BENCHMARK(BM_EngineP2CFleet10000)->Unit(benchmark::kMillisecond)->UseManualTime()->Iterations(3);

// Runs the benchmarks, then prints the engine / bare-loop ratio of this run (to stdout after the
// console table; to stderr when --benchmark_format makes stdout JSON or CSV).
int main(int argc, char** argv) {
  bool console = true;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--benchmark_format=", 19) == 0 && std::strcmp(argv[i] + 19, "console") != 0) {
      console = false;
    }
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();

  FILE* out = console ? stdout : stderr;
  // With --benchmark_repetitions, the median run of each benchmark (by wall events/s).
  std::map<std::string, Measured> median;
  for (auto& [key, runs] : measured()) {
    std::sort(runs.begin(), runs.end(),
              [](const Measured& a, const Measured& b) { return a.events_per_s() < b.events_per_s(); });
    median[key] = runs[runs.size() / 2];
  }
  std::fprintf(out, "\n%-24s %14s %14s %16s\n", "summary", "M events/s", "M events/cpu-s", "M requests/s");
  for (const auto& [key, v] : median) {
    std::fprintf(out, "%-24s %14.2f %14.2f %16.2f\n", key.c_str(), v.events_per_s() / 1e6,
                 v.events_per_cpu_s() / 1e6, v.requests_per_s() / 1e6);
  }
  const auto bare = median.find("bare_mm4");
  const auto engine = median.find("engine_mm4");
  if (bare != median.end() && engine != median.end() && engine->second.events_per_s() > 0 &&
      engine->second.events_per_cpu_s() > 0) {
    const double engine_eps = engine->second.events_per_s();
    const double slower = bare->second.events_per_s() / engine_eps;
    const double slower_cpu = bare->second.events_per_cpu_s() / engine->second.events_per_cpu_s();
    std::fprintf(out,
                 "M/M/4 rho=0.8, engine / bare loop events/s in this run: %.3f wall (%.2fx slower), "
                 "%.3f CPU (%.2fx slower)\n",
                 1 / slower, slower, 1 / slower_cpu, slower_cpu);
    std::fprintf(out, "targets: engine >= 10 M events/s (wall): %s; within 3x of the bare loop (wall): %s\n",
                 engine_eps >= 10e6 ? "met" : "MISSED", slower <= 3 ? "met" : "MISSED");
  }
  return 0;
}
