#include "loadgen/load_tally_words.h"

#include <bit>
#include <stdexcept>
#include <string>

namespace fleetsim::loadgen {

namespace {

constexpr std::uint64_t kMagic = 0x464c544c4f414431;  // "FLTLOAD1": format version 1

class WordWriter {
 public:
  void word(std::uint64_t w) { words_.push_back(w); }
  void words(const std::vector<std::uint64_t>& ws) {
    for (auto w : ws) words_.push_back(w);
  }
  void histogram(const sim::LatencyHistogram& h) {
    const auto ws = h.to_words();
    word(ws.size());
    words(ws);
  }
  void text(const std::string& s) {
    word(s.size());
    for (std::size_t i = 0; i < s.size(); i += 8) {
      std::uint64_t w = 0;
      for (std::size_t b = 0; b < 8 && i + b < s.size(); ++b) {
        w |= std::uint64_t{static_cast<unsigned char>(s[i + b])} << (8 * b);
      }
      word(w);
    }
  }
  std::vector<std::uint64_t> take() { return std::move(words_); }

 private:
  std::vector<std::uint64_t> words_;
};

// Reads with bounds checks: malformed words are refused before any large allocation.
class WordReader {
 public:
  explicit WordReader(const std::vector<std::uint64_t>& words) : words_(words) {}
  std::uint64_t word() {
    need(1);
    return words_[next_++];
  }
  // A count of items of at least `words_each` words each that must still fit in the words.
  std::size_t count(std::size_t words_each) {
    const std::uint64_t n = word();
    if (words_each > 0 && n > left() / words_each) throw std::invalid_argument("load tally words: count out of range");
    return static_cast<std::size_t>(n);
  }
  void series(std::vector<std::uint64_t>& out, std::size_t n) {
    need(n);
    out.assign(words_.begin() + static_cast<std::ptrdiff_t>(next_), words_.begin() + static_cast<std::ptrdiff_t>(next_ + n));
    next_ += n;
  }
  sim::LatencyHistogram histogram() {
    std::vector<std::uint64_t> ws;
    series(ws, count(1));
    return sim::LatencyHistogram::from_words(ws);
  }
  std::string text() {
    const std::uint64_t length = word();
    if (length > left() * 8) throw std::invalid_argument("load tally words: truncated text");
    std::string s(static_cast<std::size_t>(length), '\0');
    for (std::size_t i = 0; i < s.size(); i += 8) {
      const std::uint64_t w = word();
      for (std::size_t b = 0; b < 8 && i + b < s.size(); ++b) s[i + b] = static_cast<char>((w >> (8 * b)) & 0xff);
    }
    return s;
  }
  std::size_t left() const { return words_.size() - next_; }

 private:
  void need(std::size_t n) const {
    if (n > left()) throw std::invalid_argument("load tally words: truncated");
  }
  const std::vector<std::uint64_t>& words_;
  std::size_t next_ = 0;
};

}  // namespace

std::vector<std::uint64_t> load_tally_to_words(const LoadTally& t) {
  WordWriter w;
  w.word(kMagic);
  w.word(t.steps());
  w.word(kLoadOutcomeCount);
  w.word(t.sent);
  w.word(t.planned_total);
  w.word(std::bit_cast<std::uint64_t>(t.wall_s));
  for (auto n : t.outcomes) w.word(n);
  w.histogram(t.corrected);
  w.histogram(t.uncorrected);
  w.words(t.step_sent);
  w.words(t.step_ok);
  w.words(t.step_errors);
  for (const auto& series : t.step_failures) w.words(series);
  for (const auto& h : t.step_latencies) w.histogram(h);
  w.word(t.by_task.size());
  for (const auto& [service, tasks] : t.by_task) {
    w.text(service);
    w.word(tasks.size());
    for (const auto& [task, n] : tasks) {
      w.text(task);
      w.word(n);
    }
  }
  return w.take();
}

LoadTally load_tally_from_words(const std::vector<std::uint64_t>& words) {
  WordReader r(words);
  if (r.word() != kMagic) throw std::invalid_argument("load tally words: not a load tally (magic)");
  // Each step has at least 3 series words, kLoadOutcomeCount failure words and a histogram length.
  const std::size_t steps = r.count(4 + kLoadOutcomeCount);
  if (steps == 0) throw std::invalid_argument("load tally words: no steps");
  if (r.word() != kLoadOutcomeCount) throw std::invalid_argument("load tally words: another set of outcomes");
  LoadTally t(steps);
  t.sent = r.word();
  t.planned_total = r.word();
  t.wall_s = std::bit_cast<double>(r.word());
  for (auto& n : t.outcomes) n = r.word();
  t.corrected = r.histogram();
  t.uncorrected = r.histogram();
  r.series(t.step_sent, steps);
  r.series(t.step_ok, steps);
  r.series(t.step_errors, steps);
  for (auto& series : t.step_failures) r.series(series, steps);
  for (auto& h : t.step_latencies) h = r.histogram();
  const std::size_t services = r.count(2);  // a name's length and a task count at least
  for (std::size_t i = 0; i < services; ++i) {
    auto& tasks = t.by_task[r.text()];
    const std::size_t n = r.count(2);
    for (std::size_t k = 0; k < n; ++k) {
      std::string task = r.text();
      tasks[std::move(task)] = r.word();
    }
  }
  if (r.left() != 0) throw std::invalid_argument("load tally words: trailing words");
  return t;
}

}  // namespace fleetsim::loadgen
