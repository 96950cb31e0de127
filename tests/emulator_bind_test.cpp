// `fleetsim backend` as a process, as the stack starts it: it listens on loopback unless told
// otherwise, and serves the chaos controls only with --control (the stack passes it; a backend
// started by hand for `fleetsim load` does not, so nobody on the path can hang or fail it).
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "loadgen/loopback_request.h"
#include "stack/stack_support.h"

namespace fleetsim::testing {
namespace {

using namespace std::chrono_literals;

nlohmann::json one_service() {
  return {{"name", "bind-test"},
          {"traffic", {{"rate_rps", 10}, {"routes", {{{"service", "api"}}}}}},
          {"services", {{{"name", "api"}, {"service_time_ms", {{"dist", "constant"}, {"mean_ms", 1}}}}}}};
}

// The port of a started `fleetsim backend`, from its first line "listening ADDR:PORT".
std::uint16_t start_backend(const BackgroundFleetsim& backend) {
  REQUIRE(backend.wait_for_output("listening ", 10s));
  const std::string line = backend.out();
  const auto colon = line.rfind(':');
  REQUIRE(colon != std::string::npos);
  return static_cast<std::uint16_t>(std::stoi(line.substr(colon + 1)));
}

// The local addresses (hex, as the kernel prints them: "0100007F" is 127.0.0.1) of the
// listening TCP sockets on `port`, from /proc/net/tcp or /proc/net/tcp6.
std::vector<std::string> listening_addresses(const std::string& table, std::uint16_t port) {
  std::ifstream in(table);
  std::string line;
  std::getline(in, line);  // header
  std::vector<std::string> out;
  char wanted[8];
  std::snprintf(wanted, sizeof wanted, "%04X", port);
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state;
    if (!(fields >> slot >> local >> remote >> state)) continue;
    const auto colon = local.rfind(':');
    if (state == "0A" && local.substr(colon + 1) == wanted) out.push_back(local.substr(0, colon));  // 0A: LISTEN
  }
  return out;
}

TEST_CASE("fleetsim backend listens on 127.0.0.1 only unless --bind says otherwise", "[emulator][bind]") {
  StackDir dir("bind", one_service());
  {
    BackgroundFleetsim backend("backend " + dir.scenario() + " --service api", dir.path() + "/default");
    const std::uint16_t port = start_backend(backend);
    CHECK_THAT(backend.out(), Catch::StartsWith("listening 127.0.0.1:"));
    CHECK(listening_addresses("/proc/net/tcp", port) == std::vector<std::string>{"0100007F"});
    CHECK(listening_addresses("/proc/net/tcp6", port).empty());  // no [::] socket either
  }
  {
    // The check sees the difference: an explicit wildcard shows as 00000000.
    BackgroundFleetsim backend("backend " + dir.scenario() + " --service api --bind 0.0.0.0", dir.path() + "/any");
    const std::uint16_t port = start_backend(backend);
    CHECK(listening_addresses("/proc/net/tcp", port) == std::vector<std::string>{"00000000"});
  }
}

TEST_CASE("fleetsim backend serves the chaos controls only with --control", "[emulator][bind]") {
  StackDir dir("control", one_service());
  SECTION("without --control a chaos path is an ordinary request and changes nothing") {
    BackgroundFleetsim backend("backend " + dir.scenario() + " --service api", dir.path() + "/plain");
    const std::uint16_t port = start_backend(backend);
    CHECK(loadgen::loopback_request(port, "POST", "/_chaos/error?rate=1", 2000) == 200);
    CHECK(loadgen::loopback_request(port, "POST", "/_chaos/unhealthy", 2000) == 200);
    for (int i = 0; i < 5; ++i) CHECK(loadgen::loopback_request(port, "GET", "/api/x", 2000) == 200);
    CHECK(loadgen::loopback_request(port, "GET", "/health", 2000) == 200);
  }
  SECTION("with --control the same requests act, and resume undoes them") {
    BackgroundFleetsim backend("backend " + dir.scenario() + " --service api --control", dir.path() + "/control");
    const std::uint16_t port = start_backend(backend);
    CHECK(loadgen::loopback_request(port, "POST", "/_chaos/error?rate=1", 2000) == 200);
    CHECK(loadgen::loopback_request(port, "POST", "/_chaos/unhealthy", 2000) == 200);
    for (int i = 0; i < 5; ++i) CHECK(loadgen::loopback_request(port, "GET", "/api/x", 2000) == 500);
    CHECK(loadgen::loopback_request(port, "GET", "/health", 2000) == 503);
    CHECK(loadgen::loopback_request(port, "POST", "/_chaos/resume", 2000) == 200);
    CHECK(loadgen::loopback_request(port, "GET", "/api/x", 2000) == 200);
    CHECK(loadgen::loopback_request(port, "GET", "/health", 2000) == 200);
  }
}

}  // namespace
}  // namespace fleetsim::testing
