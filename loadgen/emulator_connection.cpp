#include "loadgen/emulator_connection.h"

#include <utility>

namespace fleetsim::loadgen {

namespace http = boost::beast::http;

EmulatorConnection::EmulatorConnection(boost::asio::ip::tcp::socket socket, const EmulatorConfig& config,
                                       EmulatorChaos& chaos, EmulatorWorkers& workers, Closed closed)
    : stream_(std::move(socket)), config_(config), chaos_(chaos), workers_(workers), closed_(std::move(closed)) {}

void EmulatorConnection::start() { read_request(); }

void EmulatorConnection::read_request() {
  if (closing_) return close();
  idle_ = true;
  request_ = {};
  http::async_read(stream_, buffer_, request_,
                   [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                     self->idle_ = false;
                     if (ec) return self->close();  // end of stream, reset, garbage, or closed by stop()
                     self->on_request();
                   });
}

void EmulatorConnection::on_request() {
  const std::string target(request_.target());
  const std::string path = target.substr(0, target.find('?'));
  auto self = shared_from_this();
  if (config_.control && EmulatorChaos::is_control_target(target)) {
    // Answered even while hung: resume must get through.
    if (request_.method() != http::verb::post) return answer(http::status::method_not_allowed, "use POST\n");
    std::string message;
    const auto result = chaos_.apply(target, message);
    const auto status = result == EmulatorChaos::Control::kApplied      ? http::status::ok
                        : result == EmulatorChaos::Control::kBadRequest ? http::status::bad_request
                                                                        : http::status::not_found;
    return answer(status, message);
  }
  if (path == "/health") {
    return chaos_.when_answering([self] {
      if (self->chaos_.unhealthy()) return self->answer(http::status::service_unavailable, "unhealthy\n");
      self->answer(http::status::ok, "ok\n");
    });
  }
  chaos_.when_answering([self] {
    self->workers_.submit([self](EmulatorWorkers::Outcome outcome) {
      switch (outcome) {
        case EmulatorWorkers::Outcome::kServed: return self->answer(http::status::ok, "ok\n");
        case EmulatorWorkers::Outcome::kError: return self->answer(http::status::internal_server_error, "error\n");
        case EmulatorWorkers::Outcome::kRejected:
          return self->answer(http::status::service_unavailable, "queue full\n");
      }
    });
  });
}

void EmulatorConnection::answer(http::status status, std::string body) {
  if (closed_flag_) return;  // the client went away or the emulator stopped
  response_ = http::response<http::string_body>(status, request_.version());
  response_.set(http::field::server, "fleetsim-backend");
  response_.set(http::field::content_type, "text/plain");
  response_.set("X-Fleetsim-Task", config_.task_id);
  response_.set("X-Fleetsim-Service", config_.service);
  response_.keep_alive(request_.keep_alive() && !closing_);
  response_.body() = std::move(body);
  response_.prepare_payload();
  http::async_write(stream_, response_, [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
    if (ec || !self->response_.keep_alive()) return self->close();
    self->read_request();
  });
}

void EmulatorConnection::close_when_idle() {
  closing_ = true;
  if (idle_) close();
}

void EmulatorConnection::close() {
  if (closed_flag_) return;
  closed_flag_ = true;
  boost::system::error_code ignored;
  stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
  stream_.socket().close(ignored);
  if (closed_) closed_(shared_from_this());
}

}  // namespace fleetsim::loadgen
