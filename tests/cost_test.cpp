// Cost: the price tables, the arithmetic of every item, the monthly projection, and the parsing of
// the scenario's `cost` object.
#include <catch2/catch.hpp>
#include <cmath>
#include <nlohmann/json.hpp>

#include "models/cost_model.h"
#include "scenario/cost_parse.h"

using fleetsim::models::alb_load;
using fleetsim::models::compute_cost;
using fleetsim::models::CostReport;
using fleetsim::models::price_table;
using fleetsim::models::PriceTable;
using fleetsim::models::UsageMeter;
using fleetsim::scenario::Capacity;
using fleetsim::scenario::CostSpec;
using fleetsim::scenario::InputError;
using nlohmann::json;

namespace {

constexpr double kHour = 3600;
constexpr double kGb = 1073741824;  // AWS bills data in GB of 2^30 bytes

// Dollars to whole cents, as a bill shows them: comparisons "to the cent" are exact integers.
long long cents(double usd) { return std::llround(usd * 100); }

const PriceTable& aws() { return price_table("aws-us-east-1"); }

UsageMeter window_of(double seconds) {
  UsageMeter usage;
  usage.window_s = seconds;
  return usage;
}

CostSpec month_of(double hours) {
  CostSpec spec;
  spec.month_hours = hours;
  return spec;
}

// The message of the InputError that parse_cost throws for `cost`, and its JSON path.
std::pair<std::string, std::string> cost_error(const json& cost) {
  try {
    fleetsim::scenario::parse_cost(cost, "bad.json");
  } catch (const InputError& e) {
    return {e.path(), e.message()};
  }
  return {"", ""};
}

}  // namespace

// ---- The tables ----

TEST_CASE("every embedded price table parses and names its sources and date", "[cost]") {
  const auto names = fleetsim::scenario::price_table_names();
  REQUIRE(!names.empty());
  for (const auto& name : names) {
    const PriceTable& t = price_table(name);
    CHECK(t.name == name);
    CHECK(t.as_of.size() == 10);  // YYYY-MM-DD
    CHECK(t.sources.count("fargate") == 1);
    CHECK(t.sources.count("ec2") == 1);
    CHECK(&price_table(name) == &t);  // parsed once, cached
  }
}

TEST_CASE("the us-east-1 table holds the list prices the seed documents use", "[cost]") {
  const PriceTable& t = aws();
  CHECK(t.region == "us-east-1");
  CHECK(t.fargate.vcpu_hour == 0.04048);
  CHECK(t.fargate.gb_hour == 0.004445);
  CHECK(t.fargate_spot.vcpu_hour < t.fargate.vcpu_hour * 0.35);
  CHECK(t.ec2.at("t3.medium").hourly == 0.0416);
  CHECK(t.ec2.at("t3.micro").free_tier_hours_per_month == 750);
  CHECK(t.ec2.at("t2.micro").free_tier_hours_per_month == 750);
  CHECK(t.ec2.at("m5.large").free_tier_hours_per_month == 0);
  for (const char* type : {"t2.micro", "t3.micro", "t3.small", "t3.medium", "t3.large", "t3.xlarge", "m5.large",
                           "m5.xlarge", "m5.2xlarge", "c5.large", "c5.xlarge", "r5.large"}) {
    CHECK(t.ec2.count(type) == 1);
  }
  CHECK(t.alb.hour == 0.0225);
  CHECK(t.alb.lcu_hour == 0.008);
  CHECK(t.nat_gateway.hour == 0.045);
  CHECK(t.nat_gateway.gb == 0.045);
  CHECK(t.data_transfer.internet_out_gb == 0.09);
  CHECK(t.eks_cluster_hour == 0.10);
  for (const char* type : {"db.t3.micro", "db.t3.small", "db.t3.medium", "db.t4g.micro", "db.m5.large"}) {
    CHECK(t.rds_hourly.count(type) == 1);
  }
  CHECK(t.dynamodb.write_request_unit_per_million == 1.25);
  CHECK(t.dynamodb.read_request_unit_per_million == 0.25);
  CHECK(t.route53.hosted_zone_month == 0.50);
}

TEST_CASE("a price table with a missing or misspelt price is rejected, naming the key", "[cost]") {
  // A minimal valid table, then broken one key at a time.
  json ok = {{"name", "test"}, {"currency", "USD"}, {"region", "r"}, {"as_of", "2024-10-01"},
             {"source", {{"fargate", "u"}}}, {"notes", json::object()}, {"bytes_per_gb", kGb},
             {"fargate", {{"vcpu_hour", 1}, {"gb_hour", 1}}}, {"fargate_spot", {{"vcpu_hour", 1}, {"gb_hour", 1}}},
             {"ec2", {{"t3.micro", {{"hourly", 1}, {"vcpu", 2}, {"memory_gb", 1}, {"free_tier_hours_per_month", 0}}}}},
             {"alb", {{"hour", 1}, {"lcu_hour", 1}, {"new_connections_per_s", 25}, {"active_connections", 3000},
                      {"processed_gb_per_hour", 1}, {"rule_evaluations_per_s", 1000}, {"free_rules_per_request", 10}}},
             {"nat_gateway", {{"hour", 1}, {"gb", 1}}},
             {"data_transfer", {{"internet_out_gb", 1}, {"inter_az_gb", 1}, {"inter_region_gb", 1}}},
             {"eks", {{"cluster_hour", 1}}}, {"rds", {{"db.t3.micro", {{"hourly", 1}}}}},
             {"rds_multi_az_factor", 2}, {"rds_storage_gb_month", 1},
             {"dynamodb", {{"write_request_unit_per_million", 1}, {"read_request_unit_per_million", 1},
                           {"storage_gb_month", 1}, {"replicated_write_per_million", 1}}},
             {"route53", {{"hosted_zone_month", 1}, {"health_check_month", 1}, {"queries_per_million", 1}}}};
  CHECK_NOTHROW(fleetsim::models::parse_price_table("test", ok.dump()));

  json missing = ok;
  missing["ec2"]["t3.micro"].erase("hourly");
  CHECK_THROWS_WITH(fleetsim::models::parse_price_table("test", missing.dump()),
                    Catch::Contains("ec2.t3.micro.hourly: required"));
  json misspelt = ok;
  misspelt["alb"]["lcu_hours"] = 0.008;
  CHECK_THROWS_WITH(fleetsim::models::parse_price_table("test", misspelt.dump()),
                    Catch::Contains("alb.lcu_hours: unknown key"));
  json negative = ok;
  negative["fargate"]["gb_hour"] = -1;
  CHECK_THROWS_WITH(fleetsim::models::parse_price_table("test", negative.dump()),
                    Catch::Contains("fargate.gb_hour: expected a number >= 0"));
  json renamed = ok;
  renamed["name"] = "other";
  CHECK_THROWS_WITH(fleetsim::models::parse_price_table("test", renamed.dump()), Catch::Contains("name: is \"other\""));
  CHECK_THROWS_AS(price_table("aws-mars-1"), std::out_of_range);
}

// ---- Items ----

TEST_CASE("12 Fargate tasks of 0.25 vCPU and 0.5 GB cost 87.44 + 19.20 in a 720-hour month", "[cost]") {
  // 12 × 0.25 vCPU × $0.04048 × 720 h = $87.44 and 12 × 0.5 GB × $0.004445 × 720 h = $19.20.
  // Seed 003 prints $35.07 for the vCPU line: its product is 3 vCPU × 0.04048 × 720 = 87.4368,
  // so $35.07 is an arithmetic slip in the seed (its memory line, $19.20, is right).
  UsageMeter usage = window_of(600);
  usage.add_task_time(Capacity::kFargate, 0.25, 0.5, 12 * 600.0);
  const CostReport r = compute_cost(month_of(720), aws(), usage);
  CHECK(cents(r.breakdown.at("fargate_vcpu")) == 8744);
  CHECK(cents(r.breakdown.at("fargate_memory")) == 1920);
  CHECK(cents(r.monthly_usd) == 8744 + 1920);
  // Over the 600 s window itself: 3 vCPU × 0.04048 / 6 and 6 GB × 0.004445 / 6.
  CHECK(r.breakdown_period.at("fargate_vcpu") == Approx(3 * 0.04048 / 6));
  CHECK(r.breakdown_period.at("fargate_memory") == Approx(6 * 0.004445 / 6));
  CHECK(r.breakdown.size() == 2);
}

TEST_CASE("Fargate Spot tasks are billed at Spot prices and EC2-placed tasks not at all", "[cost]") {
  UsageMeter usage = window_of(kHour);
  usage.add_task_time(Capacity::kFargateSpot, 1, 2, kHour);
  usage.add_task_time(Capacity::kEc2, 1, 2, kHour);
  const CostReport r = compute_cost(month_of(730), aws(), usage);
  CHECK(r.breakdown.at("fargate_spot_vcpu") == Approx(0.01334058 * 730));
  CHECK(r.breakdown.at("fargate_spot_memory") == Approx(2 * 0.00146489 * 730));
  CHECK(r.breakdown.count("fargate_vcpu") == 0);
  CHECK(r.breakdown.size() == 2);
}

TEST_CASE("a task count that changes mid-run is projected at its average", "[cost]") {
  // 2 tasks for the first half of the window, then 4: a month of 3 tasks.
  UsageMeter changing = window_of(600);
  changing.add_task_time(Capacity::kFargate, 0.25, 0.5, 2 * 300.0);
  changing.add_task_time(Capacity::kFargate, 0.25, 0.5, 4 * 300.0);
  UsageMeter steady = window_of(600);
  steady.add_task_time(Capacity::kFargate, 0.25, 0.5, 3 * 600.0);
  const CostReport a = compute_cost(CostSpec{}, aws(), changing);
  const CostReport b = compute_cost(CostSpec{}, aws(), steady);
  CHECK(a.monthly_usd == Approx(b.monthly_usd));
  // 3 × 0.25 × 0.04048 × 730 = 22.1628; 3 × 0.5 × 0.004445 × 730 = 4.867275.
  CHECK(cents(a.breakdown.at("fargate_vcpu")) == 2216);
  CHECK(cents(a.breakdown.at("fargate_memory")) == 487);
}

TEST_CASE("EC2 hosts cost their hourly price for every projected instance-hour", "[cost]") {
  // Seed 001's production estimate: "EC2 nodes (3x t3.medium): $90/month"; exactly 3 × 0.0416 × 730.
  UsageMeter usage = window_of(kHour);
  usage.add_host_time("t3.medium", 3 * kHour);
  const CostReport r = compute_cost(month_of(730), aws(), usage);
  CHECK(cents(r.breakdown.at("ec2:t3.medium")) == 9110);  // 91.104
  CHECK(r.breakdown_period.at("ec2:t3.medium") == Approx(3 * 0.0416));
}

TEST_CASE("the EC2 free tier makes one t3.micro free and two cost one", "[cost]") {
  SECTION("one t3.micro for a 730-hour month is inside the 750 free hours") {
    UsageMeter usage = window_of(kHour);
    usage.add_host_time("t3.micro", kHour);
    const CostReport r = compute_cost(month_of(730), aws(), usage);
    CHECK(r.breakdown.at("ec2:t3.micro") == 0);
    CHECK(r.monthly_usd == 0);
  }
  SECTION("two t3.micro in a 750-hour month cost exactly one instance-month") {
    UsageMeter usage = window_of(kHour);
    usage.add_host_time("t3.micro", 2 * kHour);
    const CostReport r = compute_cost(month_of(750), aws(), usage);
    CHECK(cents(r.breakdown.at("ec2:t3.micro")) == 780);  // 750 h × 0.0104
  }
  SECTION("two t3.micro in a 730-hour month: 1460 - 750 = 710 billed hours") {
    UsageMeter usage = window_of(kHour);
    usage.add_host_time("t3.micro", 2 * kHour);
    const CostReport r = compute_cost(month_of(730), aws(), usage);
    CHECK(cents(r.breakdown.at("ec2:t3.micro")) == 738);  // 7.384
    // The window's share: the free hours are prorated to the window.
    CHECK(r.breakdown_period.at("ec2:t3.micro") == Approx((2 - 750.0 / 730) * 0.0104));
  }
  SECTION("the free hours belong to the free-tier types only") {
    UsageMeter usage = window_of(kHour);
    usage.add_host_time("t3.small", kHour);
    CHECK(cents(compute_cost(month_of(730), aws(), usage).breakdown.at("ec2:t3.small")) == 1518);  // 15.184
  }
}

TEST_CASE("an ALB costs its hours plus LCUs of the dominating dimension", "[cost]") {
  CostSpec spec = month_of(730);
  spec.alb_count = 1;
  UsageMeter usage = window_of(kHour);
  usage.requests = 36'000;                 // 10 requests a second
  usage.new_connections = 36'000;          // 10 a second: 0.4 LCU
  usage.active_connections = 3000;         // 1 LCU
  usage.bytes_processed = 3 * kGb;         // 3 GB in the hour: 3 LCU, the largest
  auto load = alb_load(spec, aws(), usage);
  CHECK(load.new_connections == Approx(0.4));
  CHECK(load.active_connections == Approx(1));
  CHECK(load.processed_bytes == Approx(3));
  CHECK(load.rule_evaluations == 0);
  CHECK(load.lcus() == Approx(3));
  CostReport r = compute_cost(spec, aws(), usage);
  CHECK(r.breakdown.at("alb") == Approx(16.425));    // 0.0225 × 730 (a half cent: not rounded here)
  CHECK(cents(r.breakdown.at("alb_lcu")) == 1752);  // 3 LCU × 0.008 × 730

  SECTION("new connections dominate when every request opens one") {
    usage.new_connections.reset();  // requests / requests_per_connection (1)
    usage.requests = 360'000;       // 100 a second: 4 LCU
    CHECK(alb_load(spec, aws(), usage).lcus() == Approx(4));
    CHECK(cents(compute_cost(spec, aws(), usage).breakdown.at("alb_lcu")) == 2336);  // 4 × 0.008 × 730
  }
  SECTION("rules beyond the first 10 are billed per evaluation") {
    spec.alb_rules = 15;            // 5 billed rules × 100 requests a second = 500 a second
    usage.requests = 360'000;
    usage.new_connections = 0;
    usage.active_connections = 0;
    usage.bytes_processed = 0;
    CHECK(alb_load(spec, aws(), usage).rule_evaluations == Approx(0.5));
  }
  SECTION("processed bytes default to requests × bytes_per_request") {
    usage.bytes_processed.reset();
    usage.new_connections = 0;
    usage.active_connections = 0;
    usage.requests = 1000;
    spec.bytes_per_request = kGb / 1000;  // 1 GB in the hour
    CHECK(alb_load(spec, aws(), usage).processed_bytes == Approx(1));
  }
}

TEST_CASE("NAT gateways cost their hours and the GB they process", "[cost]") {
  CostSpec spec = month_of(730);
  spec.nat_gateways = 2;
  spec.nat_share = 0.5;
  spec.internet_egress_share = 0;
  UsageMeter usage = window_of(24 * kHour);
  usage.bytes_processed = 100 * kGb;  // 50 GB a day through the gateways
  const CostReport r = compute_cost(spec, aws(), usage);
  // 2 × 0.045 × 730 = 65.70; 50 GB × 0.045 = 2.25 a day, × 730 / 24 days = 68.4375.
  CHECK(cents(r.breakdown.at("nat_gateway")) == 13414);
  CHECK(r.breakdown_period.at("nat_gateway") == Approx(2 * 0.045 * 24 + 2.25));
  CHECK(r.breakdown.count("data_transfer") == 0);
}

TEST_CASE("data transfer bills internet egress, both sides of inter-AZ and inter-region GB", "[cost]") {
  CostSpec spec = month_of(730);
  spec.internet_egress_share = 0.5;
  spec.inter_az_share = 0.25;
  spec.inter_region_share = 0.25;
  UsageMeter usage = window_of(730 * kHour);  // the window is the month
  usage.bytes_processed = 100 * kGb;
  const CostReport r = compute_cost(spec, aws(), usage);
  // 50 GB × 0.09 + 25 GB × 2 × 0.01 + 25 GB × 0.02 = 4.50 + 0.50 + 0.50.
  CHECK(cents(r.breakdown.at("data_transfer")) == 550);
  CHECK(r.breakdown_period.at("data_transfer") == Approx(5.50));
}

TEST_CASE("an EKS control plane costs 0.10 × 730 = 73.00 a month", "[cost]") {
  // Seed 001: "EKS control plane: $73/month".
  CostSpec spec;
  spec.eks_clusters = 1;
  const CostReport r = compute_cost(spec, aws(), window_of(600));
  CHECK(cents(r.breakdown.at("eks")) == 7300);
  CHECK(r.breakdown_period.at("eks") == Approx(0.10 / 6));
}

TEST_CASE("a multi-AZ RDS instance costs twice, storage included", "[cost]") {
  CostSpec spec;
  spec.rds = {{"db.t3.micro", 1, false, 20}};
  CostReport single = compute_cost(spec, aws(), window_of(kHour));
  CHECK(cents(single.breakdown.at("rds:db.t3.micro")) == 1314);  // 0.018 × 730
  CHECK(cents(single.breakdown.at("rds_storage")) == 230);        // 20 GB × 0.115
  spec.rds[0].multi_az = true;
  CostReport multi = compute_cost(spec, aws(), window_of(kHour));
  CHECK(cents(multi.breakdown.at("rds:db.t3.micro")) == 2628);
  CHECK(cents(multi.breakdown.at("rds_storage")) == 460);
  spec.rds.push_back({"db.m5.large", 2, true, 0});
  CostReport two = compute_cost(spec, aws(), window_of(kHour));
  CHECK(cents(two.breakdown.at("rds:db.m5.large")) == 51976);  // 2 × 2 × 0.178 × 730
  CHECK(cents(two.monthly_usd) == 2628 + 460 + 51976);
}

TEST_CASE("DynamoDB bills request units per million, storage per replica and replicated writes", "[cost]") {
  CostSpec spec = month_of(730);
  spec.dynamodb.enabled = true;
  spec.dynamodb.writes_per_request = 1;
  spec.dynamodb.reads_per_request = 2;
  spec.dynamodb.storage_gb = 10;
  spec.dynamodb.replicated_regions = 2;
  UsageMeter usage = window_of(730 * kHour);
  usage.requests = 1e6;
  const CostReport r = compute_cost(spec, aws(), usage);
  CHECK(cents(r.breakdown.at("dynamodb_requests")) == 175);     // 1M × 1.25 + 2M × 0.25
  CHECK(cents(r.breakdown.at("dynamodb_replication")) == 375);  // 1M writes × 2 regions × 1.875
  CHECK(cents(r.breakdown.at("dynamodb_storage")) == 750);      // 10 GB × 3 regions × 0.25
  SECTION("a month's requests seen in one day project to 30 times as many") {
    UsageMeter day = window_of(730.0 / 30 * kHour);
    day.requests = 1e6;
    CHECK(compute_cost(spec, aws(), day).breakdown.at("dynamodb_requests") == Approx(1.75 * 30));
  }
}

TEST_CASE("Route 53 bills hosted zones, health checks and queries per month", "[cost]") {
  CostSpec spec;
  spec.route53 = {2, 3, 5e6};
  const CostReport r = compute_cost(spec, aws(), window_of(kHour));
  CHECK(cents(r.breakdown.at("route53")) == 450);  // 2 × 0.50 + 3 × 0.50 + 5 × 0.40
}

TEST_CASE("the period figure is the monthly figure prorated to the window", "[cost]") {
  CostSpec spec;
  spec.alb_count = 1;
  spec.eks_clusters = 1;
  UsageMeter usage = window_of(1800);
  usage.requests = 1e5;
  usage.add_task_time(Capacity::kFargate, 1, 2, 5 * 1800.0);
  const CostReport r = compute_cost(spec, aws(), usage);
  CHECK(r.period_usd == Approx(r.monthly_usd * 0.5 / 730));
  double sum = 0;
  for (const auto& [item, usd] : r.breakdown) sum += usd;
  CHECK(r.monthly_usd == Approx(sum));
  CHECK_THROWS_AS(compute_cost(spec, aws(), window_of(0)), std::invalid_argument);
}

// ---- A seed's bill ----

TEST_CASE("seed 003's development bill is reproduced item by item", "[cost]") {
  // Seed 003 (forum on ECS Fargate, two regions), "Monthly Cost Breakdown (Development Environment)",
  // 720-hour month: 6 services × 2 tasks of 0.25 vCPU / 0.5 GB; 2 ALBs with ~10 LCU-hours;
  // DynamoDB on demand, 1M writes and 1M reads, 1 GB; 4 NAT gateways processing 10 GB, 10 GB out
  // to the internet. The window here is the whole month, so period and monthly figures agree.
  // Not reproduced: the vCPU line ($35.07 in the seed; its own product is $87.44, see above), the
  // global-tables line ("6 replicas × $1.75 (average)", not derivable from unit prices), and S3,
  // ECR, CloudWatch and Backup, which fleetsim does not price.
  CostSpec spec = month_of(720);
  spec.capacity = Capacity::kFargate;
  spec.alb_count = 2;
  spec.nat_gateways = 4;
  spec.nat_share = 1;
  spec.internet_egress_share = 1;
  spec.dynamodb = {true, 1, 1, 1, 0};
  UsageMeter usage = window_of(720 * kHour);
  usage.add_task_time(Capacity::kFargate, 0.25, 0.5, 12 * 720 * kHour);
  usage.requests = 1e6;
  usage.bytes_processed = 10 * kGb;  // 10 GB over 720 h: 10 LCU-hours, the largest dimension
  usage.new_connections = 1e5;       // clients reuse connections: 0.0015 LCU, below the bytes'
  const CostReport r = compute_cost(spec, aws(), usage);

  CHECK(cents(r.breakdown.at("fargate_memory")) == 1920);      // seed: $19.20
  CHECK(cents(r.breakdown.at("fargate_vcpu")) == 8744);        // seed: $35.07 (slip)
  CHECK(cents(r.breakdown.at("alb")) == 3240);                 // seed: 2 × 0.0225 × 720 = $32.40
  CHECK(cents(r.breakdown.at("alb_lcu")) == 8);                // seed: 10 LCU × 0.008 = $0.08
  CHECK(cents(r.breakdown.at("dynamodb_requests")) == 150);    // seed: $1.25 + $0.25
  CHECK(cents(r.breakdown.at("dynamodb_storage")) == 25);      // seed: 1 GB × $0.25
  CHECK(cents(r.breakdown.at("nat_gateway")) == 13005);        // seed: $129.60 + $0.45
  CHECK(cents(r.breakdown.at("data_transfer")) == 90);         // seed: 10 GB × $0.09
  CHECK(r.breakdown.size() == 8);
  // The seed's items above sum to $219.45 with its $35.07; with $87.44 they sum to $271.82.
  CHECK(cents(r.monthly_usd) == 27182);
  CHECK(cents(r.period_usd) == 27182);
}

// ---- Parsing ----

TEST_CASE("a cost object parses into typed values with documented defaults", "[cost]") {
  const CostSpec d = fleetsim::scenario::parse_cost(json::object(), "ok.json");
  CHECK(d.prices == "aws-us-east-1");
  CHECK(!d.capacity_given);
  CHECK(fleetsim::scenario::effective_capacity(d, true) == Capacity::kEc2);
  CHECK(fleetsim::scenario::effective_capacity(d, false) == Capacity::kFargate);
  CHECK(d.month_hours == 730);
  CHECK(d.bytes_per_request == 2048);
  CHECK(d.internet_egress_share == 1.0);
  CHECK(!d.dynamodb.enabled);

  const CostSpec c = fleetsim::scenario::parse_cost(json::parse(R"({
    "prices": "aws-us-east-1", "capacity": "fargate_spot", "month_hours": 720,
    "alb_count": 2, "alb_rules": 12, "nat_gateways": 4, "eks_clusters": 1,
    "rds": [{"instance_type": "db.t3.micro", "count": 2, "multi_az": true, "storage_gb": 20}],
    "dynamodb": {"writes_per_request": 0.5, "reads_per_request": 2, "storage_gb": 1, "replicated_regions": 1},
    "route53": {"hosted_zones": 1, "health_checks": 2, "queries_per_month": 1e6},
    "bytes_per_request": 4096, "requests_per_connection": 10, "internet_egress_share": 0.8,
    "nat_share": 0.1, "inter_az_share": 0.2, "inter_region_share": 0.05})"),
                                                    "ok.json");
  CHECK(c.capacity_given);
  CHECK(c.capacity == Capacity::kFargateSpot);
  CHECK(fleetsim::scenario::effective_capacity(c, true) == Capacity::kFargateSpot);
  CHECK(c.month_hours == 720);
  CHECK(c.alb_count == 2);
  CHECK(c.alb_rules == 12);
  CHECK(c.nat_gateways == 4);
  CHECK(c.eks_clusters == 1);
  REQUIRE(c.rds.size() == 1);
  CHECK(c.rds[0].instance_type == "db.t3.micro");
  CHECK(c.rds[0].count == 2);
  CHECK(c.rds[0].multi_az);
  CHECK(c.rds[0].storage_gb == 20);
  CHECK(c.dynamodb.enabled);
  CHECK(c.dynamodb.writes_per_request == 0.5);
  CHECK(c.dynamodb.replicated_regions == 1);
  CHECK(c.route53.health_checks == 2);
  CHECK(c.bytes_per_request == 4096);
  CHECK(c.requests_per_connection == 10);
  CHECK(c.internet_egress_share == 0.8);
  CHECK(c.inter_region_share == 0.05);
}

TEST_CASE("an unknown EC2 instance type names its JSON path and lists the known types", "[cost]") {
  try {
    fleetsim::scenario::check_instance_type("aws-us-east-1", "t3.mediun", "s.json", "hosts.instance_type");
    FAIL("accepted an unknown instance type");
  } catch (const InputError& e) {
    CHECK(e.file() == "s.json");
    CHECK(e.path() == "hosts.instance_type");
    CHECK_THAT(e.message(), Catch::Contains("unknown EC2 instance type \"t3.mediun\""));
    CHECK_THAT(e.message(), Catch::Contains("did you mean \"t3.medium\"?"));
    CHECK_THAT(e.message(), Catch::Contains("known types: c5.large, c5.xlarge, m5.2xlarge, m5.large, m5.xlarge, "
                                            "r5.large, t2.micro, t3.large, t3.medium, t3.micro, t3.small, t3.xlarge"));
  }
  CHECK_NOTHROW(fleetsim::scenario::check_instance_type("aws-us-east-1", "t3.medium", "s.json", "hosts.instance_type"));
}

TEST_CASE("an unknown RDS instance type is reported at cost.rds[i].instance_type", "[cost]") {
  const auto [path, message] = cost_error(json::parse(
      R"({"rds": [{"instance_type": "db.t3.micro"}, {"instance_type": "db.x9.huge"}]})"));
  CHECK(path == "cost.rds[1].instance_type");
  CHECK_THAT(message, Catch::Contains("unknown RDS instance type \"db.x9.huge\""));
  CHECK_THAT(message, Catch::Contains("known types: db.m5.large, db.r5.large, db.t3.medium, db.t3.micro"));
  CHECK(cost_error(json::parse(R"({"rds": [{"count": 1}]})")).first == "cost.rds[0].instance_type");
}

TEST_CASE("an unknown price table is reported at cost.prices with the known tables", "[cost]") {
  const auto [path, message] = cost_error(json::parse(R"({"prices": "aws-mars-1"})"));
  CHECK(path == "cost.prices");
  CHECK_THAT(message, Catch::Contains("unknown price table \"aws-mars-1\"; known tables: aws-us-east-1"));
  try {
    fleetsim::scenario::check_instance_type("aws-mars-1", "t3.micro", "s.json", "hosts.instance_type");
    FAIL("accepted an unknown table");
  } catch (const InputError& e) {
    CHECK(e.path() == "cost.prices");
  }
}

TEST_CASE("an unknown or out-of-range key in cost is reported with its path", "[cost]") {
  auto [path, message] = cost_error(json::parse(R"({"month_hour": 720})"));
  CHECK(path == "cost.month_hour");
  CHECK_THAT(message, Catch::Contains("did you mean \"month_hours\"?"));
  CHECK(cost_error(json::parse(R"({"capacity": "lambda"})")).first == "cost.capacity");
  CHECK(cost_error(json::parse(R"({"month_hours": 0})")).first == "cost.month_hours");
  CHECK(cost_error(json::parse(R"({"internet_egress_share": 1.5})")).first == "cost.internet_egress_share");
  CHECK(cost_error(json::parse(R"({"requests_per_connection": 0.5})")).first == "cost.requests_per_connection");
  CHECK(cost_error(json::parse(R"({"alb_count": 1.5})")).first == "cost.alb_count");
  CHECK(cost_error(json::parse(R"({"dynamodb": {"writes": 1}})")).first == "cost.dynamodb.writes");
  CHECK(cost_error(json::parse(R"({"route53": {"zones": 1}})")).first == "cost.route53.zones");
  CHECK(cost_error(json::parse(R"({"rds": [{"instance_type": "db.t3.micro", "size": 1}]})")).first ==
        "cost.rds[0].size");
  CHECK(cost_error(json::parse(R"({"prices": 3})")).first == "cost.prices");
  CHECK(cost_error(json::parse(R"([1])")).first == "cost");
}
