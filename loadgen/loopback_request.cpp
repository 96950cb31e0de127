#include "loadgen/loopback_request.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

namespace fleetsim::loadgen {

namespace {

// Waits for `events` on `fd` until `deadline`; false on timeout or error.
bool wait_for(int fd, short events, std::chrono::steady_clock::time_point deadline) {
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, events, 0};
    const int r = poll(&p, 1, static_cast<int>(left.count()));
    if (r < 0 && errno == EINTR) continue;
    return r == 1;
  }
}

}  // namespace

int loopback_request(std::uint16_t port, const std::string& method, const std::string& target, int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return 0;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int status = 0;
  const std::string request = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
  do {
    if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      if (errno != EINPROGRESS || !wait_for(fd, POLLOUT, deadline)) break;
      int error = 0;
      socklen_t length = sizeof error;
      if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0 || error != 0) break;
    }
    std::size_t written = 0;
    while (written < request.size()) {
      if (!wait_for(fd, POLLOUT, deadline)) break;
      const ssize_t n = send(fd, request.data() + written, request.size() - written, MSG_NOSIGNAL);
      if (n <= 0) break;
      written += static_cast<std::size_t>(n);
    }
    if (written < request.size()) break;
    // The status line is all we need: "HTTP/1.x NNN ".
    std::string head;
    while (head.size() < 12) {
      if (!wait_for(fd, POLLIN, deadline)) break;
      char buffer[256];
      const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      head.append(buffer, static_cast<std::size_t>(n));
    }
    if (head.size() >= 12 && head.compare(0, 7, "HTTP/1.") == 0 && head[8] == ' ') {
      const int code = (head[9] - '0') * 100 + (head[10] - '0') * 10 + (head[11] - '0');
      if (code >= 100 && code <= 599) status = code;
    }
  } while (false);
  close(fd);
  return status;
}

}  // namespace fleetsim::loadgen
