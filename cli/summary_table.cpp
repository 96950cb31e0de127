#include "cli/summary_table.h"

#include <algorithm>
#include <cstdio>
#include <iomanip>
#include <sstream>

namespace fleetsim::cli {

namespace {

std::string fixed(double x, int digits) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", digits, x);
  return buffer;
}

// Thousands separated, as people read counts.
std::string grouped(std::uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string percent(double x) { return fixed(100 * x, x >= 0.9999 && x < 1 ? 3 : 2) + " %"; }

void row(std::ostream& out, const std::vector<std::string>& cells, const std::vector<std::size_t>& widths) {
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i == 0) {
      out << std::left << std::setw(static_cast<int>(widths[i])) << cells[i];
    } else {
      out << "  " << std::right << std::setw(static_cast<int>(widths[i])) << cells[i];
    }
  }
  out << "\n";
}

void table(std::ostream& out, const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths;
  for (const auto& r : rows) {
    widths.resize(std::max(widths.size(), r.size()), 0);
    for (std::size_t i = 0; i < r.size(); ++i) widths[i] = std::max(widths[i], r[i].size());
  }
  for (const auto& r : rows) row(out, r, widths);
}

std::string failures(const results::Results& r) {
  std::string out;
  for (const auto& [kind, n] : r.by_outcome) {
    if (kind == "ok" || n == 0) continue;
    out += (out.empty() ? "" : ", ") + kind + " " + grouped(n);
  }
  return out.empty() ? "none" : out;
}

}  // namespace

void print_summary(std::ostream& out, const scenario::Scenario& s, const results::Results& r) {
  const bool measured = r.source == "loadgen";
  // A load run may be shorter than the scenario (--duration): its window says how long it ran.
  out << "scenario     " << s.name << "  (" << (measured ? "measured, " : "") << "seed " << s.seed << ", "
      << fixed(measured ? r.window_end_s : s.duration_s, 0) << " s, window "
      << fixed(r.window_start_s, 0) << "-" << fixed(r.window_end_s, 0) << " s)\n";
  out << "requests     sent " << grouped(r.sent) << "  ok " << grouped(r.ok) << "  failed " << grouped(r.failed)
      << "  (" << failures(r) << ")\n";
  out << "availability " << percent(r.availability) << "   throughput " << fixed(r.throughput_rps, 1) << " rps\n";
  out << "latency ms   mean " << fixed(r.latency.mean, 2) << "  p50 " << fixed(r.latency.p50, 2) << "  p90 "
      << fixed(r.latency.p90, 2) << "  p99 " << fixed(r.latency.p99, 2) << "  p99.9 " << fixed(r.latency.p999, 2)
      << "  max " << fixed(r.latency.max, 2) << "\n\n";
  if (!r.services.empty()) {
    std::vector<std::vector<std::string>> rows{{"service", "requests", "failed", "p50 ms", "p99 ms", "tasks", "cpu"}};
    for (const auto& [name, sv] : r.services) {
      rows.push_back({name, grouped(sv.requests), grouped(sv.failed), fixed(sv.latency.p50, 2),
                      fixed(sv.latency.p99, 2), fixed(sv.tasks_mean, 1), fixed(100 * sv.cpu_utilization, 1) + " %"});
    }
    table(out, rows);
  }
  if (!r.slo_checks.empty()) {
    out << "\nSLO\n";
    for (const auto& c : r.slo_checks) {
      const bool higher_is_better = c.name == "availability";
      out << "  " << (c.pass ? "pass  " : "FAIL  ") << c.name << (higher_is_better ? " >= " : " <= ")
          << (higher_is_better ? percent(c.target) : fixed(c.target, 2)) << "   actual "
          << (higher_is_better ? percent(c.actual) : fixed(c.actual, 2)) << "\n";
    }
  }
  for (const auto& w : r.warnings) out << "\nwarning: " << w;
  if (!r.warnings.empty()) out << "\n";
  if (r.engine_wall_s > 0 && !measured) {
    out << "\nengine       " << grouped(r.engine_events) << " events in " << fixed(r.engine_wall_s, 2) << " s ("
        << fixed(static_cast<double>(r.engine_events) / r.engine_wall_s / 1e6, 1) << " M events/s)\n";
  }
}

void print_comparison(std::ostream& out, const std::vector<std::string>& labels, const std::vector<results::Results>& runs) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header{"metric"};
  for (const auto& l : labels) header.push_back(l);
  rows.push_back(header);
  auto add = [&](const std::string& name, auto value) {
    std::vector<std::string> r{name};
    for (const auto& run : runs) r.push_back(value(run));
    rows.push_back(r);
  };
  add("sent", [](const results::Results& r) { return grouped(r.sent); });
  add("availability", [](const results::Results& r) { return percent(r.availability); });
  add("throughput rps", [](const results::Results& r) { return fixed(r.throughput_rps, 1); });
  add("latency mean ms", [](const results::Results& r) { return fixed(r.latency.mean, 2); });
  add("latency p50 ms", [](const results::Results& r) { return fixed(r.latency.p50, 2); });
  add("latency p90 ms", [](const results::Results& r) { return fixed(r.latency.p90, 2); });
  add("latency p99 ms", [](const results::Results& r) { return fixed(r.latency.p99, 2); });
  add("latency p99.9 ms", [](const results::Results& r) { return fixed(r.latency.p999, 2); });
  add("latency max ms", [](const results::Results& r) { return fixed(r.latency.max, 2); });
  add("failed", [](const results::Results& r) { return grouped(r.failed); });
  add("SLO", [](const results::Results& r) { return std::string(r.slo_checks.empty() ? "-" : r.slo_pass ? "pass" : "FAIL"); });
  table(out, rows);
}

}  // namespace fleetsim::cli
