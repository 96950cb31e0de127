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
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>
#include <unistd.h>  // getpid, for a private temporary directory

#include "loadgen/connection_pool.h"
#include "loadgen/load_generator.h"
#include "loadgen/load_target.h"
#include "loadgen/send_plan.h"
#include "models/arrival_schedule.h"
#include "models/client_address.h"
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

// What the server got: one entry per request, in arrival order.
struct Received {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  std::string from;  // the connection's remote address
};

// Paths: "/error..." answers 500 at once; "/stall10..." stalls 300 ms on every 10th request (of
// the whole server) and answers the others at once; anything else answers 200 after 2 ms. A HEAD
// request gets the headers of "ok\n" (Content-Length 3) and no body. Every request is recorded.
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
  std::vector<Received> received() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return received_;
  }

 private:
  struct Session : std::enable_shared_from_this<Session> {
    Session(tcp::socket s, TestServer& owner)
        : socket(std::move(s)), timer(socket.get_executor()), server(owner) {}
    void read() {
      request = {};
      http::async_read(socket, buffer, request, [self = shared_from_this()](beast::error_code ec, std::size_t) {
        if (!ec) self->answer();
      });
    }
    void answer() {
      server.record(request, socket);
      const std::string target(request.target());
      unsigned status = 200;
      auto delay = std::chrono::milliseconds(2);
      if (target.rfind("/error", 0) == 0) {
        status = 500;
        delay = std::chrono::milliseconds(0);
      } else if (target.rfind("/stall10", 0) == 0) {
        delay = std::chrono::milliseconds(++server.stalls_ % 10 == 0 ? 300 : 0);
      }
      timer.expires_after(delay);
      timer.async_wait([self = shared_from_this(), status](beast::error_code) {
        self->response = {};
        self->response.version(11);
        self->response.result(status);
        self->response.keep_alive(self->request.keep_alive());
        self->response.body() = "ok\n";
        self->response.prepare_payload();
        if (self->request.method() == http::verb::head) self->response.body().clear();  // headers only
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
    TestServer& server;
  };

  void accept() {
    acceptor_.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (ec) return;
      std::make_shared<Session>(std::move(socket), *this)->read();
      accept();
    });
  }

  void record(const http::request<http::string_body>& request, const tcp::socket& socket) {
    Received r;
    r.method = std::string(request.method_string());
    r.target = std::string(request.target());
    for (const auto& field : request) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      r.headers[name] = std::string(field.value());
    }
    r.body = request.body();
    beast::error_code ec;
    r.from = socket.remote_endpoint(ec).address().to_string();
    std::lock_guard<std::mutex> lock(mutex_);
    received_.push_back(std::move(r));
  }

  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::atomic<std::uint64_t> stalls_{0};
  mutable std::mutex mutex_;
  std::vector<Received> received_;  // guarded by mutex_
  std::thread thread_;
};

fleetsim::scenario::Scenario scenario_of(double rate_rps, const std::string& arrivals, json routes,
                                         std::uint64_t seed = 7, json slo = json::object(), int clients = 50) {
  json doc = {{"name", "load-test"},
              {"seed", seed},
              {"duration_s", 2},
              {"traffic", {{"arrivals", arrivals}, {"rate_rps", rate_rps}, {"clients", clients}, {"routes", routes}}},
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
  // One client: its requests never move to another source address, so no connection reopens
  // and both histograms start at the write.
  TestServer server;
  const auto s = scenario_of(10, "poisson", one_route("/a"), 7, json::object(), 1);
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
  const auto https = loadgen::parse_load_target("https://127.0.0.1/api", false);
  CHECK(https.scheme == loadgen::LoadTarget::Scheme::kHttps);
  CHECK(https.port == "443");
  CHECK(https.host_header == "127.0.0.1");
  CHECK(https.base_path == "/api");
  CHECK(loadgen::parse_load_target("https://localhost:8443", false).port == "8443");
  CHECK(loadgen::parse_load_target("http://127.0.0.1", false).scheme == loadgen::LoadTarget::Scheme::kHttp);
  CHECK_THROWS_AS(loadgen::parse_load_target("https://10.0.0.1", false), InputError);
  CHECK_THROWS_AS(loadgen::parse_load_target("ftp://127.0.0.1", false), InputError);
  CHECK_THROWS_AS(loadgen::parse_load_target("http://127.0.0.1:99999", false), InputError);
  CHECK_THROWS_AS(loadgen::parse_load_target("127.0.0.1:80", false), InputError);
}

namespace {

bool is_hex_id(const std::string& s) {
  return s.size() == 32 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// counter → random id of every request `server` got (from the X-Seq and X-Request-Id headers).
std::map<std::uint64_t, std::string> ids_by_counter(const std::vector<Received>& got) {
  std::map<std::uint64_t, std::string> out;
  for (const auto& r : got) out[std::stoull(r.headers.at("x-seq"))] = r.headers.at("x-request-id");
  return out;
}

const json kTemplatedRoutes = json::array(
    {{{"path", "/items"},
      {"service", "s"},
      {"method", "POST"},
      {"headers", {{"X-Request-Id", "{{random_id}}"}, {"X-Seq", "{{counter}}"}, {"X-Client", "client-{{client}}"}}},
      {"body", "{\"n\": {{counter}}, \"id\": \"{{ random_id }}\", \"client\": {{client}}}"}}});

}  // namespace

TEST_CASE("a route's method, headers and body are sent with their templates rendered per request", "[loadgen]") {
  TestServer server;
  const auto s = scenario_of(200, "uniform", kTemplatedRoutes);
  auto o = options_for(server.url(), 0.5);
  const auto report = loadgen::run_load(s, o);
  const auto got = server.received();
  CHECK(report.results.ok == report.results.sent);
  REQUIRE(got.size() >= 90);  // 200 rps for 0.5 s
  std::set<std::uint64_t> counters;
  std::set<std::string> ids;
  for (const auto& r : got) {
    INFO(r.method << " " << r.target << " " << r.body);
    CHECK(r.method == "POST");
    CHECK(r.target == "/items");
    CHECK(r.headers.at("content-type") == "application/json");
    CHECK(r.headers.at("content-length") == std::to_string(r.body.size()));
    const json body = json::parse(r.body);  // the rendered template is valid JSON
    const std::uint64_t counter = body.at("n").get<std::uint64_t>();
    CHECK(r.headers.at("x-seq") == std::to_string(counter));
    CHECK(body.at("id") == r.headers.at("x-request-id"));  // one random id per request
    CHECK(is_hex_id(r.headers.at("x-request-id")));
    const auto client = body.at("client").get<std::uint32_t>();
    CHECK(client < 50);
    CHECK(r.headers.at("x-client") == "client-" + std::to_string(client));
    CHECK(r.headers.at("x-fleetsim-client") ==
          fleetsim::models::format_ipv4(fleetsim::models::client_address(client)));
    counters.insert(counter);
    ids.insert(r.headers.at("x-request-id"));
  }
  CHECK(counters.size() == got.size());  // unique over the run, across both threads
  CHECK(ids.size() == got.size());
  CHECK(*counters.rbegin() < got.size() + 5);  // the plan's sequence numbers, from 0
}

TEST_CASE("random ids repeat with the same seed and differ with another", "[loadgen]") {
  auto run = [](std::uint64_t seed) {
    TestServer server;
    loadgen::run_load(scenario_of(200, "uniform", kTemplatedRoutes, seed), options_for(server.url(), 0.3));
    return ids_by_counter(server.received());
  };
  const auto a = run(7), b = run(7), c = run(8);
  REQUIRE(a.size() >= 50);
  CHECK(a == b);
  std::size_t same = 0;
  for (const auto& [counter, id] : a) same += c.count(counter) && c.at(counter) == id;
  CHECK(same == 0);
}

TEST_CASE("a HEAD route reads the answer's headers only; other methods go out as written", "[loadgen]") {
  TestServer server;
  const json routes = json::array({{{"path", "/h"}, {"service", "s"}, {"method", "HEAD"}, {"weight", 1}},
                                   {{"path", "/d"}, {"service", "s"}, {"method", "DELETE"}, {"weight", 1}},
                                   {{"path", "/p"},
                                    {"service", "s"},
                                    {"method", "PUT"},
                                    {"headers", {{"Content-Type", "text/plain"}}},
                                    {"body", "x"}}});
  auto o = options_for(server.url(), 0.4);
  o.timeout_s = 0.5;  // a HEAD answer read as if it had a body would time out
  const auto report = loadgen::run_load(scenario_of(100, "uniform", routes), o);
  CHECK(report.results.sent >= 30);
  CHECK(report.results.ok == report.results.sent);
  std::set<std::string> methods;
  for (const auto& r : server.received()) {
    methods.insert(r.method);
    if (r.method == "PUT") {
      CHECK(r.headers.at("content-type") == "text/plain");
      CHECK(r.body == "x");
    } else {
      CHECK(r.headers.count("content-type") == 0);
      CHECK(r.body.empty());
    }
  }
  CHECK(methods == std::set<std::string>{"DELETE", "HEAD", "PUT"});
}

TEST_CASE("against an IPv4 loopback target each client's requests leave from its own address", "[loadgen]") {
  // 50 clients and at most 8 connections: most requests find no idle connection of their
  // client's address and evict the least recently used one.
  TestServer server;
  const auto s = scenario_of(300, "uniform", one_route("/a"));
  auto o = options_for(server.url(), 0.5);
  o.max_connections = 8;
  const auto report = loadgen::run_load(s, o);
  CHECK(report.results.ok == report.results.sent);
  std::set<std::string> expected;
  for (const auto& p : loadgen::whole_send_plan(s, 0.5)) {
    expected.insert(fleetsim::models::format_ipv4(fleetsim::models::client_address(p.client)));
  }
  CHECK(expected.size() > 40);  // of the 50 clients, the ones the 150 planned requests drew
  std::set<std::string> seen;
  for (const auto& r : server.received()) {
    CHECK(r.from == r.headers.at("x-fleetsim-client"));  // the request's own client, not another's
    seen.insert(r.from);
  }
  CHECK(seen == expected);
}

TEST_CASE("a closed model against loopback also sends each request from its client's address", "[loadgen]") {
  TestServer server;
  auto o = options_for(server.url(), 0.3);
  o.connections = 2;
  const auto report = loadgen::run_load(scenario_of(10, "poisson", one_route("/a")), o);
  CHECK(report.results.sent > 20);
  CHECK(report.results.ok == report.results.sent);
  std::set<std::string> seen;
  for (const auto& r : server.received()) {
    CHECK(r.from == r.headers.at("x-fleetsim-client"));
    seen.insert(r.from);
  }
  CHECK(seen.size() > 10);
}

TEST_CASE("client sources are bound for IPv4 loopback addresses only", "[loadgen]") {
  CHECK(loadgen::binds_client_sources(loadgen::parse_load_target("http://127.0.0.1:80", false)));
  CHECK(loadgen::binds_client_sources(loadgen::parse_load_target("https://127.3.2.1", false)));
  CHECK_FALSE(loadgen::binds_client_sources(loadgen::parse_load_target("http://localhost:80", false)));
  CHECK_FALSE(loadgen::binds_client_sources(loadgen::parse_load_target("http://[::1]:80", false)));
  CHECK_FALSE(loadgen::binds_client_sources(loadgen::parse_load_target("http://10.0.0.1:80", true)));
}

TEST_CASE("the connection pool reuses by source address and evicts the least recently used idle one", "[loadgen]") {
  asio::io_context io;
  loadgen::ConnectionSettings settings;
  loadgen::ConnectionPool pool(2, [&] { return std::make_unique<loadgen::HttpConnection>(io, settings); });
  loadgen::HttpConnection* a = pool.acquire(11);
  loadgen::HttpConnection* b = pool.acquire(22);
  REQUIRE(a != nullptr);
  REQUIRE(b != nullptr);
  CHECK(a != b);
  CHECK(pool.acquire(33) == nullptr);  // both handed out, at the cap
  pool.release(a);
  pool.release(b);
  CHECK(pool.acquire(22) == b);  // found by its address
  pool.release(b);               // now a is the least recently used
  loadgen::HttpConnection* c = pool.acquire(33);
  CHECK(c == a);  // evicted and rebound
  CHECK(c->source() == 33);
  CHECK(pool.evictions() == 1);
  CHECK(pool.size() == 2);
  pool.release(c);
  CHECK(pool.acquire(11) == b);  // no idle 11: b (22) is now the least recently used
  CHECK(b->source() == 11);
  CHECK(pool.evictions() == 2);
  CHECK(pool.acquire(44) == a);
  CHECK(pool.acquire(55) == nullptr);
}
