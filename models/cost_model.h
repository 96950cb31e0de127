// Cost: what a run's usage costs over its measured window, and that usage projected to a month,
// priced from a table of list prices (models/prices/NAME.json, embedded in the binary at build
// time by models/prices/embed.cmake).
//
// Two kinds of item:
// - usage items are integrated over the window from what the simulation measured (task-seconds as
//   scaling changed them, host-seconds, requests, bytes, connections); their monthly figure is the
//   window's usage rate kept up for `month_hours`: monthly = period × month_hours / window hours.
// - fixed items (balancer and gateway hours, control planes, databases, storage, DNS) are billed
//   per hour or per month whatever the traffic: monthly = count × price × month_hours (or the
//   monthly price); their period figure is the same rate over the window.
// So a fleet of 2 tasks for half the window and 4 for the other half costs 3 tasks a month.
//
// Prices are continuous: minimum billing durations (Fargate's and EC2's one minute) and the
// rounding of partial hours are not modelled. Figures are not rounded; round when showing them.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "scenario/cost_spec.h"

namespace fleetsim::models {

// ---- Price table (all prices in the table's currency, USD) ----

struct FargatePrice {
  double vcpu_hour = 0;  // per vCPU-hour of a running task
  double gb_hour = 0;    // per GB-hour of task memory
};

struct Ec2Price {
  double hourly = 0;                     // per instance-hour, on-demand Linux
  double vcpu = 0;                       // size of the type (for reports and placement)
  double memory_gb = 0;
  double free_tier_hours_per_month = 0;  // instance-hours a month that cost nothing, pooled over
                                         // all instances of the type (750 for t2/t3.micro)
};

// Application Load Balancer: per hour, plus per LCU-hour. One LCU is the largest of the four
// dimensions below, each divided by its allowance per LCU.
struct AlbPrice {
  double hour = 0;
  double lcu_hour = 0;
  double new_connections_per_s = 0;   // new connections a second per LCU (25)
  double active_connections = 0;      // open connections (per minute) per LCU (3000)
  double processed_gb_per_hour = 0;   // GB through the balancer an hour per LCU (1)
  double rule_evaluations_per_s = 0;  // billed rule evaluations a second per LCU (1000)
  double free_rules_per_request = 0;  // rules evaluated per request that are not billed (10)
};

struct NatGatewayPrice {
  double hour = 0;  // per gateway-hour
  double gb = 0;    // per GB processed
};

struct DataTransferPrice {
  double internet_out_gb = 0;  // to the internet
  double inter_az_gb = 0;      // between zones, charged in each direction
  double inter_region_gb = 0;  // to another region
};

struct DynamoDbPrice {
  double write_request_unit_per_million = 0;  // on-demand
  double read_request_unit_per_million = 0;
  double storage_gb_month = 0;                 // per GB-month, in each replica region
  double replicated_write_per_million = 0;     // global tables, per replica region written to
};

struct Route53Price {
  double hosted_zone_month = 0;
  double health_check_month = 0;
  double queries_per_million = 0;
};

struct PriceTable {
  std::string name;      // the file name without .json, e.g. "aws-us-east-1"
  std::string region;    // e.g. "us-east-1"
  std::string currency;  // "USD"
  std::string as_of;     // date the prices were copied, YYYY-MM-DD
  std::map<std::string, std::string> sources;  // section → pricing page the values come from
  double bytes_per_gb = 1073741824;             // the "GB" data is billed in
  FargatePrice fargate;
  FargatePrice fargate_spot;
  std::map<std::string, Ec2Price> ec2;  // instance type → price
  AlbPrice alb;
  NatGatewayPrice nat_gateway;
  DataTransferPrice data_transfer;
  double eks_cluster_hour = 0;
  std::map<std::string, double> rds_hourly;  // instance type → per hour, single-AZ
  double rds_multi_az_factor = 2;            // multi-AZ instance and storage cost this many times
  double rds_storage_gb_month = 0;
  DynamoDbPrice dynamodb;
  Route53Price route53;
};

// Parses one table. Strict: every price is required and must be a number >= 0, and unknown keys
// are rejected (a typo in a table must not silently price something at 0). The tables are build
// inputs, not user input, so errors are std::runtime_error naming the table and the key.
PriceTable parse_price_table(const std::string& name, const std::string& json_text);

// The embedded table `name`, parsed on first use and cached; safe to call from several threads.
// Throws std::out_of_range (listing the known tables) for a name that is not embedded: scenario
// parsing has rejected such names already, so reaching it is a programmer error.
const PriceTable& price_table(const std::string& name);

// ---- Usage ----

// What the simulation used over its measured window. Filled by the simulation; every quantity is
// a total over the window unless it says otherwise.
struct UsageMeter {
  double window_s = 0;  // length of the measured window, seconds; must be > 0

  // Task capacity by what it ran on: sum over tasks of vCPU (GB of memory) × seconds running.
  double fargate_vcpu_seconds = 0;
  double fargate_gb_seconds = 0;
  double fargate_spot_vcpu_seconds = 0;
  double fargate_spot_gb_seconds = 0;

  std::map<std::string, double> host_seconds;  // EC2 instance type → instance-seconds running

  double requests = 0;  // client requests that reached the balancer
  // Bytes through the balancer (requests and responses); unset: requests × bytes_per_request.
  std::optional<double> bytes_processed;
  // Client connections opened; unset: requests / requests_per_connection.
  std::optional<double> new_connections;
  double active_connections = 0;  // mean open client connections over the window

  // Adds `task_seconds` of tasks of one size running on `capacity`: to the Fargate or Fargate Spot
  // totals, or nothing for EC2 (the hosts are billed, through add_host_time).
  void add_task_time(scenario::Capacity capacity, double vcpu, double memory_gb, double task_seconds);
  // Adds `instance_seconds` of EC2 instances of `instance_type`.
  void add_host_time(const std::string& instance_type, double instance_seconds);
};

// ---- Cost ----

// The ALB's load over the window in LCUs, by dimension (each already divided by its allowance).
// Billed LCUs are the largest of the four, averaged over the window: hours whose traffic differs
// from the mean are not billed separately. With several ALBs the load is computed once on all the
// traffic, which is exact when one ALB carries it (active-passive) and a lower bound otherwise.
struct AlbLoad {
  double new_connections = 0;    // new connections per second / 25
  double active_connections = 0; // mean open connections / 3000
  double processed_bytes = 0;    // GB per hour / 1
  double rule_evaluations = 0;   // requests per second × max(0, rules − 10) / 1000
  double lcus() const;           // the largest of the four
};
AlbLoad alb_load(const scenario::CostSpec& spec, const PriceTable& prices, const UsageMeter& usage);

struct CostReport {
  double period_usd = 0;   // over the measured window
  double monthly_usd = 0;  // projected to a month of spec.month_hours
  // Item → USD. Items (present only when they apply): "fargate_vcpu", "fargate_memory",
  // "fargate_spot_vcpu", "fargate_spot_memory", "ec2:<type>", "alb" (hours), "alb_lcu",
  // "nat_gateway" (hours and GB), "data_transfer", "eks", "rds:<type>", "rds_storage",
  // "dynamodb_requests", "dynamodb_storage", "dynamodb_replication", "route53".
  std::map<std::string, double> breakdown;         // monthly
  std::map<std::string, double> breakdown_period;  // over the window
};

// Prices `usage` with `prices` under `spec`. See the top of this file for the projection; the
// items are:
// - Fargate (and Spot): vCPU-seconds / 3600 × vcpu_hour, GB-seconds / 3600 × gb_hour.
// - EC2, per type: instance-hours projected to the month, less free_tier_hours_per_month (pooled
//   over the type's instances, never below 0), × hourly. The period figure prorates the free hours.
// - ALB: alb_count × hour (fixed); LCUs (alb_load) × lcu_hour × hours (usage).
// - NAT gateway: nat_gateways × hour (fixed) + GB × nat_share × gb (usage).
// - Data transfer: GB × (internet_egress_share × internet_out_gb + inter_az_share × 2 × inter_az_gb
//   + inter_region_share × inter_region_gb), GB = bytes / bytes_per_gb.
// - EKS: eks_clusters × cluster_hour. RDS: count × hourly (× multi-AZ factor); storage:
//   count × storage_gb × storage price (× multi-AZ factor).
// - DynamoDB: requests × writes (reads) per request per million × unit price; replication:
//   writes × replicated_regions per million × replicated-write price; storage: storage_gb ×
//   (1 + replicated_regions) × storage price.
// - Route 53: hosted zones and health checks per month, queries per million.
// Throws std::invalid_argument if usage.window_s <= 0 or an EC2 type is not in the table
// (programmer errors: parsing checks the types).
CostReport compute_cost(const scenario::CostSpec& spec, const PriceTable& prices, const UsageMeter& usage);

}  // namespace fleetsim::models
