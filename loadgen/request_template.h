// A route's HTTP request, prepared once per run from the scenario (method, target, headers, body
// with their compiled templates), rendered per request with that request's values.
//
// Thread safety: render() is const; load threads share one RouteRequest per route and bring
// their own random stream.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/verb.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "loadgen/load_target.h"
#include "scenario/scenario.h"
#include "sim/rng.h"

namespace fleetsim::loadgen {

// The values one request's templates are rendered with; the same in every template of the request.
struct TemplateValues {
  std::uint64_t counter = 0;  // {{counter}}
  std::string random_id;      // {{random_id}}: 32 hex digits
  std::uint32_t client = 0;   // {{client}}
};

// `t` with its placeholders replaced.
std::string render_template(const scenario::TextTemplate& t, const TemplateValues& values);

// 32 lowercase hex digits (128 bits) from `rng`.
std::string random_hex_id(sim::Rng& rng);

class RouteRequest {
 public:
  using Request = boost::beast::http::request<boost::beast::http::string_body>;

  // `route`'s request to `target` (base path + the route's path).
  RouteRequest(const scenario::Route& route, const LoadTarget& target);

  // The request number `counter` of the run, from `client`. Draws one random id from
  // `random_ids` if (and only if) a template of the route uses {{random_id}}.
  Request render(std::uint64_t counter, std::uint32_t client, sim::Rng& random_ids) const;
  // True when the rendered request depends on the client only (no {{counter}} or {{random_id}}):
  // a connection may then send the same rendered request again for the same client.
  bool reusable() const { return reusable_; }

 private:
  boost::beast::http::verb method_;
  std::string target_;       // base path + route path
  std::string host_header_;
  std::vector<std::pair<std::string, scenario::TextTemplate>> headers_;
  std::optional<scenario::TextTemplate> body_;
  bool uses_random_id_ = false;
  bool reusable_ = true;
  bool default_content_type_ = false;  // a body and no Content-Type header of its own
};

}  // namespace fleetsim::loadgen
