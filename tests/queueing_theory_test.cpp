// The simulator against closed-form queueing results. Each check runs independent
// replications and requires the theoretical value inside the replications' 99.9 % Student-t
// interval, widened only by the histogram's documented quantile resolution where a quantile is
// compared. Seeds are fixed, so each check is deterministic.
#include <catch2/catch.hpp>
#include <cmath>
#include <optional>

#include "results/results_json.h"
#include "test_support.h"

using namespace fleetsim;
using testing::queue_scenario;
using testing::replicate;
using nlohmann::json;

namespace {

constexpr double kLevel = 0.999;

double mean_latency(const results::Results& r) { return r.latency.mean; }
double p99_latency(const results::Results& r) { return r.latency.p99; }

// Erlang C: the probability an arrival waits in an M/M/c queue with offered load a = lambda/mu.
double erlang_c(int c, double a) {
  double term = 1, sum = 1;  // sum of a^k / k! for k < c
  for (int k = 1; k < c; ++k) {
    term *= a / k;
    sum += term;
  }
  const double last = term * a / c;  // a^c / c!
  const double rho = a / c;
  return last / (1 - rho) / (sum + last / (1 - rho));
}

void check_theory(const sim::Interval& ci, double theory, double extra_relative = 0) {
  const double slack = theory * extra_relative;
  INFO("simulated " << ci.mean << " +- " << ci.half_width << " (99.9 %), theory " << theory);
  CHECK(theory >= ci.low() - slack);
  CHECK(theory <= ci.high() + slack);
}

}  // namespace

TEST_CASE("M/M/1: mean response time 1/(mu - lambda) and p99 ln(100)/(mu - lambda)", "[theory]") {
  // mu = 1000/s (1 ms), lambda = 800/s: rho = 0.8.
  const json doc = queue_scenario(800, 1, 1, {{"dist", "exponential"}, {"mean_ms", 1}}, "round_robin", 200, 20);
  const double mean_ms = 1000.0 / (1000 - 800);
  const double p99_ms = std::log(100.0) * 1000.0 / (1000 - 800);
  check_theory(replicate(doc, 10, kLevel, mean_latency), mean_ms);
  check_theory(replicate(doc, 10, kLevel, p99_latency), p99_ms, testing::kHistogramResolution);
}

TEST_CASE("M/M/c: mean response time from Erlang C for several c and loads", "[theory]") {
  struct Case {
    int c;
    double rho;
  };
  for (const Case k : {Case{2, 0.5}, Case{4, 0.8}, Case{8, 0.9}}) {
    const double mu = 100;  // per worker, per second (10 ms)
    const double lambda = k.rho * k.c * mu;
    const json doc = queue_scenario(lambda, 1, k.c, {{"dist", "exponential"}, {"mean_ms", 10}}, "round_robin", 600, 60);
    const double wait_s = erlang_c(k.c, lambda / mu) / (k.c * mu - lambda);
    const double theory_ms = 1000 * (wait_s + 1 / mu);
    INFO("c = " << k.c << ", rho = " << k.rho);
    check_theory(replicate(doc, 8, kLevel, mean_latency), theory_ms);
  }
}

TEST_CASE("M/D/1: mean response time from Pollaczek-Khinchine", "[theory]") {
  // Constant 1 ms service, rho = 0.7: W = rho / (2 mu (1 - rho)).
  const json doc = queue_scenario(700, 1, 1, {{"dist", "constant"}, {"mean_ms", 1}}, "round_robin", 200, 20);
  const double theory_ms = 1 + 0.7 / (2 * (1 - 0.7));
  check_theory(replicate(doc, 10, kLevel, mean_latency), theory_ms);
}

TEST_CASE("M/G/1 with lognormal and gamma service: Pollaczek-Khinchine with their variance", "[theory]") {
  // W = rho (1 + cv^2) / (2 mu (1 - rho)); rho = 0.6, mean 1 ms, cv 1.5 and 0.5.
  for (const char* dist : {"lognormal", "gamma"}) {
    for (double cv : {1.5, 0.5}) {
      const json doc = queue_scenario(600, 1, 1, {{"dist", dist}, {"mean_ms", 1}, {"cv", cv}}, "round_robin", 300, 30);
      const double theory_ms = 1 + 0.6 * (1 + cv * cv) / (2 * (1 - 0.6));
      INFO(dist << " cv " << cv);
      check_theory(replicate(doc, 10, kLevel, mean_latency), theory_ms);
    }
  }
}

TEST_CASE("random routing to n single-worker tasks is n independent M/M/1 queues", "[theory]") {
  // n = 4, rho = 0.7 each: T = 1 / (mu - lambda / n).
  const json doc = queue_scenario(4 * 700, 4, 1, {{"dist", "exponential"}, {"mean_ms", 1}}, "random", 100, 10);
  check_theory(replicate(doc, 10, kLevel, mean_latency), 1000.0 / (1000 - 700));
}

TEST_CASE("round robin to n single-worker tasks is E_n/M/1", "[theory]") {
  // Each task sees every n-th Poisson arrival: Erlang-n gaps. sigma = (n rho / (n rho + 1 - sigma))^n,
  // E[T] = 1 / (mu (1 - sigma)).
  const int n = 4;
  const double rho = 0.8;
  double sigma = 0.5;
  for (int i = 0; i < 10'000; ++i) sigma = std::pow(n * rho / (n * rho + 1 - sigma), n);
  const double theory_ms = 1.0 / (1 - sigma);  // mu = 1/ms
  const json doc = queue_scenario(n * 800, n, 1, {{"dist", "exponential"}, {"mean_ms", 1}}, "round_robin", 100, 10);
  check_theory(replicate(doc, 10, kLevel, mean_latency), theory_ms);
  CHECK(theory_ms < 1000.0 / (1000 - 800));  // better than random routing's M/M/1
}

TEST_CASE("p2c at n = 100 and lambda = 0.9 per server is close to Mitzenmacher's limit", "[theory]") {
  // Supermarket model, d = 2: E[T] -> sum_{i>=1} lambda^(2^i - 2) = 2.614 service times as n grows.
  // At finite n the mean lies above the limit by a finite-size term of order 1/n.
  double limit = 0;
  for (int i = 1; i < 12; ++i) limit += std::pow(0.9, std::pow(2.0, i) - 2);
  const json doc = queue_scenario(100 * 900, 100, 1, {{"dist", "exponential"}, {"mean_ms", 1}}, "p2c", 20, 2);
  const sim::Interval ci = replicate(doc, 4, kLevel, mean_latency);
  INFO("p2c mean " << ci.mean << " +- " << ci.half_width << " service times; limit " << limit);
  CHECK(limit == Approx(2.614).margin(0.001));
  CHECK(ci.high() >= limit);
  CHECK(ci.low() <= limit * 1.03);  // within the O(1/n) finite-size band: 3 % at n = 100
  CHECK(ci.mean >= 2.6);
  CHECK(ci.mean <= 2.7);
}

TEST_CASE("central M/M/n <= least_conn <= p2c <= random in mean response time", "[theory]") {
  const int n = 10;
  auto run = [&](int tasks, int workers, const std::string& algorithm) {
    const json doc = queue_scenario(n * 900, tasks, workers, {{"dist", "exponential"}, {"mean_ms", 1}}, algorithm, 60, 6);
    return replicate(doc, 5, kLevel, mean_latency);
  };
  const sim::Interval central = run(1, n, "round_robin");
  const sim::Interval jsq = run(n, 1, "least_conn");
  const sim::Interval p2c = run(n, 1, "p2c");
  const sim::Interval random = run(n, 1, "random");
  INFO("M/M/n " << central.mean << ", least_conn " << jsq.mean << ", p2c " << p2c.mean << ", random " << random.mean);
  CHECK(central.high() < jsq.low());
  CHECK(jsq.high() < p2c.low());
  CHECK(p2c.high() < random.low());
  check_theory(random, 1000.0 / (1000 - 900));
}

TEST_CASE("Little's law holds on the simulator's own output: L = throughput x mean latency", "[theory]") {
  json doc = queue_scenario(3000, 3, 2, {{"dist", "lognormal"}, {"mean_ms", 1.5}, {"cv", 2}}, "least_conn", 200, 20);
  doc["network"] = {{"rtt_ms", 0.4}};
  doc["balancer"]["overhead_ms"] = 0.2;
  const sim::Interval ratio = replicate(doc, 10, kLevel, [](const results::Results& r) {
    return r.concurrency_mean / (r.throughput_rps * r.latency.mean / 1000);
  });
  check_theory(ratio, 1.0);
}

TEST_CASE("the same scenario and seed give byte-identical results; another seed does not", "[determinism]") {
  auto text_of = [](std::uint64_t seed) {
    json doc = queue_scenario(2000, 5, 2, {{"dist", "gamma"}, {"mean_ms", 2}, {"cv", 0.7}}, "peak_ewma", 20, 2);
    doc["seed"] = seed;
    results::Results r = models::simulate(testing::scenario_from(doc));
    r.engine_wall_s = 0;  // the only wall-clock field
    return results::to_json_text(r);
  };
  const std::string a = text_of(3);
  CHECK(a == text_of(3));
  CHECK(a != text_of(4));
}

TEST_CASE("a fixed plan seed keeps the arrivals and fault targets; the seed varies the rest", "[determinism]") {
  // validate's replications: the requests and faults of the measured run, other service times.
  json doc = queue_scenario(300, 4, 2, {{"dist", "exponential"}, {"mean_ms", 20}}, "round_robin", 20, 2);
  doc["step_s"] = 1;
  doc["faults"] = json::array({{{"at_s", 8}, {"kind", "kill_task"}, {"service", "s"}, {"count", 1}}});
  auto run = [&doc](std::uint64_t seed, std::optional<std::uint64_t> plan_seed) {
    doc["seed"] = seed;
    scenario::Scenario s = testing::scenario_from(doc);
    s.plan_seed = plan_seed;
    return models::simulate(s);
  };
  const results::Results base = run(3, std::nullopt);
  const results::Results replica = run(4, 3);
  const results::Results other = run(4, std::nullopt);
  CHECK(replica.sent == base.sent);
  CHECK(replica.timeseries.rps == base.timeseries.rps);  // the same arrivals, second by second
  CHECK(replica.latency.p99 != base.latency.p99);        // other service times
  CHECK(other.timeseries.rps != base.timeseries.rps);
  auto killed = [](const results::Results& r) {
    for (const auto& e : r.events) {
      if (e.kind == "kill_task") return e.detail;
    }
    return std::string("none");
  };
  CHECK(killed(replica) == killed(base));
}
