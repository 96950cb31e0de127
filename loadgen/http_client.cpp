#include "loadgen/http_client.h"

#include <netinet/in.h>  // IP_BIND_ADDRESS_NO_PORT
#include <openssl/ssl.h>
#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>

namespace fleetsim::loadgen {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using error_code = boost::system::error_code;

namespace {

// Bytes asked of the socket per read; an answer of a load test's size arrives in one.
constexpr std::size_t kReadChunk = 16 * 1024;

bool is_tls_error(const error_code& ec) {
  return ec.category() == asio::error::get_ssl_category() || ec.category() == ssl::error::get_stream_category();
}

// The outcome of a failed operation. A timeout is not among them: the connection's own deadline
// closes the socket and marks it (HttpConnection::outcome_of), whatever error that close gives.
LoadOutcome outcome_of_error(const error_code& ec) {
  if (ec == asio::error::connection_refused) return LoadOutcome::kRefused;
  if (ec == asio::error::connection_reset || ec == asio::error::connection_aborted ||
      ec == asio::error::broken_pipe || ec == asio::error::eof || ec == http::error::end_of_stream ||
      ec == http::error::partial_message || ec == ssl::error::stream_truncated) {
    return LoadOutcome::kReset;
  }
  if (ec.category() == http::make_error_code(http::error::bad_version).category()) return LoadOutcome::kBadResponse;
  if (is_tls_error(ec)) return LoadOutcome::kTls;
  return LoadOutcome::kIoError;
}

LoadOutcome outcome_of_status(unsigned status) {
  if (status >= 200 && status < 300) return LoadOutcome::kOk;
  if (status >= 500 && status < 600) return LoadOutcome::kHttp5xx;
  if (status >= 400 && status < 500) return LoadOutcome::kHttp4xx;
  return LoadOutcome::kHttpOther;
}

bool is_answer(LoadOutcome outcome) {
  return outcome == LoadOutcome::kOk || outcome == LoadOutcome::kHttp4xx || outcome == LoadOutcome::kHttp5xx ||
         outcome == LoadOutcome::kHttpOther;
}

bool is_ip_literal(const std::string& host) {
  error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

bool would_block(const error_code& ec) { return ec == asio::error::would_block || ec == asio::error::try_again; }

// The request as it goes on the wire: request line, the fields in order, a blank line, the body.
// RouteRequest::render() has set Content-Length (prepare_payload), so no chunked encoding arises.
std::string wire_format(const HttpConnection::Request& request) {
  std::string out;
  out.reserve(256 + request.body().size());
  const auto method = request.method_string();
  const auto target = request.target();
  out.append(method.data(), method.size()).append(" ").append(target.data(), target.size());
  out.append(request.version() == 10 ? " HTTP/1.0\r\n" : " HTTP/1.1\r\n");
  for (const auto& field : request) {
    const auto name = field.name_string();
    const auto value = field.value();
    out.append(name.data(), name.size()).append(": ").append(value.data(), value.size()).append("\r\n");
  }
  out.append("\r\n").append(request.body());
  return out;
}

}  // namespace

ssl::context make_tls_client_context(bool verify) {
  ssl::context context(ssl::context::tls_client);
  context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                      ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  if (verify) {
    context.set_default_verify_paths();
    context.set_verify_mode(ssl::verify_peer);
  } else {
    context.set_verify_mode(ssl::verify_none);
  }
  return context;
}

HttpConnection::HttpConnection(asio::io_context& io, const ConnectionSettings& settings)
    : io_(io), settings_(settings), stream_(std::in_place_type<Socket>, io), timer_(io) {
  if (settings_.tls) stream_.emplace<TlsStream>(io_, *settings_.tls);
}

HttpConnection::Socket& HttpConnection::socket() {
  if (auto* plain = std::get_if<Socket>(&stream_)) return *plain;
  return std::get<TlsStream>(stream_).next_layer();
}

void HttpConnection::close() {
  error_code ignored;
  socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket().close(ignored);
  connected_ = false;
  buffer_.clear();
}

void HttpConnection::bind_source(std::uint32_t source) {
  if (source == source_) return;
  if (connected_) close();
  source_ = source;
}

void HttpConnection::send(Request request, Clock::time_point deadline, Done done, std::uint64_t key) {
  wire_ = wire_format(request);
  head_ = request.method() == http::verb::head;
  request_key_ = key;
  send_again(deadline, std::move(done));
}

void HttpConnection::send_again(Clock::time_point deadline, Done done) {
  busy_ = true;
  reused_ = connected_;
  retried_ = false;
  timed_out_ = false;
  task_.clear();
  done_ = std::move(done);
  deadline_ = deadline;
  arm_deadline();
  if (connected_) {
    write();
    return;
  }
  connect();
}

void HttpConnection::arm_deadline() {
  // Invariant while busy: the timer is armed for no later than deadline_. An earlier expiry (the
  // deadline of a request before) fires, finds the request in flight younger, and re-arms.
  if (timer_armed_ && timer_expiry_ <= deadline_) return;
  timer_armed_ = true;
  timer_expiry_ = deadline_;
  const std::uint64_t generation = ++timer_generation_;
  timer_.expires_at(deadline_);  // cancels a later wait, whose handler then sees an old generation
  timer_.async_wait([this, generation](const error_code& ec) {
    if (generation != timer_generation_) return;  // re-armed or disarmed since
    timer_armed_ = false;
    if (ec || !busy_) return;
    if (Clock::now() < deadline_) {
      arm_deadline();
      return;
    }
    // Closing the socket aborts the pending connect, handshake, write or read; its handler
    // reports the request as timed out.
    timed_out_ = true;
    error_code ignored;
    socket().close(ignored);
  });
}

void HttpConnection::disarm_deadline() {
  if (!timer_armed_) return;
  timer_armed_ = false;
  ++timer_generation_;
  timer_.cancel();
}

LoadOutcome HttpConnection::outcome_of(const error_code& ec) const {
  return timed_out_ ? LoadOutcome::kTimeout : outcome_of_error(ec);
}

void HttpConnection::connect() {
  if (settings_.tls) stream_.emplace<TlsStream>(io_, *settings_.tls);
  auto connected = [this](const error_code& ec) {
    if (ec || timed_out_) {
      sent_at_ = Clock::now();
      finish(outcome_of(ec));
      return;
    }
    connected_ = true;
    error_code ignored;  // Nagle off is an optimisation; a failure to set it is harmless
    socket().set_option(asio::ip::tcp::no_delay(true), ignored);
    // Plain writes are tried at once (write()); they must not block the load thread.
    socket().non_blocking(true, ignored);
    if (settings_.tls) {
      handshake();
    } else {
      write();
    }
  };
  if (source_ == 0) {
    asio::async_connect(socket(), settings_.endpoints,
                        [connected](const error_code& ec, const asio::ip::tcp::endpoint&) { connected(ec); });
    return;
  }
  // A bound source: open and bind by hand (the range connect would reopen the socket and lose
  // the binding), then connect to the one loopback endpoint.
  auto& socket = this->socket();
  error_code ec;
  socket.open(asio::ip::tcp::v4(), ec);
#ifdef IP_BIND_ADDRESS_NO_PORT
  // Linux: the port is chosen at connect, unique per 4-tuple rather than per bound address, so
  // many connections from one source address do not exhaust its ephemeral ports.
  if (!ec) {
    const int on = 1;
    ::setsockopt(socket.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &on, sizeof on);
  }
#endif
  if (!ec) socket.bind(asio::ip::tcp::endpoint(asio::ip::address_v4(source_), 0), ec);
  if (ec) {
    fail_later(LoadOutcome::kIoError);
    return;
  }
  socket.async_connect(settings_.loopback_v4, connected);
}

void HttpConnection::handshake() {
  auto& tls = std::get<TlsStream>(stream_);
  // SNI names a host, never an address (RFC 6066), as curl does.
  if (!is_ip_literal(settings_.tls_host)) SSL_set_tlsext_host_name(tls.native_handle(), settings_.tls_host.c_str());
  if (settings_.verify) tls.set_verify_callback(ssl::host_name_verification(settings_.tls_host));
  tls.async_handshake(ssl::stream_base::client, [this](const error_code& ec) {
    if (ec || timed_out_) {
      sent_at_ = Clock::now();
      // Any failure of the handshake but the deadline is a TLS failure: an untrusted
      // certificate, a wrong name, a peer that does not speak TLS or drops the handshake.
      finish(timed_out_ ? LoadOutcome::kTimeout : LoadOutcome::kTls);
      return;
    }
    write();
  });
}

bool HttpConnection::retry_stale(const error_code& ec, bool answer_started) {
  // A kept-alive connection the server closed just as the request went out (idle timeout, a
  // balancer's reload closing its old workers' connections): nothing of an answer arrived, so
  // the request cannot have been served. Browsers, curl and Go's net/http send it again once on
  // a new connection; so does the load generator, within the same deadline.
  const bool closed_under_us = ec == http::error::end_of_stream || ec == asio::error::eof ||
                               ec == asio::error::connection_reset || ec == asio::error::broken_pipe;
  if (!reused_ || retried_ || timed_out_ || answer_started || !closed_under_us || Clock::now() >= deadline_) {
    return false;
  }
  retried_ = true;
  reused_ = false;
  close();
  connect();
  return true;
}

void HttpConnection::write() {
  sent_at_ = Clock::now();
  auto written = [this](const error_code& ec, std::size_t) {
    if (ec || timed_out_) {
      if (retry_stale(ec, false)) return;
      finish(outcome_of(ec));
      return;
    }
    await_answer();
  };
  std::size_t already = 0;
  if (auto* plain = std::get_if<Socket>(&stream_)) {
    // Plain TCP: a load test's request fits the socket buffer, so one non-blocking send
    // usually takes it all and no completion handler has to be queued.
    error_code ec;
    already = plain->write_some(asio::buffer(wire_), ec);
    if (!ec && already == wire_.size()) {
      await_answer();
      return;
    }
    if (ec && !would_block(ec)) {
      written(ec, 0);
      return;
    }
    if (ec) already = 0;
  }
  std::visit([this, already, written](auto& stream) { asio::async_write(stream, asio::buffer(wire_) + already, written); },
             stream_);
}

void HttpConnection::await_answer() {
  parser_.emplace(task_);
  parser_->eager(true);  // the body follows the header in the same put()
  parser_->skip(head_);  // a HEAD answer has no body to read
  if (buffer_.size() > 0 && parse_buffered()) return;
  read_more();
}

void HttpConnection::read_more() {
  auto read = [this](const error_code& ec, std::size_t n) {
    if (ec || timed_out_) {
      read_failed(ec);
      return;
    }
    buffer_.commit(n);
    if (!parse_buffered()) read_more();
  };
  std::visit([this, read](auto& stream) { stream.async_read_some(buffer_.prepare(kReadChunk), read); }, stream_);
}

bool HttpConnection::parse_buffered() {
  while (buffer_.size() > 0 && !parser_->is_done()) {
    error_code ec;
    const std::size_t used = parser_->put(buffer_.data(), ec);
    buffer_.consume(used);
    if (ec == http::error::need_more) break;
    if (ec) {
      finish(outcome_of_error(ec));
      return true;
    }
    if (used == 0) break;
  }
  if (!parser_->is_done()) return false;
  if (!parser_->keep_alive()) close();
  finish(outcome_of_status(parser_->status()));
  return true;
}

void HttpConnection::read_failed(const error_code& ec) {
  // An answer whose body runs until the connection closes ends with the close.
  if (!timed_out_ && ec == asio::error::eof && parser_->got_some() && parser_->is_header_done()) {
    error_code eof_ec;
    parser_->put_eof(eof_ec);
    if (!eof_ec && parser_->is_done()) {
      close();
      finish(outcome_of_status(parser_->status()));
      return;
    }
  }
  if (retry_stale(ec, parser_->got_some())) return;
  finish(outcome_of(ec));
}

void HttpConnection::fail_later(LoadOutcome outcome) {
  asio::post(io_, [this, outcome] {
    sent_at_ = Clock::now();
    finish(outcome);
  });
}

void HttpConnection::finish(LoadOutcome outcome) {
  // After an error the stream's state is unknown: the next request reconnects.
  if (!is_answer(outcome)) close();
  busy_ = false;
  const Clock::time_point done_at = Clock::now();
  Done done = std::move(done_);
  done_ = nullptr;
  done(outcome, sent_at_, done_at, task_);
  // Nothing in flight any more (the callback sent nothing new): no wait may keep the thread's
  // io_context running.
  if (!busy_) disarm_deadline();
}

}  // namespace fleetsim::loadgen
