// The scenario's `cost` object as typed values: which price table, which capacity the tasks run
// on, and the fixed items (balancers, gateways, databases, DNS) that the simulation itself does
// not model but that belong on the bill. Parsed by scenario/cost_parse.h; priced by
// models/cost_model.h. Field comments give meaning, unit and default.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace fleetsim::scenario {

// What the tasks run on, and so what their running time costs.
enum class Capacity {
  kEc2,          // on the scenario's hosts: the hosts are billed per instance-hour, tasks are free
  kFargate,      // Fargate on-demand: each task billed per vCPU-hour and GB-hour
  kFargateSpot,  // Fargate Spot: as Fargate, at Spot prices
};

// One RDS deployment of `count` identical instances.
struct RdsSpec {
  std::string instance_type;  // a type of the price table's `rds` section, e.g. "db.t3.micro"
  std::uint32_t count = 1;    // instances of this type
  bool multi_az = false;      // with a standby in a second zone: instance and storage cost twice
  double storage_gb = 0;      // allocated storage of each instance, GB
};

// DynamoDB on-demand tables. Requests are driven by the simulated client requests.
struct DynamoDbSpec {
  bool enabled = false;                  // true when `cost.dynamodb` is given
  double writes_per_request = 0;         // write request units per client request (1 per write ≤ 1 KB)
  double reads_per_request = 0;          // read request units per client request (1 per strong read ≤ 4 KB)
  double storage_gb = 0;                 // data stored in each replica region, GB
  std::uint32_t replicated_regions = 0;  // global-table replicas besides the written region; 0 = none
};

// Route 53: billed per month, independent of traffic.
struct Route53Spec {
  std::uint32_t hosted_zones = 0;
  std::uint32_t health_checks = 0;
  double queries_per_month = 0;  // DNS queries a month (clients cache answers for the TTL)
};

struct CostSpec {
  std::string prices = "aws-us-east-1";  // an embedded price table (models/prices/NAME.json)
  // Where tasks run. When not given (capacity_given false) the scenario decides: EC2 when it has
  // hosts, else Fargate (see effective_capacity); `capacity` then holds kFargate.
  Capacity capacity = Capacity::kFargate;
  bool capacity_given = false;
  double month_hours = 730;  // hours in the projected month (AWS uses 730; some estimates 720)

  std::uint32_t alb_count = 0;  // Application Load Balancers, each billed per hour; 0 = none
  std::uint32_t alb_rules = 0;  // listener rules evaluated per request (the first 10 are free)
  std::uint32_t nat_gateways = 0;  // NAT gateways, each billed per hour
  std::uint32_t eks_clusters = 0;  // EKS control planes, each billed per hour
  std::vector<RdsSpec> rds;
  DynamoDbSpec dynamodb;
  Route53Spec route53;

  // Traffic shape, for the usage-driven items when the simulation does not measure bytes or
  // connections itself (see models::UsageMeter).
  double bytes_per_request = 2048;      // request + response bytes through the balancer
  double requests_per_connection = 1;   // keep-alive reuse: new connections = requests / this
  double internet_egress_share = 1.0;   // share of those bytes billed as data transfer to the internet
  double nat_share = 0;                 // share that also passes a NAT gateway (billed per GB processed)
  double inter_az_share = 0;            // share that crosses zones (billed out and in)
  double inter_region_share = 0;        // share sent to another region
};

// The capacity tasks run on: the given one, else EC2 when the scenario has hosts, else Fargate.
inline Capacity effective_capacity(const CostSpec& spec, bool has_hosts) {
  if (spec.capacity_given) return spec.capacity;
  return has_hosts ? Capacity::kEc2 : Capacity::kFargate;
}

}  // namespace fleetsim::scenario
