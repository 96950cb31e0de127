// How a request ended. Outcomes are disjoint: every request sent has exactly one.
#pragma once

#include <cstdint>
#include <string_view>

namespace fleetsim::models {

enum class Outcome : std::uint8_t {
  kOk,          // a 2xx answer from the right service
  kHttp5xx,     // a task answered 500 (its error_rate, or a failed downstream call)
  kRejected,    // a task's queue was full: 503
  kNoBackend,   // the balancer had no backend to send to: 502
  kTimeout,     // connect or read timeout
  kRefused,     // connection refused (a closed port)
  kMisrouted,   // answered by another service's task (a reused port): a wrong answer
  kUnfinished,  // still without an answer when the run's drain period ended
  kReset,       // the connection was cut while waiting (the task was killed)
};
inline constexpr int kOutcomeCount = 9;

inline std::string_view outcome_name(Outcome o) {
  switch (o) {
    case Outcome::kOk: return "ok";
    case Outcome::kHttp5xx: return "http_5xx";
    case Outcome::kRejected: return "rejected";
    case Outcome::kNoBackend: return "no_backend";
    case Outcome::kTimeout: return "timeout";
    case Outcome::kRefused: return "refused";
    case Outcome::kMisrouted: return "misrouted";
    case Outcome::kUnfinished: return "unfinished";
    case Outcome::kReset: return "reset";
  }
  return "unknown";
}

}  // namespace fleetsim::models
