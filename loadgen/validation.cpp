#include "loadgen/validation.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>

#include "sim/confidence.h"

namespace fleetsim::loadgen {

namespace {

std::string format(const char* pattern, double x) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, pattern, x);
  return buffer;
}

ValidationRow relative_row(const std::string& metric, double predicted, double measured, double tolerance, bool judged,
                           const std::vector<double>* replications = nullptr, double level = 0.99) {
  ValidationRow row{metric, predicted, measured, "", "", judged, true};
  const double delta = predicted > 0 ? (measured - predicted) / predicted : (measured > 0 ? INFINITY : 0);
  row.delta = std::isfinite(delta) ? format("%+.1f %%", delta * 100) : "n/a";
  if (judged) {
    row.tolerance = format("±%.0f %%", tolerance * 100);
    row.pass = std::isfinite(delta) && std::abs(delta) <= tolerance;
    if (replications && replications->size() >= 2) {
      const sim::Interval pi = sim::prediction_interval(*replications, level);
      row.tolerance += format(" or PI [%.4g", pi.low()) + format(", %.4g]", pi.high());
      row.pass = row.pass || pi.contains(measured);
    }
  }
  return row;
}

// The shares of requests per task, largest first.
std::vector<double> shares(const std::map<std::string, std::uint64_t>& counts) {
  double total = 0;
  for (const auto& [task, n] : counts) total += static_cast<double>(n);
  std::vector<double> out;
  for (const auto& [task, n] : counts) out.push_back(total > 0 ? static_cast<double>(n) / total : 0);
  std::sort(out.rbegin(), out.rend());
  return out;
}

}  // namespace

double failures_between(const results::Results& r, double from_s, double to_s) {
  const auto& ts = r.timeseries;
  double sum = 0;
  for (std::size_t i = 0; i < ts.t.size() && i < ts.errors.size(); ++i) {
    if (ts.t[i] >= from_s - 1e-9 && ts.t[i] < to_s - 1e-9) sum += ts.errors[i] * ts.step_s;
  }
  return std::round(sum);
}

Validation compare_runs(const scenario::Scenario& s, const results::Results& predicted, const results::Results& measured,
                        const Tolerances& t, const ReplicationSpread* spread) {
  Validation v;
  const double level = spread ? spread->level : 0.99;
  v.rows.push_back(relative_row("latency p50 (ms)", predicted.latency.p50, measured.latency.p50, t.latency_relative, true,
                                spread ? &spread->p50 : nullptr, level));
  v.rows.push_back(relative_row("latency p90 (ms)", predicted.latency.p90, measured.latency.p90, t.latency_relative,
                                t.check_p90, spread ? &spread->p90 : nullptr, level));
  v.rows.push_back(relative_row("latency p99 (ms)", predicted.latency.p99, measured.latency.p99, t.latency_relative, true,
                                spread ? &spread->p99 : nullptr, level));
  {
    ValidationRow row{"availability (%)", predicted.availability * 100, measured.availability * 100, "", "", true, true};
    const double pp = (measured.availability - predicted.availability) * 100;
    row.delta = format("%+.2f pp", pp);
    row.tolerance = format("±%.2f pp", t.availability_pp);
    row.pass = std::abs(pp) <= t.availability_pp;
    v.rows.push_back(row);
  }
  const double end = std::max(predicted.window_end_s, measured.window_end_s);
  for (std::size_t i = 0; i < s.faults.size(); ++i) {
    const auto& f = s.faults[i];
    const double to = i + 1 < s.faults.size() ? s.faults[i + 1].at_s : end;
    if (to <= f.at_s) continue;  // simultaneous faults are counted with the last of them
    const double p = failures_between(predicted, f.at_s, to), m = failures_between(measured, f.at_s, to);
    ValidationRow row{"failed after " + f.kind_name + " at " + format("%g", f.at_s) + " s", p, m, format("%+.0f", m - p), "",
                      true, true};
    row.tolerance = format("±%.0f %%", t.failures_relative * 100) + " or ±" + format("%.0f", t.failures_floor);
    row.pass = std::abs(m - p) <= std::max(t.failures_relative * p, t.failures_floor);
    v.rows.push_back(row);
  }
  // Per-task shares of each service, only when both sides know them.
  for (const auto& [name, p_service] : predicted.services) {
    const auto found = measured.services.find(name);
    if (found == measured.services.end() || found->second.requests_by_task.empty()) continue;
    std::map<std::string, std::uint64_t> predicted_counts;
    for (std::size_t i = 0; i < p_service.per_task_requests.size(); ++i) {
      predicted_counts[std::to_string(i)] = p_service.per_task_requests[i];
    }
    if (predicted_counts.empty()) continue;
    const auto p = shares(predicted_counts), m = shares(found->second.requests_by_task);
    double worst = 0;
    for (std::size_t i = 0; i < std::max(p.size(), m.size()); ++i) {
      worst = std::max(worst, std::abs((i < p.size() ? p[i] : 0) - (i < m.size() ? m[i] : 0)) * 100);
    }
    ValidationRow row{name + ": largest task share (%)", p.front() * 100, m.front() * 100,
                      format("max %.1f pp, tasks by rank", worst), "", t.share_pp > 0, true};
    if (row.judged) {
      row.tolerance = format("±%.1f pp", t.share_pp);
      row.pass = worst <= t.share_pp;
    }
    v.rows.push_back(row);
  }
  for (const auto& row : v.rows) v.pass = v.pass && row.pass;
  return v;
}

void print_validation(std::ostream& out, const Validation& v) {
  char line[256];
  std::snprintf(line, sizeof line, "%-34s %12s %12s  %-28s %-32s %s\n", "metric", "predicted", "measured", "delta",
                "tolerance", "verdict");
  out << line;
  for (const auto& r : v.rows) {
    std::snprintf(line, sizeof line, "%-34s %12.3f %12.3f  %-28s %-32s %s\n", r.metric.c_str(), r.predicted, r.measured,
                  r.delta.c_str(), r.tolerance.c_str(), !r.judged ? "(shown)" : r.pass ? "pass" : "FAIL");
    out << line;
  }
  out << (v.pass ? "validation passed\n" : "validation FAILED: the simulator and the stack disagree beyond tolerance\n");
}

nlohmann::json validation_json(const Validation& v) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& r : v.rows) {
    rows.push_back({{"metric", r.metric}, {"predicted", r.predicted}, {"measured", r.measured}, {"delta", r.delta},
                    {"tolerance", r.tolerance}, {"judged", r.judged}, {"pass", r.pass}});
  }
  return {{"schema", "fleetsim.validation/1"}, {"rows", rows}, {"pass", v.pass}};
}

}  // namespace fleetsim::loadgen
