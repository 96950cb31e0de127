// The service call graph (Boost.Graph): which service calls which. A cycle would make a request
// call itself without end, so it is an input error.
#pragma once

#include <string>
#include <vector>

#include "scenario/scenario.h"

namespace fleetsim::models {

// Throws scenario::InputError naming the cycle (a -> b -> a) if the calls form one.
void check_call_graph(const scenario::Scenario& scenario);
// Services in an order where every caller comes before the services it calls.
std::vector<std::string> call_order(const scenario::Scenario& scenario);

}  // namespace fleetsim::models
