// The random streams of the local stack's tasks, named once for both halves.
//
// `fleetsim stack up` labels a service's tasks "<service>.<ordinal>" in creation order, and each
// emulator draws its service times and errors from its own streams, Rng::stream(seed,
// emulator_stream_name(...)). With Scenario::emulator_streams the simulator draws from the very
// same streams, task by task (validate's coupled prediction): the k-th request a task serves
// takes the same time in the model as on the stack, so what remains between them is the model.
#pragma once

#include <cstdint>
#include <string>

namespace fleetsim::models {

// "<service>.<ordinal>": the label of a service's `ordinal`-th task (0 first).
inline std::string task_label(const std::string& service, std::uint32_t ordinal) {
  return service + "." + std::to_string(ordinal);
}

// The name of stream `what` ("time", "errors") of the task labelled `label` of `service`.
inline std::string emulator_stream_name(const std::string& service, const std::string& label, const char* what) {
  return "emulator." + service + "." + label + "." + what;
}

}  // namespace fleetsim::models
