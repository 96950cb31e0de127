#include "loadgen/balancer_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "results/results_json.h"

namespace fleetsim::loadgen {

namespace {

constexpr auto kStartTimeout = std::chrono::seconds(10);

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

}  // namespace

std::uint16_t pick_free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket: " + std::string(std::strerror(errno)));
  sockaddr_in a = loopback(0);
  socklen_t length = sizeof a;
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &length) != 0) {
    const int error = errno;
    close(fd);
    throw std::runtime_error("cannot find a free port on 127.0.0.1: " + std::string(std::strerror(error)));
  }
  close(fd);
  return ntohs(a.sin_port);
}

bool port_accepts(std::uint16_t port, int timeout_ms) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return false;
  sockaddr_in a = loopback(port);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  if (!ok && errno == EINPROGRESS) {
    pollfd p{fd, POLLOUT, 0};
    int error = 0;
    socklen_t length = sizeof error;
    ok = poll(&p, 1, timeout_ms) == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0 && error == 0;
  }
  close(fd);
  return ok;
}

std::string tail_of_file(const std::string& path, int lines) {
  std::ifstream in(path);
  std::deque<std::string> last;
  for (std::string line; std::getline(in, line);) {
    last.push_back(line);
    if (static_cast<int>(last.size()) > lines) last.pop_front();
  }
  std::string out;
  for (const auto& line : last) out += "  " + line + "\n";
  return out;
}

BalancerProcess::BalancerProcess(BalancerKind kind, std::string run_dir, ProcessReaper& reaper)
    : kind_(kind), run_dir_(std::move(run_dir)), reaper_(reaper) {
  const std::string name(balancer_kind_name(kind));
  // FLEETSIM_NGINX / FLEETSIM_HAPROXY name another build (an OpenResty, a newer HAProxy).
  const char* chosen = std::getenv(kind == BalancerKind::kNginx ? "FLEETSIM_NGINX" : "FLEETSIM_HAPROXY");
  const auto program = find_program(chosen && *chosen ? chosen : name);
  if (!program) {
    throw std::runtime_error(name + " is not installed (looked for " + (chosen && *chosen ? std::string(chosen) : name + " in PATH and /usr/sbin") +
                             "); install it with: apt-get install " + name + " (or bash scripts/install-deps.sh)");
  }
  program_ = *program;
  config_path_ = run_dir_ + (kind == BalancerKind::kNginx ? "/nginx.conf" : "/haproxy.cfg");
  log_path_ = run_dir_ + "/" + name + ".log";
  if (kind == BalancerKind::kNginx) std::filesystem::create_directories(run_dir_ + "/nginx-tmp");
  port_ = pick_free_port();
}

BalancerProcess::~BalancerProcess() { stop(); }

void BalancerProcess::write_config(const std::string& config) {
  // Temporary file and rename: the balancer never reads half a configuration.
  results::write_file_atomically(config_path_, config);
}

void BalancerProcess::check_config() {
  std::vector<std::string> argv;
  if (kind_ == BalancerKind::kNginx) {
    argv = {program_, "-t", "-q", "-p", run_dir_ + "/", "-e", run_dir_ + "/nginx-error.log", "-c", config_path_};
  } else {
    argv = {program_, "-c", "-q", "-f", config_path_};
  }
  const std::string log = run_dir_ + "/config-check.log";
  std::filesystem::remove(log);
  ChildProcess check({argv, log, false, &reaper_});
  const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  while (check.running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  check.stop();
  reaper_.forget(check.pid());
  if (check.exit_status() != 0) {
    throw std::runtime_error(std::string(balancer_kind_name(kind_)) + " refuses the configuration " + config_path_ +
                             ":\n" + tail_of_file(log, 10));
  }
}

void BalancerProcess::start(const std::string& config) {
  write_config(config);
  check_config();
  std::vector<std::string> argv;
  if (kind_ == BalancerKind::kNginx) {
    argv = {program_, "-p", run_dir_ + "/", "-e", run_dir_ + "/nginx-error.log", "-c", config_path_};
  } else {
    argv = {program_, "-W", "-db", "-f", config_path_};
  }
  // Registered with the watchdog before the balancer may start: a SIGKILL at any moment leaves none.
  process_ = std::make_unique<ChildProcess>(SpawnOptions{argv, log_path_, false, &reaper_});
  const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!process_->running()) break;
    if (port_accepts(port_, 100)) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const bool exited = !process_->running();
  stop();
  const std::string error_log = kind_ == BalancerKind::kNginx ? run_dir_ + "/nginx-error.log" : log_path_;
  throw std::runtime_error(std::string(balancer_kind_name(kind_)) +
                           (exited ? " exited at start" : " did not accept connections within 10 s") + " on 127.0.0.1:" +
                           std::to_string(port_) + "; " + error_log + " ends:\n" + tail_of_file(error_log, 10));
}

void BalancerProcess::reload(const std::string& config) {
  const std::string previous = config_path_ + ".previous";
  std::filesystem::copy_file(config_path_, previous, std::filesystem::copy_options::overwrite_existing);
  write_config(config);
  try {
    check_config();
  } catch (...) {
    std::filesystem::rename(previous, config_path_);
    throw;
  }
  if (process_ && process_->running()) {
    // Only the master: the signal to the group would reach the workers too.
    ::kill(process_->pid(), kind_ == BalancerKind::kNginx ? SIGHUP : SIGUSR2);
  }
}

bool BalancerProcess::running() { return process_ && process_->running(); }

void BalancerProcess::stop() {
  if (!process_) return;
  // nginx: SIGTERM is a fast shutdown (SIGQUIT would wait for keep-alive clients).
  process_->stop(std::chrono::milliseconds(3000));
  reaper_.forget(process_->pid());
  process_.reset();
}

}  // namespace fleetsim::loadgen
