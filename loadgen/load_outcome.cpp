#include "loadgen/load_outcome.h"

namespace fleetsim::loadgen {

std::string_view load_outcome_name(LoadOutcome outcome) {
  switch (outcome) {
    case LoadOutcome::kOk: return "ok";
    case LoadOutcome::kHttp4xx: return "http_4xx";
    case LoadOutcome::kHttp5xx: return "http_5xx";
    case LoadOutcome::kHttpOther: return "http_other";
    case LoadOutcome::kTimeout: return "timeout";
    case LoadOutcome::kRefused: return "refused";
    case LoadOutcome::kReset: return "reset";
    case LoadOutcome::kBadResponse: return "bad_response";
    case LoadOutcome::kTls: return "tls";
    case LoadOutcome::kIoError: return "io_error";
    case LoadOutcome::kDropped: return "dropped";
  }
  return "io_error";
}

}  // namespace fleetsim::loadgen
