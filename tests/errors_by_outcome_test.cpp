// timeseries.errors_by_outcome: the failed completions of each step split by outcome, from the
// simulator; they add up to timeseries.errors and read back from results.json.
#include <catch2/catch.hpp>
#include <cmath>

#include "models/simulation.h"
#include "results/results_json.h"
#include "results/results_reader.h"
#include "test_support.h"

namespace fleetsim::testing {
namespace {

TEST_CASE("errors by outcome add up to the errors of each step and read back", "[results]") {
  auto doc = queue_scenario(200, 4, 2, {{"dist", "exponential"}, {"mean_ms", 10}}, "round_robin", 20, 0);
  doc["step_s"] = 1;
  doc["services"][0]["error_rate"] = 0.05;
  doc["hosts"] = {{"count", 1}, {"vcpu", 64}, {"memory_gb", 256}};
  doc["balancer"]["max_fails"] = 0;
  doc["faults"] = {{{"at_s", 5}, {"kind", "kill_task"}, {"service", "s"}, {"count", 1}}};
  const results::Results r = models::simulate(scenario_from(doc));
  const auto& ts = r.timeseries;
  REQUIRE(ts.errors_by_outcome.count("http_5xx") == 1);  // the error rate
  REQUIRE(ts.errors_by_outcome.count("refused") == 1);   // the dead task's closed port
  CHECK(ts.errors_by_outcome.count("timeout") == 0);     // outcomes that never happened are left out
  double failed = 0;
  for (std::size_t k = 0; k < ts.t.size(); ++k) {
    double sum = 0;
    for (const auto& [name, v] : ts.errors_by_outcome) sum += v[k];
    CHECK(sum == Approx(ts.errors[k]).margin(1e-9));
    failed += ts.errors[k] * ts.step_s;
  }
  CHECK(failed > 0);
  const results::Results back = results::parse_results_text(results::to_json_text(r), "r.json");
  CHECK(back.timeseries.errors_by_outcome == ts.errors_by_outcome);
}

}  // namespace
}  // namespace fleetsim::testing
