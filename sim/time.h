// Virtual time: integer nanoseconds, so event order never depends on rounding.
#pragma once

#include <cmath>
#include <cstdint>

namespace fleetsim::sim {

// Nanoseconds since the start of the simulated run (or of a load run, in wall time).
using SimTime = std::int64_t;

inline constexpr SimTime kNanosPerMicro = 1'000;
inline constexpr SimTime kNanosPerMilli = 1'000'000;
inline constexpr SimTime kNanosPerSecond = 1'000'000'000;
// Far enough to mean "never" and still safe to add a day to without overflow.
inline constexpr SimTime kNever = INT64_MAX / 4;

// Rounds to the nearest nanosecond; callers validate the range (|s| < 1e8 s).
inline SimTime from_seconds(double s) { return static_cast<SimTime>(std::llround(s * 1e9)); }
inline SimTime from_millis(double ms) { return static_cast<SimTime>(std::llround(ms * 1e6)); }
inline double to_seconds(SimTime t) { return static_cast<double>(t) * 1e-9; }
inline double to_millis(SimTime t) { return static_cast<double>(t) * 1e-6; }

}  // namespace fleetsim::sim
