// libFuzzer target: the service emulator's request handling, over a real loopback socket. One
// emulator (with chaos controls) serves the whole run; each input is written to a fresh
// connection as raw bytes, then the connection is half-closed and the answer read until the
// emulator closes or 200 ms pass. The first line is also given to the chaos control parser.
// The emulator must neither crash nor trip a sanitizer, whatever arrives; its chaos state is
// reset after each input so a "hang" does not stall the rest of the run.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "loadgen/emulator_chaos.h"
#include "loadgen/loopback_request.h"
#include "loadgen/service_emulator.h"

namespace {

fleetsim::loadgen::ServiceEmulator& emulator() {
  static auto instance = [] {
    fleetsim::loadgen::EmulatorConfig config;
    config.service = "fuzz";
    config.workers = 2;
    config.queue_limit = 16;
    config.service_time.kind = fleetsim::scenario::Distribution::Kind::kConstant;
    config.service_time.mean_ms = 0.1;
    config.control = true;
    auto e = std::make_unique<fleetsim::loadgen::ServiceEmulator>(config);
    e->start();
    return e;
  }();
  return *instance;
}

void exchange(std::uint16_t port, const std::uint8_t* data, std::size_t size) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
    (void)!send(fd, data, size, MSG_NOSIGNAL);
    shutdown(fd, SHUT_WR);
    char buffer[4096];
    pollfd p{fd, POLLIN, 0};
    while (poll(&p, 1, 200) == 1 && recv(fd, buffer, sizeof buffer, 0) > 0) {
    }
  }
  close(fd);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  fleetsim::loadgen::EmulatorChaos chaos;
  std::string message;
  const std::string first_line = text.substr(0, text.find('\n'));
  if (fleetsim::loadgen::EmulatorChaos::is_control_target(first_line)) chaos.apply(first_line, message);
  auto& e = emulator();
  exchange(e.port(), data, size);
  fleetsim::loadgen::loopback_request(e.port(), "POST", "/_chaos/resume", 1000);
  return 0;
}
