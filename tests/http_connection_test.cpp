// HttpConnection against scripted servers on 127.0.0.1: the ways an HTTP/1.1 answer can end
// (Content-Length, chunked, the connection's close, HEAD), answers that arrive in pieces, the
// X-Fleetsim-Task header, kept-alive connections the server closed, and the lazy deadline (one
// timer per connection that must still fire on time, and must not keep the io_context running
// once nothing is in flight).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "loadgen/http_client.h"

namespace asio = boost::asio;
namespace http = boost::beast::http;
namespace loadgen = fleetsim::loadgen;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

// A blocking TCP server on 127.0.0.1: each accepted connection runs `script` on its own thread
// with the connection's descriptor and its index (0, 1, ...); the descriptor is closed after.
class ScriptedServer {
 public:
  using Script = std::function<void(int fd, int connection)>;

  explicit ScriptedServer(Script script) : script_(std::move(script)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    socklen_t length = sizeof address;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    REQUIRE(::listen(listener_, 16) == 0);
    acceptor_ = std::thread([this] {
      for (int index = 0;; ++index) {
        const int fd = ::accept(listener_, nullptr, nullptr);
        if (fd < 0) return;  // the listener was shut down
        accepted_.fetch_add(1);
        connections_.emplace_back([this, fd, index] {
          script_(fd, index);
          ::close(fd);
        });
      }
    });
  }
  ~ScriptedServer() {
    stopping_.store(true);
    ::shutdown(listener_, SHUT_RDWR);
    acceptor_.join();
    for (auto& t : connections_) t.join();
    ::close(listener_);
  }
  unsigned short port() const { return port_; }
  int accepted() const { return accepted_.load(); }
  bool stopping() const { return stopping_.load(); }

 private:
  Script script_;
  int listener_ = -1;
  unsigned short port_ = 0;
  std::atomic<int> accepted_{0};
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  std::vector<std::thread> connections_;  // acceptor thread only, joined after it
};

// Reads one request's head (up to the blank line); false when the peer closed first.
bool read_request(int fd) {
  std::string seen;
  char c;
  while (seen.size() < 4 || seen.compare(seen.size() - 4, 4, "\r\n\r\n") != 0) {
    if (::recv(fd, &c, 1, 0) != 1) return false;
    seen.push_back(c);
  }
  return true;
}

void send_text(int fd, const std::string& text) { ::send(fd, text.data(), text.size(), MSG_NOSIGNAL); }

struct Exchange {
  loadgen::LoadOutcome outcome = loadgen::LoadOutcome::kIoError;
  std::string task;
  Clock::duration took{};
  bool done = false;
};

loadgen::ConnectionSettings settings_for(asio::io_context& io, unsigned short port) {
  loadgen::ConnectionSettings settings;
  asio::ip::tcp::resolver resolver(io);
  settings.endpoints = resolver.resolve("127.0.0.1", std::to_string(port));
  return settings;
}

loadgen::HttpConnection::Request get(http::verb method = http::verb::get) {
  loadgen::HttpConnection::Request request{method, "/", 11};
  request.set(http::field::host, "127.0.0.1");
  return request;
}

// Sends `count` requests one after the other on one connection (each from the previous one's
// callback), each with `timeout`, and runs the io_context until it has nothing left to do.
std::vector<Exchange> exchange(unsigned short port, int count, Clock::duration timeout,
                               http::verb method = http::verb::get) {
  asio::io_context io{1};
  const auto settings = settings_for(io, port);
  loadgen::HttpConnection connection(io, settings);
  std::vector<Exchange> results(static_cast<std::size_t>(count));
  std::function<void(int)> send_one = [&](int i) {
    const auto started = Clock::now();
    connection.send(get(method), started + timeout,
                    [&, i, started](loadgen::LoadOutcome outcome, Clock::time_point, Clock::time_point done_at,
                                    std::string_view task) {
                      results[static_cast<std::size_t>(i)] = {outcome, std::string(task), done_at - started, true};
                      if (i + 1 < count) send_one(i + 1);
                    });
  };
  send_one(0);
  io.run();
  return results;
}

const std::string kOk = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Fleetsim-Task: s.3\r\n\r\nok";

}  // namespace

TEST_CASE("answers with Content-Length and chunked bodies keep the connection", "[loadgen][http]") {
  ScriptedServer server([](int fd, int) {
    if (read_request(fd)) send_text(fd, kOk);
    if (read_request(fd)) {
      send_text(fd, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
    }
    if (read_request(fd)) send_text(fd, "HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n");
  });
  const auto results = exchange(server.port(), 3, 2s);
  CHECK(results[0].outcome == loadgen::LoadOutcome::kOk);
  CHECK(results[0].task == "s.3");
  CHECK(results[1].outcome == loadgen::LoadOutcome::kOk);
  CHECK(results[1].task.empty());  // a header of one answer never leaks into the next
  CHECK(results[2].outcome == loadgen::LoadOutcome::kHttp5xx);
  CHECK(server.accepted() == 1);
}

TEST_CASE("an answer that arrives in pieces is read whole", "[loadgen][http]") {
  ScriptedServer server([](int fd, int) {
    if (!read_request(fd)) return;
    for (const char* piece : {"HTTP/1.1 20", "0 OK\r\nContent-Le", "ngth: 10\r\n\r\n01234", "56789"}) {
      send_text(fd, piece);
      std::this_thread::sleep_for(20ms);
    }
  });
  const auto results = exchange(server.port(), 1, 2s);
  CHECK(results[0].outcome == loadgen::LoadOutcome::kOk);
  CHECK(results[0].took >= 60ms);  // it waited for the last piece
}

TEST_CASE("a body that runs until the close ends with the close; the next request reconnects", "[loadgen][http]") {
  ScriptedServer server([](int fd, int) {
    if (read_request(fd)) send_text(fd, "HTTP/1.0 200 OK\r\n\r\nuntil the close");
  });
  const auto results = exchange(server.port(), 2, 2s);
  CHECK(results[0].outcome == loadgen::LoadOutcome::kOk);
  CHECK(results[1].outcome == loadgen::LoadOutcome::kOk);
  CHECK(server.accepted() == 2);
}

TEST_CASE("a HEAD answer has no body even with a Content-Length", "[loadgen][http]") {
  ScriptedServer server([](int fd, int) {
    for (int i = 0; i < 2 && read_request(fd); ++i) send_text(fd, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
  });
  const auto results = exchange(server.port(), 2, 1s, http::verb::head);
  CHECK(results[0].outcome == loadgen::LoadOutcome::kOk);
  CHECK(results[1].outcome == loadgen::LoadOutcome::kOk);
  CHECK(results[1].took < 500ms);
}

TEST_CASE("garbage is a bad response", "[loadgen][http]") {
  ScriptedServer server([](int fd, int) {
    if (read_request(fd)) send_text(fd, "SSH-2.0-OpenSSH_9.2\r\n\r\n");
  });
  CHECK(exchange(server.port(), 1, 2s)[0].outcome == loadgen::LoadOutcome::kBadResponse);
}

TEST_CASE("a kept-alive connection closed by the server is sent again once on a new one", "[loadgen][http]") {
  // The server answers one request per connection without saying Connection: close, as a
  // balancer's old worker does on reload.
  ScriptedServer server([](int fd, int) {
    if (read_request(fd)) send_text(fd, kOk);
    ::shutdown(fd, SHUT_RDWR);
  });
  const auto results = exchange(server.port(), 3, 2s);
  for (const auto& r : results) CHECK(r.outcome == loadgen::LoadOutcome::kOk);
  CHECK(server.accepted() == 3);
}

TEST_CASE("the deadline fires on time, also when a longer one was armed before", "[loadgen][http]") {
  // Connection 0: the first request is answered, the second hangs. The second request is sent
  // from the first one's callback with a shorter timeout than the first: the timer armed for
  // the first (2 s) must be brought forward to the second's (300 ms).
  ScriptedServer server([&](int fd, int) {
    if (read_request(fd)) send_text(fd, kOk);
    read_request(fd);
    while (!server.stopping()) std::this_thread::sleep_for(10ms);
  });
  asio::io_context io{1};
  const auto settings = settings_for(io, server.port());
  loadgen::HttpConnection connection(io, settings);
  Exchange second;
  const auto started = Clock::now();
  connection.send(get(), started + 2s, [&](loadgen::LoadOutcome first, Clock::time_point, Clock::time_point, std::string_view) {
    CHECK(first == loadgen::LoadOutcome::kOk);
    const auto again = Clock::now();
    connection.send(get(), again + 300ms,
                    [&, again](loadgen::LoadOutcome outcome, Clock::time_point, Clock::time_point done_at, std::string_view) {
                      second = {outcome, "", done_at - again, true};
                    });
  });
  io.run();
  const auto ran = Clock::now() - started;
  REQUIRE(second.done);
  CHECK(second.outcome == loadgen::LoadOutcome::kTimeout);
  CHECK(second.took >= 300ms);
  CHECK(second.took < 1s);
  CHECK(ran < 1500ms);  // the first request's 2 s timer did not hold the io_context
}

TEST_CASE("a timer armed for an earlier deadline re-arms instead of failing a younger request", "[loadgen][http]") {
  // The first request's deadline (200 ms) passes while the second (sent from its callback, 2 s
  // deadline) is still waiting for its 500 ms answer: the second succeeds.
  ScriptedServer server([](int fd, int) {
    if (read_request(fd)) send_text(fd, kOk);
    if (read_request(fd)) {
      std::this_thread::sleep_for(500ms);
      send_text(fd, kOk);
    }
  });
  asio::io_context io{1};
  const auto settings = settings_for(io, server.port());
  loadgen::HttpConnection connection(io, settings);
  Exchange second;
  connection.send(get(), Clock::now() + 200ms, [&](loadgen::LoadOutcome, Clock::time_point, Clock::time_point, std::string_view) {
    const auto again = Clock::now();
    connection.send(get(), again + 2s,
                    [&, again](loadgen::LoadOutcome outcome, Clock::time_point, Clock::time_point done_at, std::string_view) {
                      second = {outcome, "", done_at - again, true};
                    });
  });
  io.run();
  REQUIRE(second.done);
  CHECK(second.outcome == loadgen::LoadOutcome::kOk);
  CHECK(second.took >= 500ms);
}

TEST_CASE("a finished request leaves no timer that keeps the io_context running", "[loadgen][http]") {
  ScriptedServer server([](int fd, int) {
    if (read_request(fd)) send_text(fd, kOk);
  });
  const auto started = Clock::now();
  const auto results = exchange(server.port(), 1, 10s);
  CHECK(results[0].outcome == loadgen::LoadOutcome::kOk);
  CHECK(Clock::now() - started < 2s);  // not the 10 s deadline
}
