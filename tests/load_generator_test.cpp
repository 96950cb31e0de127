// The load generator against a tiny Beast server on 127.0.0.1 run inside the test.
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <catch2/catch.hpp>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>
#include <unistd.h>  // getpid, for a private temporary directory

#include "loadgen/load_generator.h"
#include "loadgen/load_target.h"
#include "loadgen/send_plan.h"
#include "models/arrival_schedule.h"
#include "results/results_json.h"
#include "scenario/input_error.h"
#include "scenario/parse.h"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
using nlohmann::json;
namespace loadgen = fleetsim::loadgen;

namespace {

// Paths: "/error..." answers 500 at once; "/stall10..." stalls 300 ms on every 10th request (of
// the whole server) and answers the others at once; anything else answers 200 after 2 ms.
class TestServer {
 public:
  TestServer() : acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    accept();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~TestServer() {
    io_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()); }

 private:
  struct Session : std::enable_shared_from_this<Session> {
    Session(tcp::socket s, std::atomic<std::uint64_t>& stall_counter)
        : socket(std::move(s)), timer(socket.get_executor()), stalls(stall_counter) {}
    void read() {
      request = {};
      http::async_read(socket, buffer, request, [self = shared_from_this()](beast::error_code ec, std::size_t) {
        if (!ec) self->answer();
      });
    }
    void answer() {
      const std::string target(request.target());
      unsigned status = 200;
      auto delay = std::chrono::milliseconds(2);
      if (target.rfind("/error", 0) == 0) {
        status = 500;
        delay = std::chrono::milliseconds(0);
      } else if (target.rfind("/stall10", 0) == 0) {
        delay = std::chrono::milliseconds(++stalls % 10 == 0 ? 300 : 0);
      }
      timer.expires_after(delay);
      timer.async_wait([self = shared_from_this(), status](beast::error_code) {
        self->response = {};
        self->response.version(11);
        self->response.result(status);
        self->response.keep_alive(self->request.keep_alive());
        self->response.body() = "ok\n";
        self->response.prepare_payload();
        http::async_write(self->socket, self->response, [self](beast::error_code ec, std::size_t) {
          if (!ec) self->read();
        });
      });
    }
    tcp::socket socket;
    beast::flat_buffer buffer;
    http::request<http::string_body> request;
    http::response<http::string_body> response;
    asio::steady_timer timer;
    std::atomic<std::uint64_t>& stalls;
  };

  void accept() {
    acceptor_.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (ec) return;
      std::make_shared<Session>(std::move(socket), stalls_)->read();
      accept();
    });
  }

  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::atomic<std::uint64_t> stalls_{0};
  std::thread thread_;
};

fleetsim::scenario::Scenario scenario_of(double rate_rps, const std::string& arrivals, json routes,
                                         std::uint64_t seed = 7, json slo = json::object()) {
  json doc = {{"name", "load-test"},
              {"seed", seed},
              {"duration_s", 2},
              {"traffic", {{"arrivals", arrivals}, {"rate_rps", rate_rps}, {"clients", 50}, {"routes", routes}}},
              {"services", {{{"name", "s"}, {"service_time_ms", {{"dist", "constant"}, {"mean_ms", 2}}}}}}};
  if (!slo.empty()) doc["slo"] = slo;
  return fleetsim::scenario::parse_scenario_text(doc.dump(), "load-test.json");
}

json one_route(const std::string& path) { return json::array({{{"path", path}, {"service", "s"}}}); }

loadgen::LoadOptions options_for(const std::string& url, double duration_s) {
  loadgen::LoadOptions o;
  o.target = loadgen::parse_load_target(url, false);
  o.duration_s = duration_s;
  return o;
}

// A port nobody listens on: bound by the kernel, then released.
std::uint16_t closed_port() {
  asio::io_context io;
  tcp::acceptor a(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const auto port = a.local_endpoint().port();
  a.close();
  return port;
}

}  // namespace

TEST_CASE("an open-model run sends the planned requests and measures the server's delay", "[loadgen]") {
  TestServer server;
  const auto s = scenario_of(500, "poisson", one_route("/a"));
  const double expected = fleetsim::models::ArrivalSchedule(s.traffic.profile, s.traffic.arrivals).expected_arrivals(2);
  const auto planned = static_cast<double>(loadgen::whole_send_plan(s, 2).size());
  CHECK(std::abs(planned - expected) <= 5 * std::sqrt(expected));

  const auto report = loadgen::run_load(s, options_for(server.url(), 2));
  const auto& r = report.results;
  CHECK(static_cast<double>(r.sent) >= 0.99 * planned);
  CHECK(static_cast<double>(r.sent) <= planned);
  CHECK(r.ok == r.sent);
  CHECK(r.by_outcome.at("dropped") == 0);
  CHECK(r.availability == 1.0);
  CHECK(r.latency.p50 >= 2.0);
  CHECK(r.latency.p50 < 3.5);
  CHECK(report.uncorrected_latency.p50 >= 2.0);
  CHECK(r.timeseries.t.size() == 2);
  CHECK(r.timeseries.p50_ms[0] >= 2.0);
}

TEST_CASE("the send plan is identical for the same seed and differs for another", "[loadgen]") {
  const json routes = json::array({{{"path", "/a"}, {"service", "s"}, {"weight", 0.7}},
                                   {{"path", "/b"}, {"service", "s"}, {"weight", 0.3}}});
  const auto a = loadgen::whole_send_plan(scenario_of(500, "poisson", routes, 7), 2);
  const auto b = loadgen::whole_send_plan(scenario_of(500, "poisson", routes, 7), 2);
  const auto c = loadgen::whole_send_plan(scenario_of(500, "poisson", routes, 8), 2);
  REQUIRE(a.size() == b.size());
  bool same = true;
  std::size_t to_b = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    same = same && a[i].at_ns == b[i].at_ns && a[i].route == b[i].route && a[i].client == b[i].client;
    to_b += a[i].route;
  }
  CHECK(same);
  CHECK(std::abs(static_cast<double>(to_b) / static_cast<double>(a.size()) - 0.3) < 0.06);
  bool differs = a.size() != c.size();
  for (std::size_t i = 0; !differs && i < a.size(); ++i) differs = a[i].at_ns != c[i].at_ns || a[i].route != c[i].route;
  CHECK(differs);
  loadgen::SendPlan plan(scenario_of(500, "poisson", routes, 7), 2);
  CHECK(plan.path(0) == "/a");
  CHECK(plan.path(1) == "/b");
}

TEST_CASE("a stalling server shows a larger corrected than uncorrected p99", "[loadgen]") {
  // One connection, 50 requests a second, every 10th answered after 300 ms: each stall delays
  // the requests queued behind it, and the stalls pile up (10 requests take 300 ms, longer than
  // the 200 ms they are planned over). The uncorrected p99 is one stall; the corrected one, from
  // the intended send times, about two.
  TestServer server;
  const auto s = scenario_of(50, "uniform", one_route("/stall10"));
  auto o = options_for(server.url(), 1);
  o.threads = 1;
  o.max_connections = 1;
  const auto report = loadgen::run_load(s, o);
  CHECK(report.results.ok == report.results.sent);
  CHECK(report.results.sent == 49);
  CHECK(report.uncorrected_latency.p99 >= 299);
  CHECK(report.uncorrected_latency.p99 < 340);
  CHECK(report.results.latency.p99 > 1.5 * report.uncorrected_latency.p99);
}

TEST_CASE("a closed model keeps its connections busy and both histograms agree", "[loadgen]") {
  TestServer server;
  const auto s = scenario_of(10, "poisson", one_route("/a"));
  auto o = options_for(server.url(), 0.5);
  o.connections = 4;
  const auto report = loadgen::run_load(s, o);
  // 4 connections, ~2 ms a request: about 1000 requests in 0.5 s (200 leaves room for a busy machine).
  CHECK(report.results.sent > 200);
  CHECK(report.results.ok == report.results.sent);
  CHECK(report.results.latency.p50 == Approx(report.uncorrected_latency.p50).epsilon(0.01));
}

TEST_CASE("requests to a closed port count as refused", "[loadgen]") {
  const auto s = scenario_of(100, "uniform", one_route("/a"));
  const auto report = loadgen::run_load(s, options_for("http://127.0.0.1:" + std::to_string(closed_port()), 0.5));
  CHECK(report.results.sent > 40);
  CHECK(report.results.by_outcome.at("refused") == report.results.sent);
  CHECK(report.results.ok == 0);
}

TEST_CASE("a 500 answer counts as http_5xx and fails the availability SLO", "[loadgen]") {
  TestServer server;
  const auto s = scenario_of(100, "uniform", one_route("/error"), 7, {{"availability", 0.99}});
  const auto report = loadgen::run_load(s, options_for(server.url(), 0.5));
  const auto& r = report.results;
  CHECK(r.sent > 40);
  CHECK(r.by_outcome.at("http_5xx") == r.sent);
  CHECK(r.failed == r.sent);
  CHECK(r.availability == 0.0);
  CHECK_FALSE(r.slo_pass);

  const auto dir = std::filesystem::temp_directory_path() / ("fleetsim-load-test-" + std::to_string(::getpid()));
  fleetsim::results::write_results(r, dir.string());
  std::ifstream in(dir / "results.json");
  const json j = json::parse(in);
  std::filesystem::remove_all(dir);
  CHECK(j.at("source") == "loadgen");
  for (const char* key : {"schema", "scenario", "window", "requests", "availability", "throughput_rps", "latency_ms",
                          "timeseries", "slo"}) {
    CHECK(j.contains(key));
  }
  CHECK(j.at("requests").at("by_outcome").at("http_5xx") == r.sent);
}

TEST_CASE("only loopback targets are accepted unless remote targets are allowed", "[loadgen]") {
  using fleetsim::scenario::InputError;
  CHECK(loadgen::parse_load_target("http://127.0.0.1:8080", false).port == "8080");
  CHECK(loadgen::parse_load_target("http://localhost:81/api/", false).base_path == "/api");
  CHECK(loadgen::parse_load_target("http://[::1]:9000", false).host == "::1");
  CHECK(loadgen::parse_load_target("http://[::1]:9000", false).host_header == "[::1]:9000");
  CHECK_THROWS_AS(loadgen::parse_load_target("http://10.0.0.1:80", false), InputError);
  CHECK(loadgen::parse_load_target("http://10.0.0.1:80", true).host == "10.0.0.1");
  CHECK_THROWS_AS(loadgen::parse_load_target("https://127.0.0.1:443", false), InputError);
  CHECK_THROWS_AS(loadgen::parse_load_target("http://127.0.0.1:99999", false), InputError);
  CHECK_THROWS_AS(loadgen::parse_load_target("127.0.0.1:80", false), InputError);
}
