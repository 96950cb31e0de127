#include "loadgen/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <thread>

#include "loadgen/descriptor_closing.h"
#include "loadgen/process_reaper.h"

namespace fleetsim::loadgen {

namespace {

int shell_status(int wait_status) {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
  return -1;
}

// Between fork and exec only async-signal-safe calls: no allocation, no locks.
// `release_fd` >= 0: wait for one byte from the parent (it has registered this group with its
// watchdog); end of file means the parent died first, so do not start the program at all.
[[noreturn]] void exec_child(const char* program, const std::vector<char*>& argv, int out_fd, int err_fd,
                             int release_fd) {
  setpgid(0, 0);
  if (release_fd >= 0) {
    // Before waiting, let go of every descriptor but the three this child needs: its own
    // pipe's write end (it would keep that pipe open), and any other child's release pipe
    // inherited from a fork on another thread, which would otherwise keep that child waiting
    // after fleetsim died, while this one waits too.
    close_descriptors_from(3, release_fd, out_fd, err_fd);
    char byte = 0;
    ssize_t n;
    do {
      n = read(release_fd, &byte, 1);
    } while (n < 0 && errno == EINTR);
    if (n != 1) _exit(125);
  }
  // The parent may block SIGINT/SIGTERM to sigwait them; a child starts with none blocked.
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  signal(SIGPIPE, SIG_DFL);  // fleetsim ignores it; an ignored signal would survive exec
  const int null_fd = open("/dev/null", O_RDONLY);
  if (null_fd >= 0) dup2(null_fd, 0);
  dup2(out_fd, 1);
  dup2(err_fd, 2);
  // Nothing of fleetsim's leaks into the child: listening sockets, the reaper's pipe.
  close_descriptors_from(3);
  execv(program, argv.data());
  const char* reason = strerror(errno);
  (void)!write(2, "exec failed: ", 13);
  (void)!write(2, argv[0], strlen(argv[0]));
  (void)!write(2, ": ", 2);
  (void)!write(2, reason, strlen(reason));
  (void)!write(2, "\n", 1);
  _exit(127);
}

}  // namespace

ChildProcess::ChildProcess(const SpawnOptions& options) {
  if (options.argv.empty()) throw std::invalid_argument("ChildProcess: empty argv");
  const std::string log = options.log_file.empty() ? "/dev/null" : options.log_file;
  const int log_fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) throw std::runtime_error("cannot open " + log + ": " + std::strerror(errno));
  int pipe_fds[2] = {-1, -1};
  if (options.pipe_stdout && pipe2(pipe_fds, O_CLOEXEC) != 0) {
    close(log_fd);
    throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  }
  int release_fds[2] = {-1, -1};  // the parent's word to the child: "registered, go on"
  if (options.reaper && pipe2(release_fds, O_CLOEXEC) != 0) {
    const int error = errno;
    close(log_fd);
    if (pipe_fds[0] >= 0) close(pipe_fds[0]), close(pipe_fds[1]);
    throw std::runtime_error(std::string("pipe: ") + std::strerror(error));
  }
  auto close_release = [&release_fds] {
    for (int& fd : release_fds) {
      if (fd >= 0) close(fd);
      fd = -1;
    }
  };
  // Resolved here: PATH search between fork and exec would not be async-signal-safe.
  const std::string program = find_program(options.argv[0]).value_or(options.argv[0]);
  std::vector<std::string> args = options.argv;  // owned copies for the child's argv
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  pid_ = fork();
  if (pid_ < 0) {
    const int error = errno;
    close(log_fd);
    if (pipe_fds[0] >= 0) close(pipe_fds[0]), close(pipe_fds[1]);
    close_release();
    throw std::runtime_error(std::string("fork: ") + std::strerror(error));
  }
  if (pid_ == 0) {
    exec_child(program.c_str(), argv, options.pipe_stdout ? pipe_fds[1] : log_fd, log_fd, release_fds[0]);
  }
  // Also from the parent: no window in which a signal to the group misses the child.
  setpgid(pid_, pid_);
  if (options.reaper) {
    options.reaper->watch(pid_);
    const char go = 1;
    while (write(release_fds[1], &go, 1) < 0 && errno == EINTR) {
    }
    close_release();
  }
  close(log_fd);
  if (options.pipe_stdout) {
    close(pipe_fds[1]);
    stdout_fd_ = pipe_fds[0];
  }
}

ChildProcess::~ChildProcess() {
  stop(std::chrono::milliseconds(1000));
  if (stdout_fd_ >= 0) close(stdout_fd_);
}

std::optional<std::string> ChildProcess::read_line(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    const auto newline = pending_.find('\n');
    if (newline != std::string::npos) {
      std::string line = pending_.substr(0, newline);
      pending_.erase(0, newline + 1);
      return line;
    }
    if (stdout_fd_ < 0) return std::nullopt;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    pollfd p{stdout_fd_, POLLIN, 0};
    const int ready = poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return std::nullopt;
    char buffer[512];
    const ssize_t n = read(stdout_fd_, buffer, sizeof buffer);
    if (n <= 0) {
      close(stdout_fd_);
      stdout_fd_ = -1;
      continue;
    }
    pending_.append(buffer, static_cast<std::size_t>(n));
  }
}

bool ChildProcess::signal_group(int signal_number) {
  if (pid_ <= 0) return false;
  return killpg(pid_, signal_number) == 0;
}

void ChildProcess::reap(bool block) {
  if (reaped_ || pid_ <= 0) return;
  int status = 0;
  pid_t r;
  do {
    r = waitpid(pid_, &status, block ? 0 : WNOHANG);
  } while (r < 0 && errno == EINTR);
  if (r == pid_) {
    reaped_ = true;
    exit_status_ = shell_status(status);
  } else if (r < 0) {
    reaped_ = true;  // not our child any more (ECHILD): nothing to wait for
  }
}

bool ChildProcess::running() {
  reap(false);
  return !reaped_;
}

void ChildProcess::stop(std::chrono::milliseconds grace) {
  if (pid_ <= 0) return;
  if (!reaped_) {
    killpg(pid_, SIGTERM);
    killpg(pid_, SIGCONT);  // a stopped (hung) process must run to see SIGTERM
    const auto deadline = std::chrono::steady_clock::now() + grace;
    while (running() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  // The leader may be gone while its workers live on (nginx workers outlive a killed master).
  killpg(pid_, SIGKILL);
  reap(true);
}

void ChildProcess::kill() {
  if (pid_ <= 0) return;
  killpg(pid_, SIGKILL);
  reap(true);
}

std::optional<std::string> find_program(const std::string& program) {
  auto executable = [](const std::string& path) {
    struct stat st {};
    return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(path.c_str(), X_OK) == 0;
  };
  if (program.find('/') != std::string::npos) {
    if (executable(program)) return program;
    return std::nullopt;
  }
  const char* env_path = std::getenv("PATH");
  // Debian puts nginx and haproxy in /usr/sbin, which a user's PATH may lack.
  std::string path = std::string(env_path ? env_path : "/usr/bin:/bin") + ":/usr/sbin:/sbin:/usr/local/sbin";
  std::size_t begin = 0;
  while (begin <= path.size()) {
    const std::size_t end = path.find(':', begin);
    const std::string dir = path.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
    if (!dir.empty() && executable(dir + "/" + program)) return dir + "/" + program;
    if (end == std::string::npos) break;
    begin = end + 1;
  }
  return std::nullopt;
}

}  // namespace fleetsim::loadgen
