// reports/ and results/results_reader: escaping, the percentile spectrum, the gnuplot script,
// and results.json read back exactly as written.
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>

#include "models/simulation.h"
#include "reports/gnuplot_script.h"
#include "reports/html_escape.h"
#include "reports/html_page.h"
#include "reports/percentile_spectrum.h"
#include "results/results_json.h"
#include "results/results_reader.h"
#include "scenario/input_error.h"
#include "test_support.h"

using namespace fleetsim;

namespace {
results::Results small_run() {
  return models::simulate(testing::scenario_from(testing::queue_scenario(200, 2, 1, {{"dist", "exponential"}, {"mean_ms", 4}},
                                                                         "round_robin", 5, 1)));
}
}  // namespace

TEST_CASE("JSON inside a script element cannot close it or open a comment, and reads back the same", "[report]") {
  const nlohmann::json doc = {{"name", "</script><script>alert(1)</script><!-- & >"}};
  const std::string text = reports::json_for_script(doc);
  CHECK(text.find('<') == std::string::npos);
  CHECK(text.find('>') == std::string::npos);
  CHECK(text.find('&') == std::string::npos);
  CHECK(nlohmann::json::parse(text) == doc);
}

TEST_CASE("HTML text escaping turns markup into character references", "[report]") {
  CHECK(reports::escape_html("<b a=\"1\">'x' & y</b>") == "&lt;b a=&quot;1&quot;&gt;&#39;x&#39; &amp; y&lt;/b&gt;");
}

TEST_CASE("the percentile spectrum rises from the smallest to the largest latency, below 100 %", "[report]") {
  sim::LatencyHistogram h;
  for (int i = 1; i <= 1000; ++i) h.record(static_cast<sim::SimTime>(i) * 1'000'000);  // 1..1000 ms
  const auto points = reports::percentile_spectrum(h);
  REQUIRE(points.size() > 10);
  CHECK(points.front().percentile == 0);
  CHECK(points.front().latency_ms == Approx(1).epsilon(0.01));
  CHECK(points.back().latency_ms == Approx(1000).epsilon(0.01));
  CHECK(points.back().percentile < 100);
  CHECK(points.back().percentile == Approx(99.95));
  for (std::size_t i = 1; i < points.size(); ++i) {
    CHECK(points[i].percentile > points[i - 1].percentile);
    CHECK(points[i].latency_ms >= points[i - 1].latency_ms);
  }
  // The median of 1..1000 ms: the spectrum passes 500 ms at 50 %.
  for (const auto& p : points) {
    if (p.percentile >= 50) {
      CHECK(p.latency_ms == Approx(500).epsilon(0.01));
      break;
    }
  }
  CHECK(reports::percentile_spectrum(sim::LatencyHistogram{}).empty());
  CHECK(reports::one_in(99) == Approx(100));
}

TEST_CASE("results.json reads back into the same results, byte for byte", "[report][results]") {
  const results::Results r = small_run();
  const std::string text = results::to_json_text(r);
  const results::Results back = results::parse_results_text(text, "results.json");
  auto strip_engine = [](const std::string& t) {
    auto j = nlohmann::json::parse(t);
    j.erase("engine");  // events_per_s is recomputed from the rounded wall time
    return j.dump();
  };
  CHECK(strip_engine(results::to_json_text(back)) == strip_engine(text));
  CHECK(back.histogram.count() == r.histogram.count());
}

TEST_CASE("a bad results.json is an input error naming the file and the JSON path", "[report][results][bad-input]") {
  auto doc = nlohmann::json::parse(results::to_json_text(small_run()));
  doc["timeseries"]["p99_ms"][0] = "slow";
  try {
    results::parse_results_text(doc.dump(), "dir/results.json");
    FAIL("no error");
  } catch (const scenario::InputError& e) {
    CHECK(e.file() == "dir/results.json");
    CHECK(e.path() == "timeseries.p99_ms[0]");
  }
  doc = nlohmann::json::parse(results::to_json_text(small_run()));
  doc.erase("latency_ms");
  CHECK_THROWS_AS(results::parse_results_text(doc.dump(), "r.json"), scenario::InputError);
  CHECK_THROWS_AS(results::parse_results_text("{not json", "r.json"), scenario::InputError);
  CHECK_THROWS_AS(results::read_results("/nonexistent/results.json"), scenario::InputError);
}

TEST_CASE("the report page is one file with no external URL and the data escaped", "[report]") {
  results::Results r = small_run();
  r.scenario_name = "</script><script>alert(1)</script>";
  reports::ReportInput input;
  input.title = r.scenario_name;
  input.runs.push_back({"run", &r, ""});
  const std::string html = reports::render_html(input);
  CHECK(html.find("alert(1)</script>") == std::string::npos);
  CHECK(html.find("&lt;/script&gt;&lt;script&gt;alert(1)") != std::string::npos);  // the <title>
  CHECK(html.find("src=\"http") == std::string::npos);
  CHECK(html.find("href=\"http") == std::string::npos);
  CHECK(html.find("@@") == std::string::npos);  // every marker replaced
  CHECK(html.find("uPlot") != std::string::npos);
}

TEST_CASE("gnuplot strings cannot be ended by a name", "[report]") {
  CHECK(reports::gnuplot_quote("it's\nx") == "'it''sx'");
  results::Results r = small_run();
  reports::ReportInput input;
  input.title = "a'; system('touch /tmp/x'); '";
  input.runs.push_back({"run", &r, ""});
  const auto job = reports::gnuplot_job(input, "/data", "/out");
  CHECK(job.outputs.size() == 4);
  CHECK(job.script.find("'a''; system(''touch /tmp/x''); '': latency") != std::string::npos);
  CHECK(job.script.find("size 1200,700") != std::string::npos);
}

TEST_CASE("a results file with a number beyond a double is refused as input (found by the results fuzzer)", "[report][fuzz]") {
  std::ifstream in(std::string(FLEETSIM_SOURCE_DIR) + "/fuzz/regressions/results-number-overflow", std::ios::binary);
  REQUIRE(in);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  try {
    (void)fleetsim::results::parse_results_text(text, "r.json");
    FAIL("accepted");
  } catch (const fleetsim::scenario::InputError& e) {
    CHECK_THAT(std::string(e.what()), Catch::Contains("r.json: not valid JSON"));
  }
}
