// Route request templates: compiled once when the scenario is read ({{counter}}, {{random_id}},
// {{client}}), bad ones refused with their JSON path, and rendered per request.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "loadgen/load_target.h"
#include "loadgen/request_template.h"
#include "scenario/input_error.h"
#include "scenario/parse.h"
#include "scenario/text_template.h"

using nlohmann::json;
namespace loadgen = fleetsim::loadgen;
namespace scenario = fleetsim::scenario;
using Field = scenario::TextTemplate::Field;

namespace {

scenario::TextTemplate compiled(const std::string& text) {
  std::string error;
  auto t = scenario::compile_text_template(text, error);
  INFO(error);
  REQUIRE(t);
  return *t;
}

std::string compile_error(const std::string& text) {
  std::string error;
  CHECK_FALSE(scenario::compile_text_template(text, error));
  return error;
}

json with_route(json route) {
  route["service"] = "s";
  return {{"name", "t"},
          {"traffic", {{"rate_rps", 10}, {"routes", json::array({route})}}},
          {"services", {{{"name", "s"}, {"service_time_ms", {{"dist", "constant"}, {"mean_ms", 1}}}}}}};
}

// The InputError message of parsing `doc`, or "" when it parses.
std::string parse_error(const json& doc) {
  try {
    scenario::parse_scenario_text(doc.dump(), "t.json");
  } catch (const scenario::InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("a template compiles into literal parts and placeholders, once", "[loadgen][template]") {
  const auto t = compiled("a{{counter}}-{{ random_id }}/{{client}}{{counter}}z");
  REQUIRE(t.parts.size() == 8);
  CHECK(t.parts[0].field == Field::kLiteral);
  CHECK(t.parts[0].text == "a");
  CHECK(t.parts[1].field == Field::kCounter);
  CHECK(t.parts[3].field == Field::kRandomId);
  CHECK(t.parts[5].field == Field::kClient);
  CHECK(t.parts[6].field == Field::kCounter);
  CHECK(t.parts[7].text == "z");
  CHECK(t.uses(Field::kRandomId));
  CHECK_FALSE(compiled("{\"plain\": {\"json\": 1}}").uses(Field::kCounter));
  CHECK(compiled("{\"plain\": {\"json\": 1}}").parts.size() == 1);
  CHECK(compiled("").parts.empty());
  CHECK(compiled("{\"n\":{{counter}}}").parts.size() == 3);  // "}}}" closes at its first "}}"
}

TEST_CASE("an unknown or unclosed template is refused with what is expected", "[loadgen][template]") {
  CHECK(compile_error("x{{foo}}y") == "unknown template \"{{foo}}\"; expected {{counter}}, {{random_id}} or {{client}}");
  CHECK_THAT(compile_error("{{counter"), Catch::StartsWith("unclosed \"{{\" at character 0"));
  CHECK_THAT(compile_error("{{}}"), Catch::StartsWith("unknown template \"{{}}\""));
}

TEST_CASE("rendering fills every placeholder with the request's values", "[loadgen][template]") {
  loadgen::TemplateValues v;
  v.counter = 42;
  v.client = 7;
  v.random_id = "0123456789abcdef0123456789abcdef";
  CHECK(loadgen::render_template(compiled("{{counter}}:{{client}}:{{random_id}}:{{counter}}"), v) ==
        "42:7:0123456789abcdef0123456789abcdef:42");
  fleetsim::sim::Rng a(5), b(5);
  const std::string id = loadgen::random_hex_id(a);
  CHECK(id.size() == 32);
  CHECK(id.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(id == loadgen::random_hex_id(b));
  CHECK(id != loadgen::random_hex_id(a));
}

TEST_CASE("routes parse method, headers and body; bad ones name their JSON path", "[loadgen][template][scenario]") {
  const auto s = scenario::parse_scenario_text(
      with_route({{"method", "PATCH"}, {"headers", {{"X-Id", "{{random_id}}"}}}, {"body", "{{counter}}"}}).dump(),
      "t.json");
  const auto& route = s.traffic.routes.at(0);
  CHECK(route.method == "PATCH");
  REQUIRE(route.headers.size() == 1);
  CHECK(route.headers[0].first == "X-Id");
  CHECK(route.headers[0].second.uses(Field::kRandomId));
  REQUIRE(route.body);
  CHECK(route.body->uses(Field::kCounter));
  CHECK(s.unmodelled.empty());  // no longer "recognised but not modelled"
  CHECK(scenario::parse_scenario_text(with_route(json::object()).dump(), "t.json").traffic.routes[0].method == "GET");

  CHECK(parse_error(with_route({{"body", "{\"a\": {{foo}}}"}})) ==
        "t.json: traffic.routes[0].body: unknown template \"{{foo}}\"; expected {{counter}}, {{random_id}} or "
        "{{client}}");
  CHECK_THAT(parse_error(with_route({{"headers", {{"X-A", "{{nope}}"}}}})),
             Catch::StartsWith("t.json: traffic.routes[0].headers.X-A: unknown template \"{{nope}}\""));
  CHECK_THAT(parse_error(with_route({{"method", "FETCH"}})), Catch::StartsWith("t.json: traffic.routes[0].method:"));
  CHECK_THAT(parse_error(with_route({{"headers", {{"X-A", 3}}}})),
             Catch::StartsWith("t.json: traffic.routes[0].headers.X-A: expected a string"));
  CHECK_THAT(parse_error(with_route({{"headers", {{"Bad Name", "x"}}}})),
             Catch::StartsWith("t.json: traffic.routes[0].headers.Bad Name: expected a header name"));
  CHECK_THAT(parse_error(with_route({{"headers", {{"X-A", "a\r\nX-Injected: 1"}}}})),
             Catch::Contains("without line breaks"));
  CHECK_THAT(parse_error(with_route({{"headers", {{"Content-Length", "5"}}}})), Catch::Contains("set by the load generator"));
  CHECK_THAT(parse_error(with_route({{"headers", json::array()}})), Catch::StartsWith("t.json: traffic.routes[0].headers:"));
  CHECK_THAT(parse_error(with_route({{"body", json::object()}})), Catch::StartsWith("t.json: traffic.routes[0].body:"));
}

TEST_CASE("a route's request has its method, target, rendered headers and body, and Content-Type", "[loadgen][template]") {
  const auto target = loadgen::parse_load_target("http://127.0.0.1:8080/base", false);
  fleetsim::sim::Rng rng(1);
  scenario::Route route;
  route.path = "/items";
  route.method = "POST";
  route.headers.emplace_back("X-Seq", compiled("{{counter}}"));
  route.body = compiled("{\"client\": {{client}}}");
  const auto request = loadgen::RouteRequest(route, target).render(9, 3, rng);
  CHECK(request.method_string() == "POST");
  CHECK(request.target() == "/base/items");
  CHECK(request["Host"] == "127.0.0.1:8080");
  CHECK(request["X-Seq"] == "9");
  CHECK(request["Content-Type"] == "application/json");
  CHECK(request["Content-Length"] == "13");
  CHECK(request.body() == "{\"client\": 3}");

  route.headers.emplace_back("content-type", compiled("text/csv"));
  CHECK(loadgen::RouteRequest(route, target).render(0, 0, rng)["Content-Type"] == "text/csv");

  scenario::Route get;
  const auto plain = loadgen::RouteRequest(get, target).render(0, 0, rng);
  CHECK(plain.method_string() == "GET");
  CHECK(plain.target() == "/base/");
  CHECK(plain.count("Content-Length") == 0);
  CHECK(plain.count("Content-Type") == 0);
}
