// Which kind of thing an event is, for marking it on time axes: the categories the reports
// colour (faults, scaling, deployments, discovery, failover). Event kinds are in docs/results.md.
#pragma once

#include <string>

namespace fleetsim::reports {

enum class EventCategory { fault, scaling, deployment, discovery, failover, other };

EventCategory event_category(const std::string& kind);
const char* event_category_name(EventCategory category);  // "fault", "scaling", ...
const char* event_colour(EventCategory category);         // "#rrggbb"

}  // namespace fleetsim::reports
