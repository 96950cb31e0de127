// Why a load-generator request ended; disjoint, one per request. Names are the results'
// by_outcome keys (docs/results.md).
#pragma once

#include <string_view>

namespace fleetsim::loadgen {

enum class LoadOutcome {
  kOk,           // 2xx
  kHttp4xx,
  kHttp5xx,
  kHttpOther,    // 1xx or 3xx (not followed)
  kTimeout,      // no complete response before the deadline (connect, handshake, write or read)
  kRefused,      // connection refused
  kReset,        // the connection was reset or closed before a complete response
  kBadResponse,  // the target answered something that is not HTTP/1.x
  kTls,          // https: the TLS handshake failed (untrusted certificate, wrong name, no TLS there)
  kIoError,      // any other socket error (unreachable, a source address that cannot be bound, ...)
  kDropped,      // never sent: no connection was free before its deadline
};
inline constexpr int kLoadOutcomeCount = 11;

std::string_view load_outcome_name(LoadOutcome outcome);

}  // namespace fleetsim::loadgen
