// One short HTTP/1.1 request to 127.0.0.1 with a deadline: the stack's chaos controls
// (POST /_chaos/...) and health probes (GET /health). Returns the status code.
//
// Why not Beast: these are one-shot blocking exchanges of a few bytes on the supervisor thread;
// a POSIX socket with poll deadlines is all they need and keeps Beast out of the supervisor.
#pragma once

#include <cstdint>
#include <string>

namespace fleetsim::loadgen {

// The response's status code, or 0 when the connection failed, the deadline passed or the answer
// was not HTTP.
int loopback_request(std::uint16_t port, const std::string& method, const std::string& target, int timeout_ms);

}  // namespace fleetsim::loadgen
