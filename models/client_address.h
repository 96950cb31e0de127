// Client identities as IPv4 addresses, shared by the simulator and the load generator, so that
// ip_hash (which hashes the first three octets, as nginx does) sees the same clients in both.
//
// Client i maps to 127.b.c.d with (b, c) distinct for i < 65,024, so that many clients are
// distinct /24 networks to nginx's ip_hash and distinct source addresses on loopback.
#pragma once

#include <cstdint>
#include <string>

namespace fleetsim::models {

inline std::uint32_t client_address(std::uint32_t client) {
  const std::uint32_t b = 1 + client % 254;
  const std::uint32_t c = (client / 254) % 256;
  const std::uint32_t d = 1 + (client / (254 * 256)) % 254;
  return (127u << 24) | (b << 16) | (c << 8) | d;
}

inline std::string format_ipv4(std::uint32_t address) {
  return std::to_string(address >> 24) + "." + std::to_string((address >> 16) & 255) + "." +
         std::to_string((address >> 8) & 255) + "." + std::to_string(address & 255);
}

}  // namespace fleetsim::models
