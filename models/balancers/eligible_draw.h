// Drawing a backend slot uniformly among those a request may still use: the first step of the
// two-choice algorithms (p2c, peak_ewma).
#pragma once

#include "models/balancers/balancer.h"

namespace fleetsim::models {

// A slot drawn uniformly from those not excluded and not `avoid`, or kNoBackend if there is none.
// Redraws while few slots are excluded (O(1) expected); otherwise, or after kMaxDraws misses,
// counts the candidates in one linear pass. Both ways give the same uniform distribution.
inline int draw_eligible(const PickRequest& request, std::size_t count, int avoid, sim::Rng& rng) {
  constexpr int kMaxDraws = 20;
  const std::size_t candidates = count - (avoid == kNoBackend ? 0 : 1);
  if (candidates > 2 * request.exclude.size()) {  // at least half the candidates are eligible
    for (int draw = 0; draw < kMaxDraws; ++draw) {
      auto slot = static_cast<std::size_t>(rng.below(candidates));
      if (avoid != kNoBackend && slot >= static_cast<std::size_t>(avoid)) ++slot;  // skip `avoid`
      if (!is_excluded(request, slot)) return static_cast<int>(slot);
    }
  }
  std::size_t eligible = 0;
  for (std::size_t slot = 0; slot < count; ++slot) {
    if (static_cast<int>(slot) != avoid && !is_excluded(request, slot)) ++eligible;
  }
  if (eligible == 0) return kNoBackend;
  auto remaining = rng.below(eligible);
  for (std::size_t slot = 0; slot < count; ++slot) {
    if (static_cast<int>(slot) == avoid || is_excluded(request, slot)) continue;
    if (remaining-- == 0) return static_cast<int>(slot);
  }
  return kNoBackend;  // unreachable: remaining < eligible
}

}  // namespace fleetsim::models
