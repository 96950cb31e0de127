#include "loadgen/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/version.hpp>

namespace fleetsim::loadgen {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

std::string_view load_outcome_name(LoadOutcome outcome) {
  switch (outcome) {
    case LoadOutcome::kOk: return "ok";
    case LoadOutcome::kHttp4xx: return "http_4xx";
    case LoadOutcome::kHttp5xx: return "http_5xx";
    case LoadOutcome::kHttpOther: return "http_other";
    case LoadOutcome::kTimeout: return "timeout";
    case LoadOutcome::kRefused: return "refused";
    case LoadOutcome::kReset: return "reset";
    case LoadOutcome::kBadResponse: return "bad_response";
    case LoadOutcome::kIoError: return "io_error";
    case LoadOutcome::kDropped: return "dropped";
  }
  return "io_error";
}

namespace {

LoadOutcome outcome_of_error(const beast::error_code& ec) {
  if (ec == beast::error::timeout) return LoadOutcome::kTimeout;
  if (ec == asio::error::connection_refused) return LoadOutcome::kRefused;
  if (ec == asio::error::connection_reset || ec == asio::error::connection_aborted ||
      ec == asio::error::broken_pipe || ec == asio::error::eof || ec == http::error::end_of_stream ||
      ec == http::error::partial_message) {
    return LoadOutcome::kReset;
  }
  if (ec.category() == http::make_error_code(http::error::bad_version).category()) return LoadOutcome::kBadResponse;
  return LoadOutcome::kIoError;
}

LoadOutcome outcome_of_status(unsigned status) {
  if (status >= 200 && status < 300) return LoadOutcome::kOk;
  if (status >= 500 && status < 600) return LoadOutcome::kHttp5xx;
  if (status >= 400 && status < 500) return LoadOutcome::kHttp4xx;
  return LoadOutcome::kHttpOther;
}

}  // namespace

HttpConnection::HttpConnection(asio::io_context& io, asio::ip::tcp::resolver::results_type endpoints,
                               std::string host_header)
    : stream_(io), endpoints_(std::move(endpoints)), host_header_(std::move(host_header)) {}

void HttpConnection::close() {
  beast::error_code ignored;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  stream_.close();
  connected_ = false;
  buffer_.clear();
}

void HttpConnection::send(const std::string& target, const std::string& client_address, Clock::time_point deadline,
                          Done done) {
  busy_ = true;
  done_ = std::move(done);
  request_ = {};
  request_.version(11);
  request_.method(http::verb::get);
  request_.target(target);
  request_.set(http::field::host, host_header_);
  request_.set(http::field::user_agent, "fleetsim-load");
  // The client identity travels as a header until per-client source addresses exist.
  request_.set("X-Fleetsim-Client", client_address);
  stream_.expires_at(deadline);
  sent_at_ = Clock::now();
  if (connected_) {
    write();
    return;
  }
  stream_.async_connect(endpoints_, [this](const beast::error_code& ec, const asio::ip::tcp::endpoint&) {
    if (ec) {
      sent_at_ = Clock::now();
      finish(outcome_of_error(ec));
      return;
    }
    connected_ = true;
    beast::error_code ignored;  // Nagle off is an optimisation; a failure to set it is harmless
    stream_.socket().set_option(asio::ip::tcp::no_delay(true), ignored);
    write();
  });
}

void HttpConnection::write() {
  sent_at_ = Clock::now();
  http::async_write(stream_, request_, [this](const beast::error_code& ec, std::size_t) {
    if (ec) {
      finish(outcome_of_error(ec));
      return;
    }
    parser_.emplace();
    parser_->body_limit(64u << 20);
    http::async_read(stream_, buffer_, *parser_, [this](const beast::error_code& read_ec, std::size_t) {
      if (read_ec) {
        finish(outcome_of_error(read_ec));
        return;
      }
      const auto& response = parser_->get();
      const LoadOutcome outcome = outcome_of_status(response.result_int());
      if (!response.keep_alive()) close();
      finish(outcome);
    });
  });
}

void HttpConnection::finish(LoadOutcome outcome) {
  if (outcome != LoadOutcome::kOk && outcome != LoadOutcome::kHttp4xx && outcome != LoadOutcome::kHttp5xx &&
      outcome != LoadOutcome::kHttpOther) {
    close();  // after an error the stream's state is unknown: the next request reconnects
  }
  stream_.expires_never();
  busy_ = false;
  const Clock::time_point done_at = Clock::now();
  Done done = std::move(done_);
  done_ = nullptr;
  done(outcome, sent_at_, done_at);
}

}  // namespace fleetsim::loadgen
