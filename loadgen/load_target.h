// Where `fleetsim load` sends: an http:// URL parsed once at the edge, with the loopback rule.
#pragma once

#include <string>

namespace fleetsim::loadgen {

struct LoadTarget {
  std::string host;         // as written, without brackets ("127.0.0.1", "localhost", "::1")
  std::string port = "80";  // service name or number, for the resolver
  std::string base_path;    // prefix before each route's path, without a trailing '/' ("" = none)
  std::string host_header;  // value of the Host header ("127.0.0.1:8080", "[::1]:8080")
};

// Parses "http://HOST[:PORT][/PREFIX]". Throws scenario::InputError (file "--target") on a
// malformed URL, on https:// (not in this version), and on a non-loopback host unless
// `allow_remote`: tests and local stacks only ever target loopback.
LoadTarget parse_load_target(const std::string& url, bool allow_remote);

// True for 127.0.0.0/8, "localhost" and ::1.
bool is_loopback_host(const std::string& host);

}  // namespace fleetsim::loadgen
