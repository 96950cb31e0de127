#include "scenario/json_reader.h"

#include <algorithm>
#include <cmath>

namespace fleetsim::scenario {

std::string json_kind(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::null: return "null";
    case nlohmann::json::value_t::object: return "an object";
    case nlohmann::json::value_t::array: return "an array";
    case nlohmann::json::value_t::string:
      return "a string (" + value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + ")";
    case nlohmann::json::value_t::boolean: return value.get<bool>() ? "true" : "false";
    default: return "the number " + value.dump();
  }
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

ObjectReader::ObjectReader(const nlohmann::json& value, std::string path, const std::string& file)
    : value_(value), path_(std::move(path)), file_(file) {
  if (!value_.is_object()) {
    throw InputError(file_, path_.empty() ? "(top level)" : path_, "expected an object, found " + json_kind(value_));
  }
}

void ObjectReader::fail(const std::string& key, const std::string& message) const {
  throw InputError(file_, key.empty() ? path_ : path_of(key), message);
}

bool ObjectReader::has(const std::string& key) const { return value_.contains(key); }

const nlohmann::json* ObjectReader::child(const std::string& key) {
  known_.push_back(key);
  auto it = value_.find(key);
  return it == value_.end() ? nullptr : &*it;
}

const nlohmann::json* ObjectReader::object(const std::string& key) {
  const nlohmann::json* v = child(key);
  if (v && !v->is_object()) fail(key, "expected an object, found " + json_kind(*v));
  return v;
}

const nlohmann::json* ObjectReader::array(const std::string& key) {
  const nlohmann::json* v = child(key);
  if (v && !v->is_array()) fail(key, "expected an array, found " + json_kind(*v));
  return v;
}

namespace {
std::string range_text(Range range, double max) {
  switch (range) {
    case Range::kPositive: return "a number > 0" + (max < 1e15 ? " and <= " + nlohmann::json(max).dump() : "");
    case Range::kNonNegative: return "a number >= 0" + (max < 1e15 ? " and <= " + nlohmann::json(max).dump() : "");
    case Range::kProbability: return "a probability in [0, 1]";
    case Range::kPercent: return "a percentage in [0, 100]";
    default: return "a number";
  }
}
bool in_range(double x, Range range, double max) {
  if (!std::isfinite(x)) return false;
  switch (range) {
    case Range::kPositive: return x > 0 && x <= max;
    case Range::kNonNegative: return x >= 0 && x <= max;
    case Range::kProbability: return x >= 0 && x <= 1;
    case Range::kPercent: return x >= 0 && x <= 100;
    default: return std::abs(x) <= max;
  }
}
}  // namespace

std::optional<double> ObjectReader::optional_number(const std::string& key, Range range, double max) {
  const nlohmann::json* v = child(key);
  if (!v) return std::nullopt;
  if (!v->is_number()) fail(key, "expected " + range_text(range, max) + ", found " + json_kind(*v));
  const double x = v->get<double>();
  if (!in_range(x, range, max)) fail(key, "expected " + range_text(range, max) + ", found " + v->dump());
  return x;
}

double ObjectReader::number(const std::string& key, double fallback, Range range, double max) {
  return optional_number(key, range, max).value_or(fallback);
}

std::int64_t ObjectReader::integer(const std::string& key, std::int64_t fallback, std::int64_t min, std::int64_t max) {
  const nlohmann::json* v = child(key);
  if (!v) return fallback;
  const std::string expected = "an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "]";
  if (!v->is_number()) fail(key, "expected " + expected + ", found " + json_kind(*v));
  if (v->is_number_integer()) {
    // Compare as integers: a double loses exactness above 2^53.
    if (v->is_number_unsigned() && v->get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
      fail(key, "expected " + expected + ", found " + v->dump());
    }
    const auto n = v->get<std::int64_t>();
    if (n < min || n > max) fail(key, "expected " + expected + ", found " + v->dump());
    return n;
  }
  const double x = v->get<double>();  // 3.0 is an integer too; 3.5 is not
  if (!std::isfinite(x) || x != std::floor(x) || x < static_cast<double>(min) || x > static_cast<double>(max)) {
    fail(key, "expected " + expected + ", found " + v->dump());
  }
  return static_cast<std::int64_t>(x);
}

std::string ObjectReader::string(const std::string& key, const std::string& fallback) {
  const nlohmann::json* v = child(key);
  if (!v) return fallback;
  if (!v->is_string()) fail(key, "expected a string, found " + json_kind(*v));
  return v->get<std::string>();
}

std::string ObjectReader::choice(const std::string& key, const std::string& fallback,
                                 const std::vector<std::string>& allowed) {
  const std::string s = string(key, fallback);
  if (std::find(allowed.begin(), allowed.end(), s) != allowed.end()) return s;
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
  fail(key, "expected one of " + list + ", found \"" + s + "\"");
}

bool ObjectReader::boolean(const std::string& key, bool fallback) {
  const nlohmann::json* v = child(key);
  if (!v) return fallback;
  if (!v->is_boolean()) fail(key, "expected true or false, found " + json_kind(*v));
  return v->get<bool>();
}

void ObjectReader::unmodelled(const std::string& key, std::vector<std::string>& notes) {
  if (child(key)) notes.push_back(path_of(key));
}

void ObjectReader::finish() const {
  for (auto it = value_.begin(); it != value_.end(); ++it) {
    if (std::find(known_.begin(), known_.end(), it.key()) != known_.end()) continue;
    std::string best;
    std::size_t best_distance = SIZE_MAX;
    for (const auto& k : known_) {
      const std::size_t d = edit_distance(it.key(), k);
      if (d < best_distance) {
        best_distance = d;
        best = k;
      }
    }
    std::string message = "unknown key \"" + it.key() + "\"";
    if (!best.empty() && best_distance <= std::max<std::size_t>(2, it.key().size() / 3)) {
      message += "; did you mean \"" + best + "\"?";
    } else {
      std::string list;
      for (const auto& k : known_) list += (list.empty() ? "" : ", ") + k;
      message += "; expected one of: " + list;
    }
    throw InputError(file_, path_of(it.key()), message);
  }
}

}  // namespace fleetsim::scenario
