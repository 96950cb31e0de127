// Typed, path-aware reading of one JSON object: every read names its JSON path in errors, and
// finish() rejects keys nobody read, suggesting the nearest valid key.
//
// Internal to the scenario parser (it includes nlohmann/json, which models never see).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "scenario/input_error.h"

namespace fleetsim::scenario {

enum class Range { kAny, kPositive, kNonNegative, kProbability, kPercent };

class ObjectReader {
 public:
  // Throws unless `value` is an object.
  ObjectReader(const nlohmann::json& value, std::string path, const std::string& file);

  bool has(const std::string& key) const;
  double number(const std::string& key, double fallback, Range range = Range::kAny, double max = 1e15);
  std::optional<double> optional_number(const std::string& key, Range range = Range::kAny, double max = 1e15);
  std::int64_t integer(const std::string& key, std::int64_t fallback, std::int64_t min, std::int64_t max);
  std::string string(const std::string& key, const std::string& fallback);
  // A string that must be one of `allowed`.
  std::string choice(const std::string& key, const std::string& fallback, const std::vector<std::string>& allowed);
  bool boolean(const std::string& key, bool fallback);
  // The raw child (marks the key as known); nullptr when absent.
  const nlohmann::json* child(const std::string& key);
  // The child object or array; throws if present with another type.
  const nlohmann::json* object(const std::string& key);
  const nlohmann::json* array(const std::string& key);
  // A known key whose behaviour this build does not model: accepted and reported.
  void unmodelled(const std::string& key, std::vector<std::string>& notes);
  // Throws for any key not read, naming the nearest known one.
  void finish() const;

  std::string path_of(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }
  [[noreturn]] void fail(const std::string& key, const std::string& message) const;
  const std::string& path() const { return path_; }
  const std::string& file() const { return file_; }

 private:
  const nlohmann::json& value_;
  std::string path_;
  const std::string& file_;
  std::vector<std::string> known_;
};

// What a JSON value is, for messages ("a string", "an array").
std::string json_kind(const nlohmann::json& value);
// Levenshtein distance, for "did you mean".
std::size_t edit_distance(const std::string& a, const std::string& b);

}  // namespace fleetsim::scenario
