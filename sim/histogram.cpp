#include "sim/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <stdexcept>

namespace fleetsim::sim {

namespace {
constexpr int kBits = LatencyHistogram::kSubBucketBits;
constexpr std::uint64_t kSubBuckets = std::uint64_t{1} << kBits;
constexpr std::uint64_t kLinearLimit = kSubBuckets << 1;  // values below this have their own bucket
}  // namespace

std::size_t LatencyHistogram::bucket_index(SimTime value_ns) {
  const auto v = static_cast<std::uint64_t>(std::max<SimTime>(value_ns, 0));
  if (v < kLinearLimit) return static_cast<std::size_t>(v);
  const int msb = 63 - std::countl_zero(v);
  const int shift = msb - kBits;                  // >= 1 here
  const std::uint64_t mantissa = v >> shift;      // in [kSubBuckets, 2 kSubBuckets)
  return static_cast<std::size_t>(static_cast<std::uint64_t>(shift) * kSubBuckets + mantissa);
}

SimTime LatencyHistogram::bucket_lower(std::size_t index) {
  if (index < kLinearLimit) return static_cast<SimTime>(index);
  const std::uint64_t shift = index / kSubBuckets - 1;
  const std::uint64_t mantissa = index - shift * kSubBuckets;
  return static_cast<SimTime>(mantissa << shift);
}

SimTime LatencyHistogram::bucket_width(std::size_t index) {
  if (index < kLinearLimit) return 1;
  return SimTime{1} << (index / kSubBuckets - 1);
}

void LatencyHistogram::cover(std::size_t lo, std::size_t hi) {
  if (counts_.empty()) {
    first_ = lo;
    counts_.assign(hi - lo + 1, 0);
    return;
  }
  if (lo < first_) {
    counts_.insert(counts_.begin(), first_ - lo, 0);
    first_ = lo;
  }
  if (hi >= first_ + counts_.size()) counts_.resize(hi - first_ + 1, 0);
}

void LatencyHistogram::record_n(SimTime value_ns, std::uint64_t count) {
  if (count == 0) return;
  value_ns = std::max<SimTime>(value_ns, 0);
  const std::size_t index = bucket_index(value_ns);
  // One unsigned comparison: an index below first_ wraps around to a huge slot.
  std::size_t slot = index - first_;
  if (slot >= counts_.size()) {
    cover(index, index);
    slot = index - first_;
  }
  counts_[slot] += count;
  if (count_ == 0) {
    min_ = max_ = value_ns;
  } else {
    min_ = std::min(min_, value_ns);
    max_ = std::max(max_, value_ns);
  }
  count_ += count;
  sum_ += static_cast<double>(value_ns) * static_cast<double>(count);
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  if (other.count_ == 0) return;
  cover(other.first_, other.first_ + other.counts_.size() - 1);
  const std::size_t offset = other.first_ - first_;
  for (std::size_t i = 0; i < other.counts_.size(); ++i) counts_[offset + i] += other.counts_[i];
  if (count_ == 0) {
    min_ = other.min_;
    max_ = other.max_;
  } else {
    min_ = std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
  }
  count_ += other.count_;
  sum_ += other.sum_;
}

std::vector<std::uint64_t> LatencyHistogram::to_words() const {
  std::vector<std::uint64_t> words = {count_, std::bit_cast<std::uint64_t>(sum_), static_cast<std::uint64_t>(min_),
                                      static_cast<std::uint64_t>(max_)};
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    if (counts_[i] == 0) continue;
    words.push_back(first_ + i);
    words.push_back(counts_[i]);
  }
  return words;
}

LatencyHistogram LatencyHistogram::from_words(const std::vector<std::uint64_t>& words) {
  if (words.size() < 4 || words.size() % 2 != 0) throw std::invalid_argument("histogram words: bad length");
  LatencyHistogram h;
  h.count_ = words[0];
  h.sum_ = std::bit_cast<double>(words[1]);
  h.min_ = static_cast<SimTime>(words[2]);
  h.max_ = static_cast<SimTime>(words[3]);
  std::uint64_t total = 0;
  for (std::size_t k = 4; k < words.size(); k += 2) {
    const std::uint64_t index = words[k];
    // Buckets cover 1 ns .. 2^63 ns: (63 - kSubBucketBits) ranges of 2^kSubBucketBits, plus the first.
    if (index >= (std::uint64_t{64} << kSubBucketBits)) throw std::invalid_argument("histogram words: bad bucket");
    const auto i = static_cast<std::size_t>(index);
    h.cover(i, i);
    h.counts_[i - h.first_] += words[k + 1];
    total += words[k + 1];
  }
  if (total != h.count_) throw std::invalid_argument("histogram words: counts do not add up");
  return h;
}

void LatencyHistogram::reset() {
  counts_.clear();  // keeps the capacity for the next values, which are usually alike
  first_ = 0;
  count_ = 0;
  sum_ = 0;
  min_ = max_ = 0;
}

SimTime LatencyHistogram::quantile(double q) const {
  if (count_ == 0) return 0;
  if (q <= 0) return min_;
  if (q >= 1) return max_;
  // Nearest rank: the smallest value with at least ceil(q n) values at or below it.
  auto rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_)));
  rank = std::clamp<std::uint64_t>(rank, 1, count_);
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      const SimTime mid = bucket_lower(first_ + i) + (bucket_width(first_ + i) - 1) / 2;
      return std::clamp(mid, min_, max_);
    }
  }
  return max_;
}

std::vector<LatencyHistogram::Bucket> LatencyHistogram::buckets() const {
  std::vector<Bucket> out;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    if (counts_[i] == 0) continue;
    out.push_back({bucket_lower(first_ + i), bucket_lower(first_ + i) + bucket_width(first_ + i), counts_[i]});
  }
  return out;
}

}  // namespace fleetsim::sim
