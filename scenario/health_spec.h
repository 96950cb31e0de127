// The balancer's health and retry settings as typed values: passive health (nginx max_fails /
// fail_timeout), active health checks (ALB / HAProxy), outlier detection (Envoy) and retries
// (nginx proxy_next_upstream, with an optional Finagle-style budget). Parsed by
// scenario/health_parse.h; the models in models/health/ implement them. Each field names the real
// system's setting, its meaning, unit and default.
#pragma once

#include <bitset>
#include <cstddef>
#include <cstdint>
#include <string>

namespace fleetsim::scenario {

// nginx passive health check, per upstream server: `server ADDR max_fails=N fail_timeout=T`.
// Keys `balancer.max_fails`, `balancer.fail_timeout_s`.
struct PassiveHealthSpec {
  // nginx `max_fails`: failed attempts that make a server unavailable; 0 disables the check.
  // nginx default 1.
  std::uint32_t max_fails = 1;
  // nginx `fail_timeout`, whole seconds: how long a server that reached max_fails is skipped
  // (measured from its last failure), after which one request is let through. nginx default 10 s.
  std::uint32_t fail_timeout_s = 10;
};

// Active health checks. Key `balancer.health_check`; present means enabled.
struct ActiveHealthSpec {
  enum class Initial {
    kHealthy,         // "healthy": up; one failed check takes it down (HAProxy default, init-state up)
    kUnhealthy,       // "unhealthy": down; one passed check brings it up (ALB `initial`, HAProxy init-state down)
    kFullyHealthy,    // "fully_healthy": up; needs unhealthy_threshold failures (HAProxy init-state fully-up)
    kFullyUnhealthy,  // "fully_unhealthy": down; needs healthy_threshold passes (HAProxy init-state fully-down)
  };
  bool enabled = false;
  // ALB HealthCheckIntervalSeconds / HAProxy `inter`: seconds between checks of one target.
  // Default 10 (HAProxy's default inter is 2 s; ALB's is 30 s).
  double interval_s = 10;
  // ALB HealthCheckTimeoutSeconds / HAProxy `timeout check`: a check with no answer within this
  // many seconds failed. Must be < interval_s (ALB requires it). Default 5.
  double timeout_s = 5;
  // ALB HealthyThresholdCount / HAProxy `rise`: consecutive passes that make an unhealthy target
  // healthy. Default 2 (HAProxy's default rise; ALB's is 5).
  std::uint32_t healthy_threshold = 2;
  // ALB UnhealthyThresholdCount / HAProxy `fall`: consecutive failures that make a healthy target
  // unhealthy. Default 3 (HAProxy's default fall; ALB's is 2).
  std::uint32_t unhealthy_threshold = 3;
  // ALB HealthCheckPath / HAProxy `option httpchk GET PATH`: the URL checked. Default "/health".
  std::string path = "/health";
  // The state of a new target (see Initial). Default "healthy", HAProxy's; use "unhealthy" for an ALB.
  Initial initial = Initial::kHealthy;
};

// Envoy outlier detection, consecutive-5xx detector. Key `balancer.outlier_detection`; present
// means enabled.
struct OutlierSpec {
  bool enabled = false;
  // Envoy `consecutive_5xx`: consecutive 5xx (connect failures and timeouts count as 5xx) that
  // eject a host. Envoy default 5.
  std::uint32_t consecutive_5xx = 5;
  // Envoy `interval`, seconds: the sweep that returns ejected hosts and decays the ejection-time
  // multiplier. Envoy default 10 s.
  double interval_s = 10;
  // Envoy `base_ejection_time`, seconds: an ejection lasts this × the host's multiplier (its
  // ejection count, decaying by one per interval of good behaviour). Envoy default 30 s.
  double base_ejection_time_s = 30;
  // Envoy `max_ejection_time`, seconds: cap on one ejection. Envoy default 300 s, or
  // base_ejection_time_s when that is larger; must be >= base_ejection_time_s.
  double max_ejection_time_s = 300;
  // Envoy `max_ejection_percent`: an ejection may not bring the ejected share of hosts above this.
  // Envoy default 10 (so fewer than 10 hosts are never ejected unless always_eject_one_host).
  std::uint32_t max_ejection_percent = 10;
  // Envoy `always_eject_one_host`: allow one ejection whatever max_ejection_percent says.
  // Envoy default false.
  bool always_eject_one_host = false;
};

// What makes an attempt retryable: nginx `proxy_next_upstream` conditions.
enum class RetryCondition : std::uint8_t {
  kError,     // "error": connection refused / reset, or no answer could be read
  kTimeout,   // "timeout": connect, send or read timed out
  kHttp500,   // "http_500"
  kHttp502,   // "http_502"
  kHttp503,   // "http_503"
  kHttp504,   // "http_504"
};
inline constexpr std::size_t kRetryConditionCount = 6;
// The names accepted in `balancer.retries.on`, indexed by RetryCondition.
inline constexpr const char* kRetryConditionNames[kRetryConditionCount] = {
    "error", "timeout", "http_500", "http_502", "http_503", "http_504"};

// Retries. Key `balancer.retries`.
struct RetrySpec {
  // Total attempts per request, the first included: 1 = no retries (our default), 3 = up to two
  // retries on other backends. Maps to nginx `proxy_next_upstream_tries N` for N >= 1. 0 = nginx's
  // own default ("unlimited"): nginx then tries each server of the upstream at most once, so 0
  // means as many attempts as there are backends.
  std::uint32_t tries = 1;
  // nginx `proxy_next_upstream`: the outcomes that are retried; nginx default "error timeout".
  // Indexed by RetryCondition.
  std::bitset<kRetryConditionCount> on = (1u << static_cast<unsigned>(RetryCondition::kError)) |
                                         (1u << static_cast<unsigned>(RetryCondition::kTimeout));
  // Envoy `per_try_timeout`, seconds: one attempt that takes longer is abandoned as a timeout and
  // may be retried. 0 = none (nginx has none: only proxy_read_timeout per attempt). Default 0.
  double per_try_timeout_s = 0;
  // Retry budget, percent (Finagle RetryBudget `percentCanRetry` × 100): retries are allowed while
  // retries in the last 10 s stay within this share of the requests in the last 10 s, plus
  // budget_min_retries_per_s × 10. 0 = no budget (only `tries` limits). Finagle default 20.
  double budget_percent = 0;
  // Finagle RetryBudget `minRetriesPerSec`: retries per second always allowed, for clients at a
  // low rate or just started. Used only with budget_percent > 0. Finagle default 10.
  std::uint32_t budget_min_retries_per_s = 10;

  bool retries_on(RetryCondition c) const { return on.test(static_cast<std::size_t>(c)); }
};

}  // namespace fleetsim::scenario
