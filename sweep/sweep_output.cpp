#include "sweep/sweep_output.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <ostream>

#include "results/results_json.h"

namespace fleetsim::sweep {

namespace {

// Finite numbers only in JSON (an empty metric's NaN becomes null).
nlohmann::ordered_json number(double x) { return std::isfinite(x) ? nlohmann::ordered_json(x) : nlohmann::ordered_json(nullptr); }

std::string point_label(const PointSummary& p) {
  std::string label;
  for (const auto& o : p.overrides) label += (label.empty() ? "" : " ") + o.path + "=" + o.value;
  return label.empty() ? "baseline" : label;
}

// CSV field: quoted when it holds a comma, quote or newline (RFC 4180).
std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

std::string sweep_json(const SweepInfo& info, const std::vector<PointSummary>& points) {
  nlohmann::ordered_json j;
  j["schema"] = "fleetsim.sweep/1";
  j["scenario"] = {{"name", info.scenario_name}, {"file", info.scenario_file}, {"seed", info.seed}};
  j["confidence_level"] = info.options.level;
  j["replications"] = info.options.replications;
  if (info.options.precision > 0) {
    j["precision"] = {{"relative_half_width", info.options.precision}, {"max_replications", info.options.max_replications}};
  }
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& p : points) {
    nlohmann::ordered_json point;
    nlohmann::ordered_json set = nlohmann::ordered_json::object();
    for (const auto& o : p.overrides) set[o.path] = o.value;
    point["set"] = set;
    point["replications"] = p.replications;
    if (info.options.precision > 0) point["precision_met"] = p.precision_met;
    nlohmann::ordered_json metrics = nlohmann::ordered_json::object();
    for (std::size_t m = 0; m < kMetrics.size(); ++m) {
      const auto& i = p.intervals[m];
      nlohmann::ordered_json samples = nlohmann::ordered_json::array();
      for (double x : p.samples[m]) samples.push_back(number(x));
      metrics[std::string(kMetrics[m].name)] = {{"unit", kMetrics[m].unit}, {"mean", number(i.mean)},
                                                {"half_width", number(i.half_width)}, {"low", number(i.low())},
                                                {"high", number(i.high())}, {"samples", samples}};
    }
    point["metrics"] = metrics;
    const auto& l = p.pooled_latency;
    point["pooled_latency_ms"] = {{"mean", number(l.mean)}, {"p50", number(l.p50)}, {"p90", number(l.p90)},
                                  {"p99", number(l.p99)}, {"p999", number(l.p999)}, {"max", number(l.max)}};
    list.push_back(point);
  }
  j["points"] = list;
  return j.dump(2) + "\n";
}

std::string sweep_csv(const std::vector<PointSummary>& points) {
  std::string out = "point,replications";
  std::vector<std::string> paths;
  for (const auto& p : points) {
    for (const auto& o : p.overrides) {
      if (std::find(paths.begin(), paths.end(), o.path) == paths.end()) paths.push_back(o.path);
    }
  }
  for (const auto& path : paths) out += "," + csv_field(path);
  for (const auto& m : kMetrics) {
    const std::string n(m.name);
    out += "," + n + "_mean," + n + "_low," + n + "_high";
  }
  out += "\n";
  char buffer[64];
  for (std::size_t k = 0; k < points.size(); ++k) {
    const auto& p = points[k];
    out += std::to_string(k) + "," + std::to_string(p.replications);
    for (const auto& path : paths) {
      std::string value;
      for (const auto& o : p.overrides) {
        if (o.path == path) value = o.value;
      }
      out += "," + csv_field(value);
    }
    for (const auto& i : p.intervals) {
      for (double x : {i.mean, i.low(), i.high()}) {
        std::snprintf(buffer, sizeof buffer, ",%.10g", x);
        out += std::isfinite(x) ? buffer : ",";
      }
    }
    out += "\n";
  }
  return out;
}

void write_sweep(const std::string& directory, const SweepInfo& info, const std::vector<PointSummary>& points) {
  std::filesystem::create_directories(directory);
  results::write_file_atomically(directory + "/sweep.json", sweep_json(info, points));
  results::write_file_atomically(directory + "/sweep.csv", sweep_csv(points));
}

void print_sweep(std::ostream& out, const SweepInfo& info, const std::vector<PointSummary>& points) {
  char line[512];
  out << "sweep " << info.scenario_name << ": " << points.size() << " points, mean ± half-width of the "
      << info.options.level * 100 << " % confidence interval\n\n";
  std::snprintf(line, sizeof line, "%-40s %5s  %-22s %-22s %-22s %-22s\n", "point", "reps", "availability %",
                "p50 ms", "p99 ms", "throughput rps");
  out << line;
  auto pm = [](const sim::Interval& i, double scale) {
    char b[64];
    std::snprintf(b, sizeof b, "%.4g ± %.2g", i.mean * scale, i.half_width * scale);
    return std::string(b);
  };
  for (const auto& p : points) {
    std::snprintf(line, sizeof line, "%-40s %5u  %-22s %-22s %-22s %-22s%s\n", point_label(p).c_str(), p.replications,
                  pm(p.intervals[0], 100).c_str(), pm(p.intervals[3], 1).c_str(), pm(p.intervals[5], 1).c_str(),
                  pm(p.intervals[1], 1).c_str(), p.precision_met ? "" : "  (precision not reached)");
    out << line;
  }
}

}  // namespace fleetsim::sweep
