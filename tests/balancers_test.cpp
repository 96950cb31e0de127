// The balancer algorithms: their documented sequences, their exclusion and generation rules, and
// their statistics (binomial 5-sigma bounds, so a correct algorithm fails about once in 10^6).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "models/balancers/balancer.h"
#include "models/balancers/registry.h"
#include "models/client_address.h"
#include "sim/rng.h"
#include "sim/time.h"

namespace {

using fleetsim::models::Backend;
using fleetsim::models::Balancer;
using fleetsim::models::BalancerSettings;
using fleetsim::models::kNoBackend;
using fleetsim::models::PickRequest;
using fleetsim::sim::Rng;
using fleetsim::sim::SimTime;
using Slots = std::vector<std::uint32_t>;

constexpr SimTime kMs = fleetsim::sim::kNanosPerMilli;
constexpr SimTime kSecond = fleetsim::sim::kNanosPerSecond;

std::vector<Backend> with_weights(const std::vector<double>& weights) {
  std::vector<Backend> backends;
  for (std::size_t i = 0; i < weights.size(); ++i) backends.push_back({1000 + i, weights[i]});
  return backends;
}

std::vector<Backend> equal_backends(std::size_t count) {
  return with_weights(std::vector<double>(count, 1.0));
}

std::unique_ptr<Balancer> make(const std::string& name, const std::vector<Backend>& backends,
                               const BalancerSettings& settings = {}) {
  auto balancer = fleetsim::models::make_balancer(name, settings);
  REQUIRE(balancer != nullptr);
  balancer->set_backends(backends);
  return balancer;
}

int pick(Balancer& balancer, Rng& rng, const Slots& exclude = {}, std::uint32_t client = 0,
         SimTime now = 0) {
  return balancer.pick(PickRequest{client, now, exclude}, rng);
}

// Picks and sends there.
int send(Balancer& balancer, Rng& rng, const Slots& exclude = {}, SimTime now = 0) {
  const int slot = pick(balancer, rng, exclude, 0, now);
  REQUIRE(slot != kNoBackend);
  balancer.on_send(slot, now);
  return slot;
}

void done(Balancer& balancer, int slot, SimTime now = 0, SimTime latency = 0) {
  balancer.on_done(slot, balancer.generation(), now, latency, true);
}

std::uint32_t ipv4(std::uint32_t a, std::uint32_t b, std::uint32_t c, std::uint32_t d) {
  return (a << 24) | (b << 16) | (c << 8) | d;
}

// `count` successes in `trials` is within 5 standard deviations of Binomial(trials, p).
void check_binomial(std::int64_t count, std::int64_t trials, double p) {
  const double mean = static_cast<double>(trials) * p;
  const double sigma = std::sqrt(static_cast<double>(trials) * p * (1 - p));
  INFO("count " << count << " of " << trials << ", expected " << mean << " +- 5 * " << sigma);
  CHECK(std::abs(static_cast<double>(count) - mean) <= 5 * sigma);
}

// How often each slot is picked in `trials` picks, without sending.
std::vector<std::int64_t> pick_counts(Balancer& balancer, Rng& rng, std::int64_t trials,
                                      const Slots& exclude = {}) {
  std::vector<std::int64_t> counts(balancer.size(), 0);
  for (std::int64_t i = 0; i < trials; ++i) ++counts[static_cast<std::size_t>(pick(balancer, rng, exclude))];
  return counts;
}

}  // namespace

// ---- every algorithm ----------------------------------------------------------------------------

TEST_CASE("the registry lists every algorithm in a stable order and makes each by name") {
  const std::vector<std::string> expected = {"round_robin", "weighted_round_robin", "least_conn",
                                             "ip_hash", "consistent_hash", "random", "p2c",
                                             "peak_ewma"};
  REQUIRE(fleetsim::models::balancer_names() == expected);
  for (const auto& name : expected) {
    INFO(name);
    CHECK(fleetsim::models::make_balancer(name, {}) != nullptr);
  }
  CHECK(fleetsim::models::make_balancer("fastest", {}) == nullptr);
}

TEST_CASE("every algorithm returns no backend for an empty set or when all are excluded") {
  Rng rng(1);
  for (const auto& name : fleetsim::models::balancer_names()) {
    INFO(name);
    auto balancer = fleetsim::models::make_balancer(name, {});
    CHECK(pick(*balancer, rng) == kNoBackend);  // before any set
    balancer->set_backends({});
    CHECK(pick(*balancer, rng) == kNoBackend);
    balancer->set_backends(equal_backends(3));
    CHECK(pick(*balancer, rng, {2, 0, 1}) == kNoBackend);
    CHECK(pick(*balancer, rng, {2, 0}) == 1);
  }
}

TEST_CASE("no algorithm ever picks an excluded slot") {
  const auto backends = with_weights({1, 3, 2, 1, 5, 1, 2});
  for (const auto& name : fleetsim::models::balancer_names()) {
    INFO(name);
    auto balancer = make(name, backends);
    Rng rng(42);
    std::vector<int> in_flight;
    int bad_picks = 0;
    for (int i = 0; i < 5000; ++i) {
      const SimTime now = i * kMs;
      Slots exclude;
      const auto excluded_count = rng.below(backends.size());
      while (exclude.size() < excluded_count) {
        const auto slot = static_cast<std::uint32_t>(rng.below(backends.size()));
        if (std::find(exclude.begin(), exclude.end(), slot) == exclude.end()) exclude.push_back(slot);
      }
      const auto client = static_cast<std::uint32_t>(rng.next_u64());
      const int slot = pick(*balancer, rng, exclude, client, now);
      const bool in_range = slot >= 0 && slot < static_cast<int>(backends.size());
      if (!in_range || std::find(exclude.begin(), exclude.end(), slot) != exclude.end()) {
        ++bad_picks;
        continue;
      }
      balancer->on_send(slot, now);
      in_flight.push_back(slot);
      if (rng.below(2) == 0) {
        const auto index = rng.below(in_flight.size());
        done(*balancer, in_flight[index], now, static_cast<SimTime>(rng.below(50)) * kMs);
        in_flight.erase(in_flight.begin() + static_cast<std::ptrdiff_t>(index));
      }
    }
    CHECK(bad_picks == 0);
  }
}

TEST_CASE("a completion from an older generation is ignored after set_backends") {
  Rng rng(1);
  auto balancer = make("least_conn", equal_backends(2));
  const auto old_generation = balancer->generation();
  balancer->set_backends(equal_backends(2));
  REQUIRE(balancer->generation() != old_generation);
  // In flight 2 and 1; slot 0 was sent to least recently.
  balancer->on_send(0, 0);
  balancer->on_send(0, 0);
  balancer->on_send(1, 0);
  balancer->on_done(0, old_generation, 0, kMs, true);
  CHECK(pick(*balancer, rng) == 1);  // still 2 and 1
  balancer->on_done(0, balancer->generation(), 0, kMs, true);
  CHECK(pick(*balancer, rng) == 0);  // 1 and 1: the least recently sent
}

// ---- round_robin ----------------------------------------------------------------------------------

TEST_CASE("round robin cycles through the slots evenly, ignoring weights") {
  Rng rng(1);
  auto balancer = make("round_robin", with_weights({1, 5, 1, 2}));
  for (int i = 0; i < 400; ++i) REQUIRE(pick(*balancer, rng) == i % 4);
}

TEST_CASE("round robin skips excluded slots") {
  Rng rng(1);
  auto balancer = make("round_robin", equal_backends(4));
  const std::vector<int> expected = {0, 2, 3, 0, 2, 3};
  for (int slot : expected) CHECK(pick(*balancer, rng, {1}) == slot);
  CHECK(pick(*balancer, rng, {0}) == 1);  // continues from where it was
}

// ---- weighted_round_robin ---------------------------------------------------------------------------

TEST_CASE("smooth weighted round robin with weights 5, 1, 1 gives nginx's sequence a a b a c a a") {
  Rng rng(1);
  auto balancer = make("weighted_round_robin", with_weights({5, 1, 1}));
  const std::vector<int> expected = {0, 0, 1, 0, 2, 0, 0};
  for (int round = 0; round < 3; ++round) {
    for (int slot : expected) CHECK(pick(*balancer, rng) == slot);
  }
}

TEST_CASE("smooth weighted round robin gives each slot exactly its weight's share") {
  Rng rng(1);
  auto balancer = make("weighted_round_robin", with_weights({3, 2, 1}));
  // Every 6 picks (the total weight) hold each slot exactly `weight` times.
  for (int window = 0; window < 50; ++window) {
    const auto counts = pick_counts(*balancer, rng, 6);
    CHECK(counts == std::vector<std::int64_t>{3, 2, 1});
  }
}

TEST_CASE("smooth weighted round robin skips excluded slots") {
  Rng rng(1);
  auto balancer = make("weighted_round_robin", with_weights({5, 1, 1}));
  for (int i = 0; i < 6; ++i) CHECK(pick(*balancer, rng, {0}) == 1 + i % 2);
}

// ---- least_conn -------------------------------------------------------------------------------------

TEST_CASE("least_conn picks the backend with the fewest requests in flight") {
  Rng rng(1);
  auto balancer = make("least_conn", equal_backends(3));
  for (int slot : {0, 0, 1}) balancer->on_send(slot, 0);
  CHECK(pick(*balancer, rng) == 2);
  for (int i = 0; i < 3; ++i) balancer->on_send(2, 0);  // in flight 2, 1, 3
  CHECK(pick(*balancer, rng) == 1);
  done(*balancer, 0);
  done(*balancer, 0);  // in flight 0, 1, 3
  CHECK(pick(*balancer, rng) == 0);
}

TEST_CASE("least_conn gives a weight-2 backend twice the load") {
  Rng rng(7);
  auto balancer = make("least_conn", with_weights({1, 2}));
  SECTION("in flight, when nothing completes") {
    std::vector<int> sent(2, 0);
    for (int i = 0; i < 3000; ++i) ++sent[static_cast<std::size_t>(send(*balancer, rng))];
    CHECK(sent == std::vector<int>{1000, 2000});
  }
  SECTION("in picks, at steady state with 30 requests in flight") {
    // In flight settles at 10 and 20; a uniformly random completion frees slot 1 with
    // probability 2/3, and the next pick refills the slot that was freed.
    constexpr std::int64_t kWarmup = 1000, kPicks = 60000;
    std::vector<int> in_flight;
    std::vector<std::int64_t> picks(2, 0);
    for (std::int64_t i = 0; i < kWarmup + kPicks; ++i) {
      const int slot = send(*balancer, rng);
      in_flight.push_back(slot);
      if (i >= kWarmup) ++picks[static_cast<std::size_t>(slot)];
      if (in_flight.size() == 30) {
        const auto index = rng.below(in_flight.size());
        done(*balancer, in_flight[index]);
        in_flight.erase(in_flight.begin() + static_cast<std::ptrdiff_t>(index));
      }
    }
    check_binomial(picks[1], kPicks, 2.0 / 3);
  }
}

TEST_CASE("least_conn rotates among tied backends") {
  Rng rng(1);
  auto balancer = make("least_conn", equal_backends(4));
  for (int i = 0; i < 12; ++i) {
    const int slot = send(*balancer, rng);
    CHECK(slot == i % 4);
    done(*balancer, slot);
  }
}

TEST_CASE("least_conn skips excluded slots and returns the best of the rest") {
  Rng rng(1);
  auto balancer = make("least_conn", equal_backends(5));
  for (int slot = 0; slot < 5; ++slot) {
    for (int i = 0; i < slot; ++i) balancer->on_send(slot, 0);  // slot s has s in flight
  }
  CHECK(pick(*balancer, rng, {0}) == 1);
  CHECK(pick(*balancer, rng, {1, 0}) == 2);
  CHECK(pick(*balancer, rng, {0, 3, 1}) == 2);
  CHECK(pick(*balancer, rng, {3, 2, 1, 0}) == 4);
  CHECK(pick(*balancer, rng, {4, 2}) == 0);
}

namespace {

// least_conn by an O(n) scan of the same ordering: the reference for the heap.
struct LeastConnByScan {
  std::vector<double> weight;
  std::vector<std::int64_t> in_flight;
  std::vector<std::uint64_t> last_sent;
  std::uint64_t sends = 0;

  int best(const Slots& exclude) const {
    int best = kNoBackend;
    for (std::size_t s = 0; s < weight.size(); ++s) {
      if (std::find(exclude.begin(), exclude.end(), s) != exclude.end()) continue;
      if (best == kNoBackend || before(s, static_cast<std::size_t>(best))) best = static_cast<int>(s);
    }
    return best;
  }
  bool before(std::size_t a, std::size_t b) const {
    const double load_a = static_cast<double>(in_flight[a]) * weight[b];
    const double load_b = static_cast<double>(in_flight[b]) * weight[a];
    if (load_a != load_b) return load_a < load_b;
    return last_sent[a] < last_sent[b];  // then the lower slot, by the scan's order
  }
};

}  // namespace

TEST_CASE("least_conn agrees with a brute-force scan over random send and done sequences") {
  constexpr std::size_t kBackends = 50;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    Rng rng(seed);
    std::vector<double> weights;
    for (std::size_t i = 0; i < kBackends; ++i) {
      // Half the runs with equal weights, so that ties (and stamps) decide often.
      weights.push_back(seed % 2 == 0 ? 1.0 : static_cast<double>(1 + rng.below(4)));
    }
    auto balancer = make("least_conn", with_weights(weights));
    LeastConnByScan scan{weights, std::vector<std::int64_t>(kBackends, 0),
                         std::vector<std::uint64_t>(kBackends, 0), 0};
    std::vector<int> in_flight;
    int disagreements = 0;
    for (int step = 0; step < 5000; ++step) {
      const bool send_one = in_flight.empty() || rng.below(100) < 55;
      if (send_one) {
        Slots exclude;
        if (rng.below(4) == 0) {
          const auto excluded_count = 1 + rng.below(4);
          while (exclude.size() < excluded_count) {
            const auto slot = static_cast<std::uint32_t>(rng.below(kBackends));
            if (std::find(exclude.begin(), exclude.end(), slot) == exclude.end()) exclude.push_back(slot);
          }
        }
        const int expected = scan.best(exclude);
        const int slot = pick(*balancer, rng, exclude);
        if (slot != expected) ++disagreements;
        balancer->on_send(expected, 0);
        ++scan.in_flight[static_cast<std::size_t>(expected)];
        scan.last_sent[static_cast<std::size_t>(expected)] = ++scan.sends;
        in_flight.push_back(expected);
      } else {
        const auto index = rng.below(in_flight.size());
        const int slot = in_flight[index];
        in_flight.erase(in_flight.begin() + static_cast<std::ptrdiff_t>(index));
        done(*balancer, slot);
        --scan.in_flight[static_cast<std::size_t>(slot)];
      }
    }
    INFO("seed " << seed);
    CHECK(disagreements == 0);
  }
}

// ---- ip_hash ----------------------------------------------------------------------------------------

TEST_CASE("ip_hash sends a client to the same slot every time") {
  Rng rng(1);
  auto balancer = make("ip_hash", equal_backends(5));
  for (std::uint32_t client = 0; client < 200; ++client) {
    const auto address = fleetsim::models::client_address(client * 977);
    const int first = pick(*balancer, rng, {}, address);
    for (int i = 0; i < 5; ++i) REQUIRE(pick(*balancer, rng, {}, address) == first);
  }
}

TEST_CASE("ip_hash sends clients of the same /24 network to the same slot") {
  Rng rng(1);
  auto balancer = make("ip_hash", equal_backends(7));
  std::vector<bool> used(7, false);
  for (std::uint32_t network = 0; network < 300; ++network) {
    const std::uint32_t base = ipv4(10, network / 256, network % 256, 0);
    const int slot = pick(*balancer, rng, {}, base);
    used[static_cast<std::size_t>(slot)] = true;
    for (std::uint32_t host = 1; host < 256; ++host) REQUIRE(pick(*balancer, rng, {}, base | host) == slot);
  }
  CHECK(std::all_of(used.begin(), used.end(), [](bool u) { return u; }));
}

TEST_CASE("ip_hash pins slots computed by hand from nginx's formula") {
  // hash = 89, then hash = (hash * 113 + octet) % 6271 over the first three octets:
  //   192.168.1.10: (89*113 + 192) % 6271 = 3978; (3978*113 + 168) % 6271 = 4441;
  //                 (4441*113 + 1) % 6271 = 154; going round again gives 5654
  //   10.0.0.1:     3796, 2520, 2565; then 1753
  Rng rng(1);
  const auto a = ipv4(192, 168, 1, 10);
  const auto b = ipv4(10, 0, 0, 1);
  SECTION("equal weights: the hash modulo the number of backends") {
    auto balancer = make("ip_hash", equal_backends(3));
    CHECK(pick(*balancer, rng, {}, a) == 1);  // 154 % 3
    CHECK(pick(*balancer, rng, {}, b) == 0);  // 2565 % 3
  }
  SECTION("weights 4, 1, 1: slot ranges [0, 4), [4, 5), [5, 6)") {
    auto balancer = make("ip_hash", with_weights({4, 1, 1}));
    CHECK(pick(*balancer, rng, {}, a) == 1);  // 154 % 6 = 4
    CHECK(pick(*balancer, rng, {}, b) == 0);  // 2565 % 6 = 3
  }
  SECTION("weights are rounded to integers of at least 1") {
    auto balancer = make("ip_hash", with_weights({3.6, 0.2, 1.4}));  // as 4, 1, 1
    CHECK(pick(*balancer, rng, {}, a) == 1);
    CHECK(pick(*balancer, rng, {}, b) == 0);
  }
}

TEST_CASE("ip_hash moves an excluded client to the slot of the next hash round") {
  Rng rng(1);
  auto balancer = make("ip_hash", equal_backends(3));
  CHECK(pick(*balancer, rng, {1}, ipv4(192, 168, 1, 10)) == 2);  // 5654 % 3
  CHECK(pick(*balancer, rng, {0}, ipv4(10, 0, 0, 1)) == 1);      // 1753 % 3
}

TEST_CASE("ip_hash falls back to weighted round robin after 20 more tries") {
  // With weights 1000, 1, 1 slot 1 or 2 needs hash % 1002 >= 1000, which none of the first 21
  // hashes of 192.168.1.10 gives; excluding slot 0 leaves round robin over slots 1 and 2.
  Rng rng(1);
  auto balancer = make("ip_hash", with_weights({1000, 1, 1}));
  const auto client = ipv4(192, 168, 1, 10);
  for (int i = 0; i < 6; ++i) CHECK(pick(*balancer, rng, {0}, client) == 1 + i % 2);
}

// ---- consistent_hash --------------------------------------------------------------------------------

namespace {

// The backend id each of `clients` addresses goes to.
std::vector<std::uint64_t> owners(Balancer& balancer, const std::vector<Backend>& backends,
                                  std::uint32_t clients, const Slots& exclude = {}) {
  Rng rng(1);
  std::vector<std::uint64_t> ids;
  for (std::uint32_t client = 0; client < clients; ++client) {
    const int slot = pick(balancer, rng, exclude, fleetsim::models::client_address(client));
    ids.push_back(backends[static_cast<std::size_t>(slot)].id);
  }
  return ids;
}

}  // namespace

TEST_CASE("consistent_hash remaps only the keys of a removed backend") {
  constexpr std::uint32_t kClients = 10000;
  const auto all = equal_backends(10);
  auto balancer = make("consistent_hash", all);
  const auto before = owners(*balancer, all, kClients);
  for (std::size_t removed = 0; removed < all.size(); ++removed) {
    auto rest = all;
    rest.erase(rest.begin() + static_cast<std::ptrdiff_t>(removed));
    balancer->set_backends(rest);
    const auto after = owners(*balancer, rest, kClients);
    int moved = 0, moved_wrongly = 0;
    for (std::uint32_t c = 0; c < kClients; ++c) {
      if (before[c] == all[removed].id) ++moved;
      else if (after[c] != before[c]) ++moved_wrongly;
    }
    INFO("removed slot " << removed);
    CHECK(moved > 0);
    CHECK(moved_wrongly == 0);
  }
}

TEST_CASE("consistent_hash sends a key whose backend is excluded where removing that backend would") {
  constexpr std::uint32_t kClients = 5000;
  const auto all = equal_backends(10);
  auto balancer = make("consistent_hash", all);
  const auto with_exclusion = owners(*balancer, all, kClients, {4});
  auto rest = all;
  rest.erase(rest.begin() + 4);
  balancer->set_backends(rest);
  CHECK(owners(*balancer, rest, kClients) == with_exclusion);
}

TEST_CASE("consistent_hash spreads keys within the tolerance of its point count") {
  // A backend's share is its share of the ring: with P points the relative spread is about
  // 1 / sqrt(P); sampling N keys adds sqrt((1 - p) / (N p)). Allow 4 of the combined sigma.
  constexpr std::uint32_t kClients = 10000;
  constexpr std::size_t kBackends = 10;
  for (std::uint32_t points : {40u, 160u, 1000u}) {
    BalancerSettings settings;
    settings.ring_points = points;
    const auto backends = equal_backends(kBackends);
    auto balancer = make("consistent_hash", backends, settings);
    std::map<std::uint64_t, int> keys;
    for (auto id : owners(*balancer, backends, kClients)) ++keys[id];
    const double p = 1.0 / kBackends;
    const double relative_sigma = std::sqrt(1.0 / points + (1 - p) / (kClients * p));
    for (const auto& backend : backends) {
      const double share = keys[backend.id] / static_cast<double>(kClients);
      INFO(points << " points, backend " << backend.id << ": share " << share);
      CHECK(std::abs(share / p - 1) <= 4 * relative_sigma);
    }
  }
}

TEST_CASE("consistent_hash gives a weight-3 backend about three times the keys") {
  constexpr std::uint32_t kClients = 20000;
  BalancerSettings settings;
  settings.ring_points = 1000;
  const auto backends = with_weights({3, 1, 1, 1});
  auto balancer = make("consistent_hash", backends, settings);
  std::map<std::uint64_t, int> keys;
  for (auto id : owners(*balancer, backends, kClients)) ++keys[id];
  const double share = keys[backends[0].id] / static_cast<double>(kClients);
  CHECK(share == Approx(0.5).epsilon(0.1));
}

// ---- random -----------------------------------------------------------------------------------------

TEST_CASE("random picks in proportion to weight") {
  constexpr std::int64_t kTrials = 100000;
  Rng rng(3);
  auto balancer = make("random", with_weights({1, 2, 3, 4}));
  SECTION("over all slots") {
    const auto counts = pick_counts(*balancer, rng, kTrials);
    for (std::size_t s = 0; s < 4; ++s) check_binomial(counts[s], kTrials, (s + 1) / 10.0);
  }
  SECTION("over the slots left when some are excluded") {
    const auto counts = pick_counts(*balancer, rng, kTrials, {3});
    for (std::size_t s = 0; s < 3; ++s) check_binomial(counts[s], kTrials, (s + 1) / 6.0);
    CHECK(counts[3] == 0);
  }
  SECTION("over the one slot left") {
    const auto counts = pick_counts(*balancer, rng, 1000, {3, 1, 2});
    CHECK(counts == std::vector<std::int64_t>{1000, 0, 0, 0});
  }
}

TEST_CASE("random picks uniformly when weights are equal") {
  constexpr std::int64_t kTrials = 100000;
  Rng rng(4);
  auto balancer = make("random", equal_backends(5));
  const auto counts = pick_counts(*balancer, rng, kTrials);
  for (auto count : counts) check_binomial(count, kTrials, 0.2);
  const auto with_exclusion = pick_counts(*balancer, rng, kTrials, {2});
  for (std::size_t s = 0; s < 5; ++s) check_binomial(with_exclusion[s], kTrials, s == 2 ? 0 : 0.25);
}

// ---- p2c --------------------------------------------------------------------------------------------

TEST_CASE("p2c picks uniformly when nothing is in flight") {
  constexpr std::int64_t kTrials = 100000;
  Rng rng(5);
  auto balancer = make("p2c", with_weights({1, 2, 1, 3, 1}));
  const auto counts = pick_counts(*balancer, rng, kTrials);
  for (auto count : counts) check_binomial(count, kTrials, 0.2);
  const auto with_exclusion = pick_counts(*balancer, rng, kTrials, {2});
  for (std::size_t s = 0; s < 5; ++s) check_binomial(with_exclusion[s], kTrials, s == 2 ? 0 : 0.25);
}

TEST_CASE("p2c never picks the more loaded of its two choices") {
  constexpr std::int64_t kTrials = 100000;
  constexpr std::size_t kBackends = 10;
  Rng rng(6);
  auto balancer = make("p2c", equal_backends(kBackends));
  for (std::size_t slot = 0; slot < kBackends; ++slot) {
    for (std::size_t i = 0; i < slot; ++i) balancer->on_send(static_cast<int>(slot), 0);
  }
  // Slot s has s in flight, so it wins exactly when drawn with one of the 9 - s busier slots:
  // probability (9 - s) / C(10, 2). The busiest, slot 9, never wins.
  const auto counts = pick_counts(*balancer, rng, kTrials);
  for (std::size_t s = 0; s < kBackends; ++s) check_binomial(counts[s], kTrials, (9.0 - s) / 45);
  CHECK(counts[9] == 0);
}

TEST_CASE("p2c counts in-flight requests per unit of weight") {
  Rng rng(1);
  auto balancer = make("p2c", with_weights({1, 3}));
  balancer->on_send(0, 0);  // 1 per unit of weight
  balancer->on_send(1, 0);
  balancer->on_send(1, 0);  // 2/3 per unit of weight
  for (int i = 0; i < 100; ++i) REQUIRE(pick(*balancer, rng) == 1);
  done(*balancer, 0);  // 0 against 2/3
  for (int i = 0; i < 100; ++i) REQUIRE(pick(*balancer, rng) == 0);
}

// ---- peak_ewma --------------------------------------------------------------------------------------

TEST_CASE("peak_ewma prefers the backend with lower observed latency") {
  Rng rng(1);
  auto balancer = make("peak_ewma", equal_backends(2));
  SimTime now = 0;
  for (int i = 0; i < 10; ++i, now += 100 * kMs) {
    balancer->on_send(0, now);
    done(*balancer, 0, now, 10 * kMs);
    balancer->on_send(1, now);
    done(*balancer, 1, now, 50 * kMs);
  }
  for (int i = 0; i < 100; ++i) REQUIRE(pick(*balancer, rng, {}, 0, now) == 0);
  // Load is cost * (pending + 1): five requests in flight make 10 ms cost 60 against 50.
  for (int i = 0; i < 5; ++i) balancer->on_send(0, now);
  CHECK(pick(*balancer, rng, {}, 0, now) == 1);
}

TEST_CASE("peak_ewma jumps to a latency peak and decays toward later observations") {
  // Slot 0 sees one 500 ms peak, then 10 ms every 100 ms; slot 1 sees 20 ms throughout. With
  // tau = 10 s slot 0's cost is 10 + 490 exp(-t / tau) ms, which falls below 20 ms at
  // t = tau ln 49 = 38.9 s.
  Rng rng(1);
  BalancerSettings settings;
  settings.ewma_decay_s = 10;
  auto balancer = make("peak_ewma", equal_backends(2), settings);
  for (SimTime now = 0; now <= 45 * kSecond; now += 100 * kMs) {
    balancer->on_send(0, now);
    done(*balancer, 0, now, now == 0 ? 500 * kMs : 10 * kMs);
    balancer->on_send(1, now);
    done(*balancer, 1, now, 20 * kMs);
    if (now == 1 * kSecond || now == 35 * kSecond) CHECK(pick(*balancer, rng, {}, 0, now) == 1);
    if (now == 42 * kSecond || now == 45 * kSecond) CHECK(pick(*balancer, rng, {}, 0, now) == 0);
  }
}

TEST_CASE("peak_ewma lets an idle backend's cost decay as it is read") {
  // Slot 0 answered slowly once at t = 0 and was not used since; by t = 60 s reading its load
  // has decayed 100 ms to 100 exp(-6) = 0.25 ms, below slot 1's fresh 20 ms.
  Rng rng(1);
  auto balancer = make("peak_ewma", equal_backends(2));
  balancer->on_send(0, 0);
  done(*balancer, 0, 0, 100 * kMs);
  balancer->on_send(1, 0);
  done(*balancer, 1, 0, 20 * kMs);
  CHECK(pick(*balancer, rng, {}, 0, 0) == 1);
  balancer->on_send(1, 60 * kSecond - kMs);
  done(*balancer, 1, 60 * kSecond - kMs, 20 * kMs);
  CHECK(pick(*balancer, rng, {}, 0, 60 * kSecond) == 0);
}

TEST_CASE("peak_ewma probes a backend without history once, then waits for its answer") {
  Rng rng(1);
  auto balancer = make("peak_ewma", equal_backends(2));
  balancer->on_send(1, 0);
  done(*balancer, 1, 0, 1 * kSecond);  // slot 1: slow, but known
  CHECK(pick(*balancer, rng, {}, 0, 0) == 0);  // slot 0: no history, nothing in flight: load 0
  balancer->on_send(0, 0);
  CHECK(pick(*balancer, rng, {}, 0, 0) == 1);  // slot 0 now carries the penalty
  done(*balancer, 0, 2 * kMs, 2 * kMs);
  CHECK(pick(*balancer, rng, {}, 0, 2 * kMs) == 0);
}
