#include "loadgen/http_client.h"

#include <netinet/in.h>  // IP_BIND_ADDRESS_NO_PORT
#include <openssl/ssl.h>
#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

namespace fleetsim::loadgen {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;

namespace {

bool is_tls_error(const beast::error_code& ec) {
  return ec.category() == asio::error::get_ssl_category() || ec.category() == ssl::error::get_stream_category();
}

LoadOutcome outcome_of_error(const beast::error_code& ec) {
  if (ec == beast::error::timeout) return LoadOutcome::kTimeout;
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

bool is_ip_literal(const std::string& host) {
  beast::error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
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
    : io_(io), settings_(settings), stream_(std::in_place_type<PlainStream>, io) {
  if (settings_.tls) stream_.emplace<TlsStream>(io_, *settings_.tls);
}

HttpConnection::Stream& HttpConnection::tcp() {
  if (auto* plain = std::get_if<PlainStream>(&stream_)) return *plain;
  return std::get<TlsStream>(stream_).next_layer();
}

void HttpConnection::close() {
  beast::error_code ignored;
  tcp().socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  tcp().close();
  connected_ = false;
  buffer_.clear();
}

void HttpConnection::bind_source(std::uint32_t source) {
  if (source == source_) return;
  if (connected_) close();
  source_ = source;
}

void HttpConnection::send(Request request, Clock::time_point deadline, Done done, std::uint64_t key) {
  request_ = std::move(request);
  request_key_ = key;
  send_again(deadline, std::move(done));
}

void HttpConnection::send_again(Clock::time_point deadline, Done done) {
  busy_ = true;
  reused_ = connected_;
  retried_ = false;
  task_.clear();
  done_ = std::move(done);
  deadline_ = deadline;
  sent_at_ = Clock::now();
  if (connected_) {
    tcp().expires_at(deadline_);
    write();
    return;
  }
  connect();
}

void HttpConnection::connect() {
  if (settings_.tls) stream_.emplace<TlsStream>(io_, *settings_.tls);
  tcp().expires_at(deadline_);
  auto connected = [this](const beast::error_code& ec) {
    if (ec) {
      sent_at_ = Clock::now();
      finish(outcome_of_error(ec));
      return;
    }
    connected_ = true;
    beast::error_code ignored;  // Nagle off is an optimisation; a failure to set it is harmless
    tcp().socket().set_option(asio::ip::tcp::no_delay(true), ignored);
    if (settings_.tls) {
      handshake();
    } else {
      write();
    }
  };
  if (source_ == 0) {
    tcp().async_connect(settings_.endpoints,
                        [connected](const beast::error_code& ec, const asio::ip::tcp::endpoint&) { connected(ec); });
    return;
  }
  // A bound source: open and bind by hand (the range connect would reopen the socket and lose
  // the binding), then connect to the one loopback endpoint.
  auto& socket = tcp().socket();
  beast::error_code ec;
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
  tcp().async_connect(settings_.loopback_v4, connected);
}

void HttpConnection::handshake() {
  auto& tls = std::get<TlsStream>(stream_);
  // SNI names a host, never an address (RFC 6066), as curl does.
  if (!is_ip_literal(settings_.tls_host)) SSL_set_tlsext_host_name(tls.native_handle(), settings_.tls_host.c_str());
  if (settings_.verify) tls.set_verify_callback(ssl::host_name_verification(settings_.tls_host));
  tls.async_handshake(ssl::stream_base::client, [this](const beast::error_code& ec) {
    if (ec) {
      sent_at_ = Clock::now();
      // Any failure of the handshake but the deadline is a TLS failure: an untrusted
      // certificate, a wrong name, a peer that does not speak TLS or drops the handshake.
      finish(ec == beast::error::timeout ? LoadOutcome::kTimeout : LoadOutcome::kTls);
      return;
    }
    write();
  });
}

bool HttpConnection::retry_stale(const beast::error_code& ec, bool answer_started) {
  // A kept-alive connection the server closed just as the request went out (idle timeout, a
  // balancer's reload closing its old workers' connections): nothing of an answer arrived, so
  // the request cannot have been served. Browsers, curl and Go's net/http send it again once on
  // a new connection; so does the load generator, within the same deadline.
  const bool closed_under_us = ec == http::error::end_of_stream || ec == asio::error::eof ||
                               ec == asio::error::connection_reset || ec == asio::error::broken_pipe;
  if (!reused_ || retried_ || answer_started || !closed_under_us || Clock::now() >= deadline_) return false;
  retried_ = true;
  reused_ = false;
  close();
  connect();
  return true;
}

void HttpConnection::write() {
  sent_at_ = Clock::now();
  auto written = [this](const beast::error_code& ec, std::size_t) {
    if (ec) {
      if (retry_stale(ec, false)) return;
      finish(outcome_of_error(ec));
      return;
    }
    parser_.emplace();
    parser_->body_limit(64u << 20);
    parser_->skip(request_.method() == http::verb::head);  // a HEAD answer has no body to read
    auto read = [this](const beast::error_code& read_ec, std::size_t) {
      if (read_ec) {
        if (retry_stale(read_ec, parser_->got_some())) return;
        finish(outcome_of_error(read_ec));
        return;
      }
      const auto& response = parser_->get();
      const LoadOutcome outcome = outcome_of_status(response.result_int());
      if (const auto task = response.find("X-Fleetsim-Task"); task != response.end()) task_.assign(task->value().data(), task->value().size());
      if (!response.keep_alive()) close();
      finish(outcome);
    };
    std::visit([this, read](auto& stream) { http::async_read(stream, buffer_, *parser_, read); }, stream_);
  };
  std::visit([this, written](auto& stream) { http::async_write(stream, request_, written); }, stream_);
}

void HttpConnection::fail_later(LoadOutcome outcome) {
  asio::post(io_, [this, outcome] {
    sent_at_ = Clock::now();
    finish(outcome);
  });
}

void HttpConnection::finish(LoadOutcome outcome) {
  if (outcome != LoadOutcome::kOk && outcome != LoadOutcome::kHttp4xx && outcome != LoadOutcome::kHttp5xx &&
      outcome != LoadOutcome::kHttpOther) {
    close();  // after an error the stream's state is unknown: the next request reconnects
  }
  tcp().expires_never();
  busy_ = false;
  const Clock::time_point done_at = Clock::now();
  Done done = std::move(done_);
  done_ = nullptr;
  done(outcome, sent_at_, done_at, task_);
}

}  // namespace fleetsim::loadgen
