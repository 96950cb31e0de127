// One HTTP/1.1 keep-alive client connection on Boost.Beast, and how a request's end is classified.
//
// Thread safety: a connection belongs to one io_context run by one thread; every callback runs
// there. Failures of the target are results (LoadOutcome), never exceptions.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace fleetsim::loadgen {

// Why a request ended; disjoint, one per request. Names are the results' by_outcome keys.
enum class LoadOutcome {
  kOk,           // 2xx
  kHttp4xx,
  kHttp5xx,
  kHttpOther,    // 1xx or 3xx (not followed)
  kTimeout,      // no complete response before the deadline (connect, write or read)
  kRefused,      // connection refused
  kReset,        // the connection was reset or closed before a complete response
  kBadResponse,  // the target answered something that is not HTTP/1.x
  kIoError,      // any other socket error (unreachable, ...)
  kDropped,      // never sent: no connection was free before its deadline
};
inline constexpr int kLoadOutcomeCount = 10;
std::string_view load_outcome_name(LoadOutcome outcome);

class HttpConnection {
 public:
  using Clock = std::chrono::steady_clock;
  // sent_at: when the request's first byte was handed to the socket (= done_at if never written).
  using Done = std::function<void(LoadOutcome outcome, Clock::time_point sent_at, Clock::time_point done_at)>;

  HttpConnection(boost::asio::io_context& io, boost::asio::ip::tcp::resolver::results_type endpoints,
                 std::string host_header);
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // Sends GET `target`, connecting first if needed, and calls `done` once. `deadline` bounds the
  // whole exchange. Precondition: !busy().
  void send(const std::string& target, const std::string& client_address, Clock::time_point deadline, Done done);
  bool busy() const { return busy_; }
  // Closes the socket (a later send() reconnects).
  void close();

 private:
  void write();
  void finish(LoadOutcome outcome);

  boost::beast::tcp_stream stream_;
  boost::asio::ip::tcp::resolver::results_type endpoints_;  // resolved once by the caller
  std::string host_header_;
  boost::beast::flat_buffer buffer_;                       // read buffer, kept across requests
  boost::beast::http::request<boost::beast::http::empty_body> request_;
  std::optional<boost::beast::http::response_parser<boost::beast::http::string_body>> parser_;
  Done done_;
  Clock::time_point sent_at_;
  bool connected_ = false;
  bool busy_ = false;
};

}  // namespace fleetsim::loadgen
