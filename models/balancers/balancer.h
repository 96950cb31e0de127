// A load-balancing algorithm: chooses one backend of a service for each request.
//
// One class per algorithm behind this interface; adding one touches its own file and one line
// of registry.cpp. A balancer instance keeps its own state (counters, in-flight requests,
// latency averages) as one nginx worker or one HAProxy process does; `balancer.instances: N`
// makes N independent instances.
//
// Backends are addressed by slot: the index into the set last given to set_backends(). A new
// set starts a new generation and, as an nginx reload does, fresh state: completions of
// requests picked in an older generation are ignored.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "sim/rng.h"
#include "sim/time.h"

namespace fleetsim::models {

struct Backend {
  std::uint64_t id = 0;  // stable identity of the endpoint (hashing keys on it)
  double weight = 1;     // > 0; nginx `weight=`
};

struct PickRequest {
  std::uint32_t client_address = 0;      // the client's IPv4 address, host byte order
  sim::SimTime now = 0;
  std::span<const std::uint32_t> exclude;  // slots already tried for this request (retries)
};

inline constexpr int kNoBackend = -1;

// Whether `slot` was already tried for this request.
inline bool is_excluded(const PickRequest& request, std::size_t slot) {
  for (auto s : request.exclude) {
    if (s == slot) return true;
  }
  return false;
}

class Balancer {
 public:
  virtual ~Balancer() = default;

  // Replaces the backend set; state starts afresh (a reload).
  void set_backends(std::span<const Backend> backends) {
    ++generation_;
    size_ = backends.size();
    reset(backends);
  }
  // A slot in [0, size()) not in request.exclude, or kNoBackend when there is none.
  int pick(const PickRequest& request, sim::Rng& rng) {
    if (size_ == 0 || request.exclude.size() >= size_) return kNoBackend;
    return choose(request, rng);
  }
  // The request went to `slot` (picked in the current generation).
  void on_send(int slot, sim::SimTime now) { sent(slot, now); }
  // The response of a request sent to `slot` in `generation` came back after `latency`.
  void on_done(int slot, std::uint32_t generation, sim::SimTime now, sim::SimTime latency, bool ok) {
    if (generation == generation_) done(slot, now, latency, ok);
  }
  std::uint32_t generation() const { return generation_; }
  std::size_t size() const { return size_; }

 protected:
  virtual void reset(std::span<const Backend> backends) = 0;
  // Called with at least one eligible slot.
  virtual int choose(const PickRequest& request, sim::Rng& rng) = 0;
  virtual void sent(int /*slot*/, sim::SimTime /*now*/) {}
  virtual void done(int /*slot*/, sim::SimTime /*now*/, sim::SimTime /*latency*/, bool /*ok*/) {}

  static bool excluded(const PickRequest& request, std::size_t slot) { return is_excluded(request, slot); }

 private:
  std::uint32_t generation_ = 0;
  std::size_t size_ = 0;
};

}  // namespace fleetsim::models
