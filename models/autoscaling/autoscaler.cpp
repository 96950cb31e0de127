#include "models/autoscaling/autoscaler.h"

#include "models/autoscaling/factories.h"

namespace fleetsim::models {

Autoscaler::~Autoscaler() = default;

std::unique_ptr<Autoscaler> make_autoscaler(const scenario::AutoscalingSpec& spec) {
  switch (spec.kind) {
    case scenario::AutoscalingSpec::Kind::kHpa: return make_hpa(spec);
    case scenario::AutoscalingSpec::Kind::kEcsTargetTracking: break;
  }
  return make_ecs_target_tracking(spec);
}

}  // namespace fleetsim::models
