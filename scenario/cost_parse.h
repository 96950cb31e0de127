// Reading the scenario's `cost` object into a CostSpec, and checking instance types against the
// embedded price tables (models/prices/*.json). Internal to the scenario parser: it takes
// nlohmann::json, which models never see.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "scenario/cost_spec.h"
#include "scenario/input_error.h"

namespace fleetsim::scenario {

// Reads `value` (the scenario's "cost", JSON path "cost"). Throws InputError naming the path for
// an unknown key, a value out of range, an unknown price table (listing the known ones) or an
// RDS instance type the table lacks (listing its types).
CostSpec parse_cost(const nlohmann::json& value, const std::string& file);

// Throws InputError at `json_path` (e.g. "hosts.instance_type") unless `type` is an EC2 instance
// type of price table `table`; the message lists the table's types. An unknown `table` is
// reported at "cost.prices".
void check_instance_type(const std::string& table, const std::string& type, const std::string& file,
                         const std::string& json_path);

// The names of the embedded price tables, sorted.
std::vector<std::string> price_table_names();

}  // namespace fleetsim::scenario
