// A retry budget in the style of Finagle's RetryBudget (com.twitter.finagle.service.RetryBudget,
// a TokenRetryBudget over a leaky TokenBucket): retries are allowed while, over a sliding window
// of `ttl`,
//     retries + 1 <= percent / 100 × requests + min_retries_per_s × ttl_in_whole_seconds.
// Each request (once, not per attempt) deposits; each retry withdraws. Both expire when they
// leave the window, so a burst of retries is forgiven after ttl, like the deposits that paid for it.
//
// Exactly as Finagle, in integer tokens (scale 1000): a deposit is 1000 tokens (0 when percent is
// 0), a withdrawal floor(100000 / percent) tokens (1 when percent is 0), the reserve
// min_retries_per_s × whole seconds of ttl × withdrawal, always available; a withdrawal succeeds
// when window sum + reserve >= withdrawal. Finagle's default is ttl 10 s, 10 retries/s, 20 %.
// With percent 0 and min 0 nothing is ever allowed (Finagle's RetryBudget.Empty).
//
// The window is a ring of 10 slices of ttl / 10 (Finagle's WindowedAdder has 10 too): the current
// slice and the 9 before it, so an entry counts for between 9/10 ttl and ttl. Slices here are
// aligned to multiples of ttl / 10 from time 0; Finagle starts a slice at the first access after
// the previous one ended, which shifts the boundaries by up to the gap between requests.
//
// Not Envoy's retry_budget, which caps *concurrent* retries (active retries <= budget_percent ×
// active requests, at least min_retry_concurrency = 3) rather than a rate over a window.
//
// Thread safety: none; one owner. O(1) amortised: advancing the clock clears at most 10 slices.
#pragma once

#include <array>
#include <cstdint>

#include "sim/time.h"

namespace fleetsim::models {

class RetryBudget {
 public:
  // percent >= 0 (20 = one retry per five requests); min_retries_per_s >= 0; ttl >= 10 ns (Finagle
  // requires 1..60 s).
  RetryBudget(double percent, std::uint32_t min_retries_per_s, sim::SimTime ttl = 10 * sim::kNanosPerSecond);

  // One request was made at `now` (call once per client request, not per attempt).
  void deposit(sim::SimTime now);
  // Whether one retry may be made at `now`; if so, it is withdrawn.
  bool try_withdraw(sim::SimTime now);
  // Retries that could be made at `now` (Finagle's `balance`).
  std::int64_t balance(sim::SimTime now);

 private:
  static constexpr int kSlices = 10;

  // Expires the slices that left the window by `now`. Time that goes back counts as the current slice.
  void advance(sim::SimTime now);

  std::int64_t deposit_tokens_;     // per request
  std::int64_t withdrawal_tokens_;  // per retry
  std::int64_t reserve_tokens_;     // always available on top of the window
  sim::SimTime slice_width_;        // ttl / kSlices
  std::array<std::int64_t, kSlices> slices_{};  // tokens added per slice (deposits − withdrawals)
  std::int64_t current_ = 0;        // absolute index of the current slice (time / slice_width_)
  std::int64_t window_sum_ = 0;     // sum of slices_
};

}  // namespace fleetsim::models
