#include "reports/event_category.h"

namespace fleetsim::reports {

namespace {
bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }
}  // namespace

// Keep in step with eventCategory() in reports/assets/report.js.
EventCategory event_category(const std::string& kind) {
  if (kind == "discovery") return EventCategory::discovery;
  if (starts_with(kind, "deploy")) return EventCategory::deployment;
  if (kind == "scale" || kind == "task_pending" || kind == "task_started" || kind == "task_replaced") {
    return EventCategory::scaling;
  }
  if (starts_with(kind, "region_") && kind != "region_outage" && kind != "region_outage_end") {
    return EventCategory::failover;
  }
  if (kind == "dns_failover") return EventCategory::failover;
  if (kind == "events_truncated") return EventCategory::other;
  return EventCategory::fault;  // fault kinds, their _end, task_killed, task_stopped, host_restored, exec
}

const char* event_category_name(EventCategory c) {
  switch (c) {
    case EventCategory::fault: return "fault";
    case EventCategory::scaling: return "scaling";
    case EventCategory::deployment: return "deployment";
    case EventCategory::discovery: return "discovery";
    case EventCategory::failover: return "failover";
    case EventCategory::other: return "other";
  }
  return "other";
}

const char* event_colour(EventCategory c) {
  switch (c) {
    case EventCategory::fault: return "#d62728";
    case EventCategory::scaling: return "#1f77b4";
    case EventCategory::deployment: return "#2ca02c";
    case EventCategory::discovery: return "#999999";
    case EventCategory::failover: return "#9467bd";
    case EventCategory::other: return "#7f7f7f";
  }
  return "#7f7f7f";
}

}  // namespace fleetsim::reports
