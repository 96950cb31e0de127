// The service emulator as a real server: each test starts it in-process on 127.0.0.1, port 0,
// and talks to it with a small Beast client.
#include <dirent.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <catch2/catch.hpp>
#include <algorithm>
#include <chrono>
#include <future>
#include <thread>
#include <vector>

#include "loadgen/emulator_config.h"
#include "loadgen/service_emulator.h"
#include "scenario/parse.h"

using fleetsim::loadgen::EmulatorConfig;
using fleetsim::loadgen::ServiceEmulator;
namespace beast = boost::beast;
namespace http = beast::http;
using Clock = std::chrono::steady_clock;

namespace {

struct Reply {
  int status = 0;                // 0: no answer (see error)
  std::string task, service, body;
  double elapsed_ms = 0;         // from the call to the end of the answer
  Clock::time_point finished;    // when the answer (or the failure) came
  boost::system::error_code error;
};

// One request on a fresh connection, with a deadline for the whole exchange.
Reply request(std::uint16_t port, const std::string& target, http::verb verb = http::verb::get,
              int timeout_ms = 2000) {
  const auto start = Clock::now();
  boost::asio::io_context io;
  beast::tcp_stream stream(io);
  beast::flat_buffer buffer;
  http::request<http::string_body> req(verb, target, 11);
  req.set(http::field::host, "127.0.0.1");
  http::response<http::string_body> res;
  Reply reply;
  stream.expires_after(std::chrono::milliseconds(timeout_ms));
  const boost::asio::ip::tcp::endpoint endpoint(boost::asio::ip::make_address("127.0.0.1"), port);
  stream.async_connect(endpoint, [&](boost::system::error_code ec) {
    if (ec) { reply.error = ec; return; }
    http::async_write(stream, req, [&](boost::system::error_code ec, std::size_t) {
      if (ec) { reply.error = ec; return; }
      http::async_read(stream, buffer, res, [&](boost::system::error_code ec, std::size_t) {
        if (ec) { reply.error = ec; return; }
        reply.status = static_cast<int>(res.result_int());
      });
    });
  });
  io.run();
  reply.finished = Clock::now();
  reply.elapsed_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  if (reply.status) {
    reply.task = std::string(res["X-Fleetsim-Task"]);
    reply.service = std::string(res["X-Fleetsim-Service"]);
    reply.body = res.body();
  }
  return reply;
}

// `n` requests sent at once, each on its own connection.
std::vector<Reply> concurrent(std::uint16_t port, int n, const std::string& target = "/") {
  std::vector<std::future<Reply>> futures;
  for (int i = 0; i < n; ++i) futures.push_back(std::async(std::launch::async, [=] { return request(port, target); }));
  std::vector<Reply> replies;
  for (auto& f : futures) replies.push_back(f.get());
  return replies;
}

EmulatorConfig constant(double ms, std::uint32_t workers = 1, std::int64_t queue_limit = -1) {
  EmulatorConfig c;
  c.service = "api";
  c.task_id = "api-7";
  c.workers = workers;
  c.queue_limit = queue_limit;
  c.service_time.kind = fleetsim::scenario::Distribution::Kind::kConstant;
  c.service_time.mean_ms = ms;
  c.control = true;
  return c;
}

std::size_t thread_count() {
  std::size_t n = 0;
  if (DIR* d = opendir("/proc/self/task")) {
    while (const dirent* e = readdir(d)) n += e->d_name[0] != '.';
    closedir(d);
  }
  return n;
}

}  // namespace

TEST_CASE("the emulator listens on a port the kernel picks, different per instance", "[emulator]") {
  ServiceEmulator a(constant(1)), b(constant(1));
  a.start();
  b.start();
  CHECK(a.port() != 0);
  CHECK(b.port() != 0);
  CHECK(a.port() != b.port());
}

TEST_CASE("every response names the task and the service", "[emulator]") {
  ServiceEmulator e(constant(1));
  e.start();
  for (const char* target : {"/", "/orders/17?x=1", "/health"}) {
    const Reply r = request(e.port(), target);
    CHECK(r.status == 200);
    CHECK(r.task == "api-7");
    CHECK(r.service == "api");
  }
  CHECK(request(e.port(), "/").body == "ok\n");
}

TEST_CASE("requests beyond the workers wait in a FIFO queue for a free worker", "[emulator]") {
  ServiceEmulator e(constant(50, 2));
  e.start();
  std::vector<double> elapsed;
  for (const auto& r : concurrent(e.port(), 4)) {
    CHECK(r.status == 200);
    elapsed.push_back(r.elapsed_ms);
  }
  std::sort(elapsed.begin(), elapsed.end());
  CHECK(elapsed[0] == Approx(50).margin(25));
  CHECK(elapsed[1] == Approx(50).margin(25));
  CHECK(elapsed[2] == Approx(100).margin(25));
  CHECK(elapsed[3] == Approx(100).margin(25));
}

TEST_CASE("a request that finds the queue full gets 503", "[emulator]") {
  ServiceEmulator e(constant(150, 1, 1));
  e.start();
  int ok = 0, rejected = 0;
  for (const auto& r : concurrent(e.port(), 3)) {
    ok += r.status == 200;
    rejected += r.status == 503;
    if (r.status == 503) CHECK(r.elapsed_ms < 100);  // turned away at once
  }
  CHECK(ok == 2);
  CHECK(rejected == 1);
}

TEST_CASE("an error rate of 1 answers every request with 500 but health stays 200", "[emulator]") {
  EmulatorConfig c = constant(1);
  c.error_rate = 1;
  ServiceEmulator e(c);
  e.start();
  CHECK(request(e.port(), "/").status == 500);
  CHECK(request(e.port(), "/a").status == 500);
  CHECK(request(e.port(), "/health").status == 200);
}

TEST_CASE("health answers at once, not behind queued requests", "[emulator]") {
  ServiceEmulator e(constant(200, 1));
  e.start();
  auto busy = std::async(std::launch::async, [&] { return request(e.port(), "/"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const Reply health = request(e.port(), "/health");
  CHECK(health.status == 200);
  CHECK(health.elapsed_ms < 100);
  CHECK(busy.get().status == 200);
}

TEST_CASE("a hung task answers nothing until resume", "[emulator]") {
  ServiceEmulator e(constant(1));
  e.start();
  CHECK(request(e.port(), "/_chaos/hang", http::verb::post).status == 200);
  const Reply hung = request(e.port(), "/", http::verb::get, 300);
  CHECK(hung.status == 0);
  CHECK(hung.error == beast::error::timeout);
  CHECK(request(e.port(), "/health", http::verb::get, 300).status == 0);
  CHECK(request(e.port(), "/_chaos/resume", http::verb::post).status == 200);
  CHECK(request(e.port(), "/").status == 200);
  CHECK(request(e.port(), "/health").status == 200);
}

TEST_CASE("requests held by a hang are answered on resume", "[emulator]") {
  ServiceEmulator e(constant(1));
  e.start();
  request(e.port(), "/_chaos/hang", http::verb::post);
  auto held = std::async(std::launch::async, [&] { return request(e.port(), "/", http::verb::get, 2000); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const auto resumed_at = Clock::now();
  CHECK(request(e.port(), "/_chaos/resume", http::verb::post).status == 200);
  const Reply r = held.get();
  CHECK(r.status == 200);
  CHECK(r.finished > resumed_at);
}

TEST_CASE("slow adds its milliseconds to every service time until resume", "[emulator]") {
  ServiceEmulator e(constant(10));
  e.start();
  CHECK(request(e.port(), "/").elapsed_ms < 60);
  CHECK(request(e.port(), "/_chaos/slow?ms=100", http::verb::post).status == 200);
  const Reply slow = request(e.port(), "/");
  CHECK(slow.status == 200);
  CHECK(slow.elapsed_ms == Approx(110).margin(25));
  request(e.port(), "/_chaos/resume", http::verb::post);
  CHECK(request(e.port(), "/").elapsed_ms < 60);
}

TEST_CASE("chaos overrides the error ratio and fails health until resume", "[emulator]") {
  ServiceEmulator e(constant(1));
  e.start();
  CHECK(request(e.port(), "/_chaos/error?rate=1", http::verb::post).status == 200);
  CHECK(request(e.port(), "/").status == 500);
  CHECK(request(e.port(), "/_chaos/unhealthy", http::verb::post).status == 200);
  CHECK(request(e.port(), "/health").status == 503);
  CHECK(request(e.port(), "/_chaos/resume", http::verb::post).status == 200);
  CHECK(request(e.port(), "/").status == 200);
  CHECK(request(e.port(), "/health").status == 200);
}

TEST_CASE("malformed or unknown chaos controls are refused", "[emulator]") {
  ServiceEmulator e(constant(1));
  e.start();
  CHECK(request(e.port(), "/_chaos/slow?ms=abc", http::verb::post).status == 400);
  CHECK(request(e.port(), "/_chaos/error?rate=2", http::verb::post).status == 400);
  CHECK(request(e.port(), "/_chaos/explode", http::verb::post).status == 404);
  CHECK(request(e.port(), "/_chaos/hang").status == 405);  // GET
  CHECK(request(e.port(), "/").status == 200);               // nothing applied
}

TEST_CASE("without control the chaos paths are ordinary requests", "[emulator]") {
  EmulatorConfig c = constant(1);
  c.control = false;
  ServiceEmulator e(c);
  e.start();
  CHECK(request(e.port(), "/_chaos/hang", http::verb::post).status == 200);
  CHECK(request(e.port(), "/").status == 200);
}

TEST_CASE("one connection carries many requests (keep-alive)", "[emulator]") {
  ServiceEmulator e(constant(1));
  e.start();
  boost::asio::io_context io;
  beast::tcp_stream stream(io);
  stream.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), e.port()));
  beast::flat_buffer buffer;
  for (int i = 0; i < 5; ++i) {
    http::request<http::empty_body> req(http::verb::get, "/", 11);
    http::write(stream, req);
    http::response<http::string_body> res;
    http::read(stream, buffer, res);
    CHECK(res.result_int() == 200);
    CHECK(res.keep_alive());
  }
}

TEST_CASE("stop finishes requests in progress, then leaves no thread and closes the port", "[emulator]") {
  const std::size_t threads_before = thread_count();
  std::uint16_t port = 0;
  {
    ServiceEmulator e(constant(100));
    e.start();
    port = e.port();
    CHECK(thread_count() == threads_before + 1);
    auto in_flight = std::async(std::launch::async, [&] { return request(port, "/"); });
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    e.stop();
    CHECK(in_flight.get().status == 200);
    CHECK(thread_count() == threads_before);
  }
  const Reply after = request(port, "/");
  CHECK(after.status == 0);
  CHECK(after.error == boost::asio::error::connection_refused);
}

TEST_CASE("stop while hung does not wait for answers that never come", "[emulator]") {
  ServiceEmulator e(constant(1));
  e.start();
  request(e.port(), "/_chaos/hang", http::verb::post);
  auto held = std::async(std::launch::async, [&] { return request(e.port(), "/", http::verb::get, 2000); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const auto start = Clock::now();
  e.stop();
  CHECK(std::chrono::duration<double, std::milli>(Clock::now() - start).count() < 200);
  CHECK(held.get().status == 0);
}

TEST_CASE("the emulator takes a service's work and task limits from the scenario", "[emulator]") {
  const auto s = fleetsim::scenario::parse_scenario_text(R"({
    "name": "t", "duration_s": 10, "seed": 42,
    "traffic": {"rate_rps": 100, "routes": [{"path": "/a", "service": "a", "weight": 1}]},
    "services": [{"name": "a", "replicas": 2, "task": {"workers": 3, "queue_limit": 5},
                  "service_time_ms": {"dist": "constant", "mean_ms": 5}, "error_rate": 0.25}]
  })", "t.json");
  const EmulatorConfig c = fleetsim::loadgen::emulator_config(s, "a", "a-1");
  CHECK(c.service == "a");
  CHECK(c.task_id == "a-1");
  CHECK(c.workers == 3);
  CHECK(c.queue_limit == 5);
  CHECK(c.service_time.mean_ms == 5);
  CHECK(c.error_rate == 0.25);
  CHECK(c.seed == 42);
  CHECK(c.bind_address == "127.0.0.1");
  CHECK(c.port == 0);
  CHECK_THROWS_AS(fleetsim::loadgen::emulator_config(s, "nope", "0"), fleetsim::scenario::InputError);
}
