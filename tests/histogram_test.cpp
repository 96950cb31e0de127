#include <algorithm>
#include <bit>
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "sim/histogram.h"
#include "sim/rng.h"

using namespace fleetsim::sim;

namespace {
// Exact nearest-rank quantile of sorted values, the definition the histogram follows.
SimTime exact_quantile(const std::vector<SimTime>& sorted, double q) {
  if (q <= 0) return sorted.front();
  auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  rank = std::clamp<std::size_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}
}  // namespace

TEST_CASE("every percentile is within 1 % of the exact one from 1 us to 1 h", "[histogram]") {
  Rng rng(42);
  LatencyHistogram h;
  std::vector<SimTime> values;
  // Log-uniform over [1 us, 1 h]: every bucket range is exercised.
  const double lo = std::log(1e3), hi = std::log(3.6e12);
  for (int i = 0; i < 200'000; ++i) {
    const auto v = static_cast<SimTime>(std::exp(lo + (hi - lo) * rng.uniform01()));
    values.push_back(v);
    h.record(v);
  }
  std::sort(values.begin(), values.end());
  double worst = 0;
  for (double q = 0.0; q <= 1.0; q += 0.0005) {
    const double exact = static_cast<double>(exact_quantile(values, q));
    const double got = static_cast<double>(h.quantile(q));
    worst = std::max(worst, std::fabs(got - exact) / exact);
  }
  INFO("worst relative error " << worst);
  CHECK(worst <= 0.01);
  CHECK(worst <= 1.0 / 256 + 1e-12);  // half a bucket: the design bound
  CHECK(h.min() == values.front());
  CHECK(h.max() == values.back());
  CHECK(h.count() == values.size());
}

TEST_CASE("bucket boundaries tile the range without gaps or overlaps", "[histogram]") {
  for (std::size_t i = 0; i + 1 < 40 * 128; ++i) {
    REQUIRE(LatencyHistogram::bucket_lower(i) + LatencyHistogram::bucket_width(i) == LatencyHistogram::bucket_lower(i + 1));
    REQUIRE(LatencyHistogram::bucket_index(LatencyHistogram::bucket_lower(i)) == i);
    REQUIRE(LatencyHistogram::bucket_index(LatencyHistogram::bucket_lower(i + 1) - 1) == i);
  }
}

TEST_CASE("merging histograms gives exactly the histogram of all values", "[histogram]") {
  Rng rng(7);
  LatencyHistogram a, b, all;
  for (int i = 0; i < 50'000; ++i) {
    const auto v = static_cast<SimTime>(rng.exponential(5e6));
    (i % 3 ? a : b).record(v);
    all.record(v);
  }
  a.merge(b);
  CHECK(a.count() == all.count());
  CHECK(a.min() == all.min());
  CHECK(a.max() == all.max());
  CHECK(a.mean() == Approx(all.mean()).epsilon(1e-12));
  for (double q : {0.1, 0.5, 0.9, 0.99, 0.999}) CHECK(a.quantile(q) == all.quantile(q));
  const auto ab = a.buckets(), expected = all.buckets();
  REQUIRE(ab.size() == expected.size());
  for (std::size_t i = 0; i < ab.size(); ++i) CHECK(ab[i].count == expected[i].count);
}

TEST_CASE("an empty histogram reports zeros and small values are exact", "[histogram]") {
  LatencyHistogram h;
  CHECK(h.count() == 0);
  CHECK(h.quantile(0.5) == 0);
  CHECK(h.mean() == 0);
  for (SimTime v = 0; v < 256; ++v) h.record(v);
  CHECK(h.quantile(0.5) == 127);
  CHECK(h.quantile(1.0) == 255);
  h.record(-5);  // clamps to 0
  CHECK(h.min() == 0);
  h.reset();
  CHECK(h.count() == 0);
}

TEST_CASE("the counts cover only the recorded range, whatever the order values and merges come in", "[histogram]") {
  // Counts are held from the smallest bucket recorded to the largest; values below the first one
  // (a later, faster answer) and merges of disjoint ranges must land in the same buckets as one
  // histogram filled in increasing order.
  Rng rng(11);
  std::vector<SimTime> values;
  for (int i = 0; i < 20'000; ++i) values.push_back(static_cast<SimTime>(rng.exponential(2e6)) + 1'000);
  LatencyHistogram ascending, descending, low, high, low_into_high, high_into_low;
  auto sorted = values;
  std::sort(sorted.begin(), sorted.end());
  for (SimTime v : sorted) ascending.record(v);
  for (auto it = sorted.rbegin(); it != sorted.rend(); ++it) descending.record(*it);
  for (SimTime v : values) (v < 2'000'000 ? low : high).record(v);
  low_into_high = high;
  low_into_high.merge(low);
  high_into_low = low;
  high_into_low.merge(high);
  const auto expected = ascending.to_words();
  CHECK(descending.to_words() == expected);
  CHECK(low_into_high.to_words() == expected);
  CHECK(high_into_low.to_words() == expected);
  CHECK(LatencyHistogram::from_words(expected).to_words() == expected);
  for (double q : {0.0, 0.01, 0.5, 0.99, 1.0}) CHECK(descending.quantile(q) == ascending.quantile(q));
  // After reset the next values start a new range (a load run's per-second histogram is reused).
  descending.reset();
  descending.record(5);
  CHECK(descending.to_words() == std::vector<std::uint64_t>{1, std::bit_cast<std::uint64_t>(5.0), 5, 5, 5, 1});
  CHECK(descending.buckets().size() == 1);
}
