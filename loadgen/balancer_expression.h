// What a real balancer (nginx or HAProxy) can express of a scenario's balancer, and the scenario
// as that balancer will actually behave, so `validate` predicts what really runs.
//
// Three kinds of answer, each said clearly:
//  - mapped: the setting has a direct equivalent (algorithms, passive checks, retries, timeouts);
//  - dropped with a note: the real balancer lacks it, the stack runs without it, and the
//    expressed scenario turns it off too (nginx open source has no active health checks);
//  - refused (scenario::InputError, exit 2): nothing close exists (peak_ewma, several regions).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "scenario/scenario.h"

namespace fleetsim::loadgen {

enum class BalancerKind { kNginx, kHaproxy };

std::string_view balancer_kind_name(BalancerKind kind);
// "nginx" or "haproxy"; otherwise scenario::InputError naming the flag `flag`.
BalancerKind parse_balancer_kind(const std::string& name, const std::string& flag = "--lb");

// The most tasks a local stack starts (one emulator process each).
constexpr std::uint64_t kMaxLocalTasks = 256;

struct BalancerExpression {
  scenario::Scenario scenario;     // the input with every dropped setting turned off
  std::vector<std::string> notes;  // one line per dropped or approximated setting
};

// Throws scenario::InputError (file = the scenario's, path = the setting) for what `kind` cannot
// approximate at all.
BalancerExpression express_balancer(const scenario::Scenario& s, BalancerKind kind);

// The upstream algorithm of service `index`: its own, or the balancer's.
const std::string& service_algorithm(const scenario::Scenario& s, std::size_t index);

}  // namespace fleetsim::loadgen
