// One client connection to the emulator: reads HTTP/1.1 requests one at a time (keep-alive),
// answers control and health paths itself and hands every other request to the workers.
// Single-threaded: all on the emulator's io thread.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <functional>
#include <memory>
#include <string>

#include "loadgen/emulator_chaos.h"
#include "loadgen/emulator_config.h"
#include "loadgen/emulator_workers.h"

namespace fleetsim::loadgen {

class EmulatorConnection : public std::enable_shared_from_this<EmulatorConnection> {
 public:
  using Closed = std::function<void(const std::shared_ptr<EmulatorConnection>&)>;

  // `config`, `chaos` and `workers` belong to the emulator and outlive the connection;
  // `closed` runs once when the socket is closed.
  EmulatorConnection(boost::asio::ip::tcp::socket socket, const EmulatorConfig& config, EmulatorChaos& chaos,
                     EmulatorWorkers& workers, Closed closed);

  // Starts reading the first request.
  void start();
  // Graceful stop: closes now when idle, otherwise after the answer in progress.
  void close_when_idle();
  // Hard stop: closes the socket now; an answer still to come is dropped.
  void close();

 private:
  void read_request();
  void on_request();
  void answer(boost::beast::http::status status, std::string body);

  boost::beast::tcp_stream stream_;                                  // the client's socket
  boost::beast::flat_buffer buffer_;                                 // bytes read ahead
  boost::beast::http::request<boost::beast::http::string_body> request_;    // being answered
  boost::beast::http::response<boost::beast::http::string_body> response_;  // being written
  const EmulatorConfig& config_;                                     // owned by the emulator
  EmulatorChaos& chaos_;                                             // owned by the emulator
  EmulatorWorkers& workers_;                                         // owned by the emulator
  Closed closed_;                                                    // tells the emulator
  bool idle_ = false;     // waiting for the next request (nothing to answer)
  bool closing_ = false;  // close after the answer in progress
  bool closed_flag_ = false;  // the socket is closed; answers are dropped
};

}  // namespace fleetsim::loadgen
