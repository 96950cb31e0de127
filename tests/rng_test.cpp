#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "sim/confidence.h"
#include "sim/rng.h"

using namespace fleetsim::sim;

TEST_CASE("a seed gives the same numbers on every machine (pinned outputs)", "[rng]") {
  // If these change, every published result changes: bump the results schema, not the test.
  Rng rng(12345);
  const std::vector<std::uint64_t> expected = {13720838825685603483ULL, 2398916695208396998ULL, 17770384849984869256ULL, 891717726879801395ULL};
  for (std::uint64_t want : expected) CHECK(rng.next_u64() == want);
  Rng s = Rng::stream(7, "traffic.arrivals");
  CHECK(s.next_u64() == 4853708454292307339ULL);
  Rng d(99);
  CHECK(d.exponential(1.0) == Approx(1.053532265926213).epsilon(1e-15));
  CHECK(d.standard_normal() == Approx(1.0568816287416103).epsilon(1e-15));
  CHECK(d.standard_gamma(2.5) == Approx(0.34990216614954833).epsilon(1e-15));
}

TEST_CASE("splitmix64 matches the published reference sequence", "[rng]") {
  std::uint64_t state = 0;
  CHECK(splitmix64(state) == 0xe220a8397b1dcdafULL);
  CHECK(splitmix64(state) == 0x6e789e6aa1b965f4ULL);
}

TEST_CASE("named streams of one seed are different and repeatable", "[rng]") {
  Rng a = Rng::stream(1, "a"), b = Rng::stream(1, "b"), a2 = Rng::stream(1, "a"), a_other = Rng::stream(2, "a");
  const std::uint64_t x = a.next_u64();
  CHECK(x != b.next_u64());
  CHECK(x == a2.next_u64());
  CHECK(x != a_other.next_u64());
}

TEST_CASE("below(n) is uniform (chi-square at 0.1 % significance)", "[rng]") {
  Rng rng(3);
  const int n = 10, draws = 100'000;
  std::vector<int> counts(n, 0);
  for (int i = 0; i < draws; ++i) ++counts[rng.below(n)];
  double chi2 = 0;
  const double expected = static_cast<double>(draws) / n;
  for (int c : counts) chi2 += (c - expected) * (c - expected) / expected;
  CHECK(chi2 < 27.88);  // chi-square, 9 degrees of freedom, 0.999 quantile
}

TEST_CASE("exponential, normal and gamma draws have their theoretical moments", "[rng]") {
  Rng rng(11);
  const int n = 200'000;
  // kurtosis: the sample variance's standard error is variance * sqrt((kurtosis - 1) / n).
  auto check_mean = [&](auto draw, double mean, double variance, double kurtosis) {
    std::vector<double> xs;
    for (int i = 0; i < n; ++i) xs.push_back(draw());
    const Interval ci = mean_interval(xs, 0.999);
    INFO("mean " << ci.mean << " +- " << ci.half_width << ", theory " << mean);
    CHECK(ci.contains(mean));
    double squares = 0;
    for (double x : xs) squares += (x - ci.mean) * (x - ci.mean);
    CHECK(squares / (n - 1) == Approx(variance).epsilon(5 * std::sqrt((kurtosis - 1) / n)));  // 5 sigma
  };
  check_mean([&] { return rng.exponential(3.0); }, 3.0, 9.0, 9.0);
  check_mean([&] { return rng.standard_normal(); }, 0.0, 1.0, 3.0);
  check_mean([&] { return rng.standard_gamma(0.5); }, 0.5, 0.5, 15.0);
  check_mean([&] { return rng.standard_gamma(4.0); }, 4.0, 4.0, 4.5);
}
