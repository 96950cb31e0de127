// The load generator against targets that misbehave below HTTP: one that answers garbage and one
// that accepts and never answers. Each is counted by cause, bounded in time, never a crash; the
// CLI says what went wrong.
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <catch2/catch.hpp>
#include <array>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>
#include <unistd.h>
#include <vector>

#include "loadgen/load_generator.h"
#include "loadgen/load_target.h"
#include "test_support.h"

namespace asio = boost::asio;
using asio::ip::tcp;
namespace loadgen = fleetsim::loadgen;

namespace {

// Accepts on 127.0.0.1 and either writes `garbage` and closes, or (empty `garbage`) reads and
// never answers, keeping the connection open until the server stops.
class RawServer {
 public:
  explicit RawServer(std::string garbage)
      : garbage_(std::move(garbage)), acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    accept();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~RawServer() {
    io_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()); }

 private:
  void accept() {
    acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
      if (ec) return;
      auto held = std::make_shared<tcp::socket>(std::move(socket));
      held_.push_back(held);
      auto buffer = std::make_shared<std::array<char, 4096>>();
      held->async_read_some(asio::buffer(*buffer), [this, held, buffer](boost::system::error_code read_ec, std::size_t) {
        if (read_ec || garbage_.empty()) return;  // the hanging server reads and stays silent
        asio::async_write(*held, asio::buffer(garbage_), [held](boost::system::error_code, std::size_t) {
          boost::system::error_code ignored;
          held->shutdown(tcp::socket::shutdown_both, ignored);
          held->close(ignored);
        });
      });
      accept();
    });
  }

  std::string garbage_;
  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::vector<std::shared_ptr<tcp::socket>> held_;  // io thread only
  std::thread thread_;
};

fleetsim::scenario::Scenario steady(double rate_rps) {
  return fleetsim::testing::scenario_from({{"name", "bad-target"},
                                           {"duration_s", 1},
                                           {"traffic", {{"rate_rps", rate_rps}, {"arrivals", "uniform"}, {"routes", {{{"path", "/"}, {"service", "s"}}}}}},
                                           {"services", {{{"name", "s"}, {"service_time_ms", {{"dist", "constant"}, {"mean_ms", 1}}}}}}});
}

loadgen::LoadOptions options_for(const std::string& url, double duration_s, double timeout_s) {
  loadgen::LoadOptions o;
  o.target = loadgen::parse_load_target(url, false);
  o.duration_s = duration_s;
  o.timeout_s = timeout_s;
  o.threads = 1;
  o.max_connections = 16;
  return o;
}

}  // namespace

TEST_CASE("a target that answers garbage: every request is bad_response", "[loadgen]") {
  RawServer server("SSH-2.0-OpenSSH_9.2\r\n");
  const auto report = loadgen::run_load(steady(40), options_for(server.url(), 0.5, 2));
  CHECK(report.results.sent >= 15);
  CHECK(report.results.by_outcome.at("bad_response") == report.results.sent);
  CHECK(report.results.ok == 0);
  // The same failures per second, by outcome: only bad_response, and as many as errors.
  const auto& ts = report.results.timeseries;
  REQUIRE(ts.errors_by_outcome.size() == 1);
  REQUIRE(ts.errors_by_outcome.count("bad_response") == 1);
  CHECK(ts.errors_by_outcome.at("bad_response") == ts.errors);
}

TEST_CASE("a target that accepts and never answers: requests time out at the deadline, the run ends on time", "[loadgen]") {
  RawServer server("");
  const auto began = std::chrono::steady_clock::now();
  // 16 connections at most, 40 rps for 0.5 s, 0.3 s deadline: the first 16 time out; the rest
  // wait for a free connection and are dropped or time out.
  const auto report = loadgen::run_load(steady(40), options_for(server.url(), 0.5, 0.3));
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  CHECK(report.results.ok == 0);
  CHECK(report.results.by_outcome.at("timeout") >= 10);
  CHECK(report.results.by_outcome.at("timeout") + report.results.by_outcome.at("dropped") == report.results.sent);
  CHECK(took < 0.5 + 0.3 + 1.0);  // the duration, one deadline, and slack for a busy machine
}

TEST_CASE("fleetsim load against a hanging target says what happened and exits 1", "[loadgen][cli]") {
  RawServer server("");
  const std::string out = "/tmp/fleetsim-bad-target-" + std::to_string(::getpid());
  std::filesystem::remove_all(out);
  const std::string scenario = out + "-scenario.json";
  {
    std::ofstream(scenario) << nlohmann::json{{"name", "hang"},
                                              {"duration_s", 1},
                                              {"traffic", {{"rate_rps", 20}, {"routes", {{{"path", "/"}, {"service", "s"}}}}}},
                                              {"services", {{{"name", "s"}, {"service_time_ms", {{"dist", "constant"}, {"mean_ms", 1}}}}}},
                                              {"slo", {{"availability", 0.99}}}}
                                   .dump();
  }
  const auto r = fleetsim::testing::run_fleetsim("load " + scenario + " --target " + server.url() + " --out " + out +
                                                 " --timeout 0.3 --quiet");
  INFO(r.out << r.err);
  CHECK(r.status == 1);  // the availability SLO fails
  CHECK_THAT(r.out, Catch::Contains("timeout"));
  CHECK(std::filesystem::exists(out + "/results.json"));
  std::filesystem::remove_all(out);
  std::filesystem::remove(scenario);
}
