#include "loadgen/process_reaper.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>

#include "loadgen/descriptor_closing.h"

namespace fleetsim::loadgen {

namespace {

enum : std::int32_t { kWatch = 1, kForget = 2 };
struct Record {
  std::int32_t op;
  std::int32_t pgid;
};
constexpr int kMaxGroups = 8192;  // emulators + balancers + exec commands of one stack

// The watchdog's whole life. Forked from a possibly multi-threaded process, it uses only
// async-signal-safe calls and static storage (no malloc).
[[noreturn]] void watchdog(int read_fd) {
  setsid();
  signal(SIGINT, SIG_IGN);
  signal(SIGTERM, SIG_IGN);
  signal(SIGHUP, SIG_IGN);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  close_descriptors_from(0, read_fd);  // nothing of fleetsim's, however high, stays open in here
  static std::int32_t groups[kMaxGroups];
  int count = 0;
  Record r;
  while (true) {
    const ssize_t n = read(read_fd, &r, sizeof r);
    if (n < 0 && errno == EINTR) continue;
    if (n != static_cast<ssize_t>(sizeof r)) break;  // EOF: fleetsim is done or dead
    if (r.op == kWatch && count < kMaxGroups) {
      groups[count++] = r.pgid;
    } else if (r.op == kForget) {
      for (int i = 0; i < count; ++i) {
        if (groups[i] == r.pgid) {
          groups[i] = groups[--count];
          break;
        }
      }
    }
  }
  for (int i = 0; i < count; ++i) {
    if (groups[i] > 1) killpg(groups[i], SIGKILL);
  }
  _exit(0);
}

}  // namespace

ProcessReaper::ProcessReaper() {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  watchdog_ = fork();
  if (watchdog_ < 0) {
    const int error = errno;
    close(fds[0]);
    close(fds[1]);
    throw std::runtime_error(std::string("fork: ") + std::strerror(error));
  }
  if (watchdog_ == 0) watchdog(fds[0]);
  close(fds[0]);
  write_fd_ = fds[1];
}

ProcessReaper::~ProcessReaper() {
  if (write_fd_ >= 0) close(write_fd_);
  if (watchdog_ > 0) {
    while (waitpid(watchdog_, nullptr, 0) < 0 && errno == EINTR) {
    }
  }
}

void ProcessReaper::send(int op, pid_t pgid) {
  const Record r{op, static_cast<std::int32_t>(pgid)};
  // A record is 8 bytes, under PIPE_BUF: each write is atomic.
  while (write(write_fd_, &r, sizeof r) < 0 && errno == EINTR) {
  }
}

void ProcessReaper::watch(pid_t pgid) { send(kWatch, pgid); }
void ProcessReaper::forget(pid_t pgid) { send(kForget, pgid); }

}  // namespace fleetsim::loadgen
