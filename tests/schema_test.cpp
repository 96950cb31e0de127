// scenarios/schema.json against the parser: the schema is well formed, and the schema and the
// parser accept the same keys, with the same defaults, in every object of the format; every
// scenario shipped under scenarios/ parses.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "models/service_catalog.h"
#include "scenario/parse.h"

using nlohmann::json;
using fleetsim::scenario::Scenario;

namespace {

const std::string kSourceDir = FLEETSIM_SOURCE_DIR;
const std::string kNotModelled = "not modelled by this build yet";

const json& schema() {
  static const json parsed = [] {
    std::ifstream in(kSourceDir + "/scenarios/schema.json", std::ios::binary);
    if (!in) throw std::runtime_error("cannot open scenarios/schema.json");
    return json::parse(in);
  }();
  return parsed;
}

// Follows a local "$ref" ("#/$defs/..."); other nodes are returned as they are.
const json& resolve(const json& node) {
  if (node.is_object() && node.contains("$ref")) {
    const std::string ref = node["$ref"].get<std::string>();
    REQUIRE(ref.rfind("#/", 0) == 0);
    return schema().at(json::json_pointer(ref.substr(1)));
  }
  return node;
}

// A valid value for a property: its first example, else its default.
json example_of(const json& property) {
  for (const json* node : {&property, &resolve(property)}) {
    if (node->contains("examples") && !(*node)["examples"].empty()) return (*node)["examples"][0];
  }
  for (const json* node : {&property, &resolve(property)}) {
    if (node->contains("default")) return (*node)["default"];
  }
  FAIL("a property has neither examples nor a default: " << property.dump());
  return nullptr;
}

bool is_unmodelled(const json& property) {
  return property.value("description", std::string()).find(kNotModelled) != std::string::npos;
}

// A scenario that uses every object of the format, with room for each example to be valid.
json base_document() {
  return json::parse(R"({
    "name": "schema-test", "duration_s": 120, "warmup_s": 10,
    "traffic": {
      "profile": [{"at_s": 0, "rps": 100}, {"at_s": 10, "rps": 200}],
      "routes": [{"path": "/api/catalog/", "service": "catalog", "weight": 0.7},
                 {"path": "/api/search/", "service": "text-search", "weight": 0.3}]
    },
    "network": {}, "balancer": {}, "slo": {},
    "services": [
      {"name": "catalog", "replicas": 2, "task": {"workers": 2},
       "service_time_ms": {"dist": "exponential", "mean_ms": 5},
       "calls": [{"service": "text-search", "probability": 0.5}]},
      {"name": "text-search", "service_time_ms": {"dist": "constant", "mean_ms": 1}}
    ]
  })");
}

// One object of the format: where its schema is, and where an instance sits in base_document().
struct ObjectCase {
  std::string name;            // as in docs: "services[].task"
  std::string schema_pointer;  // into schema.json
  std::string doc_path;        // the parser's JSON path of the instance in base_document()
  std::function<json&(json&)> locate;
};

const std::vector<ObjectCase>& object_cases() {
  static const std::vector<ObjectCase> cases = {
      {"(top level)", "", "", [](json& d) -> json& { return d; }},
      {"traffic", "/properties/traffic", "traffic", [](json& d) -> json& { return d["traffic"]; }},
      {"traffic.routes[]", "/properties/traffic/properties/routes/items", "traffic.routes[0]",
       [](json& d) -> json& { return d["traffic"]["routes"][0]; }},
      {"traffic.profile[]", "/properties/traffic/properties/profile/items", "traffic.profile[1]",
       [](json& d) -> json& { return d["traffic"]["profile"][1]; }},
      {"network", "/properties/network", "network", [](json& d) -> json& { return d["network"]; }},
      {"balancer", "/properties/balancer", "balancer", [](json& d) -> json& { return d["balancer"]; }},
      {"services[]", "/properties/services/items", "services[0]", [](json& d) -> json& { return d["services"][0]; }},
      {"services[].task", "/properties/services/items/properties/task", "services[0].task",
       [](json& d) -> json& { return d["services"][0]["task"]; }},
      {"services[].calls[]", "/properties/services/items/properties/calls/items", "services[0].calls[0]",
       [](json& d) -> json& { return d["services"][0]["calls"][0]; }},
      {"slo", "/properties/slo", "slo", [](json& d) -> json& { return d["slo"]; }},
  };
  return cases;
}

const json& object_schema(const ObjectCase& c) { return resolve(schema().at(json::json_pointer(c.schema_pointer))); }

std::string path_of(const ObjectCase& c, const std::string& key) {
  return c.doc_path.empty() ? key : c.doc_path + "." + key;
}

// Sets target[key] = value; when key belongs to a "give exactly one of" group (a oneOf of
// {"required": [k]}), removes the other members so the document stays valid.
void set_key(const json& object_schema, json& target, const std::string& key, const json& value) {
  if (object_schema.contains("oneOf")) {
    std::vector<std::string> group;
    for (const auto& alternative : object_schema["oneOf"]) {
      for (const auto& k : alternative.value("required", json::array())) group.push_back(k.get<std::string>());
    }
    if (std::find(group.begin(), group.end(), key) != group.end()) {
      for (const auto& k : group) target.erase(k);
    }
  }
  target[key] = value;
}

struct Parsed {
  std::string error;  // "" when valid
  Scenario scenario;
};

// Parses and runs the model checks, as `fleetsim check` does.
Parsed parse(const json& doc) {
  Parsed out;
  try {
    out.scenario = fleetsim::scenario::parse_scenario_text(doc.dump(), "schema-test.json");
    fleetsim::models::check_model_inputs(out.scenario);
  } catch (const std::exception& e) {
    out.error = e.what();
    if (out.error.empty()) out.error = "(an exception without a message)";
  }
  return out;
}

// The keys the parser knows in an object, read from its "unknown key" message: a key far from
// every known one makes the message list them all ("...; expected one of: a, b, c").
std::set<std::string> parser_keys(const json& doc_with_stranger) {
  const std::string error = parse(doc_with_stranger).error;
  const std::string marker = "expected one of: ";
  const auto at = error.find(marker);
  if (at == std::string::npos) {
    FAIL("no key list in the parser's message: " << error);
  }
  std::set<std::string> keys;
  std::stringstream list(error.substr(at + marker.size()));
  std::string key;
  while (std::getline(list, key, ',')) {
    key.erase(0, key.find_first_not_of(' '));
    keys.insert(key);
  }
  return keys;
}

std::set<std::string> schema_keys(const json& object_schema) {
  std::set<std::string> keys;
  for (const auto& [key, property] : object_schema["properties"].items()) keys.insert(key);
  return keys;
}

std::string joined(const std::set<std::string>& keys) {
  std::string out;
  for (const auto& k : keys) out += (out.empty() ? "" : ", ") + k;
  return out;
}

// Long and unlike any key, so the parser lists every key it knows instead of one suggestion.
const std::string kStranger = "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz";

// Walks every subschema: each schema whose type is "object" must close its properties.
void check_closed_objects(const json& node, const std::string& where, int& objects) {
  if (!node.is_object()) {
    if (node.is_array()) {
      for (std::size_t i = 0; i < node.size(); ++i) check_closed_objects(node[i], where + "/" + std::to_string(i), objects);
    }
    return;
  }
  const json type = node.value("type", json());
  const bool is_object_schema =
      type == "object" || (type.is_array() && std::find(type.begin(), type.end(), "object") != type.end());
  if (is_object_schema) {
    ++objects;
    INFO("schema node " << (where.empty() ? "/" : where));
    CHECK(node.value("additionalProperties", json(true)) == json(false));
  }
  for (const auto& [key, child] : node.items()) {
    // Instance data, not subschemas.
    if (key == "examples" || key == "default" || key == "enum" || key == "const") continue;
    check_closed_objects(child, where + "/" + key, objects);
  }
}

}  // namespace

TEST_CASE("schema.json parses and closes every object schema with additionalProperties false", "[schema]") {
  REQUIRE_NOTHROW(schema());
  CHECK(schema().value("$schema", "") == "https://json-schema.org/draft/2020-12/schema");
  int objects = 0;
  check_closed_objects(schema(), "", objects);
  // Top level, traffic, route, rate point, network, balancer, service, task, call, slo,
  // distribution, quantiles: at least these.
  CHECK(objects >= 12);
}

TEST_CASE("every property in the schema has a description and a valid example or default", "[schema]") {
  std::vector<const json*> objects;
  for (const auto& c : object_cases()) objects.push_back(&object_schema(c));
  objects.push_back(&schema().at("/$defs/distribution"_json_pointer));
  for (const json* object : objects) {
    for (const auto& [key, property] : (*object)["properties"].items()) {
      INFO("property " << key);
      const std::string description = property.value("description", std::string());
      CHECK(description.size() > 20);
      CHECK_NOTHROW(example_of(property));
    }
  }
}

TEST_CASE("the parser accepts every key the schema lists, and warns exactly on the unmodelled ones", "[schema]") {
  for (const auto& c : object_cases()) {
    const json& object = object_schema(c);
    REQUIRE(object.contains("properties"));
    for (const auto& [key, property] : object["properties"].items()) {
      json doc = base_document();
      const json value = example_of(property);
      set_key(object, c.locate(doc), key, value);
      INFO(c.name << " key " << key << " = " << value.dump());
      const Parsed parsed = parse(doc);
      CHECK_THAT(parsed.error, !Catch::Contains("unknown key"));
      CHECK(parsed.error.empty());
      if (!parsed.error.empty()) continue;
      const auto& notes = parsed.scenario.unmodelled;
      const bool noted = std::find(notes.begin(), notes.end(), path_of(c, key)) != notes.end();
      CHECK(noted == is_unmodelled(property));
    }
  }
}

TEST_CASE("the parser rejects a key the schema does not list, and knows exactly the schema's keys", "[schema]") {
  for (const auto& c : object_cases()) {
    INFO(c.name);
    const json& object = object_schema(c);

    json doc = base_document();
    c.locate(doc)[kStranger] = 1;
    const std::string error = parse(doc).error;
    CHECK_THAT(error, Catch::Contains(path_of(c, kStranger) + ": unknown key \"" + kStranger + "\""));

    // Both ways: the parser's full list of keys for this object is the schema's.
    const auto parser = parser_keys(doc);
    const auto listed = schema_keys(object);
    INFO("parser: " << joined(parser));
    INFO("schema: " << joined(listed));
    CHECK(parser == listed);

    // A near miss of a listed key gets a suggestion.
    const std::string first = object["properties"].begin().key();
    json typo = base_document();
    c.locate(typo)[first.substr(0, first.size() - 1)] = 1;
    CHECK_THAT(parse(typo).error, Catch::Contains("did you mean \"" + first + "\"?"));
  }
}

TEST_CASE("the schema's defaults are the values the parser uses when a key is left out", "[schema]") {
  using Extract = std::function<json(const Scenario&)>;
  auto arrivals = [](const Scenario& s) {
    return json(s.traffic.arrivals == fleetsim::scenario::Traffic::Arrivals::kUniform ? "uniform" : "poisson");
  };
  auto calls = [](const Scenario& s) {
    json out = json::array();
    for (const auto& call : s.services[0].calls) out.push_back({{"service", call.service}, {"probability", call.probability}});
    return out;
  };
  auto task = [](const Scenario& s) {
    const auto& t = s.services[0].task;
    return json{{"vcpu", t.vcpu}, {"memory_gb", t.memory_gb}, {"workers", t.workers},
                {"queue_limit", t.queue_limit}, {"startup_s", t.startup_s}};
  };
  auto balancer = [](const Scenario& s) {
    const auto& b = s.balancer;
    return json{{"algorithm", b.algorithm}, {"instances", b.instances}, {"overhead_ms", b.overhead_ms},
                {"ewma_decay_s", b.ewma_decay_s}, {"ring_points", b.ring_points}};
  };
  auto slo = [](const Scenario& s) {
    return json{{"latency_p50_ms", s.slo.latency_p50_ms}, {"latency_p99_ms", s.slo.latency_p99_ms},
                {"availability", s.slo.availability}};
  };
  // Keyed "<object case name>.<key>"; a schema default without an entry here fails the test.
  const std::map<std::string, Extract> parsed_value = {
      {"(top level).description", [](const Scenario& s) { return json(s.description); }},
      {"(top level).seed", [](const Scenario& s) { return json(s.seed); }},
      {"(top level).duration_s", [](const Scenario& s) { return json(s.duration_s); }},
      {"(top level).warmup_s", [](const Scenario& s) { return json(s.warmup_s); }},
      {"(top level).step_s", [](const Scenario& s) { return json(s.step_s); }},
      {"(top level).network", [](const Scenario& s) { return json{{"rtt_ms", s.network.rtt_ms}}; }},
      {"(top level).balancer", balancer},
      {"(top level).slo", slo},
      {"traffic.arrivals", arrivals},
      {"traffic.clients", [](const Scenario& s) { return json(s.traffic.clients); }},
      {"traffic.routes[].path", [](const Scenario& s) { return json(s.traffic.routes[0].path); }},
      {"traffic.routes[].weight", [](const Scenario& s) { return json(s.traffic.routes[0].weight); }},
      {"traffic.profile[].at_s", [](const Scenario& s) { return json(s.traffic.profile[1].at_s); }},
      {"traffic.profile[].ramp_s", [](const Scenario& s) { return json(s.traffic.profile[1].ramp_s); }},
      {"network.rtt_ms", [](const Scenario& s) { return json(s.network.rtt_ms); }},
      {"balancer.algorithm", [](const Scenario& s) { return json(s.balancer.algorithm); }},
      {"balancer.instances", [](const Scenario& s) { return json(s.balancer.instances); }},
      {"balancer.overhead_ms", [](const Scenario& s) { return json(s.balancer.overhead_ms); }},
      {"balancer.ewma_decay_s", [](const Scenario& s) { return json(s.balancer.ewma_decay_s); }},
      {"balancer.ring_points", [](const Scenario& s) { return json(s.balancer.ring_points); }},
      {"services[].replicas", [](const Scenario& s) { return json(s.services[0].replicas); }},
      {"services[].task", task},
      {"services[].error_rate", [](const Scenario& s) { return json(s.services[0].error_rate); }},
      {"services[].calls", calls},
      {"services[].task.vcpu", [](const Scenario& s) { return json(s.services[0].task.vcpu); }},
      {"services[].task.memory_gb", [](const Scenario& s) { return json(s.services[0].task.memory_gb); }},
      {"services[].task.workers", [](const Scenario& s) { return json(s.services[0].task.workers); }},
      {"services[].task.queue_limit", [](const Scenario& s) { return json(s.services[0].task.queue_limit); }},
      {"services[].task.startup_s", [](const Scenario& s) { return json(s.services[0].task.startup_s); }},
      {"services[].calls[].probability", [](const Scenario& s) { return json(s.services[0].calls[0].probability); }},
      {"slo.latency_p50_ms", [](const Scenario& s) { return json(s.slo.latency_p50_ms); }},
      {"slo.latency_p99_ms", [](const Scenario& s) { return json(s.slo.latency_p99_ms); }},
      {"slo.availability", [](const Scenario& s) { return json(s.slo.availability); }},
  };
  int checked = 0;
  for (const auto& c : object_cases()) {
    const json& object = object_schema(c);
    for (const auto& [key, property] : object["properties"].items()) {
      if (!property.contains("default")) continue;
      const std::string name = c.name + "." + key;
      INFO(name << " default " << property["default"].dump());
      const auto extract = parsed_value.find(name);
      REQUIRE(extract != parsed_value.end());

      json left_out = base_document();
      c.locate(left_out).erase(key);
      json set_to_default = base_document();
      c.locate(set_to_default)[key] = property["default"];
      const Parsed a = parse(left_out);
      const Parsed b = parse(set_to_default);
      REQUIRE(a.error == "");
      REQUIRE(b.error == "");
      const json value_left_out = extract->second(a.scenario);
      CHECK(value_left_out == extract->second(b.scenario));
      // For a scalar or a list, the parsed value is the default itself.
      if (!property["default"].is_object()) {
        CHECK(value_left_out == property["default"]);
      }
      ++checked;
    }
  }
  CHECK(checked == static_cast<int>(parsed_value.size()));
}

TEST_CASE("each distribution family allows exactly the keys the parser reads for it", "[schema]") {
  const json& distribution = schema().at("/$defs/distribution"_json_pointer);
  // The allOf branch whose `if` matches a given dist (absent: the default family).
  auto allowed_for = [&](const json& dist) -> std::set<std::string> {
    for (const auto& branch : distribution["allOf"]) {
      const json& condition = branch["if"];
      const json& test = condition["properties"]["dist"];
      const json required = condition.value("required", json::array());
      const bool needs_dist = std::find(required.begin(), required.end(), "dist") != required.end();
      bool matches;
      if (dist.is_null()) {
        matches = !needs_dist;
      } else if (test.contains("const")) {
        matches = test["const"] == dist;
      } else {
        const json& options = test["enum"];
        matches = std::find(options.begin(), options.end(), dist) != options.end();
      }
      if (matches) {
        std::set<std::string> keys;
        for (const auto& k : branch["then"]["propertyNames"]["enum"]) keys.insert(k.get<std::string>());
        return keys;
      }
    }
    return {};
  };
  std::set<std::string> families;
  for (const auto& example : distribution["examples"]) {
    INFO("example " << example.dump());
    families.insert(example.value("dist", "exponential"));
    json doc = base_document();
    doc["services"][0]["service_time_ms"] = example;
    CHECK(parse(doc).error == "");
    doc["services"][0]["service_time_ms"][kStranger] = 1;
    const auto parser = parser_keys(doc);
    const auto listed = allowed_for(example["dist"]);
    INFO("parser: " << joined(parser) << "; schema: " << joined(listed));
    CHECK(parser == listed);
  }
  // Every family has an example, so every family was compared.
  const json& names = distribution["properties"]["dist"]["enum"];
  CHECK(families == std::set<std::string>(names.begin(), names.end()));

  // Without `dist`, the default family applies (exponential: mean_ms only).
  CHECK(distribution["properties"]["dist"]["default"] == "exponential");
  json doc = base_document();
  doc["services"][0]["service_time_ms"] = {{"mean_ms", 5}};
  const Parsed parsed = parse(doc);
  REQUIRE(parsed.error == "");
  CHECK(parsed.scenario.services[0].service_time.kind == fleetsim::scenario::Distribution::Kind::kExponential);
  doc["services"][0]["service_time_ms"][kStranger] = 1;
  CHECK(parser_keys(doc) == allowed_for(json()));
}

TEST_CASE("the schema's quantile key pattern agrees with the parser on ordinary spellings", "[schema]") {
  // The pattern every quantile key must match (the other one only adds p100 > 0).
  const json& patterns = schema().at("/$defs/distribution/properties/quantiles_ms/patternProperties"_json_pointer);
  std::string general;
  for (const auto& [pattern, value_schema] : patterns.items()) {
    if (value_schema.value("type", "") == "number") general = pattern;
  }
  REQUIRE(!general.empty());
  const std::regex key_pattern(general, std::regex::ECMAScript);
  const std::vector<std::string> keys = {"p0",  "p00", "p5",   "p05",   "p50", "p99.9", "p99.99", "p100",
                                         "p100.0", "p.5", "p5.", "p101", "p100.5", "p",  "q50",   "p-1",
                                         "pp5", "p5%", "P50"};
  for (const auto& key : keys) {
    INFO("quantile key " << key);
    json doc = base_document();
    doc["services"][0]["service_time_ms"] = {{"dist", "empirical"}, {"quantiles_ms", {{"p0", 1}, {"p100", 9}}}};
    doc["services"][0]["service_time_ms"]["quantiles_ms"][key] = 5;
    CHECK(std::regex_match(key, key_pattern) == parse(doc).error.empty());
  }
}

TEST_CASE("every scenario under scenarios/ parses and passes the model checks", "[schema]") {
  int files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(kSourceDir + "/scenarios")) {
    if (!entry.is_regular_file() || entry.path().extension() != ".json") continue;
    if (entry.path().filename() == "schema.json") continue;
    const std::string file = entry.path().string();
    INFO(file);
    std::string error;
    try {
      const auto s = fleetsim::scenario::load_scenario(file);
      fleetsim::models::check_model_inputs(s);
    } catch (const std::exception& e) {
      error = e.what();
    }
    CHECK(error == "");
    ++files;
  }
  CHECK(files >= 1);
}
