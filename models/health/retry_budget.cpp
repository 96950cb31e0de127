#include "models/health/retry_budget.h"

#include <algorithm>
#include <cassert>

namespace fleetsim::models {
namespace {

constexpr std::int64_t kScale = 1000;  // Finagle's ScaleFactor: tokens per deposit

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

}  // namespace

RetryBudget::RetryBudget(double percent, std::uint32_t min_retries_per_s, sim::SimTime ttl)
    : deposit_tokens_(percent == 0 ? 0 : kScale),
      // 100000 / percent = 1000 / (percent / 100), computed without rounding 20 % to 0.2 first.
      withdrawal_tokens_(percent == 0 ? 1 : std::max<std::int64_t>(1, static_cast<std::int64_t>(100.0 * kScale / percent))),
      reserve_tokens_(std::int64_t{min_retries_per_s} * (ttl / sim::kNanosPerSecond) * withdrawal_tokens_),
      slice_width_(ttl / kSlices) {
  assert(percent >= 0 && "percent must be >= 0");
  assert(slice_width_ > 0 && "ttl too short");
}

void RetryBudget::advance(sim::SimTime now) {
  const std::int64_t slice = floor_div(now, slice_width_);
  if (slice <= current_) return;
  const std::int64_t expired = std::min<std::int64_t>(slice - current_, kSlices);
  for (std::int64_t j = 1; j <= expired; ++j) {
    std::int64_t& s = slices_[static_cast<std::size_t>((current_ + j) % kSlices)];
    window_sum_ -= s;
    s = 0;
  }
  current_ = slice;
}

void RetryBudget::deposit(sim::SimTime now) {
  advance(now);
  slices_[static_cast<std::size_t>(current_ % kSlices)] += deposit_tokens_;
  window_sum_ += deposit_tokens_;
}

bool RetryBudget::try_withdraw(sim::SimTime now) {
  advance(now);
  if (window_sum_ + reserve_tokens_ < withdrawal_tokens_) return false;
  slices_[static_cast<std::size_t>(current_ % kSlices)] -= withdrawal_tokens_;
  window_sum_ -= withdrawal_tokens_;
  return true;
}

std::int64_t RetryBudget::balance(sim::SimTime now) {
  advance(now);
  return std::max<std::int64_t>(0, (window_sum_ + reserve_tokens_) / withdrawal_tokens_);
}

}  // namespace fleetsim::models
