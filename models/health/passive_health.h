// nginx's passive health check (`server ... max_fails=N fail_timeout=T`), per backend slot, as
// ngx_http_upstream_round_robin.c implements it for round robin and for the balancers built on
// it (least_conn, ip_hash, hash). One instance per balancer instance (one nginx worker without a
// shared `zone`); slots are 0..n-1 of the current backend set.
//
// The rules, with nginx's names (fails, checked, accessed):
//   eligible   skipped while  max_fails && fails >= max_fails && now - checked <= fail_timeout
//   chosen     if (now - checked > fail_timeout) checked = now
//   failure    fails++; accessed = now; checked = now
//   success    if (accessed < checked) fails = 0
// Consequences worth knowing (tests pin each):
// - A peer becomes unavailable on the request that makes fails reach max_fails, and stays so
//   while now - checked <= fail_timeout: it is eligible again strictly after checked + fail_timeout.
// - Then one request is let through: choosing it moves `checked` to now, which makes it
//   unavailable again for everyone else until that request ends. A failure puts it down for another
//   fail_timeout; a success resets fails to 0 (accessed < checked).
// - fails is never reset by time alone, only by a success whose peer was chosen after
//   `checked` moved, i.e. more than fail_timeout after the last failure. Failures spread further
//   apart than fail_timeout, with no request in between, still add up.
// - A success within fail_timeout of the last failure does not reset fails.
// - max_fails = 0 disables the accounting (fails are still counted, as nginx does).
// - A group with a single server (slots == 1) is never unavailable and counts nothing: nginx's
//   `peers->single` path skips both checks. (nginx clears `single` when the upstream has backup
//   servers; backups are not modelled.)
// - Current nginx does not reset the peers' fails when all are unavailable (old releases did,
//   "mark them as live for quick recovery"); when no peer is eligible the request gets a 502.
//
// What counts as a failure is the caller's business and follows ngx_http_upstream_next(): a
// connect error, a timeout and an invalid header always; an HTTP status only when it is listed in
// proxy_next_upstream AND another try remains (on the last try the response goes to the client and
// the peer is freed as a success); 403 and 404 never. Everything else is a success.
// nginx also lowers the failed peer's effective weight by weight / max_fails (weighted round
// robin); that belongs to the balancer algorithm, not here.
//
// Time. nginx keeps these times as ngx_time(), whole seconds (the cached time of the event-loop
// iteration). With whole_seconds (the default) times and fail_timeout are floored to seconds, as
// there: a peer that reaches max_fails at t = 102.9 s is eligible again from t = 133.0 s (an
// unavailability between fail_timeout and fail_timeout + 1 s, depending on where in its second the
// last failure fell); fail_timeout=0 holds a peer down for the rest of the second of its failure.
// Without it, times are compared in nanoseconds: eligible again from checked + fail_timeout + 1 ns.
//
// Thread safety: none; one owner. Every call is O(1).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/time.h"

namespace fleetsim::models {

class PassiveHealth {
 public:
  // max_fails: nginx `max_fails` (default 1; 0 disables). fail_timeout: nginx `fail_timeout`
  // (default 10 s), >= 0.
  PassiveHealth(std::uint32_t max_fails, sim::SimTime fail_timeout, bool whole_seconds = true);

  // Starts a new backend set of `slots` peers, all with fails = 0 (an nginx reload).
  void reset(std::size_t slots);

  // Whether `slot` may be chosen at `now` (the get_peer test).
  bool eligible(std::size_t slot, sim::SimTime now) const;
  // `slot` was chosen for a request at `now` (end of get_peer).
  void on_chosen(std::size_t slot, sim::SimTime now);
  // The attempt on `slot` ended at `now` as a failure / a success (free_peer).
  void on_failure(std::size_t slot, sim::SimTime now);
  void on_success(std::size_t slot, sim::SimTime now);

  // The earliest time from which `slot` is eligible if nothing else happens to it; <= now when it
  // is eligible now (0 when it is not held down at all). For a caller's small list of down slots.
  sim::SimTime down_until(std::size_t slot) const;
  // nginx's `fails` counter of `slot`.
  std::uint32_t fails(std::size_t slot) const { return peers_[slot].fails; }

  std::size_t size() const { return peers_.size(); }

 private:
  struct Peer {
    std::uint32_t fails = 0;
    // In the unit of comparison: whole seconds when whole_seconds_, else nanoseconds. They start
    // far in the past, as nginx's zeroed fields do against a Unix-epoch clock.
    std::int64_t checked = 0;
    std::int64_t accessed = 0;
  };

  // `now` in the unit of comparison.
  std::int64_t clock(sim::SimTime now) const;
  bool held_down(const Peer& peer, std::int64_t t) const;

  std::uint32_t max_fails_;
  std::int64_t fail_timeout_;  // in the unit of comparison
  bool whole_seconds_;
  bool single_ = false;        // one peer: nginx's `single`, never down
  std::vector<Peer> peers_;    // indexed by slot
};

}  // namespace fleetsim::models
