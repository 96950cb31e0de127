#include "results/results_reader.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "scenario/input_error.h"

namespace fleetsim::results {

namespace {

using nlohmann::json;

// Walks the document; every accessor names the JSON path of what it reads in its error.
class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const std::string& path, const std::string& message) const {
    throw scenario::InputError(file_, path, message);
  }
  const json& member(const json& object, const std::string& path, const char* key) const {
    const auto it = object.find(key);
    if (it == object.end()) fail(join(path, key), "required key is missing");
    return *it;
  }
  const json& object(const json& parent, const std::string& path, const char* key) const {
    const json& v = member(parent, path, key);
    if (!v.is_object()) fail(join(path, key), "expected an object");
    return v;
  }
  double number(const json& parent, const std::string& path, const char* key) const {
    return number_at(member(parent, path, key), join(path, key));
  }
  double number_at(const json& v, const std::string& path) const {
    if (!v.is_number()) fail(path, "expected a number");
    return v.get<double>();
  }
  std::uint64_t count(const json& parent, const std::string& path, const char* key) const {
    return count_at(member(parent, path, key), join(path, key));
  }
  std::uint64_t count_at(const json& v, const std::string& path) const {
    if (!v.is_number_unsigned()) fail(path, "expected a non-negative integer");
    return v.get<std::uint64_t>();
  }
  std::string text(const json& parent, const std::string& path, const char* key) const {
    const json& v = member(parent, path, key);
    if (!v.is_string()) fail(join(path, key), "expected a string");
    return v.get<std::string>();
  }
  bool boolean(const json& parent, const std::string& path, const char* key) const {
    const json& v = member(parent, path, key);
    if (!v.is_boolean()) fail(join(path, key), "expected true or false");
    return v.get<bool>();
  }
  std::vector<double> numbers(const json& parent, const std::string& path, const char* key) const {
    const json& v = member(parent, path, key);
    if (!v.is_array()) fail(join(path, key), "expected an array of numbers");
    std::vector<double> out;
    out.reserve(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) out.push_back(number_at(v[i], join(path, key) + "[" + std::to_string(i) + "]"));
    return out;
  }
  LatencySummary latency(const json& parent, const std::string& path, const char* key) const {
    const json& l = object(parent, path, key);
    const std::string p = join(path, key);
    return {number(l, p, "mean"), number(l, p, "p50"), number(l, p, "p90"), number(l, p, "p95"),
            number(l, p, "p99"),  number(l, p, "p999"), number(l, p, "max")};
  }
  static std::string join(const std::string& path, const std::string& key) { return path.empty() ? key : path + "." + key; }

 private:
  std::string file_;
};

void read_services(const Reader& in, const json& doc, Results& r) {
  for (const auto& [name, s] : in.object(doc, "", "services").items()) {
    const std::string p = "services." + name;
    if (!s.is_object()) in.fail(p, "expected an object");
    ServiceResult out;
    out.requests = in.count(s, p, "requests");
    if (s.contains("failed")) out.failed = in.count(s, p, "failed");
    if (s.contains("misrouted")) out.misrouted = in.count(s, p, "misrouted");
    out.latency = in.latency(s, p, "latency_ms");
    const json& tasks = in.object(s, p, "tasks");
    out.tasks_min = in.number(tasks, p + ".tasks", "min");
    out.tasks_max = in.number(tasks, p + ".tasks", "max");
    out.tasks_mean = in.number(tasks, p + ".tasks", "mean");
    if (tasks.contains("pending_mean")) out.pending_mean = in.number(tasks, p + ".tasks", "pending_mean");
    if (tasks.contains("pending_max")) out.pending_max = in.number(tasks, p + ".tasks", "pending_max");
    out.cpu_utilization = in.number(s, p, "cpu_utilization");
    if (s.contains("per_task_requests")) {
      const json& v = s["per_task_requests"];
      if (!v.is_array()) in.fail(p + ".per_task_requests", "expected an array of integers");
      for (std::size_t i = 0; i < v.size(); ++i) {
        out.per_task_requests.push_back(in.count_at(v[i], p + ".per_task_requests[" + std::to_string(i) + "]"));
      }
    }
    if (s.contains("requests_by_task")) {
      for (const auto& [task, n] : in.object(s, p, "requests_by_task").items()) {
        out.requests_by_task[task] = in.count_at(n, p + ".requests_by_task." + task);
      }
    }
    r.services[name] = std::move(out);
  }
}

void read_timeseries(const Reader& in, const json& doc, Results& r) {
  const json& ts = in.object(doc, "", "timeseries");
  const std::string p = "timeseries";
  Series& s = r.timeseries;
  s.step_s = in.number(ts, p, "step_s");
  s.t = in.numbers(ts, p, "t");
  const auto same_length = [&](const char* key) {
    std::vector<double> v = ts.contains(key) ? in.numbers(ts, p, key) : std::vector<double>{};
    if (ts.contains(key) && v.size() != s.t.size()) {
      in.fail(p + "." + key, "expected " + std::to_string(s.t.size()) + " values (one per step of timeseries.t), got " +
                                 std::to_string(v.size()));
    }
    return v;
  };
  s.rps = same_length("rps");
  s.ok_rps = same_length("ok_rps");
  s.errors = same_length("errors");
  s.retries = same_length("retries");
  s.p50_ms = same_length("p50_ms");
  s.p99_ms = same_length("p99_ms");
  if (ts.contains("errors_by_outcome")) {
    const json& by = in.object(ts, p, "errors_by_outcome");
    for (auto it = by.begin(); it != by.end(); ++it) {
      std::vector<double> values = in.numbers(by, p + ".errors_by_outcome", it.key().c_str());
      if (values.size() != s.t.size()) {
        in.fail(p + ".errors_by_outcome." + it.key(), "expected one value per step of timeseries.t");
      }
      s.errors_by_outcome[it.key()] = std::move(values);
    }
  }
  if (ts.contains("tasks")) {
    const json& tasks = in.object(ts, p, "tasks");
    for (auto it = tasks.begin(); it != tasks.end(); ++it) {
      std::vector<double> values = in.numbers(tasks, p + ".tasks", it.key().c_str());
      if (values.size() != s.t.size()) in.fail(p + ".tasks." + it.key(), "expected one value per step of timeseries.t");
      s.tasks[it.key()] = std::move(values);
    }
  }
}

void read_histogram(const Reader& in, const json& doc, Results& r) {
  if (!doc.contains("latency_histogram")) return;
  const json& h = in.object(doc, "", "latency_histogram");
  const json& buckets = in.member(h, "latency_histogram", "buckets");
  if (!buckets.is_array()) in.fail("latency_histogram.buckets", "expected an array of [lower, upper, count]");
  for (std::size_t i = 0; i < buckets.size(); ++i) {
    const std::string p = "latency_histogram.buckets[" + std::to_string(i) + "]";
    const json& b = buckets[i];
    if (!b.is_array() || b.size() != 3) in.fail(p, "expected [lower_ns, upper_ns, count]");
    const auto lower = static_cast<sim::SimTime>(in.count_at(b[0], p + "[0]"));
    r.histogram.record_n(lower, in.count_at(b[2], p + "[2]"));
  }
}

}  // namespace

Results parse_results_text(const std::string& text, const std::string& file) {
  const Reader in(file);
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::exception& e) {
    // parse_error, and out_of_range for a number beyond a double (found by the results fuzzer).
    in.fail("", std::string("not valid JSON: ") + e.what());
  }
  if (!doc.is_object()) in.fail("", "expected a results object");
  if (in.text(doc, "", "schema") != "fleetsim.results/1") in.fail("schema", "expected \"fleetsim.results/1\"");
  Results r;
  r.source = in.text(doc, "", "source");
  const json& scenario = in.object(doc, "", "scenario");
  r.scenario_name = in.text(scenario, "scenario", "name");
  if (scenario.contains("sha256")) r.scenario_sha256 = in.text(scenario, "scenario", "sha256");
  if (scenario.contains("seed")) r.seed = in.count(scenario, "scenario", "seed");
  const json& window = in.object(doc, "", "window");
  r.window_start_s = in.number(window, "window", "start_s");
  r.window_end_s = in.number(window, "window", "end_s");
  const json& requests = in.object(doc, "", "requests");
  r.sent = in.count(requests, "requests", "sent");
  r.ok = in.count(requests, "requests", "ok");
  r.failed = in.count(requests, "requests", "failed");
  if (requests.contains("retries")) r.retries = in.count(requests, "requests", "retries");
  for (const auto& [outcome, n] : in.object(requests, "requests", "by_outcome").items()) {
    r.by_outcome[outcome] = in.count_at(n, "requests.by_outcome." + outcome);
  }
  r.availability = in.number(doc, "", "availability");
  r.throughput_rps = in.number(doc, "", "throughput_rps");
  r.latency = in.latency(doc, "", "latency_ms");
  if (doc.contains("latency_uncorrected_ms")) r.latency_uncorrected = in.latency(doc, "", "latency_uncorrected_ms");
  if (doc.contains("concurrency")) r.concurrency_mean = in.number(in.object(doc, "", "concurrency"), "concurrency", "mean");
  read_histogram(in, doc, r);
  if (doc.contains("services")) read_services(in, doc, r);
  read_timeseries(in, doc, r);
  if (doc.contains("events")) {
    const json& events = doc["events"];
    if (!events.is_array()) in.fail("events", "expected an array of {t, kind, detail}");
    for (std::size_t i = 0; i < events.size(); ++i) {
      const std::string p = "events[" + std::to_string(i) + "]";
      if (!events[i].is_object()) in.fail(p, "expected an object {t, kind, detail}");
      r.events.push_back({in.number(events[i], p, "t"), in.text(events[i], p, "kind"), in.text(events[i], p, "detail")});
    }
  }
  if (doc.contains("failover")) {
    const json& f = in.object(doc, "", "failover");
    auto& o = r.failover;
    o.present = true;
    o.outage_at_s = in.number(f, "failover", "outage_at_s");
    o.detected_at_s = in.number(f, "failover", "detected_at_s");
    o.recovered_at_s = in.number(f, "failover", "recovered_at_s");
    o.rto_s = in.number(f, "failover", "rto_s");
    o.rpo_s = in.number(f, "failover", "rpo_s");
    o.lost_writes = in.number(f, "failover", "lost_writes");
  }
  if (doc.contains("cost")) {
    const json& c = in.object(doc, "", "cost");
    r.cost.present = true;
    r.cost.period_usd = in.number(c, "cost", "period_usd");
    r.cost.monthly_usd = in.number(c, "cost", "monthly_usd");
    for (const auto& [item, usd] : in.object(c, "cost", "breakdown").items()) {
      r.cost.breakdown[item] = in.number_at(usd, "cost.breakdown." + item);
    }
  }
  if (doc.contains("slo")) {
    const json& slo = in.object(doc, "", "slo");
    const json& checks = in.member(slo, "slo", "checks");
    if (!checks.is_array()) in.fail("slo.checks", "expected an array");
    for (std::size_t i = 0; i < checks.size(); ++i) {
      const std::string p = "slo.checks[" + std::to_string(i) + "]";
      if (!checks[i].is_object()) in.fail(p, "expected an object {name, target, actual, pass}");
      r.slo_checks.push_back({in.text(checks[i], p, "name"), in.number(checks[i], p, "target"),
                              in.number(checks[i], p, "actual"), in.boolean(checks[i], p, "pass")});
    }
    r.slo_pass = in.boolean(slo, "slo", "pass");
  }
  if (doc.contains("warnings")) {
    const json& w = doc["warnings"];
    if (!w.is_array()) in.fail("warnings", "expected an array of strings");
    for (std::size_t i = 0; i < w.size(); ++i) {
      if (!w[i].is_string()) in.fail("warnings[" + std::to_string(i) + "]", "expected a string");
      r.warnings.push_back(w[i].get<std::string>());
    }
  }
  if (doc.contains("engine")) {
    const json& e = in.object(doc, "", "engine");
    if (e.contains("events")) r.engine_events = in.count(e, "engine", "events");
    if (e.contains("wall_s")) r.engine_wall_s = in.number(e, "engine", "wall_s");
  }
  return r;
}

Results read_results(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw scenario::InputError(path, "", "cannot open (expected a results.json written by fleetsim)");
  std::stringstream text;
  text << in.rdbuf();
  return parse_results_text(text.str(), path);
}

}  // namespace fleetsim::results
