// The local stack's real balancer process: nginx (master + workers, `daemon off`) or HAProxy
// (master-worker mode, `-W -db`), with its own configuration, pid and logs in the run directory,
// listening on 127.0.0.1 only. Reloads as its operators do: SIGHUP to the nginx master, SIGUSR2
// to the HAProxy master.
//
// Thread safety: one owner thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "loadgen/balancer_expression.h"
#include "loadgen/child_process.h"
#include "loadgen/process_reaper.h"

namespace fleetsim::loadgen {

class BalancerProcess {
 public:
  // Finds the program (FLEETSIM_NGINX / FLEETSIM_HAPROXY, else nginx / haproxy in PATH or
  // /usr/sbin); throws std::runtime_error saying how to install it when it is missing.
  // Picks a free loopback port for the balancer to listen on.
  BalancerProcess(BalancerKind kind, std::string run_dir, ProcessReaper& reaper);
  ~BalancerProcess();  // stop()

  std::uint16_t port() const { return port_; }
  const std::string& config_path() const { return config_path_; }
  BalancerKind kind() const { return kind_; }
  pid_t pid() const { return process_ ? process_->pid() : -1; }

  // Writes `config`, checks it with the program's own test (nginx -t, haproxy -c), starts the
  // balancer and waits until it accepts connections. Throws std::runtime_error with the log's
  // last lines when it does not.
  void start(const std::string& config);
  // Replaces the configuration atomically and asks the running balancer to reload it. A
  // configuration the program refuses is left out (the old one keeps serving) and the reason
  // thrown as std::runtime_error.
  void reload(const std::string& config);
  // True while the balancer's master runs.
  bool running();
  void stop();

 private:
  void write_config(const std::string& config);
  void check_config();

  BalancerKind kind_;
  std::string run_dir_;
  std::string program_;        // absolute path of nginx or haproxy
  std::string config_path_;    // RUN_DIR/nginx.conf or RUN_DIR/haproxy.cfg
  std::string log_path_;       // the program's stdout and stderr
  std::uint16_t port_ = 0;
  ProcessReaper& reaper_;
  std::unique_ptr<ChildProcess> process_;
};

// A free TCP port on 127.0.0.1 (bound to port 0, read, closed). Another process may take it
// before it is used; callers that bind it report a clear error then.
std::uint16_t pick_free_port();
// True when 127.0.0.1:`port` accepts a TCP connection within `timeout_ms`.
bool port_accepts(std::uint16_t port, int timeout_ms);
// The last `lines` lines of a text file ("" when it cannot be read).
std::string tail_of_file(const std::string& path, int lines);

}  // namespace fleetsim::loadgen
