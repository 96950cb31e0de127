// ChildProcess: what a started program inherits from fleetsim.
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <set>
#include <string>

#include "loadgen/child_process.h"
#include "loadgen/process_reaper.h"

using fleetsim::loadgen::ChildProcess;
using fleetsim::loadgen::ProcessReaper;
using fleetsim::loadgen::SpawnOptions;

namespace {

// True when the pipe's read end sees end of file within `ms`: every write end is closed.
bool sees_end_of_file(int read_fd, int ms) {
  pollfd p{read_fd, POLLIN, 0};
  if (poll(&p, 1, ms) != 1) return false;
  char byte;
  return read(read_fd, &byte, 1) == 0;
}

// The descriptors the child's shell holds, as it lists them (/proc/$$/fd), up to its "end".
std::set<int> descriptors_of(ChildProcess& child) {
  std::set<int> fds;
  while (auto line = child.read_line(std::chrono::milliseconds(5000))) {
    if (*line == "end") break;
    fds.insert(std::stoi(*line));
  }
  return fds;
}

}  // namespace

TEST_CASE("a started program inherits none of fleetsim's descriptors, however high", "[child-process]") {
  for (const bool with_reaper : {false, true}) {
    INFO("with a reaper: " << with_reaper);
    // A pipe whose write end, without close-on-exec, sits at 5 and beyond 1024 (a load with
    // many connections): while the child runs, the reader must see end of file once fleetsim
    // closes its own copies, so the child holds none.
    int fds[2];
    REQUIRE(pipe2(fds, O_CLOEXEC) == 0);
    REQUIRE(dup2(fds[1], 1500) == 1500);
    REQUIRE(dup2(fds[1], 5) == 5);
    close(fds[1]);
    ProcessReaper reaper;
    SpawnOptions options;
    options.argv = {"/bin/sh", "-c", "for f in /proc/$$/fd/*; do echo ${f##*/}; done; echo end; sleep 30"};
    options.pipe_stdout = true;
    if (with_reaper) options.reaper = &reaper;
    ChildProcess child(options);
    const auto held = descriptors_of(child);
    CHECK(held.count(0) == 1);
    CHECK(held.count(1) == 1);
    CHECK(held.count(2) == 1);
    CHECK(held.count(5) == 0);
    CHECK(held.count(1500) == 0);
    close(1500);
    close(5);
    CHECK(sees_end_of_file(fds[0], 2000));
    CHECK(child.running());
    close(fds[0]);
    child.stop();
    if (with_reaper) reaper.forget(child.pid());
  }
}
