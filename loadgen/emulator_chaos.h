// The chaos a stack can put on one emulated task through POST /_chaos/* (only with --control):
// hang, slow, error ratio, failing health, and resume. Lives on the emulator's io thread.
//
// A hung task answers nothing: work that would answer (a finished request, a new request, a
// health check) is held back in arrival order and runs on resume, as after SIGCONT.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace fleetsim::loadgen {

class EmulatorChaos {
 public:
  enum class Control { kApplied, kBadRequest, kUnknown };

  // True for the paths this class answers ("/_chaos/..."), with or without a query.
  static bool is_control_target(std::string_view target);
  // Applies "/_chaos/ACTION[?KEY=VALUE]"; `message` explains the result (the response body).
  // Resume runs everything held back while hung, in order.
  Control apply(std::string_view target, std::string& message);

  // Runs `action` now, or on resume while hung.
  void when_answering(std::function<void()> action);
  // Forgets what is held back (the emulator is stopping and closes those connections).
  void drop_held() { held_.clear(); }

  bool hung() const { return hung_; }
  bool unhealthy() const { return unhealthy_; }
  double extra_ms() const { return extra_ms_; }
  // The error ratio in force: the override when set, otherwise `base` (the scenario's).
  double error_rate(double base) const { return error_rate_ >= 0 ? error_rate_ : base; }

 private:
  bool hung_ = false;                          // /_chaos/hang until resume
  bool unhealthy_ = false;                     // /_chaos/unhealthy: /health answers 503
  double extra_ms_ = 0;                        // /_chaos/slow?ms=N: added to every service time
  double error_rate_ = -1;                     // /_chaos/error?rate=R; negative: no override
  std::vector<std::function<void()>> held_;    // answers held back while hung, oldest first
};

}  // namespace fleetsim::loadgen
