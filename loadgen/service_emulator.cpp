#include "loadgen/service_emulator.h"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <utility>

namespace fleetsim::loadgen {

using boost::asio::ip::tcp;

ServiceEmulator::ServiceEmulator(EmulatorConfig config)
    : config_(std::move(config)), acceptor_(io_), workers_(io_, config_, chaos_), drain_deadline_(io_) {}

ServiceEmulator::~ServiceEmulator() { stop(); }

void ServiceEmulator::start() {
  const tcp::endpoint endpoint(boost::asio::ip::make_address(config_.bind_address), config_.port);
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(tcp::acceptor::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(boost::asio::socket_base::max_listen_connections);
  port_ = acceptor_.local_endpoint().port();
  accept();
  thread_ = std::thread([this] { io_.run(); });
}

void ServiceEmulator::accept() {
  acceptor_.async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
    if (stopping_) return;  // the acceptor was closed
    if (!ec) {
      socket.set_option(tcp::no_delay(true));
      auto connection = std::make_shared<EmulatorConnection>(
          std::move(socket), config_, chaos_, workers_,
          [this](const std::shared_ptr<EmulatorConnection>& c) { connection_closed(c); });
      connections_.insert(connection);
      connection->start();
    }
    accept();  // a failed accept (e.g. too many open files) is retried with the next client
  });
}

void ServiceEmulator::stop() {
  if (!thread_.joinable()) return;
  boost::asio::post(io_, [this] { begin_drain(); });
  thread_.join();
}

void ServiceEmulator::begin_drain() {
  stopping_ = true;
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  if (chaos_.hung()) return close_everything();  // a hung task would never finish anything
  for (const auto& c : std::set<std::shared_ptr<EmulatorConnection>>(connections_)) c->close_when_idle();
  if (connections_.empty()) return close_everything();
  drain_deadline_.expires_after(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(config_.drain_timeout_s)));
  drain_deadline_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) close_everything();
  });
}

void ServiceEmulator::connection_closed(const std::shared_ptr<EmulatorConnection>& connection) {
  connections_.erase(connection);
  if (stopping_ && connections_.empty()) close_everything();
}

void ServiceEmulator::close_everything() {
  // Leaves the io_context without work, so that run() returns.
  drain_deadline_.cancel();
  chaos_.drop_held();
  workers_.cancel_all();
  std::set<std::shared_ptr<EmulatorConnection>> open;
  open.swap(connections_);
  for (const auto& c : open) c->close();
}

}  // namespace fleetsim::loadgen
