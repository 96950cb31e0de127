#include "loadgen/connection_pool.h"

namespace fleetsim::loadgen {

ConnectionPool::ConnectionPool(std::uint32_t cap, Factory make) : cap_(cap), make_(std::move(make)) {}

HttpConnection* ConnectionPool::acquire(std::uint32_t source) {
  if (auto found = by_source_.find(source); found != by_source_.end()) {
    const IdleList::iterator newest = found->second.back();
    HttpConnection* c = *newest;
    found->second.pop_back();
    if (found->second.empty()) by_source_.erase(found);
    lru_.erase(newest);
    return c;
  }
  if (all_.size() < cap_) {
    all_.push_back(make_());
    all_.back()->bind_source(source);
    return all_.back().get();
  }
  if (lru_.empty()) return nullptr;
  HttpConnection* victim = lru_.front();
  auto list = by_source_.find(victim->source());
  list->second.erase(list->second.begin());  // the oldest of its source (see the invariants)
  if (list->second.empty()) by_source_.erase(list);
  lru_.pop_front();
  victim->bind_source(source);  // closes it
  ++evictions_;
  return victim;
}

void ConnectionPool::release(HttpConnection* connection) {
  lru_.push_back(connection);
  by_source_[connection->source()].push_back(std::prev(lru_.end()));
}

void ConnectionPool::close_all() {
  for (auto& c : all_) c->close();
}

}  // namespace fleetsim::loadgen
