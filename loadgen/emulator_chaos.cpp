#include "loadgen/emulator_chaos.h"

#include <cmath>
#include <utility>

namespace fleetsim::loadgen {

namespace {

constexpr std::string_view kPrefix = "/_chaos/";

// The number after "KEY=" in `query`, or NaN when absent or malformed.
double query_number(std::string_view query, std::string_view key) {
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    if (pair.size() > key.size() && pair.substr(0, key.size()) == key && pair[key.size()] == '=') {
      const std::string value(pair.substr(key.size() + 1));
      try {
        std::size_t used = 0;
        const double x = std::stod(value, &used);
        return used == value.size() && std::isfinite(x) ? x : NAN;
      } catch (const std::exception&) {
        return NAN;
      }
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return NAN;
}

}  // namespace

bool EmulatorChaos::is_control_target(std::string_view target) {
  return target.substr(0, kPrefix.size()) == kPrefix;
}

EmulatorChaos::Control EmulatorChaos::apply(std::string_view target, std::string& message) {
  target.remove_prefix(kPrefix.size());
  const auto q = target.find('?');
  const std::string_view action = target.substr(0, q);
  const std::string_view query = q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
  if (action == "hang") {
    hung_ = true;
    message = "hung: answering nothing until /_chaos/resume\n";
  } else if (action == "slow") {
    const double ms = query_number(query, "ms");
    if (!(ms >= 0)) {
      message = "slow needs ?ms=N with N >= 0\n";
      return Control::kBadRequest;
    }
    extra_ms_ = ms;
    message = "slow: +" + std::to_string(ms) + " ms per request\n";
  } else if (action == "error") {
    const double rate = query_number(query, "rate");
    if (!(rate >= 0 && rate <= 1)) {
      message = "error needs ?rate=R with 0 <= R <= 1\n";
      return Control::kBadRequest;
    }
    error_rate_ = rate;
    message = "error rate " + std::to_string(rate) + "\n";
  } else if (action == "unhealthy") {
    unhealthy_ = true;
    message = "unhealthy: /health answers 503\n";
  } else if (action == "resume") {
    hung_ = unhealthy_ = false;
    extra_ms_ = 0;
    error_rate_ = -1;
    message = "resumed\n";
    std::vector<std::function<void()>> held;
    held.swap(held_);
    for (auto& action_held : held) action_held();
  } else {
    message = "unknown chaos action; one of hang, slow?ms=N, error?rate=R, unhealthy, resume\n";
    return Control::kUnknown;
  }
  return Control::kApplied;
}

void EmulatorChaos::when_answering(std::function<void()> action) {
  if (hung_) {
    held_.push_back(std::move(action));
  } else {
    action();
  }
}

}  // namespace fleetsim::loadgen
