// One HTTP/1.1 keep-alive client connection on Boost.Asio, over plain TCP or TLS, and how a
// request's end is classified. Answers are parsed by Beast's parser (AnswerParser).
//
// The per-request path is built for a load generator's rates (perf-guided; bench/README.md):
//  - the request goes out as one preformatted buffer, written at once on plain TCP;
//  - answers are read with the socket's own read_some into a kept buffer (no composed read);
//  - the answer is parsed without allocating (status, keep-alive and X-Fleetsim-Task only);
//  - the deadline is lazy: one timer per connection that stays armed across requests and is
//    re-armed only when it fires early, instead of a timer armed and cancelled per operation.
//
// Thread safety: a connection belongs to one io_context run by one thread; every callback runs
// there. Failures of the target are results (LoadOutcome), never exceptions.
#pragma once

#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "loadgen/answer_parser.h"
#include "loadgen/load_outcome.h"

namespace fleetsim::loadgen {

// How the connections of one load thread reach the target. Owned by the thread; outlives its
// connections.
struct ConnectionSettings {
  boost::asio::ip::tcp::resolver::results_type endpoints;  // resolved once, tried in order
  // Where a connection with a bound source address (HttpConnection::bind_source) connects: the
  // target's IPv4 loopback endpoint, the only kind of target that sources are bound for.
  boost::asio::ip::tcp::endpoint loopback_v4;
  boost::asio::ssl::context* tls = nullptr;  // https: the thread's TLS context; nullptr: plain http
  std::string tls_host;                      // https: the name sent as SNI and checked in the certificate
  bool verify = true;                        // https: verify the certificate chain and the name
};

// A TLS client context: TLS 1.2 or later; with `verify`, the system's default trust store.
boost::asio::ssl::context make_tls_client_context(bool verify);

class HttpConnection {
 public:
  using Clock = std::chrono::steady_clock;
  using Request = boost::beast::http::request<boost::beast::http::string_body>;
  // sent_at: when the request's first byte was handed to the socket (= done_at if never written);
  // task: the answer's X-Fleetsim-Task header (the local stack's emulators name themselves), ""
  // when absent or when no answer came. Valid during the call only.
  using Done = std::function<void(LoadOutcome outcome, Clock::time_point sent_at, Clock::time_point done_at,
                                  std::string_view task)>;

  HttpConnection(boost::asio::io_context& io, const ConnectionSettings& settings);
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // Connects from IPv4 address `source` (host byte order) from now on; 0: no binding, the
  // kernel's choice (the default). Closes an open connection from another address.
  // Precondition: !busy().
  void bind_source(std::uint32_t source);
  std::uint32_t source() const { return source_; }

  // Sends `request`, connecting (and, for https, handshaking) first if needed, and calls `done`
  // once, never from inside send(). `deadline` bounds the whole exchange. Precondition: !busy().
  // `key` names the rendered request (kNoKey: never the same twice), so that send_again() can
  // send the very same request without building it anew.
  static constexpr std::uint64_t kNoKey = ~std::uint64_t{0};
  void send(Request request, Clock::time_point deadline, Done done, std::uint64_t key = kNoKey);
  // True when the last request sent was rendered under `key` (and may be sent again as it is).
  bool holds(std::uint64_t key) const { return key != kNoKey && key == request_key_; }
  // Sends the last request again, unchanged: a closed or open loop of identical requests builds
  // no message and allocates nothing per request. Precondition: holds(some key), !busy().
  void send_again(Clock::time_point deadline, Done done);
  bool busy() const { return busy_; }
  // Closes the socket (a later send() reconnects). TLS: no close_notify, as a load generator
  // dropping a connection does not wait for the peer's.
  void close();

 private:
  // The io_context's own executor, not the type-erased any_io_executor: perf showed any_executor
  // copies and destructions at about 6 % of a closed-model run.
  using Executor = boost::asio::io_context::executor_type;
  using Socket = boost::asio::basic_stream_socket<boost::asio::ip::tcp, Executor>;
  using TlsStream = boost::asio::ssl::stream<Socket>;
  using Timer = boost::asio::basic_waitable_timer<Clock, boost::asio::wait_traits<Clock>, Executor>;

  Socket& socket();
  void connect();
  void handshake();
  void write();
  void await_answer();
  void read_more();
  // Feeds buffered bytes to the parser; true when the answer is complete or failed (finished).
  bool parse_buffered();
  void read_failed(const boost::system::error_code& ec);
  void finish(LoadOutcome outcome);
  void fail_later(LoadOutcome outcome);
  // Sends the request again on a new connection when a reused one was closed before any answer
  // arrived (once per request). True when it did.
  bool retry_stale(const boost::system::error_code& ec, bool answer_started);
  // The lazy deadline: arms the timer unless it is armed already for no later than deadline_.
  void arm_deadline();
  void disarm_deadline();
  // The error a failed operation reports, or timeout when the deadline closed the socket.
  LoadOutcome outcome_of(const boost::system::error_code& ec) const;

  boost::asio::io_context& io_;
  const ConnectionSettings& settings_;
  // TlsStream iff settings_.tls; a new TlsStream for every TLS connection (an SSL session object
  // cannot be reused after its socket closed).
  std::variant<Socket, TlsStream> stream_;
  std::uint32_t source_ = 0;                // bound source address; 0: none
  boost::beast::flat_buffer buffer_;        // read buffer, kept across requests (may hold a pipelined rest)
  std::string wire_;                        // the request in flight, formatted (kept: send_again resends it)
  bool head_ = false;                       // ... is a HEAD request: its answer has no body
  std::uint64_t request_key_ = kNoKey;      // what wire_ was rendered as
  std::optional<AnswerParser> parser_;
  std::string task_;                        // X-Fleetsim-Task of the answer in hand ("" if none)
  Done done_;
  Clock::time_point deadline_;
  Clock::time_point sent_at_;
  Timer timer_;
  Clock::time_point timer_expiry_;          // when the armed timer fires
  std::uint64_t timer_generation_ = 0;      // a fired or cancelled wait of an older generation is ignored
  bool timer_armed_ = false;
  bool timed_out_ = false;  // the deadline closed the socket under the request in flight
  bool connected_ = false;
  bool busy_ = false;
  bool reused_ = false;   // the request in flight went out on a connection kept alive from before
  bool retried_ = false;  // ... and was already sent again once
};

}  // namespace fleetsim::loadgen
