// Every shipped scenario runs, and its summary matches scenarios/expected/NAME.summary exactly
// (JSON, named so that nothing takes it for a scenario).
// Runs are deterministic, so any difference is a change of model behaviour: look at it, and if
// it is intended, regenerate with `FLEETSIM_UPDATE_EXPECTED=1 build/tests/fleetsim_tests "[shipped]"`
// and commit the new files with the change that caused them.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "test_support.h"

using namespace fleetsim;
namespace fs = std::filesystem;

namespace {

nlohmann::ordered_json summary_of(const results::Results& r) {
  nlohmann::ordered_json j;
  j["scenario"] = r.scenario_name;
  j["seed"] = r.seed;
  j["sent"] = r.sent;
  j["ok"] = r.ok;
  j["retries"] = r.retries;
  nlohmann::ordered_json outcomes = nlohmann::ordered_json::object();
  for (const auto& [k, v] : r.by_outcome) {
    if (v > 0) outcomes[k] = v;
  }
  j["by_outcome"] = outcomes;
  // Latency to the microsecond: enough to see any change, stable in text.
  auto us = [](double ms) { return std::llround(ms * 1000); };
  j["latency_us"] = {{"p50", us(r.latency.p50)}, {"p99", us(r.latency.p99)}, {"max", us(r.latency.max)}};
  nlohmann::ordered_json services = nlohmann::ordered_json::object();
  for (const auto& [name, s] : r.services) {
    services[name] = {{"requests", s.requests}, {"failed", s.failed}, {"misrouted", s.misrouted},
                      {"tasks_max", s.tasks_max}, {"p99_us", us(s.latency.p99)}};
  }
  j["services"] = services;
  nlohmann::ordered_json events = nlohmann::ordered_json::array();
  for (const auto& e : r.events) events.push_back(std::to_string(std::llround(e.t * 1000)) + " ms " + e.kind + ": " + e.detail);
  j["events"] = events;
  if (r.cost.present) j["cost_monthly_cents"] = std::llround(r.cost.monthly_usd * 100);
  j["slo_pass"] = r.slo_pass;
  j["engine_events"] = r.engine_events;
  return j;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("every shipped scenario reproduces its expected summary", "[shipped]") {
  const fs::path dir = fs::path(FLEETSIM_SOURCE_DIR) / "scenarios";
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == ".json" && entry.path().filename() != "schema.json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 8);
  const bool update = std::getenv("FLEETSIM_UPDATE_EXPECTED") != nullptr;
  for (const auto& file : files) {
    DYNAMIC_SECTION(file.filename().string()) {
      scenario::Scenario s = scenario::load_scenario(file.string());
      models::check_model_inputs(s);
      const results::Results r = models::simulate(s);
      const std::string got = summary_of(r).dump(2) + "\n";
      const fs::path expected_file = dir / "expected" / (file.stem().string() + ".summary");
      if (update) {
        std::ofstream(expected_file) << got;
        WARN("wrote " << expected_file.string());
        continue;
      }
      REQUIRE(fs::exists(expected_file));
      CHECK(got == read_text(expected_file));
    }
  }
}
