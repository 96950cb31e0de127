// The open model's keep-alive connections of one load thread, found by source address.
//
// At most `cap` connections exist. acquire(source) hands out, in this order: the most recently
// used idle connection bound to `source`; a new one while under the cap; the least recently used
// idle connection, closed and rebound to `source` (eviction). Source 0 means "no binding": then
// every connection matches, which is the plain keep-alive pool.
//
// Invariants: a connection is idle (in lru_ and in by_source_ under its source, at the same
// place in release order) or handed out, never both; lru_ is in release order, so the front is
// the least recently used and is also the front of its source's list.
// Thread safety: none; the load thread's only.
#pragma once

#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <unordered_map>
#include <vector>

#include "loadgen/http_client.h"

namespace fleetsim::loadgen {

class ConnectionPool {
 public:
  using Factory = std::function<std::unique_ptr<HttpConnection>()>;

  ConnectionPool(std::uint32_t cap, Factory make);

  // A connection bound to `source`, or nullptr when all `cap` are handed out.
  HttpConnection* acquire(std::uint32_t source);
  // Takes back a connection from acquire() (connected or not), as the most recently used.
  void release(HttpConnection* connection);
  // Closes every connection (the thread's end).
  void close_all();

  std::size_t size() const { return all_.size(); }
  std::uint64_t evictions() const { return evictions_; }

 private:
  using IdleList = std::list<HttpConnection*>;

  std::uint32_t cap_;
  Factory make_;
  std::vector<std::unique_ptr<HttpConnection>> all_;  // owned; never more than cap_
  IdleList lru_;                                      // idle, least recently used first
  std::unordered_map<std::uint32_t, std::vector<IdleList::iterator>> by_source_;  // idle, oldest first
  std::uint64_t evictions_ = 0;
};

}  // namespace fleetsim::loadgen
