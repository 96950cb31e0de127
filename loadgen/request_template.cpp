#include "loadgen/request_template.h"

#include <boost/beast/http/field.hpp>
#include <boost/beast/core/string.hpp>

#include "models/client_address.h"

namespace fleetsim::loadgen {

namespace http = boost::beast::http;
using Field = scenario::TextTemplate::Field;

std::string render_template(const scenario::TextTemplate& t, const TemplateValues& values) {
  std::string out;
  for (const auto& part : t.parts) {
    switch (part.field) {
      case Field::kLiteral: out += part.text; break;
      case Field::kCounter: out += std::to_string(values.counter); break;
      case Field::kRandomId: out += values.random_id; break;
      case Field::kClient: out += std::to_string(values.client); break;
    }
  }
  return out;
}

std::string random_hex_id(sim::Rng& rng) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(32, '0');
  for (int half = 0; half < 2; ++half) {
    std::uint64_t bits = rng.next_u64();
    for (int i = 0; i < 16; ++i, bits >>= 4) id[static_cast<std::size_t>(half * 16 + 15 - i)] = kHex[bits & 15];
  }
  return id;
}

RouteRequest::RouteRequest(const scenario::Route& route, const LoadTarget& target)
    : method_(http::string_to_verb(route.method)),
      target_(target.base_path + (route.path.empty() ? "/" : route.path)),
      host_header_(target.host_header),
      headers_(route.headers),
      body_(route.body) {
  for (const auto& [name, value] : headers_) {
    uses_random_id_ = uses_random_id_ || value.uses(Field::kRandomId);
    reusable_ = reusable_ && !value.uses(Field::kRandomId) && !value.uses(Field::kCounter);
  }
  if (body_) reusable_ = reusable_ && !body_->uses(Field::kRandomId) && !body_->uses(Field::kCounter);
  if (body_) {
    uses_random_id_ = uses_random_id_ || body_->uses(Field::kRandomId);
    default_content_type_ = true;
    for (const auto& [name, value] : headers_) {
      if (boost::beast::iequals(name, "content-type")) default_content_type_ = false;
    }
  }
}

RouteRequest::Request RouteRequest::render(std::uint64_t counter, std::uint32_t client, sim::Rng& random_ids) const {
  TemplateValues values;
  values.counter = counter;
  values.client = client;
  if (uses_random_id_) values.random_id = random_hex_id(random_ids);

  Request request;
  request.version(11);
  request.method(method_);
  request.target(target_);
  request.set(http::field::host, host_header_);
  request.set(http::field::user_agent, "fleetsim-load");
  // The client identity as a header too: behind a non-loopback target (no per-client source
  // address) it is the only trace of it, and a balancer can hash on it.
  request.set("X-Fleetsim-Client", models::format_ipv4(models::client_address(client)));
  for (const auto& [name, value] : headers_) request.set(name, render_template(value, values));
  if (body_) {
    if (default_content_type_) request.set(http::field::content_type, "application/json");
    request.body() = render_template(*body_, values);
  }
  request.prepare_payload();  // Content-Length from the body (none for a bodiless GET, HEAD, ...)
  return request;
}

}  // namespace fleetsim::loadgen
