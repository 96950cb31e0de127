// scenarios/schema.json against the parser: the schema is well formed, and the schema and the
// parser accept the same keys, require the same keys, allow the same choices and use the same
// defaults, in every object of the format (per fault kind, per autoscaling kind and per deployment
// strategy for the discriminated objects); every scenario shipped under scenarios/ parses.
//
// How the parser's side is read: an object with a stranger key makes the parser list every key
// it read for that object ("unknown key ...; expected one of: a, b, c"), and a bad choice makes it
// list the allowed values. So both directions are checked without a second list of keys here.
// (Where the parser reads a key only to refuse it as another kind's, or reads keys only next to a
// related one, parser_keys_for() below asks it about those keys one by one.)
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
#include "scenario/cost_parse.h"
#include "scenario/parse.h"

using nlohmann::json;
using fleetsim::scenario::Scenario;

namespace {

const std::string kSourceDir = FLEETSIM_SOURCE_DIR;
const std::string kNotModelled = "not modelled by this build yet";

json read_json_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  return json::parse(in);
}

const json& schema() {
  static const json parsed = read_json_file(kSourceDir + "/scenarios/schema.json");
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

std::set<std::string> string_set(const json& list) {
  std::set<std::string> out;
  for (const auto& item : list) out.insert(item.get<std::string>());
  return out;
}

std::string joined(const std::set<std::string>& keys) {
  std::string out;
  for (const auto& k : keys) out += (out.empty() ? "" : ", ") + k;
  return out;
}

// ---- What an object schema allows for one instance ----
//
// Discriminated objects (distribution, fault, autoscaling) say, in allOf branches of the form
// {"if": {properties: {KEY: {const|enum}}, required: [...]}, "then": {required, propertyNames,
// oneOf}}, which keys an instance with that discriminator may and must have. Branches whose `if`
// uses anything else (top-level cross-object rules, numeric conditions) are not evaluated here.

bool simple_condition(const json& condition) {
  for (const auto& [keyword, value] : condition.items()) {
    if (keyword != "properties" && keyword != "required") return false;
  }
  const json tests = condition.value("properties", json::object());  // kept alive for items()
  for (const auto& [key, test] : tests.items()) {
    for (const auto& [keyword, value] : test.items()) {
      if (keyword != "const" && keyword != "enum") return false;
    }
  }
  return true;
}

bool condition_holds(const json& condition, const json& instance) {
  for (const auto& key : condition.value("required", json::array())) {
    if (!instance.contains(key.get<std::string>())) return false;
  }
  const json tests = condition.value("properties", json::object());  // kept alive for items()
  for (const auto& [key, test] : tests.items()) {
    if (!instance.contains(key)) continue;  // JSON Schema: `properties` constrains present keys only
    if (test.contains("const") && test["const"] != instance[key]) return false;
    if (test.contains("enum")) {
      const json& options = test["enum"];
      if (std::find(options.begin(), options.end(), instance[key]) == options.end()) return false;
    }
  }
  return true;
}

// The `then` parts of the branches that apply to `instance`.
std::vector<const json*> applying_branches(const json& object_schema, const json& instance) {
  std::vector<const json*> out;
  if (!object_schema.contains("allOf")) return out;
  for (const auto& branch : object_schema["allOf"]) {  // pointers into the schema itself, not a copy
    if (!branch.contains("if") || !branch.contains("then")) continue;
    if (!simple_condition(branch["if"])) continue;
    if (condition_holds(branch["if"], instance)) out.push_back(&branch["then"]);
  }
  return out;
}

struct Allowed {
  std::set<std::string> keys;                        // keys the instance may have
  std::set<std::string> required;                    // keys it must have
  std::vector<std::vector<std::string>> exclusive;   // "exactly one of" groups
};

Allowed allowed_for(const json& object_schema, const json& instance) {
  Allowed a;
  for (const auto& [key, property] : object_schema["properties"].items()) a.keys.insert(key);
  for (const auto& key : object_schema.value("required", json::array())) a.required.insert(key.get<std::string>());
  std::vector<const json*> parts{&object_schema};
  for (const json* then : applying_branches(object_schema, instance)) {
    parts.push_back(then);
    if (then->contains("propertyNames")) {
      const auto names = string_set((*then)["propertyNames"]["enum"]);
      std::set<std::string> kept;
      for (const auto& k : a.keys) {
        if (names.count(k)) kept.insert(k);
      }
      a.keys = kept;
    }
    for (const auto& key : then->value("required", json::array())) a.required.insert(key.get<std::string>());
  }
  for (const json* part : parts) {
    if (!part->contains("oneOf")) continue;
    std::vector<std::string> group;
    for (const auto& alternative : (*part)["oneOf"]) {
      for (const auto& k : alternative.value("required", json::array())) group.push_back(k.get<std::string>());
    }
    if (!group.empty()) a.exclusive.push_back(group);
  }
  return a;
}

// The smallest instance the schema promises is valid: `seed` (a discriminator), plus every
// required key and the first member of each "exactly one of" group, each at its example.
json minimal_instance(const json& object_schema, json seed) {
  for (int round = 0; round < 4; ++round) {  // a discriminator added may bring more requirements
    const Allowed a = allowed_for(object_schema, seed);
    std::set<std::string> wanted = a.required;
    for (const auto& group : a.exclusive) {
      if (std::none_of(group.begin(), group.end(), [&](const std::string& k) { return seed.contains(k); })) {
        wanted.insert(group.front());
      }
    }
    for (const auto& key : wanted) {
      if (!seed.contains(key)) seed[key] = example_of(object_schema["properties"][key]);
    }
  }
  return seed;
}

// Sets target[key] = value; when key belongs to an "exactly one of" group, removes the other
// members, and when the object's dependentRequired says the key needs others, adds them at their
// examples, so the document stays valid.
void set_key(const json& object_schema, const Allowed& allowed, json& target, const std::string& key,
             const json& value) {
  for (const auto& group : allowed.exclusive) {
    if (std::find(group.begin(), group.end(), key) == group.end()) continue;
    for (const auto& k : group) target.erase(k);
  }
  target[key] = value;
  if (object_schema.contains("dependentRequired") && object_schema["dependentRequired"].contains(key)) {
    for (const auto& needed : object_schema["dependentRequired"][key]) {
      const std::string k = needed.get<std::string>();
      if (!target.contains(k)) target[k] = example_of(object_schema["properties"][k]);
    }
  }
}

// Erases target[key] and, as the object's dependentRequired asks, the keys that need it
// (failover goes with regions), so the document stays valid.
void erase_key(const json& object_schema, json& target, const std::string& key) {
  target.erase(key);
  if (!object_schema.contains("dependentRequired")) return;
  for (const auto& [other, needed] : object_schema["dependentRequired"].items()) {
    if (std::find(needed.begin(), needed.end(), key) != needed.end()) target.erase(other);
  }
}

// ---- The documents ----

// A scenario that uses every object of the format, with room for each example to be valid:
// two hosts in zones a and b, a fault, every balancer sub-object, both autoscaling kinds, both
// deployment strategies, two regions (us-east-1 the primary) with failover, cost with each of its
// sub-objects.
json base_document() {
  return json::parse(R"({
    "name": "schema-test", "duration_s": 120, "warmup_s": 10,
    "traffic": {
      "profile": [{"at_s": 0, "rps": 100}, {"at_s": 10, "rps": 200}],
      "routes": [{"path": "/api/catalog/", "service": "catalog", "weight": 0.7},
                 {"path": "/api/search/", "service": "text-search", "weight": 0.3}]
    },
    "network": {},
    "balancer": {"health_check": {}, "outlier_detection": {}, "retries": {}},
    "slo": {},
    "services": [
      {"name": "catalog", "replicas": 2, "task": {"workers": 2},
       "service_time_ms": {"dist": "exponential", "mean_ms": 5},
       "calls": [{"service": "text-search", "probability": 0.5}],
       "autoscaling": {"target": 0.7, "max": 4},
       "deployment": {"circuit_breaker": {}}},
      {"name": "text-search", "service_time_ms": {"dist": "constant", "mean_ms": 1},
       "autoscaling": {"kind": "hpa", "target": 0.7, "max": 4,
                       "scale_up": {"policies": [{"type": "pods", "value": 4}]}, "scale_down": {}},
       "deployment": {"strategy": "blue_green"}}
    ],
    "hosts": {"count": 2, "zones": ["a", "b"]},
    "discovery": {"mode": "poll"},
    "faults": [{"at_s": 30, "kind": "kill_task", "service": "catalog"}],
    "regions": [{"name": "us-east-1", "role": "primary"}, {"name": "us-west-2", "role": "standby"}],
    "failover": {},
    "cost": {"prices": "aws-us-east-1", "rds": [{"instance_type": "db.t3.micro"}], "dynamodb": {}, "route53": {}}
  })");
}

const json& fault_schema() { return resolve(schema().at("/properties/faults/items"_json_pointer)); }

// One object of the format: where its schema is, and where an instance sits in base_document().
struct ObjectCase {
  std::string name;            // as in docs, with the discriminator: "faults[] (kill_host)"
  std::string schema_pointer;  // into schema.json (resolved through $ref)
  std::string doc_path;        // the parser's JSON path of the instance in base_document()
  std::function<json&(json&)> locate;  // the instance (may first put it in place)
  // The key that chose the kind, left as it is ("" when none); for regions[], the role, which
  // the other regions constrain (one primary, or all active).
  std::string discriminator;
};

std::vector<ObjectCase> make_object_cases() {
  std::vector<ObjectCase> cases = {
      {"(top level)", "", "", [](json& d) -> json& { return d; }, ""},
      {"traffic", "/properties/traffic", "traffic", [](json& d) -> json& { return d["traffic"]; }, ""},
      {"traffic.routes[]", "/properties/traffic/properties/routes/items", "traffic.routes[0]",
       [](json& d) -> json& { return d["traffic"]["routes"][0]; }, ""},
      {"traffic.profile[]", "/properties/traffic/properties/profile/items", "traffic.profile[1]",
       [](json& d) -> json& { return d["traffic"]["profile"][1]; }, ""},
      {"network", "/properties/network", "network", [](json& d) -> json& { return d["network"]; }, ""},
      {"balancer", "/properties/balancer", "balancer", [](json& d) -> json& { return d["balancer"]; }, ""},
      {"balancer.health_check", "/properties/balancer/properties/health_check", "balancer.health_check",
       [](json& d) -> json& { return d["balancer"]["health_check"]; }, ""},
      {"balancer.outlier_detection", "/properties/balancer/properties/outlier_detection",
       "balancer.outlier_detection", [](json& d) -> json& { return d["balancer"]["outlier_detection"]; }, ""},
      {"balancer.retries", "/properties/balancer/properties/retries", "balancer.retries",
       [](json& d) -> json& { return d["balancer"]["retries"]; }, ""},
      {"services[]", "/properties/services/items", "services[0]", [](json& d) -> json& { return d["services"][0]; },
       ""},
      {"services[].task", "/properties/services/items/properties/task", "services[0].task",
       [](json& d) -> json& { return d["services"][0]["task"]; }, ""},
      {"services[].calls[]", "/properties/services/items/properties/calls/items", "services[0].calls[0]",
       [](json& d) -> json& { return d["services"][0]["calls"][0]; }, ""},
      {"services[].autoscaling (ecs_target_tracking)", "/properties/services/items/properties/autoscaling",
       "services[0].autoscaling", [](json& d) -> json& { return d["services"][0]["autoscaling"]; }, "kind"},
      {"services[].autoscaling (hpa)", "/properties/services/items/properties/autoscaling",
       "services[1].autoscaling", [](json& d) -> json& { return d["services"][1]["autoscaling"]; }, "kind"},
      {"services[].autoscaling.scale_up", "/properties/services/items/properties/autoscaling/properties/scale_up",
       "services[1].autoscaling.scale_up", [](json& d) -> json& { return d["services"][1]["autoscaling"]["scale_up"]; },
       ""},
      {"services[].autoscaling.scale_down",
       "/properties/services/items/properties/autoscaling/properties/scale_down", "services[1].autoscaling.scale_down",
       [](json& d) -> json& { return d["services"][1]["autoscaling"]["scale_down"]; }, ""},
      {"services[].autoscaling.scale_up.policies[]",
       "/properties/services/items/properties/autoscaling/properties/scale_up/properties/policies/items",
       "services[1].autoscaling.scale_up.policies[0]",
       [](json& d) -> json& { return d["services"][1]["autoscaling"]["scale_up"]["policies"][0]; }, ""},
      {"services[].deployment (rolling)", "/properties/services/items/properties/deployment",
       "services[0].deployment", [](json& d) -> json& { return d["services"][0]["deployment"]; }, "strategy"},
      {"services[].deployment (blue_green)", "/properties/services/items/properties/deployment",
       "services[1].deployment", [](json& d) -> json& { return d["services"][1]["deployment"]; }, "strategy"},
      {"services[].deployment.circuit_breaker",
       "/properties/services/items/properties/deployment/properties/circuit_breaker",
       "services[0].deployment.circuit_breaker",
       [](json& d) -> json& { return d["services"][0]["deployment"]["circuit_breaker"]; }, ""},
      {"hosts", "/properties/hosts", "hosts", [](json& d) -> json& { return d["hosts"]; }, ""},
      {"discovery", "/properties/discovery", "discovery", [](json& d) -> json& { return d["discovery"]; }, ""},
      {"cost", "/properties/cost", "cost", [](json& d) -> json& { return d["cost"]; }, ""},
      {"cost.rds[]", "/properties/cost/properties/rds/items", "cost.rds[0]",
       [](json& d) -> json& { return d["cost"]["rds"][0]; }, ""},
      {"cost.dynamodb", "/properties/cost/properties/dynamodb", "cost.dynamodb",
       [](json& d) -> json& { return d["cost"]["dynamodb"]; }, ""},
      {"cost.route53", "/properties/cost/properties/route53", "cost.route53",
       [](json& d) -> json& { return d["cost"]["route53"]; }, ""},
      {"slo", "/properties/slo", "slo", [](json& d) -> json& { return d["slo"]; }, ""},
      {"regions[]", "/properties/regions/items", "regions[0]", [](json& d) -> json& { return d["regions"][0]; },
       "role"},
      {"failover", "/properties/failover", "failover", [](json& d) -> json& { return d["failover"]; }, ""},
  };
  // One case per fault kind, its instance built from the schema's promise for that kind.
  for (const auto& kind : fault_schema()["properties"]["kind"]["enum"]) {
    const std::string k = kind.get<std::string>();
    cases.push_back({"faults[] (" + k + ")", "/properties/faults/items", "faults[0]",
                     [k](json& d) -> json& {
                       d["faults"][0] = minimal_instance(fault_schema(), json{{"kind", k}});
                       return d["faults"][0];
                     },
                     "kind"});
  }
  return cases;
}

const std::vector<ObjectCase>& object_cases() {
  static const std::vector<ObjectCase> cases = make_object_cases();
  return cases;
}

const json& object_schema(const ObjectCase& c) { return resolve(schema().at(json::json_pointer(c.schema_pointer))); }

std::string path_of(const ObjectCase& c, const std::string& key) {
  return c.doc_path.empty() ? key : c.doc_path + "." + key;
}

// The case's instance in a fresh base document, and what the schema allows for it.
Allowed allowed_in_base(const ObjectCase& c) {
  json doc = base_document();
  return allowed_for(object_schema(c), c.locate(doc));
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

// The list that follows `marker` in a parser message, split at ", ", up to ", found" or the end.
std::set<std::string> listed_after(const std::string& error, const std::string& marker) {
  const auto at = error.find(marker);
  if (at == std::string::npos) return {};
  std::string rest = error.substr(at + marker.size());
  if (!rest.empty() && rest[0] == ':') rest.erase(0, 1);
  const auto found = rest.find(", found");
  if (found != std::string::npos) rest.erase(found);
  std::set<std::string> items;
  std::stringstream list(rest);
  std::string item;
  while (std::getline(list, item, ',')) {
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    items.insert(item);
  }
  return items;
}

// The keys the parser knows in an object, read from its "unknown key" message: a key far from
// every known one makes the message list them all ("...; expected one of: a, b, c").
std::set<std::string> parser_keys(const json& doc_with_stranger) {
  const std::string error = parse(doc_with_stranger).error;
  if (error.find("expected one of: ") == std::string::npos) {
    FAIL("no key list in the parser's message: " << error);
  }
  return listed_after(error, "expected one of: ");
}

// Long and unlike any key, so the parser lists every key it knows instead of one suggestion.
const std::string kStranger = "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz";

// The keys the parser takes in a case's object (for that kind), from its own messages: the keys
// its "unknown key" message lists for the instance, plus those it reads only next to a related
// key (services[].deployment reads max_surge and max_unavailable once either is given), minus
// those it reads only to refuse them as another kind's ("\"shift\" belongs to strategy ..."; the
// deployment parser reads every strategy's keys). Each of the object's schema keys is tried with
// the stranger, and each listed key on its own.
std::set<std::string> parser_keys_for(const ObjectCase& c) {
  const json& object = object_schema(c);
  const json& properties = object["properties"];
  const Allowed allowed = allowed_in_base(c);
  json doc = base_document();
  c.locate(doc)[kStranger] = 1;
  std::set<std::string> keys = parser_keys(doc);
  for (const auto& [key, property] : properties.items()) {
    if (keys.count(key)) continue;
    json with = base_document();
    json& target = c.locate(with);
    set_key(object, allowed, target, key, example_of(property));
    target[kStranger] = 1;
    const std::string error = parse(with).error;
    if (error.find("unknown key \"" + kStranger + "\"") == std::string::npos) continue;  // refused before that
    const auto more = listed_after(error, "expected one of: ");
    keys.insert(more.begin(), more.end());
  }
  for (auto it = keys.begin(); it != keys.end();) {
    json with = base_document();
    json& target = c.locate(with);
    set_key(object, allowed, target, *it, properties.contains(*it) ? example_of(properties[*it]) : json(1));
    const bool refused_as_other_kind = parse(with).error.find("\"" + *it + "\" belongs to ") != std::string::npos;
    it = refused_as_other_kind ? keys.erase(it) : std::next(it);
  }
  return keys;
}

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

// Every object schema reachable from the root through properties and items, by pointer of the
// node that holds it (a $ref is followed, and named by where it is used).
void object_schemas(const json& node, const std::string& pointer, std::map<const json*, std::string>& out) {
  const json& resolved = resolve(node);
  if (resolved.value("type", "") == "object" && resolved.contains("properties")) {
    if (out.count(&resolved)) return;
    out[&resolved] = pointer;
    for (const auto& [key, child] : resolved["properties"].items()) {
      object_schemas(child, pointer + "/properties/" + key, out);
    }
  }
  if (resolved.value("type", "") == "array" && resolved.contains("items")) {
    object_schemas(resolved["items"], pointer + "/items", out);
  }
}

// ---- The parser's values, by scenario key, for the defaults test ----

namespace sc = fleetsim::scenario;

json dump(const sc::ActiveHealthSpec& h) {
  static const char* initial[] = {"healthy", "unhealthy", "fully_healthy", "fully_unhealthy"};
  return {{"enabled", h.enabled},
          {"interval_s", h.interval_s},
          {"timeout_s", h.timeout_s},
          {"healthy_threshold", h.healthy_threshold},
          {"unhealthy_threshold", h.unhealthy_threshold},
          {"path", h.path},
          {"initial", initial[static_cast<int>(h.initial)]}};
}

json dump(const sc::OutlierSpec& o) {
  return {{"enabled", o.enabled},
          {"consecutive_5xx", o.consecutive_5xx},
          {"interval_s", o.interval_s},
          {"base_ejection_time_s", o.base_ejection_time_s},
          {"max_ejection_time_s", o.max_ejection_time_s},
          {"max_ejection_percent", o.max_ejection_percent},
          {"always_eject_one_host", o.always_eject_one_host}};
}

json dump(const sc::RetrySpec& r) {
  json on = json::array();
  for (std::size_t i = 0; i < sc::kRetryConditionCount; ++i) {
    if (r.on.test(i)) on.push_back(sc::kRetryConditionNames[i]);
  }
  return {{"tries", r.tries},
          {"on", on},
          {"per_try_timeout_s", r.per_try_timeout_s},
          {"budget_percent", r.budget_percent},
          {"budget_min_retries_per_s", r.budget_min_retries_per_s}};
}

json dump(const sc::Balancer& b) {
  return {{"algorithm", b.algorithm},
          {"instances", b.instances},
          {"overhead_ms", b.overhead_ms},
          {"ewma_decay_s", b.ewma_decay_s},
          {"ring_points", b.ring_points},
          {"connect_timeout_s", b.connect_timeout_s},
          {"read_timeout_s", b.read_timeout_s},
          {"max_fails", b.passive.max_fails},
          {"fail_timeout_s", b.passive.fail_timeout_s},
          {"health_check", dump(b.health_check)},
          {"outlier_detection", dump(b.outlier)},
          {"retries", dump(b.retries)}};
}

json dump(const sc::AutoscalingSpec::Policy& p) {
  return {{"type", p.type == sc::AutoscalingSpec::Policy::Type::kPods ? "pods" : "percent"},
          {"value", p.value},
          {"period_s", p.period_s}};
}

json dump(const sc::AutoscalingSpec::ScalingRules& r) {
  static const char* select[] = {"max", "min", "disabled"};
  json policies = json::array();
  for (const auto& p : r.policies) policies.push_back(dump(p));
  return {{"stabilization_s", r.stabilization_s}, {"policies", policies}, {"select", select[static_cast<int>(r.select)]}};
}

json dump(const sc::AutoscalingSpec& a) {
  return {{"kind", a.kind == sc::AutoscalingSpec::Kind::kHpa ? "hpa" : "ecs_target_tracking"},
          {"metric", a.metric == sc::AutoscalingSpec::Metric::kCpu ? "cpu" : "requests_per_task"},
          {"target", a.target},
          {"min", a.min},
          {"max", a.max},
          {"period_s", a.period_s},
          {"scale_out_cooldown_s", a.scale_out_cooldown_s},
          {"scale_in_cooldown_s", a.scale_in_cooldown_s},
          {"scale_out_datapoints", a.scale_out_datapoints},
          {"scale_in_datapoints", a.scale_in_datapoints},
          {"scale_in_threshold", a.scale_in_threshold},
          {"disable_scale_in", a.disable_scale_in},
          {"sync_period_s", a.sync_period_s},
          {"tolerance", a.tolerance},
          {"scale_up", dump(a.scale_up)},
          {"scale_down", dump(a.scale_down)}};
}

json dump(const sc::Task& t) {
  return {{"vcpu", t.vcpu},
          {"memory_gb", t.memory_gb},
          {"workers", t.workers},
          {"queue_limit", t.queue_limit},
          {"startup_s", t.startup_s},
          {"replace_delay_s", t.replace_delay_s},
          {"deregistration_delay_s", t.deregistration_delay_s},
          {"container_port", t.container_port}};
}

json dump(const sc::Deployment& d) {
  static const char* shift[] = {"all_at_once", "canary", "linear"};
  return {{"strategy", d.strategy == sc::Deployment::Strategy::kBlueGreen ? "blue_green" : "rolling"},
          {"min_healthy_percent", d.min_healthy_percent},
          {"max_percent", d.max_percent},
          {"shift", shift[static_cast<int>(d.shift)]},
          {"canary_percent", d.canary_percent},
          {"step_percent", d.step_percent},
          {"step_interval_s", d.step_interval_s},
          {"bake_s", d.bake_s},
          {"circuit_breaker", {{"enabled", d.circuit_breaker}, {"rollback", d.rollback}}},
          {"health_check_grace_s", d.health_check_grace_s}};
}

json dump(const sc::Service& s) {
  static const char* placement[] = {"spread", "binpack", "distinct_instance", "random"};
  json calls = json::array();
  for (const auto& call : s.calls) calls.push_back({{"service", call.service}, {"probability", call.probability}});
  return {{"name", s.name},
          {"replicas", s.replicas},
          {"algorithm", s.algorithm},
          {"task", dump(s.task)},
          {"error_rate", s.error_rate},
          {"calls", calls},
          {"placement", placement[static_cast<int>(s.placement)]},
          {"autoscaling", s.autoscaling ? dump(*s.autoscaling) : json()},
          {"deployment", dump(s.deployment)}};
}

json dump(const sc::Hosts& h) {
  static const char* reuse[] = {"sequential", "lowest", "random"};
  return {{"given", h.given},
          {"count", h.count},
          {"vcpu", h.vcpu},
          {"memory_gb", h.memory_gb},
          {"zones", h.zones},
          {"port_range", {h.port_min, h.port_max}},
          {"port_reuse", reuse[static_cast<int>(h.port_reuse)]},
          {"instance_type", h.instance_type}};
}

json dump(const sc::Discovery& d) {
  static const char* mode[] = {"static", "poll", "registry"};
  return {{"mode", mode[static_cast<int>(d.mode)]}, {"interval_s", d.interval_s},
          {"phase_s", d.phase_s},                   {"listing_s", d.listing_s},
          {"reload_s", d.reload_s},                 {"health_probe", d.health_probe},
          {"stagger_instances", d.stagger_instances}};
}

json dump(const sc::Fault& f) {
  return {{"kind", f.kind_name},   {"at_s", f.at_s},           {"duration_s", f.duration_s},
          {"service", f.service},  {"count", f.count},         {"host", f.host},
          {"zone", f.zone},        {"extra_ms", f.extra_ms},   {"error_rate", f.error_rate},
          {"replicas", f.replicas}, {"warning_s", f.warning_s}, {"command", f.command}, {"timeout_s", f.timeout_s},
          {"region", f.region},    {"version", f.version.label}, {"healthy", f.version.healthy},
          {"startup_s", f.version.startup_s}};
}

json dump(const sc::Region& r) {
  static const char* role[] = {"primary", "standby", "active"};
  return {{"name", r.name}, {"role", role[static_cast<int>(r.role)]}, {"rtt_ms", r.rtt_ms}, {"weight", r.weight}};
}

json dump(const sc::Failover& f) {
  return {{"dns_ttl_s", f.dns_ttl_s},
          {"health_check_interval_s", f.health_check_interval_s},
          {"failure_threshold", f.failure_threshold},
          {"replication_lag_ms", f.replication_lag_ms},
          {"writes_per_request", f.writes_per_request},
          {"sticky_share", f.sticky_share},
          {"sticky_extra_s", f.sticky_extra_s}};
}

json dump(const sc::RdsSpec& r) {
  return {{"instance_type", r.instance_type}, {"count", r.count}, {"multi_az", r.multi_az}, {"storage_gb", r.storage_gb}};
}

json dump(const sc::CostSpec& c) {
  static const char* capacity[] = {"ec2", "fargate", "fargate_spot"};
  json rds = json::array();
  for (const auto& r : c.rds) rds.push_back(dump(r));
  return {{"prices", c.prices},
          {"capacity", c.capacity_given ? json(capacity[static_cast<int>(c.capacity)]) : json()},
          {"month_hours", c.month_hours},
          {"alb_count", c.alb_count},
          {"alb_rules", c.alb_rules},
          {"nat_gateways", c.nat_gateways},
          {"eks_clusters", c.eks_clusters},
          {"rds", rds},
          {"dynamodb",
           {{"enabled", c.dynamodb.enabled},
            {"writes_per_request", c.dynamodb.writes_per_request},
            {"reads_per_request", c.dynamodb.reads_per_request},
            {"storage_gb", c.dynamodb.storage_gb},
            {"replicated_regions", c.dynamodb.replicated_regions}}},
          {"route53",
           {{"hosted_zones", c.route53.hosted_zones},
            {"health_checks", c.route53.health_checks},
            {"queries_per_month", c.route53.queries_per_month}}},
          {"bytes_per_request", c.bytes_per_request},
          {"requests_per_connection", c.requests_per_connection},
          {"internet_egress_share", c.internet_egress_share},
          {"nat_share", c.nat_share},
          {"inter_az_share", c.inter_az_share},
          {"inter_region_share", c.inter_region_share}};
}

json dump(const Scenario& s) {
  json faults = json::array();
  for (const auto& f : s.faults) faults.push_back(dump(f));
  return {{"description", s.description},
          {"seed", s.seed},
          {"duration_s", s.duration_s},
          {"warmup_s", s.warmup_s},
          {"step_s", s.step_s},
          {"network", {{"rtt_ms", s.network.rtt_ms}}},
          {"balancer", dump(s.balancer)},
          {"hosts", dump(s.hosts)},
          {"discovery", dump(s.discovery)},
          {"faults", faults},
          {"failover", dump(s.failover)},
          {"cost", s.cost ? dump(*s.cost) : json()},
          {"slo",
           {{"latency_p50_ms", s.slo.latency_p50_ms},
            {"latency_p99_ms", s.slo.latency_p99_ms},
            {"availability", s.slo.availability}}}};
}

// The parsed values of the object a case names, keyed like the scenario.
json parsed_object(const std::string& case_name, const Scenario& s) {
  using Dump = std::function<json(const Scenario&)>;
  static const std::map<std::string, Dump> dumps = {
      {"(top level)", [](const Scenario& x) { return dump(x); }},
      {"traffic",
       [](const Scenario& x) {
         return json{{"arrivals", x.traffic.arrivals == sc::Traffic::Arrivals::kUniform ? "uniform" : "poisson"},
                     {"clients", x.traffic.clients}};
       }},
      {"traffic.routes[]",
       [](const Scenario& x) {
         return json{{"path", x.traffic.routes[0].path}, {"weight", x.traffic.routes[0].weight},
                     {"method", x.traffic.routes[0].method}};
       }},
      {"traffic.profile[]",
       [](const Scenario& x) { return json{{"at_s", x.traffic.profile[1].at_s}, {"ramp_s", x.traffic.profile[1].ramp_s}}; }},
      {"network", [](const Scenario& x) { return json{{"rtt_ms", x.network.rtt_ms}}; }},
      {"balancer", [](const Scenario& x) { return dump(x.balancer); }},
      {"balancer.health_check", [](const Scenario& x) { return dump(x.balancer.health_check); }},
      {"balancer.outlier_detection", [](const Scenario& x) { return dump(x.balancer.outlier); }},
      {"balancer.retries", [](const Scenario& x) { return dump(x.balancer.retries); }},
      {"services[]", [](const Scenario& x) { return dump(x.services[0]); }},
      {"services[].task", [](const Scenario& x) { return dump(x.services[0].task); }},
      {"services[].calls[]",
       [](const Scenario& x) { return json{{"probability", x.services[0].calls[0].probability}}; }},
      {"services[].autoscaling (ecs_target_tracking)", [](const Scenario& x) { return dump(*x.services[0].autoscaling); }},
      {"services[].autoscaling (hpa)", [](const Scenario& x) { return dump(*x.services[1].autoscaling); }},
      {"services[].autoscaling.scale_up", [](const Scenario& x) { return dump(x.services[1].autoscaling->scale_up); }},
      {"services[].autoscaling.scale_down",
       [](const Scenario& x) { return dump(x.services[1].autoscaling->scale_down); }},
      {"services[].autoscaling.scale_up.policies[]",
       [](const Scenario& x) { return dump(x.services[1].autoscaling->scale_up.policies[0]); }},
      {"hosts", [](const Scenario& x) { return dump(x.hosts); }},
      {"discovery", [](const Scenario& x) { return dump(x.discovery); }},
      {"cost", [](const Scenario& x) { return dump(*x.cost); }},
      {"cost.rds[]", [](const Scenario& x) { return dump(x.cost->rds[0]); }},
      {"cost.dynamodb", [](const Scenario& x) { return dump(*x.cost)["dynamodb"]; }},
      {"cost.route53", [](const Scenario& x) { return dump(*x.cost)["route53"]; }},
      {"services[].deployment (rolling)", [](const Scenario& x) { return dump(x.services[0].deployment); }},
      {"services[].deployment (blue_green)", [](const Scenario& x) { return dump(x.services[1].deployment); }},
      {"services[].deployment.circuit_breaker",
       [](const Scenario& x) { return dump(x.services[0].deployment)["circuit_breaker"]; }},
      {"slo", [](const Scenario& x) { return dump(x)["slo"]; }},
      {"regions[]", [](const Scenario& x) { return dump(x.regions[0]); }},
      {"failover", [](const Scenario& x) { return dump(x.failover); }},
  };
  if (case_name.rfind("faults[] (", 0) == 0) return dump(s.faults[0]);
  const auto it = dumps.find(case_name);
  if (it == dumps.end()) {
    FAIL("no parsed values for " << case_name);
    return json();
  }
  return it->second(s);
}

// Whether `instance` satisfies `node`, for the keywords of the regions role rule (oneOf, items,
// contains with minContains / maxContains, properties, required, const, enum); any other
// keyword fails the test rather than being ignored.
bool satisfies(const json& node, const json& instance) {
  if (node.is_boolean()) return node.get<bool>();
  for (const auto& [keyword, value] : node.items()) {
    if (keyword == "$comment" || keyword == "description" || keyword == "minContains" || keyword == "maxContains") {
      continue;
    }
    if (keyword == "oneOf") {
      int matching = 0;
      for (const auto& alternative : value) matching += satisfies(alternative, instance) ? 1 : 0;
      if (matching != 1) return false;
    } else if (keyword == "items") {
      for (const auto& item : instance) {
        if (!satisfies(value, item)) return false;
      }
    } else if (keyword == "contains") {
      std::int64_t matching = 0;
      for (const auto& item : instance) matching += satisfies(value, item) ? 1 : 0;
      if (matching < node.value("minContains", std::int64_t{1})) return false;
      if (node.contains("maxContains") && matching > node["maxContains"].get<std::int64_t>()) return false;
    } else if (keyword == "properties") {
      for (const auto& [key, sub] : value.items()) {
        if (instance.contains(key) && !satisfies(sub, instance[key])) return false;
      }
    } else if (keyword == "required") {
      for (const auto& key : value) {
        if (!instance.contains(key.get<std::string>())) return false;
      }
    } else if (keyword == "const") {
      if (instance != value) return false;
    } else if (keyword == "enum") {
      if (std::find(value.begin(), value.end(), instance) == value.end()) return false;
    } else {
      FAIL("keyword " << keyword << " is not evaluated here");
    }
  }
  return true;
}

}  // namespace

TEST_CASE("schema.json parses and closes every object schema with additionalProperties false", "[schema]") {
  REQUIRE_NOTHROW(schema());
  CHECK(schema().value("$schema", "") == "https://json-schema.org/draft/2020-12/schema");
  int objects = 0;
  check_closed_objects(schema(), "", objects);
  // Top level, traffic, route, rate point, network, balancer and its health_check,
  // outlier_detection and retries, service, task, call, autoscaling, scale_up, scale_down, policy,
  // deployment, circuit_breaker, hosts, discovery, fault, cost, rds, dynamodb, route53, slo,
  // region, failover, distribution, quantiles: at least.
  CHECK(objects >= 30);
}

TEST_CASE("every object of the schema is exercised, key by key, by some case", "[schema]") {
  std::map<const json*, std::string> objects;
  object_schemas(schema(), "", objects);
  // The distribution has a test of its own below; quantiles_ms has no fixed keys.
  const json& distribution = schema().at("/$defs/distribution"_json_pointer);
  std::map<const json*, std::set<std::string>> covered;
  for (const auto& c : object_cases()) {
    const auto keys = allowed_in_base(c).keys;
    covered[&object_schema(c)].insert(keys.begin(), keys.end());
  }
  for (const auto& [node, pointer] : objects) {
    if (node == &distribution) continue;
    INFO("schema object " << (pointer.empty() ? "/" : pointer));
    REQUIRE(covered.count(node) == 1);
    std::set<std::string> all;
    for (const auto& [key, property] : (*node)["properties"].items()) all.insert(key);
    CHECK(covered[node] == all);
  }
  // Each discriminator value has a case.
  std::set<std::string> fault_kinds, autoscaling_kinds, strategies;
  for (const auto& c : object_cases()) {
    json doc = base_document();
    const json& instance = c.locate(doc);
    if (c.name.rfind("faults[]", 0) == 0) fault_kinds.insert(instance["kind"].get<std::string>());
    if (c.name.rfind("services[].autoscaling (", 0) == 0) {
      autoscaling_kinds.insert(instance.value("kind", std::string("ecs_target_tracking")));
    }
    if (c.name.rfind("services[].deployment (", 0) == 0) {
      strategies.insert(instance.value("strategy", std::string("rolling")));
    }
  }
  CHECK(fault_kinds == string_set(fault_schema()["properties"]["kind"]["enum"]));
  CHECK(autoscaling_kinds ==
        string_set(schema().at("/properties/services/items/properties/autoscaling/properties/kind/enum"_json_pointer)));
  const json& deployment = schema().at("/properties/services/items/properties/deployment"_json_pointer);
  CHECK(strategies == string_set(deployment["properties"]["strategy"]["enum"]));
}

TEST_CASE("every property in the schema has a description and a valid example or default", "[schema]") {
  std::set<const json*> objects;
  for (const auto& c : object_cases()) objects.insert(&object_schema(c));
  objects.insert(&schema().at("/$defs/distribution"_json_pointer));
  for (const json* object : objects) {
    for (const auto& [key, property] : (*object)["properties"].items()) {
      INFO("property " << key);
      const std::string description = property.value("description", std::string());
      CHECK(description.size() > 20);
      CHECK_NOTHROW(example_of(property));
    }
  }
}

TEST_CASE("the base document and each case's instance are valid", "[schema]") {
  for (const auto& c : object_cases()) {
    INFO(c.name);
    json doc = base_document();
    c.locate(doc);
    CHECK(parse(doc).error == "");
  }
}

TEST_CASE("the parser accepts every key the schema lists, and warns exactly on the unmodelled ones", "[schema]") {
  for (const auto& c : object_cases()) {
    const json& object = object_schema(c);
    REQUIRE(object.contains("properties"));
    const Allowed allowed = allowed_in_base(c);
    for (const auto& key : allowed.keys) {
      if (key == c.discriminator) continue;  // changing it changes the case
      const json& property = object["properties"][key];
      json doc = base_document();
      const json value = example_of(property);
      set_key(object, allowed, c.locate(doc), key, value);
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

TEST_CASE("the recognised-but-unmodelled keys are exactly these, and the parser warns on all of them", "[schema]") {
  // hosts, discovery, faults, cost, autoscaling, deployments, regions, failover and the
  // balancer's health and retry keys are modelled now; these are what is left (docs/scenarios.md,
  // "Recognised but not modelled").
  const std::set<std::string> expected = {"services[0].health_check"};
  std::set<std::string> in_schema;
  json doc = base_document();
  for (const auto& c : object_cases()) {
    const json& object = object_schema(c);
    for (const auto& key : allowed_in_base(c).keys) {
      const json& property = object["properties"][key];
      if (!is_unmodelled(property)) continue;
      in_schema.insert(path_of(c, key));
      set_key(object, allowed_in_base(c), c.locate(doc), key, example_of(property));
    }
  }
  CHECK(in_schema == expected);
  const Parsed parsed = parse(doc);
  REQUIRE(parsed.error == "");
  CHECK(std::set<std::string>(parsed.scenario.unmodelled.begin(), parsed.scenario.unmodelled.end()) == expected);
}

TEST_CASE("the parser rejects a key the schema does not allow, and knows exactly the schema's keys", "[schema]") {
  for (const auto& c : object_cases()) {
    INFO(c.name);
    const json& object = object_schema(c);

    json doc = base_document();
    c.locate(doc)[kStranger] = 1;
    const std::string error = parse(doc).error;
    CHECK_THAT(error, Catch::Contains(path_of(c, kStranger) + ": unknown key \"" + kStranger + "\""));

    // Both ways: the parser's full list of keys for this object (of this kind) is the schema's.
    const auto parser = parser_keys_for(c);
    const auto listed = allowed_in_base(c).keys;
    INFO("parser: " << joined(parser));
    INFO("schema: " << joined(listed));
    CHECK(parser == listed);

    // A near miss of an allowed key gets a suggestion.
    std::string first;
    for (const auto& [key, property] : object["properties"].items()) {
      if (listed.count(key)) {
        first = key;
        break;
      }
    }
    REQUIRE(!first.empty());
    json typo = base_document();
    c.locate(typo)[first.substr(0, first.size() - 1)] = 1;
    CHECK_THAT(parse(typo).error, Catch::Contains("did you mean \"" + first + "\"?"));
  }
}

TEST_CASE("the keys the schema requires are the keys the parser requires", "[schema]") {
  for (const auto& c : object_cases()) {
    const json& object = object_schema(c);
    json base = base_document();
    const json instance = c.locate(base);
    const Allowed allowed = allowed_for(object, instance);
    std::set<std::string> in_groups;
    for (const auto& group : allowed.exclusive) in_groups.insert(group.begin(), group.end());
    for (const auto& key : allowed.keys) {
      INFO(c.name << " key " << key);
      // An optional discriminator (autoscaling's kind) left out changes the case.
      if (key == c.discriminator && !allowed.required.count(key)) continue;
      json doc = base_document();
      json& target = c.locate(doc);
      if (allowed.required.count(key)) {
        // Required: the instance has it, and without it the parser refuses, naming it.
        REQUIRE(target.contains(key));
        target.erase(key);
        CHECK_THAT(parse(doc).error, Catch::Contains(path_of(c, key)));
      } else if (in_groups.count(key)) {
        // Exactly one of a group: none is an error, and so are two.
        for (const auto& group : allowed.exclusive) {
          if (std::find(group.begin(), group.end(), key) == group.end()) continue;
          for (const auto& k : group) target.erase(k);
          CHECK(parse(doc).error != "");
          for (const auto& k : group) target[k] = example_of(object["properties"][k]);
          CHECK(parse(doc).error != "");
        }
      } else {
        // Optional: leaving it out is fine (with the keys that need it: failover goes with regions).
        erase_key(object, target, key);
        CHECK(parse(doc).error == "");
      }
    }
  }
}

TEST_CASE("every choice the schema lists is the parser's list of choices", "[schema]") {
  // A value outside the list makes the parser list what it accepts.
  auto parser_choices = [](const std::string& error) {
    for (const char* marker : {"expected one of: ", "expected one of ", "known tables: ", "known types: "}) {
      const auto items = listed_after(error, marker);
      if (!items.empty()) return items;
    }
    return std::set<std::string>();
  };
  int checked = 0;
  for (const auto& c : object_cases()) {
    const json& object = object_schema(c);
    for (const auto& key : allowed_in_base(c).keys) {
      const json& property = resolve(object["properties"][key]);
      if (!property.contains("enum") || property.value("type", "") != "string") continue;
      INFO(c.name << " key " << key);
      const auto listed = string_set(property["enum"]);
      if (key != c.discriminator) {
        for (const auto& value : listed) {
          json doc = base_document();
          c.locate(doc)[key] = value;
          INFO("value " << value);
          CHECK(parse(doc).error == "");
        }
      }
      json doc = base_document();
      c.locate(doc)[key] = "no-such-choice";
      const std::string error = parse(doc).error;
      CHECK_THAT(error, Catch::Contains(path_of(c, key)));
      CHECK(parser_choices(error) == listed);
      ++checked;
    }
  }
  CHECK(checked >= 15);

  // retries.on: an array of conditions.
  const json& conditions = schema().at("/properties/balancer/properties/retries/properties/on/items/enum"_json_pointer);
  std::set<std::string> names;
  for (const char* name : fleetsim::scenario::kRetryConditionNames) names.insert(name);
  CHECK(string_set(conditions) == names);
  json doc = base_document();
  doc["balancer"]["retries"]["on"] = conditions;
  CHECK(parse(doc).error == "");
  doc["balancer"]["retries"]["on"] = {"error", "http_404"};
  CHECK(parser_choices(parse(doc).error) == names);
}

TEST_CASE("the schema's price-table lists are the embedded tables", "[schema]") {
  const json& prices = schema().at("/properties/cost/properties/prices"_json_pointer);
  const auto tables = fleetsim::scenario::price_table_names();
  CHECK(string_set(prices["enum"]) == std::set<std::string>(tables.begin(), tables.end()));
  REQUIRE(tables.size() == 1);  // the lists below are that table's; more tables need conditions
  const json table = read_json_file(kSourceDir + "/models/prices/" + tables[0] + ".json");
  auto keys_of = [](const json& section) {
    std::set<std::string> keys;
    for (const auto& [key, value] : section.items()) keys.insert(key);
    return keys;
  };
  const json& rds = schema().at("/properties/cost/properties/rds/items/properties/instance_type/enum"_json_pointer);
  CHECK(string_set(rds) == keys_of(table["rds"]));

  // With cost and hosts, hosts.instance_type is one of the table's EC2 types (a top-level rule).
  const json* ec2 = nullptr;
  for (const auto& branch : schema()["allOf"]) {
    const json& then = branch["then"];
    if (then.contains("properties") && then["properties"].contains("hosts")) {
      ec2 = &then["properties"]["hosts"]["properties"]["instance_type"]["enum"];
    }
  }
  REQUIRE(ec2 != nullptr);
  CHECK(string_set(*ec2) == keys_of(table["ec2"]));
  CHECK(std::find(ec2->begin(), ec2->end(),
                  schema().at("/properties/hosts/properties/instance_type/default"_json_pointer)) != ec2->end());
  for (const auto& type : *ec2) {
    json doc = base_document();
    doc["hosts"]["instance_type"] = type;
    INFO(type.dump());
    CHECK(parse(doc).error == "");
  }
  json doc = base_document();
  doc["hosts"]["instance_type"] = "z9.huge";
  CHECK_THAT(parse(doc).error, Catch::Contains("hosts.instance_type"));
  doc.erase("cost");  // without cost any type is fine
  CHECK(parse(doc).error == "");
}

TEST_CASE("the schema's conditional rules agree with the parser", "[schema]") {
  SECTION("kill_host, zone_outage and network_partition need hosts") {
    const json* kinds = nullptr;
    for (const auto& branch : schema()["allOf"]) {
      if (branch["then"].value("required", json::array()) == json::array({"hosts"})) {
        kinds = &branch["if"]["properties"]["faults"]["contains"]["properties"]["kind"]["enum"];
      }
    }
    REQUIRE(kinds != nullptr);
    for (const auto& kind : fault_schema()["properties"]["kind"]["enum"]) {
      json fault = minimal_instance(fault_schema(), json{{"kind", kind}});
      if (fault.contains("zone")) fault["zone"] = "a";  // the zone of a scenario without hosts
      json doc = base_document();
      doc.erase("hosts");
      doc["faults"] = json::array({fault});
      const bool needs_hosts = std::find(kinds->begin(), kinds->end(), kind) != kinds->end();
      INFO(fault.dump());
      CHECK(parse(doc).error.empty() == !needs_hosts);
      if (needs_hosts) CHECK_THAT(parse(doc).error, Catch::Contains("needs hosts"));
    }
  }
  SECTION("dependentRequired: a key that needs another is refused without it") {
    const json dependencies = schema().value("dependentRequired", json::object());  // alive for items()
    REQUIRE(!dependencies.empty());
    for (const auto& [key, needed] : dependencies.items()) {
      INFO(key << " needs " << needed.dump());
      json doc = base_document();
      doc[key] = example_of(schema()["properties"][key]);
      for (const auto& k : needed) doc[k.get<std::string>()] = example_of(schema()["properties"][k.get<std::string>()]);
      CHECK(parse(doc).error == "");
      for (const auto& k : needed) doc.erase(k.get<std::string>());
      CHECK_THAT(parse(doc).error, Catch::Contains(key));
    }
  }
  SECTION("health_check.timeout_s < interval_s, with the default timeout too") {
    const json& check = schema().at("/properties/balancer/properties/health_check"_json_pointer);
    const json timeout = check["properties"]["timeout_s"]["default"];
    CHECK(check["allOf"][0]["then"]["properties"]["interval_s"]["exclusiveMinimum"] == timeout);
    json doc = base_document();
    doc["balancer"]["health_check"] = {{"interval_s", timeout}};
    CHECK_THAT(parse(doc).error, Catch::Contains("balancer.health_check.interval_s"));
    doc["balancer"]["health_check"] = {{"interval_s", timeout.get<double>() + 0.5}};
    CHECK(parse(doc).error == "");
    doc["balancer"]["health_check"] = {{"interval_s", 2}, {"timeout_s", 1}};
    CHECK(parse(doc).error == "");
    doc["balancer"]["health_check"] = {{"interval_s", 2}, {"timeout_s", 2}};
    CHECK_THAT(parse(doc).error, Catch::Contains("balancer.health_check.timeout_s"));
  }
  SECTION("autoscaling: a cpu target is a fraction; hpa needs min >= 1") {
    const json& autoscaling = schema().at("/properties/services/items/properties/autoscaling"_json_pointer);
    bool cpu_rule = false, hpa_rule = false;
    for (const auto& branch : autoscaling["allOf"]) {
      const json& then = branch["then"];
      if (then.contains("properties") && then["properties"].contains("target")) {
        cpu_rule = branch["if"]["properties"]["metric"]["const"] == "cpu" &&
                   then["properties"]["target"]["maximum"] == 1;
      }
      if (then.contains("properties") && then["properties"].contains("min")) {
        hpa_rule = branch["if"]["properties"]["kind"]["const"] == "hpa" && then["properties"]["min"]["minimum"] == 1;
      }
    }
    CHECK(cpu_rule);
    CHECK(hpa_rule);
    auto with = [](const json& autoscaling_value) {
      json doc = base_document();
      doc["services"][0]["autoscaling"] = autoscaling_value;
      return parse(doc).error;
    };
    CHECK(with({{"target", 1}, {"max", 4}}) == "");
    CHECK_THAT(with({{"target", 1.5}, {"max", 4}}), Catch::Contains("services[0].autoscaling.target"));
    CHECK(with({{"metric", "requests_per_task"}, {"target", 1.5}, {"max", 4}}) == "");
    CHECK(with({{"target", 0.7}, {"min", 0}, {"max", 4}}) == "");
    CHECK_THAT(with({{"kind", "hpa"}, {"target", 0.7}, {"min", 0}, {"max", 4}}),
               Catch::Contains("services[0].autoscaling.min"));
    // A key of the other kind is named as such.
    CHECK_THAT(with({{"target", 0.7}, {"max", 4}, {"sync_period_s", 15}}), Catch::Contains("belongs to kind \"hpa\""));
    CHECK_THAT(with({{"kind", "hpa"}, {"target", 0.7}, {"max", 4}, {"period_s", 60}}),
               Catch::Contains("belongs to kind \"ecs_target_tracking\""));
  }
  SECTION("deployment: ECS percentages or Kubernetes counts; room to replace a task") {
    const json& deployment = schema().at("/properties/services/items/properties/deployment"_json_pointer);
    bool percent_rule = false, surge_rule = false;
    for (const auto& branch : deployment["allOf"]) {
      const json then = branch["then"];
      if (!then.contains("properties")) continue;
      if (then["properties"].contains("max_percent")) {
        percent_rule = branch["if"]["properties"]["min_healthy_percent"]["const"] == 100 &&
                       then["properties"]["max_percent"]["exclusiveMinimum"] == 100;
      }
      if (then["properties"].contains("max_unavailable")) {
        surge_rule = branch["if"]["properties"]["max_surge"]["const"] == 0 &&
                     then["properties"]["max_unavailable"]["minimum"] == 1 &&
                     then["required"] == json::array({"max_unavailable"});
      }
    }
    CHECK(percent_rule);
    CHECK(surge_rule);
    auto with = [](const json& deployment_value) {
      json doc = base_document();
      doc["services"][0]["deployment"] = deployment_value;  // catalog: 2 replicas
      return parse(doc).error;
    };
    // min_healthy_percent 100 (the default) needs max_percent > 100.
    CHECK(with({{"max_percent", 150}}) == "");
    CHECK_THAT(with({{"max_percent", 100}}), Catch::Contains("services[0].deployment.max_percent"));
    CHECK_THAT(with({{"min_healthy_percent", 100}, {"max_percent", 99}}),
               Catch::Contains("services[0].deployment.max_percent"));
    CHECK(with({{"min_healthy_percent", 50}, {"max_percent", 100}}) == "");
    // Kubernetes' counts or ECS's percentages, not both (dependentSchemas).
    for (const char* count : {"max_surge", "max_unavailable"}) {
      for (const char* percent : {"min_healthy_percent", "max_percent"}) {
        INFO(count << " with " << percent);
        CHECK(deployment["dependentSchemas"][count]["properties"][percent] == false);
        CHECK_THAT(with({{count, 1}, {percent, example_of(deployment["properties"][percent])}}),
                   Catch::Contains("not both"));
      }
    }
    // max_surge 0 needs max_unavailable >= 1 (max_unavailable alone takes max_surge 1).
    CHECK_THAT(with({{"max_surge", 0}}), Catch::Contains("services[0].deployment"));
    CHECK_THAT(with({{"max_surge", 0}, {"max_unavailable", 0}}), Catch::Contains("services[0].deployment"));
    CHECK(with({{"max_surge", 0}, {"max_unavailable", 1}}) == "");
    CHECK(with({{"max_unavailable", 0}}) == "");
    // A key of the other strategy is named as such.
    CHECK_THAT(with({{"shift", "canary"}}), Catch::Contains("belongs to strategy \"blue_green\""));
    CHECK_THAT(with({{"strategy", "blue_green"}, {"max_surge", 1}}),
               Catch::Contains("belongs to strategy \"rolling\""));
  }
  SECTION("region_outage needs regions") {
    bool rule = false;
    for (const auto& branch : schema()["allOf"]) {
      if (branch["then"].value("required", json::array()) != json::array({"regions"})) continue;
      rule = branch["if"]["properties"]["faults"]["contains"]["properties"]["kind"]["const"] == "region_outage";
    }
    CHECK(rule);
    CHECK(schema()["dependentRequired"]["failover"] == json::array({"regions"}));
    json doc = base_document();
    doc["faults"] = json::array({minimal_instance(fault_schema(), json{{"kind", "region_outage"}})});
    CHECK(parse(doc).error == "");
    doc.erase("failover");
    doc.erase("regions");
    CHECK_THAT(parse(doc).error, Catch::Contains("faults[0].region"));
  }
  SECTION("regions: one primary and any standbys, or all active") {
    const json& rule = schema().at("/properties/regions/oneOf"_json_pointer);
    auto regions_of = [](const std::vector<std::string>& roles) {
      json out = json::array();
      for (std::size_t i = 0; i < roles.size(); ++i) {
        json region = {{"name", "r" + std::to_string(i)}};
        if (!roles[i].empty()) region["role"] = roles[i];  // "": left out, so primary
        out.push_back(region);
      }
      return out;
    };
    // Where the parser agrees. It also lets through mixes the schema refuses, such as
    // [primary, active] and [active, standby] (the schema's $comment; docs/scenarios.md, regions).
    const std::vector<std::pair<std::vector<std::string>, bool>> combinations = {
        {{""}, true},
        {{"primary"}, true},
        {{"active"}, true},
        {{"primary", "standby"}, true},
        {{"standby", "", "standby"}, true},
        {{"active", "active", "active"}, true},
        {{"standby"}, false},
        {{"standby", "standby"}, false},
        {{"primary", "primary"}, false},
        {{"primary", "", "standby"}, false},
        {{"primary", "standby", "active"}, false},
        {{"active", "standby", "primary"}, false},
    };
    for (const auto& [roles, valid] : combinations) {
      json doc = base_document();
      doc["regions"] = regions_of(roles);
      INFO(doc["regions"].dump());
      CHECK(satisfies(json{{"oneOf", rule}}, doc["regions"]) == valid);
      CHECK(parse(doc).error.empty() == valid);
    }
  }
}

TEST_CASE("the schema's defaults are the values the parser uses when a key is left out", "[schema]") {
  int checked = 0;
  std::set<std::string> seen;  // "<schema pointer> <key>": one check per key of each object schema
  for (const auto& c : object_cases()) {
    const json& object = object_schema(c);
    for (const auto& key : allowed_in_base(c).keys) {
      const json& property = object["properties"][key];
      if (!property.contains("default")) continue;
      if (!seen.insert(c.schema_pointer + " " + key).second) continue;
      INFO(c.name << "." << key << " default " << property["default"].dump());

      json left_out = base_document();
      c.locate(left_out).erase(key);
      json set_to_default = base_document();
      c.locate(set_to_default)[key] = property["default"];
      const Parsed a = parse(left_out);
      const Parsed b = parse(set_to_default);
      REQUIRE(a.error == "");
      REQUIRE(b.error == "");
      const json values = parsed_object(c.name, a.scenario);
      REQUIRE(values.contains(key));
      const json value_left_out = values[key];
      CHECK(value_left_out == parsed_object(c.name, b.scenario)[key]);
      // For a scalar or a list, the parsed value is the default itself.
      if (!property["default"].is_object()) CHECK(value_left_out == property["default"]);
      // An object default written out in full is what the parser uses.
      if (property["default"].is_object() && !property["default"].empty()) {
        for (const auto& [k, v] : property["default"].items()) CHECK(value_left_out[k] == v);
      }
      ++checked;
    }
  }
  CHECK(checked >= 100);
}

TEST_CASE("each distribution family allows exactly the keys the parser reads for it", "[schema]") {
  const json& distribution = schema().at("/$defs/distribution"_json_pointer);
  std::set<std::string> families;
  for (const auto& example : distribution["examples"]) {
    INFO("example " << example.dump());
    families.insert(example.value("dist", "exponential"));
    json doc = base_document();
    doc["services"][0]["service_time_ms"] = example;
    CHECK(parse(doc).error == "");
    doc["services"][0]["service_time_ms"][kStranger] = 1;
    const auto parser = parser_keys(doc);
    const auto listed = allowed_for(distribution, example).keys;
    INFO("parser: " << joined(parser) << "; schema: " << joined(listed));
    CHECK(parser == listed);
    // The keys the schema requires for the family are the ones the parser requires.
    for (const auto& key : allowed_for(distribution, example).required) {
      json missing = base_document();
      missing["services"][0]["service_time_ms"] = example;
      missing["services"][0]["service_time_ms"].erase(key);
      INFO("without " << key);
      CHECK(parse(missing).error != "");
    }
  }
  // Every family has an example, so every family was compared.
  const json& names = distribution["properties"]["dist"]["enum"];
  CHECK(families == string_set(names));

  // Without `dist`, the default family applies (exponential: mean_ms only).
  CHECK(distribution["properties"]["dist"]["default"] == "exponential");
  json doc = base_document();
  doc["services"][0]["service_time_ms"] = {{"mean_ms", 5}};
  const Parsed parsed = parse(doc);
  REQUIRE(parsed.error == "");
  CHECK(parsed.scenario.services[0].service_time.kind == fleetsim::scenario::Distribution::Kind::kExponential);
  doc["services"][0]["service_time_ms"][kStranger] = 1;
  CHECK(parser_keys(doc) == allowed_for(distribution, json::object()).keys);
}

TEST_CASE("the schema's quantile key pattern agrees with the parser", "[schema]") {
  // The pattern every quantile key must match (the other one only adds p100 > 0).
  const json& patterns = schema().at("/$defs/distribution/properties/quantiles_ms/patternProperties"_json_pointer);
  std::string general;
  for (const auto& [pattern, value_schema] : patterns.items()) {
    if (value_schema.value("type", "") == "number") general = pattern;
  }
  REQUIRE(!general.empty());
  const std::regex key_pattern(general, std::regex::ECMAScript);
  const std::vector<std::string> keys = {
      "p0",    "p00",  "p000", "p00.0", "p5",   "p05",    "p50",   "p99.9", "p99.99", "p100", "p100.0", "p100.00",
      "p0100", "p.5",  "p5.",  "p100.", "p101", "p100.5", "p",     "q50",   "p-1",    "pp5",  "p5%",    "P50",
      "p1e1",  "p+5",  "p0x10", "p 5",  "p5.5.5", "p5 ",  "p１"};
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
    // scenarios/expected/ holds expected result summaries of the scenarios, not scenarios.
    if (entry.path().parent_path().filename() == "expected") continue;
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
    // The discriminated objects of the schema take the file's keys too: each fault those of its
    // kind, each deployment those of its strategy, each autoscaling those of its kind.
    const json doc = read_json_file(file);
    const json& kinds = fault_schema()["properties"]["kind"]["enum"];
    for (const auto& fault : doc.value("faults", json::array())) {
      INFO(fault.dump());
      CHECK(std::find(kinds.begin(), kinds.end(), fault.value("kind", json())) != kinds.end());
      const Allowed allowed = allowed_for(fault_schema(), fault);
      for (const auto& [key, value] : fault.items()) CHECK(allowed.keys.count(key) == 1);
      for (const auto& key : allowed.required) CHECK(fault.contains(key));
    }
    for (const auto& service : doc.value("services", json::array())) {
      for (const char* key : {"deployment", "autoscaling"}) {
        if (!service.contains(key)) continue;
        const std::string pointer = "/properties/services/items/properties/" + std::string(key);
        const json& object = schema().at(json::json_pointer(pointer));
        INFO(service[key].dump());
        const Allowed allowed = allowed_for(object, service[key]);
        for (const auto& [k, value] : service[key].items()) CHECK(allowed.keys.count(k) == 1);
      }
    }
    ++files;
  }
  CHECK(files >= 1);
}
