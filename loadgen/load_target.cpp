#include "loadgen/load_target.h"

#include <boost/asio/ip/address.hpp>

#include "scenario/input_error.h"

namespace fleetsim::loadgen {

bool is_loopback_host(const std::string& host) {
  if (host == "localhost") return true;
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(host, ec);
  return !ec && address.is_loopback();
}

bool binds_client_sources(const LoadTarget& t) {
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(t.host, ec);
  return !ec && address.is_v4() && address.is_loopback();
}

LoadTarget parse_load_target(const std::string& url, bool allow_remote) {
  auto fail = [&](const std::string& why) { throw scenario::InputError("--target", "", "\"" + url + "\": " + why); };
  LoadTarget t;
  std::string rest;
  if (url.rfind("http://", 0) == 0) {
    rest = url.substr(7);
  } else if (url.rfind("https://", 0) == 0) {
    t.scheme = LoadTarget::Scheme::kHttps;
    t.port = "443";
    rest = url.substr(8);
  } else {
    fail("expected http://HOST:PORT or https://HOST:PORT");
  }
  const std::size_t slash = rest.find('/');
  const std::string authority = rest.substr(0, slash);
  if (slash != std::string::npos) {
    t.base_path = rest.substr(slash);
    while (!t.base_path.empty() && t.base_path.back() == '/') t.base_path.pop_back();
  }
  std::string port_part;
  if (!authority.empty() && authority.front() == '[') {  // [v6]:port
    const std::size_t close = authority.find(']');
    if (close == std::string::npos) fail("unclosed '[' in the host");
    t.host = authority.substr(1, close - 1);
    const std::string after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') fail("expected ':' after ']'");
      port_part = after.substr(1);
    }
  } else {
    const std::size_t colon = authority.rfind(':');
    t.host = authority.substr(0, colon);
    if (colon != std::string::npos) port_part = authority.substr(colon + 1);
  }
  if (t.host.empty()) fail("missing the host");
  if (!port_part.empty()) {
    if (port_part.find_first_not_of("0123456789") != std::string::npos || port_part.size() > 5 ||
        std::stoul(port_part) == 0 || std::stoul(port_part) > 65535) {
      fail("expected a port number in 1..65535");
    }
    t.port = port_part;
  }
  if (!allow_remote && !is_loopback_host(t.host)) {
    fail("only loopback targets (127.0.0.1, localhost, [::1]) are allowed; pass --allow-remote to load another host");
  }
  const bool v6 = t.host.find(':') != std::string::npos;
  t.host_header = (v6 ? "[" + t.host + "]" : t.host) + (port_part.empty() ? "" : ":" + port_part);
  return t;
}

}  // namespace fleetsim::loadgen
