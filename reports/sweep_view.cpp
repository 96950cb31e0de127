#include "reports/sweep_view.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>

#include "scenario/input_error.h"

namespace fleetsim::reports {

namespace {

using nlohmann::json;
using ordered = nlohmann::ordered_json;

struct ChartSpec {
  const char* name;     // PNG file stem and data-chart name
  const char* metric;   // key in points[].metrics
  const char* what;     // in the title
  const char* y_label;  // with units
  double scale;         // displayed value = value × scale
};

constexpr ChartSpec kCharts[] = {
    {"sweep-availability", "availability", "availability", "availability (%)", 100},
    {"sweep-throughput", "throughput_rps", "throughput (successful requests)", "throughput (requests per second)", 1},
    {"sweep-latency-p50", "latency_p50_ms", "latency p50", "latency p50 (ms)", 1},
    {"sweep-latency-p99", "latency_p99_ms", "latency p99", "latency p99 (ms)", 1},
};

class Checker {
 public:
  explicit Checker(std::string file) : file_(std::move(file)) {}
  [[noreturn]] void fail(const std::string& path, const std::string& message) const {
    throw scenario::InputError(file_, path, message);
  }
  const ordered& need(const ordered& parent, const std::string& parent_path, const std::string& key,
                      ordered::value_t type, const std::string& expected) const {
    const std::string path = parent_path.empty() ? key : parent_path + "." + key;
    if (!parent.contains(key)) fail(path, "required: " + expected);
    const ordered& value = parent[key];
    const bool ok = type == ordered::value_t::number_float ? value.is_number() : value.type() == type ||
                    (type == ordered::value_t::number_unsigned && value.is_number_integer() && value.get<long long>() >= 0);
    if (!ok) fail(path, "expected " + expected);
    return value;
  }
  // A number or null (sweep.json writes an empty metric's NaN as null).
  json number_or_null(const ordered& parent, const std::string& parent_path, const std::string& key) const {
    const std::string path = parent_path + "." + key;
    if (!parent.contains(key)) fail(path, "required: a number or null");
    const ordered& value = parent[key];
    if (value.is_null()) return nullptr;
    if (!value.is_number()) fail(path, "expected a number or null");
    return value.get<double>();
  }

 private:
  std::string file_;
};

bool is_number(const std::string& text, double* out) {
  if (text.empty() || std::isspace(static_cast<unsigned char>(text.front()))) return false;
  char* end = nullptr;
  const double x = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || !std::isfinite(x)) return false;
  *out = x;
  return true;
}

std::string join_pairs(const std::vector<std::pair<std::string, std::string>>& pairs, const char* separator) {
  std::string out;
  for (const auto& [path, value] : pairs) out += (out.empty() ? "" : separator) + path + "=" + value;
  return out;
}

}  // namespace

json sweep_view(const std::string& sweep_json_text, const std::string& file) {
  const Checker check(file);
  const ordered doc = ordered::parse(sweep_json_text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) check.fail("", "not a JSON object (expected sweep.json written by fleetsim sweep)");
  const auto& schema = check.need(doc, "", "schema", ordered::value_t::string, "\"fleetsim.sweep/1\"");
  if (schema != "fleetsim.sweep/1") check.fail("schema", "expected \"fleetsim.sweep/1\"");
  const auto& scenario = check.need(doc, "", "scenario", ordered::value_t::object, "an object {name, file, seed}");
  check.need(scenario, "scenario", "name", ordered::value_t::string, "a string");
  const double level = check.need(doc, "", "confidence_level", ordered::value_t::number_float, "a number").get<double>();
  const auto& points_in = check.need(doc, "", "points", ordered::value_t::array, "an array of points");
  if (points_in.empty()) check.fail("points", "expected at least one point");

  // Every point: its overrides (in order), replications and metrics.
  std::vector<std::vector<std::pair<std::string, std::string>>> sets;
  std::vector<std::string> paths;                           // first-seen order: the --set order
  std::map<std::string, std::vector<std::string>> values;   // distinct values per path, first-seen order
  json metrics_list = json::array();
  json points = json::array();
  for (std::size_t i = 0; i < points_in.size(); ++i) {
    const std::string at = "points[" + std::to_string(i) + "]";
    const auto& p = points_in[i];
    if (!p.is_object()) check.fail(at, "expected an object {set, replications, metrics}");
    const auto& set = check.need(p, at, "set", ordered::value_t::object, "an object of path -> value");
    std::vector<std::pair<std::string, std::string>> pairs;
    for (const auto& [path, value] : set.items()) {
      if (!value.is_string()) check.fail(at + ".set." + path, "expected a string");
      pairs.emplace_back(path, value.get<std::string>());
      if (std::find(paths.begin(), paths.end(), path) == paths.end()) paths.push_back(path);
      auto& seen = values[path];
      if (std::find(seen.begin(), seen.end(), value.get<std::string>()) == seen.end()) seen.push_back(value.get<std::string>());
    }
    sets.push_back(pairs);
    json point;
    point["replications"] = check.need(p, at, "replications", ordered::value_t::number_unsigned, "a count").get<long long>();
    if (p.contains("precision_met")) {
      if (!p["precision_met"].is_boolean()) check.fail(at + ".precision_met", "expected true or false");
      point["precision_met"] = p["precision_met"].get<bool>();
    }
    const auto& metrics = check.need(p, at, "metrics", ordered::value_t::object, "an object of metric -> {unit, mean, half_width, low, high}");
    for (const auto& chart : kCharts) {
      if (!metrics.contains(chart.metric)) check.fail(at + ".metrics." + chart.metric, "required: {unit, mean, half_width, low, high}");
    }
    json out = json::object();
    for (const auto& [name, m] : metrics.items()) {
      const std::string mp = at + ".metrics." + name;
      if (!m.is_object()) check.fail(mp, "expected an object {unit, mean, half_width, low, high}");
      const std::string unit = check.need(m, mp, "unit", ordered::value_t::string, "a string").get<std::string>();
      out[name] = {{"mean", check.number_or_null(m, mp, "mean")}, {"half_width", check.number_or_null(m, mp, "half_width")},
                   {"low", check.number_or_null(m, mp, "low")}, {"high", check.number_or_null(m, mp, "high")}};
      if (i == 0) metrics_list.push_back({{"name", name}, {"unit", unit}});
    }
    point["metrics"] = out;
    points.push_back(point);
  }

  // Varying paths are the parameters; the first is the x axis.
  json parameters = json::array(), fixed = json::array();
  std::vector<std::string> varying;
  for (const auto& path : paths) {
    const auto& v = values[path];
    bool everywhere = true;
    for (const auto& s : sets) everywhere = everywhere && std::any_of(s.begin(), s.end(), [&](const auto& e) { return e.first == path; });
    if (v.size() > 1 || !everywhere) {
      varying.push_back(path);
      parameters.push_back({{"path", path}, {"values", v}});
    } else {
      fixed.push_back({path, v.front()});
    }
  }
  auto value_of = [&](std::size_t point, const std::string& path) {
    for (const auto& [p, v] : sets[point]) {
      if (p == path) return v;
    }
    return std::string("(unset)");
  };
  json x_axis;
  std::vector<double> xs(points.size());
  if (varying.empty()) {
    // Nothing varies: the points side by side as categories.
    json categories = json::array();
    for (std::size_t i = 0; i < points.size(); ++i) {
      categories.push_back(sets[i].empty() ? "baseline" : join_pairs(sets[i], ", "));
      xs[i] = static_cast<double>(i);
    }
    x_axis = {{"path", "point"}, {"numeric", false}, {"categories", categories}};
  } else {
    const std::string& path = varying.front();
    bool numeric = true;
    for (std::size_t i = 0; i < points.size() && numeric; ++i) numeric = is_number(value_of(i, path), &xs[i]);
    std::vector<std::string> categories;
    if (!numeric) {
      for (std::size_t i = 0; i < points.size(); ++i) {
        const std::string v = value_of(i, path);
        auto it = std::find(categories.begin(), categories.end(), v);
        if (it == categories.end()) it = categories.insert(categories.end(), v);
        xs[i] = static_cast<double>(it - categories.begin());
      }
    }
    x_axis = {{"path", path}, {"numeric", numeric}, {"categories", categories}};
  }

  // One series per combination of the other varying paths, in first-seen order.
  std::vector<std::string> series_labels;
  std::vector<std::vector<std::size_t>> series_points;
  for (std::size_t i = 0; i < points.size(); ++i) {
    std::vector<std::pair<std::string, std::string>> others;
    for (std::size_t k = 1; k < varying.size(); ++k) others.emplace_back(varying[k], value_of(i, varying[k]));
    const std::string label = others.empty() ? "mean" : join_pairs(others, ", ");
    auto it = std::find(series_labels.begin(), series_labels.end(), label);
    if (it == series_labels.end()) {
      series_labels.push_back(label);
      series_points.emplace_back();
      it = series_labels.end() - 1;
    }
    series_points[static_cast<std::size_t>(it - series_labels.begin())].push_back(i);
  }
  json series = json::array();
  for (std::size_t s = 0; s < series_labels.size(); ++s) {
    auto& members = series_points[s];
    std::stable_sort(members.begin(), members.end(), [&](std::size_t a, std::size_t b) { return xs[a] < xs[b]; });
    series.push_back({{"label", series_labels[s]}, {"points", members}});
  }
  for (std::size_t i = 0; i < points.size(); ++i) {
    json set = json::array();
    for (const auto& [p, v] : sets[i]) set.push_back({p, v});
    points[i]["set"] = set;
    points[i]["label"] = sets[i].empty() ? "baseline" : join_pairs(sets[i], " ");
    points[i]["x"] = xs[i];
  }

  const std::string name = scenario["name"].get<std::string>();
  const std::string x_name = x_axis["path"].get<std::string>();
  char level_text[32];
  std::snprintf(level_text, sizeof level_text, "%g", level * 100);
  json charts = json::array();
  for (const auto& c : kCharts) {
    charts.push_back({{"name", c.name}, {"metric", c.metric},
                      {"title", name + ": " + c.what + " vs " + x_name + " (mean, " + level_text + " % interval)"},
                      {"y_label", c.y_label}, {"scale", c.scale}});
  }
  json scenario_out = {{"name", name}};
  if (scenario.contains("file") && scenario["file"].is_string()) scenario_out["file"] = scenario["file"].get<std::string>();
  if (scenario.contains("seed") && scenario["seed"].is_number_unsigned()) scenario_out["seed"] = scenario["seed"].get<std::uint64_t>();
  return {{"scenario", scenario_out},
          {"confidence_level", level},
          {"replications", doc.contains("replications") && doc["replications"].is_number() ? doc["replications"].get<double>() : 0.0},
          {"parameters", parameters},
          {"fixed", fixed},
          {"x", x_axis},
          {"metrics", metrics_list},
          {"points", points},
          {"series", series},
          {"charts", charts}};
}

}  // namespace fleetsim::reports
