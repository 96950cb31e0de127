// The configuration files of the local stack's real balancer, rendered from an expressed
// scenario (balancer_expression.h) and the tasks the discovery agent listed.
//
// nginx: one `upstream` per service, one `location` per route, the whole http block in one file
// (reloaded with SIGHUP). HAProxy: one `backend` per service, `use_backend` on path prefixes
// (reloaded with SIGUSR2 to its master). Both listen on 127.0.0.1 only.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "loadgen/balancer_expression.h"
#include "scenario/scenario.h"

namespace fleetsim::loadgen {

struct UpstreamMember {
  std::string task_id;     // the emulator's X-Fleetsim-Task label
  std::uint16_t port = 0;  // its port on 127.0.0.1
  std::uint32_t weight = 1;
};

struct BalancerLayout {
  std::string run_dir;            // absolute; logs, pid and temp files go here
  std::uint16_t listen_port = 0;  // on 127.0.0.1
  std::map<std::string, std::vector<UpstreamMember>> members;  // by service name; listed tasks
};

// The whole configuration file for `kind`. `s` is the expressed scenario.
std::string render_balancer_config(const scenario::Scenario& s, BalancerKind kind, const BalancerLayout& layout);

}  // namespace fleetsim::loadgen
