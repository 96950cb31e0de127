// The service emulator: one task of a scenario service as a real HTTP/1.1 server (Boost.Beast),
// for the local stack and the load generator's tests. It serves like the simulator's task
// (models/task_station.h): `workers` at once, a FIFO queue of `queue_limit`, service times from
// the scenario's distribution, `error_rate` answered 500; GET /health; with `control`, the chaos
// paths of emulator_chaos.h. Every response names the task and service in X-Fleetsim-Task and
// X-Fleetsim-Service.
//
// Not modelled in this first version: the service's downstream `calls` are not made; the
// emulator models the task's own work only.
//
// Thread safety: start(), port() and stop() from one controlling thread; everything else runs
// on the emulator's own io thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <memory>
#include <set>
#include <thread>

#include "loadgen/emulator_chaos.h"
#include "loadgen/emulator_config.h"
#include "loadgen/emulator_connection.h"
#include "loadgen/emulator_workers.h"

namespace fleetsim::loadgen {

class ServiceEmulator {
 public:
  explicit ServiceEmulator(EmulatorConfig config);
  ~ServiceEmulator();  // stop()
  ServiceEmulator(const ServiceEmulator&) = delete;
  ServiceEmulator& operator=(const ServiceEmulator&) = delete;

  // Binds config.bind_address:config.port (0: the kernel picks) and serves on a background
  // thread. Throws boost::system::system_error when the address cannot be bound.
  void start();
  // The bound port (after start()).
  std::uint16_t port() const { return port_; }
  // Graceful: stops accepting, closes idle connections, lets requests in progress finish (at
  // most config.drain_timeout_s; at once when hung) and joins the thread. Idempotent. Not from
  // the io thread.
  void stop();

 private:
  void accept();
  void begin_drain();
  void connection_closed(const std::shared_ptr<EmulatorConnection>& connection);
  void close_everything();

  EmulatorConfig config_;                                   // what this task serves
  boost::asio::io_context io_;                              // run by thread_ only
  boost::asio::ip::tcp::acceptor acceptor_;                 // the listening socket
  EmulatorChaos chaos_;                                     // hang, slow, errors, health
  EmulatorWorkers workers_;                                 // workers and queue
  std::set<std::shared_ptr<EmulatorConnection>> connections_;  // open connections (owners)
  boost::asio::steady_timer drain_deadline_;                // stop(): the end of the grace time
  bool stopping_ = false;                                   // io thread: no more accepts
  std::uint16_t port_ = 0;                                  // set by start()
  std::thread thread_;                                      // runs io_ between start and stop
};

}  // namespace fleetsim::loadgen
