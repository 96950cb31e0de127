// Where `fleetsim load` sends: an http:// or https:// URL parsed once at the edge, with the
// loopback rule.
#pragma once

#include <string>

namespace fleetsim::loadgen {

struct LoadTarget {
  enum class Scheme { kHttp, kHttps };
  Scheme scheme = Scheme::kHttp;
  std::string host;         // as written, without brackets ("127.0.0.1", "localhost", "::1")
  std::string port = "80";  // service name or number, for the resolver (https: "443" by default)
  std::string base_path;    // prefix before each route's path, without a trailing '/' ("" = none)
  std::string host_header;  // value of the Host header ("127.0.0.1:8080", "[::1]:8080")
};

// Parses "http://HOST[:PORT][/PREFIX]" or "https://HOST[:PORT][/PREFIX]". Throws
// scenario::InputError (file "--target") on a malformed URL and on a non-loopback host unless
// `allow_remote`: tests and local stacks only ever target loopback.
LoadTarget parse_load_target(const std::string& url, bool allow_remote);

// True for 127.0.0.0/8, "localhost" and ::1.
bool is_loopback_host(const std::string& host);

// True when `t` names an IPv4 loopback address: `load` then gives every client its own source
// address in 127.0.0.0/8 (models::client_address).
bool binds_client_sources(const LoadTarget& t);

}  // namespace fleetsim::loadgen
