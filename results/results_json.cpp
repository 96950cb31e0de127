#include "results/results_json.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <unistd.h>

namespace fleetsim::results {

namespace {

using nlohmann::ordered_json;

// Rounds to 6 significant decimals: enough for any latency or rate, and the file stays readable.
double tidy(double x) {
  if (!std::isfinite(x) || x == 0) return std::isfinite(x) ? x : 0;
  const double scale = std::pow(10.0, 6 - std::ceil(std::log10(std::fabs(x))));
  return std::round(x * scale) / scale;
}

ordered_json latency_json(const LatencySummary& l) {
  return {{"mean", tidy(l.mean)}, {"p50", tidy(l.p50)}, {"p90", tidy(l.p90)}, {"p95", tidy(l.p95)},
          {"p99", tidy(l.p99)},   {"p999", tidy(l.p999)}, {"max", tidy(l.max)}};
}

ordered_json doubles(const std::vector<double>& v) {
  ordered_json out = ordered_json::array();
  for (double x : v) out.push_back(tidy(x));
  return out;
}

// Objects one key per line; arrays of numbers, strings or small arrays on one line, so the time
// series and the histogram stay readable (nlohmann's indent puts every number on its own line).
bool flat(const ordered_json& value) {
  if (!value.is_array()) return !value.is_object();
  for (const auto& element : value) {
    if (element.is_object() || (element.is_array() && !flat(element))) return false;
  }
  return true;
}

void pretty(const ordered_json& value, int depth, std::string& out) {
  const std::string pad(static_cast<std::size_t>(depth) * 2, ' ');
  if (value.is_object() && !value.empty()) {
    out += "{\n";
    std::size_t i = 0;
    for (auto it = value.begin(); it != value.end(); ++it, ++i) {
      out += pad + "  " + ordered_json(it.key()).dump() + ": ";
      pretty(*it, depth + 1, out);
      out += i + 1 < value.size() ? ",\n" : "\n";
    }
    out += pad + "}";
  } else if (value.is_array() && !value.empty() && !flat(value)) {
    out += "[\n";
    for (std::size_t i = 0; i < value.size(); ++i) {
      out += pad + "  ";
      pretty(value[i], depth + 1, out);
      out += i + 1 < value.size() ? ",\n" : "\n";
    }
    out += pad + "]";
  } else {
    out += value.dump();
  }
}

}  // namespace

std::string to_json_text(const Results& r) {
  ordered_json j;
  j["schema"] = "fleetsim.results/1";
  j["source"] = r.source;
  j["scenario"] = {{"name", r.scenario_name}, {"sha256", r.scenario_sha256}, {"seed", r.seed}};
  j["window"] = {{"start_s", tidy(r.window_start_s)}, {"end_s", tidy(r.window_end_s)}};
  ordered_json outcomes = ordered_json::object();
  for (const auto& [k, v] : r.by_outcome) outcomes[k] = v;
  j["requests"] = {{"sent", r.sent}, {"ok", r.ok}, {"failed", r.failed}, {"retries", r.retries},
                   {"by_outcome", outcomes}};
  j["availability"] = tidy(r.availability);
  j["throughput_rps"] = tidy(r.throughput_rps);
  j["latency_ms"] = latency_json(r.latency);
  if (r.latency_uncorrected) j["latency_uncorrected_ms"] = latency_json(*r.latency_uncorrected);
  j["concurrency"] = {{"mean", tidy(r.concurrency_mean)}};
  ordered_json spectrum = ordered_json::array();
  for (const auto& b : r.histogram.buckets()) spectrum.push_back({b.lower, b.upper, b.count});
  j["latency_histogram"] = {{"unit", "ns"}, {"buckets", spectrum}};
  ordered_json services = ordered_json::object();
  for (const auto& [name, s] : r.services) {
    services[name] = {{"requests", s.requests},
                      {"failed", s.failed},
                      {"misrouted", s.misrouted},
                      {"latency_ms", latency_json(s.latency)},
                      {"tasks", {{"min", tidy(s.tasks_min)}, {"max", tidy(s.tasks_max)}, {"mean", tidy(s.tasks_mean)},
                                 {"pending_mean", tidy(s.pending_mean)}, {"pending_max", tidy(s.pending_max)}}},
                      {"cpu_utilization", tidy(s.cpu_utilization)},
                      {"per_task_requests", s.per_task_requests}};
    if (!s.requests_by_task.empty()) services[name]["requests_by_task"] = s.requests_by_task;
  }
  j["services"] = services;
  ordered_json tasks = ordered_json::object();
  for (const auto& [name, v] : r.timeseries.tasks) tasks[name] = doubles(v);
  j["timeseries"] = {{"step_s", tidy(r.timeseries.step_s)}, {"t", doubles(r.timeseries.t)},
                     {"rps", doubles(r.timeseries.rps)},    {"ok_rps", doubles(r.timeseries.ok_rps)},
                     {"errors", doubles(r.timeseries.errors)}, {"retries", doubles(r.timeseries.retries)},
                     {"p50_ms", doubles(r.timeseries.p50_ms)},
                     {"p99_ms", doubles(r.timeseries.p99_ms)}, {"tasks", tasks}};
  if (!r.timeseries.errors_by_outcome.empty()) {
    ordered_json by_outcome = ordered_json::object();
    for (const auto& [name, v] : r.timeseries.errors_by_outcome) by_outcome[name] = doubles(v);
    j["timeseries"]["errors_by_outcome"] = by_outcome;
  }
  ordered_json events = ordered_json::array();
  for (const auto& e : r.events) events.push_back({{"t", tidy(e.t)}, {"kind", e.kind}, {"detail", e.detail}});
  j["events"] = events;
  if (r.failover.present) {
    const auto& f = r.failover;
    j["failover"] = {{"outage_at_s", tidy(f.outage_at_s)}, {"detected_at_s", tidy(f.detected_at_s)},
                     {"recovered_at_s", tidy(f.recovered_at_s)}, {"rto_s", tidy(f.rto_s)},
                     {"rpo_s", tidy(f.rpo_s)}, {"lost_writes", tidy(f.lost_writes)}};
  }
  if (r.cost.present) {
    ordered_json breakdown = ordered_json::object();
    for (const auto& [item, usd] : r.cost.breakdown) breakdown[item] = std::round(usd * 100) / 100;
    j["cost"] = {{"period_usd", std::round(r.cost.period_usd * 10000) / 10000},
                 {"monthly_usd", std::round(r.cost.monthly_usd * 100) / 100},
                 {"breakdown", breakdown}};
  }
  ordered_json checks = ordered_json::array();
  for (const auto& c : r.slo_checks) {
    checks.push_back({{"name", c.name}, {"target", tidy(c.target)}, {"actual", tidy(c.actual)}, {"pass", c.pass}});
  }
  j["slo"] = {{"checks", checks}, {"pass", r.slo_pass}};
  j["warnings"] = r.warnings;
  const double rate = r.engine_wall_s > 0 ? static_cast<double>(r.engine_events) / r.engine_wall_s : 0;
  j["engine"] = {{"events", r.engine_events}, {"wall_s", tidy(r.engine_wall_s)}, {"events_per_s", tidy(rate)}};
  std::string out;
  pretty(j, 0, out);
  return out + "\n";
}

void write_file_atomically(const std::string& path, const std::string& text) {
  const std::string temporary = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot write " + temporary);
    out << text;
    out.flush();
    if (!out) {
      std::remove(temporary.c_str());
      throw std::runtime_error("cannot write " + temporary);
    }
  }
  std::error_code ec;
  std::filesystem::rename(temporary, path, ec);
  if (ec) {
    std::remove(temporary.c_str());
    throw std::runtime_error("cannot rename " + temporary + " to " + path + ": " + ec.message());
  }
}

void write_results(const Results& results, const std::string& directory) {
  std::filesystem::create_directories(directory);
  write_file_atomically(directory + "/results.json", to_json_text(results));
}

}  // namespace fleetsim::results
