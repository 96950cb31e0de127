// Progress on stderr for runs longer than a second: one line a second, nothing when quiet.
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

namespace fleetsim::cli {

class ProgressLine {
 public:
  ProgressLine(std::string label, bool quiet) : label_(std::move(label)), quiet_(quiet) {}
  void update(double fraction) {
    if (quiet_) return;
    const auto now = std::chrono::steady_clock::now();
    if (now - start_ < std::chrono::seconds(1) || now - last_ < std::chrono::seconds(1)) return;
    last_ = now;
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    const double eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0;
    std::fprintf(stderr, "%s: %5.1f %% simulated, %.0f s elapsed, ~%.0f s left\n", label_.c_str(), 100 * fraction,
                 elapsed, eta);
    printed_ = true;
  }

 private:
  std::string label_;
  bool quiet_;
  bool printed_ = false;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_ = start_;
};

}  // namespace fleetsim::cli
