// A log-linear latency histogram in the style of HdrHistogram.
//
// Written here rather than using Boost.Histogram because what we need is exactly HdrHistogram's
// bucket layout (constant relative error over 1 ns .. 2^63 ns with integer arithmetic only,
// exact merge by adding counts, iteration over non-empty buckets for a percentile spectrum and
// for serialisation between processes); Boost.Histogram's log axis computes bucket indexes with
// floating-point logarithms, whose last bit may differ between machines.
//
// Layout: values below 2^(kSubBucketBits+1) ns have a bucket each. Above, every power-of-two
// range [2^b, 2^(b+1)) is cut into 2^kSubBucketBits equal buckets, so a bucket's width is at most
// 2^-kSubBucketBits (0.78 %) of its lower bound and a percentile reported at the bucket's midpoint
// is within 0.4 % of the exact sample percentile. Counts grow on demand and cover only the
// buckets from the smallest to the largest value recorded: 1 KiB per factor of two between them
// (about 7 KiB for values from 1 ms to 100 ms), so a load run's one histogram per second stays
// small.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/time.h"

namespace fleetsim::sim {

class LatencyHistogram {
 public:
  static constexpr int kSubBucketBits = 7;

  // Records one value in nanoseconds; negative values count as 0.
  void record(SimTime value_ns) { record_n(value_ns, 1); }
  void record_n(SimTime value_ns, std::uint64_t count);
  // Adds every count of `other` (exact: no percentile is averaged).
  void merge(const LatencyHistogram& other);
  void reset();

  std::uint64_t count() const { return count_; }
  SimTime min() const { return count_ ? min_ : 0; }
  SimTime max() const { return count_ ? max_ : 0; }
  double mean() const { return count_ ? sum_ / static_cast<double>(count_) : 0.0; }
  // The q-quantile (q in [0, 1]) by nearest rank, as the bucket midpoint clamped to [min, max].
  // q = 0 gives min() exactly and q = 1 gives max() exactly. 0 when empty.
  SimTime quantile(double q) const;

  // Non-empty buckets in increasing order, for spectra and serialisation.
  struct Bucket {
    SimTime lower;        // inclusive, ns
    SimTime upper;        // exclusive, ns
    std::uint64_t count;
  };
  std::vector<Bucket> buckets() const;

  // The whole state as 64-bit words (count, sum's bits, min, max, then index/count pairs of the
  // non-empty buckets), for sending between processes (MPI); from_words(to_words()) is an exact
  // copy. from_words throws std::invalid_argument on words that are not such a state.
  std::vector<std::uint64_t> to_words() const;
  static LatencyHistogram from_words(const std::vector<std::uint64_t>& words);

  static std::size_t bucket_index(SimTime value_ns);
  static SimTime bucket_lower(std::size_t index);
  static SimTime bucket_width(std::size_t index);

 private:
  // Buckets first_ .. first_ + counts_.size() - 1; the ones outside hold 0. Empty until a value
  // is recorded (and again after reset()).
  std::size_t first_ = 0;
  std::vector<std::uint64_t> counts_;
  // Makes buckets [lo, hi] addressable (counts_ only grows, keeping what it holds).
  void cover(std::size_t lo, std::size_t hi);
  std::uint64_t count_ = 0;
  double sum_ = 0;  // ns; double keeps hours × billions of requests in range
  SimTime min_ = 0;
  SimTime max_ = 0;
};

}  // namespace fleetsim::sim
