#include "models/simulation.h"

#include <chrono>

#include "models/cluster.h"
#include "models/cost_model.h"
#include "models/deployment_controller.h"
#include "models/dns_router.h"
#include "models/regions.h"
#include "models/discovery.h"
#include "models/fault_injector.h"
#include "models/health_checker.h"
#include "models/request_flow.h"
#include "models/run_metrics.h"
#include "models/scaling_controller.h"
#include "models/service_catalog.h"
#include "models/traffic_source.h"
#include "sim/engine.h"

namespace fleetsim::models {

namespace {

// Passes the cluster's task changes on to whoever needs them.
class TaskChanges final : public ClusterObserver {
 public:
  TaskChanges(sim::Engine& engine, RunMetrics& metrics, std::size_t services)
      : engine_(engine), metrics_(metrics), pending_(services, 0) {}
  // The cluster reports to this observer, so it is connected after both exist.
  void connect(const Cluster* cluster, Discovery* discovery, RequestFlow* flow) {
    cluster_ = cluster;
    discovery_ = discovery;
    flow_ = flow;
  }
  void task_placed(const Task& task) override {
    metrics_.billed_tasks(task.service, engine_.now(), +1);
    pending_changed(task.service);
  }
  void task_ready(const Task& task) override { running_changed(task.service); }
  void task_draining(const Task& task) override { running_changed(task.service); }
  void task_stopped(const Task& task, bool abrupt) override {
    metrics_.billed_tasks(task.service, engine_.now(), -1);
    // Whatever is still at the task is cut off, killed or drained (a drain that ends with requests
    // in flight: ECS's stop timeout passed).
    (void)abrupt;
    if (flow_) flow_->task_killed(task.id);
    running_changed(task.service);
  }
  void note(const std::string& kind, const std::string& detail) override {
    metrics_.event(engine_.now(), kind, detail);
    if (kind == "task_pending" || kind == "scale") {
      for (std::uint32_t s = 0; s < pending_.size(); ++s) pending_changed(s);
    }
  }
 private:
  void running_changed(std::uint32_t service) {
    metrics_.set_running_tasks(service, engine_.now(), cluster_->running(service));
    if (discovery_) discovery_->tasks_changed();
  }
  void pending_changed(std::uint32_t service) {
    const double pending = cluster_->pending(service);
    if (pending != pending_[service]) {
      pending_[service] = pending;
      metrics_.set_pending_tasks(service, engine_.now(), pending);
    }
  }
  sim::Engine& engine_;
  RunMetrics& metrics_;
  const Cluster* cluster_ = nullptr;
  Discovery* discovery_ = nullptr;
  RequestFlow* flow_ = nullptr;
  std::vector<double> pending_;
};

// Window edges and per-step samples of running tasks, as events so they land in time order.
class Clockwork final : public sim::EventHandler {
 public:
  enum Tag : std::uint64_t { kOpenWindow, kCloseWindow, kSample };
  Clockwork(sim::Engine& engine, RunMetrics& metrics, const Cluster& cluster, std::size_t services, sim::SimTime step,
            sim::SimTime end)
      : engine_(engine), metrics_(metrics), cluster_(cluster), services_(services), step_(step), end_(end) {}
  void on_event(std::uint64_t tag) override {
    switch (tag) {
      case kOpenWindow: metrics_.open_window(); break;
      case kCloseWindow: metrics_.close_window(); break;
      default:
        for (std::uint32_t i = 0; i < services_; ++i) metrics_.set_running_tasks(i, engine_.now(), cluster_.running(i));
        if (engine_.now() + step_ < end_) engine_.schedule_in(step_, *this, kSample, sim::Priority::kFirst);
    }
  }

 private:
  sim::Engine& engine_;
  RunMetrics& metrics_;
  const Cluster& cluster_;
  std::size_t services_;
  sim::SimTime step_;
  sim::SimTime end_;
};

}  // namespace

struct Simulation::Parts {
  explicit Parts(const scenario::Scenario& original)
      : scenario(expand_regions(original)),
        metrics(scenario),
        changes(engine, metrics, scenario.services.size()),
        cluster(engine, scenario, changes),
        catalog(scenario),
        flow(engine, cluster, catalog, metrics, scenario),
        discovery(engine, scenario, cluster, catalog, metrics),
        dns(engine, scenario, cluster, metrics),
        traffic(engine, flow, dns, scenario),
        deployments(engine, scenario, cluster, catalog, discovery, metrics),
        faults(engine, scenario, cluster, discovery, flow, deployments, metrics),
        scaling(engine, scenario, cluster, metrics),
        checker(engine, scenario, cluster, catalog),
        end(sim::from_seconds(scenario.duration_s)),
        clock(engine, metrics, cluster, scenario.services.size(), sim::from_seconds(scenario.step_s), end) {
    changes.connect(&cluster, &discovery, &flow);
    cluster.start();
    discovery.start();
    dns.start();
    engine.schedule_at(0, clock, Clockwork::kSample, sim::Priority::kFirst);
    engine.schedule_at(metrics.window_start(), clock, Clockwork::kOpenWindow, sim::Priority::kFirst);
    // Last at its time, so requests completing exactly at the end still count inside.
    engine.schedule_at(metrics.window_end(), clock, Clockwork::kCloseWindow, sim::Priority::kLast);
    traffic.start();
    faults.start();
    scaling.start();
    checker.start();
  }

  void run_until(sim::SimTime t) {
    // Host-seconds at the window's opening, for the cost of the window.
    if (!window_opened && t >= metrics.window_start()) {
      engine.run_until(metrics.window_start());
      host_seconds_at_open = cluster.host_seconds(metrics.window_start());
      window_opened = true;
    }
    engine.run_until(t);
  }

  const scenario::Scenario scenario;  // with regions expanded
  sim::Engine engine;
  RunMetrics metrics;
  TaskChanges changes;
  Cluster cluster;
  ServiceCatalog catalog;
  RequestFlow flow;
  Discovery discovery;
  DnsRouter dns;
  TrafficSource traffic;
  DeploymentController deployments;
  FaultInjector faults;
  ScalingController scaling;
  HealthChecker checker;
  sim::SimTime end;
  Clockwork clock;
  bool window_opened = false;
  double host_seconds_at_open = 0;
  std::chrono::steady_clock::time_point wall_start = std::chrono::steady_clock::now();
};

Simulation::Simulation(const scenario::Scenario& scenario) : parts_(std::make_unique<Parts>(scenario)) {}
Simulation::~Simulation() = default;
void Simulation::run_until(sim::SimTime t) { parts_->run_until(t); }
std::uint64_t Simulation::events_processed() const { return parts_->engine.events_processed(); }

results::Results Simulation::finish(const SimulationOptions& options) {
  Parts& p = *parts_;
  p.run_until(p.end);
  const double host_seconds_window = p.cluster.host_seconds(p.end) - p.host_seconds_at_open;
  // Drain: no new arrivals after the end; in-flight requests get the drain period to finish.
  const sim::SimTime slice = std::max<sim::SimTime>(p.end / 100, 1);
  const sim::SimTime drain_end = p.end + sim::from_seconds(options.drain_s);
  while (p.flow.in_flight() > 0 && p.engine.pending_events() > 0 && p.engine.now() < drain_end) {
    p.engine.run_until(std::min(p.engine.now() + slice, drain_end));
  }
  results::Results results = p.metrics.finish(p.engine.now(), p.flow.in_flight_client_arrivals());
  const scenario::Scenario& s = p.scenario;
  if (s.cost) {
    UsageMeter usage;
    usage.window_s = sim::to_seconds(p.metrics.window_end() - p.metrics.window_start());
    const scenario::Capacity capacity = scenario::effective_capacity(*s.cost, s.hosts.given);
    if (s.hosts.given) {
      usage.add_host_time(s.hosts.instance_type, host_seconds_window);  // hosts are billed, not tasks
    } else {
      for (std::uint32_t i = 0; i < s.services.size(); ++i) {
        usage.add_task_time(capacity, s.services[i].task.vcpu, s.services[i].task.memory_gb,
                            p.metrics.billed_task_seconds(i));
      }
    }
    usage.requests = static_cast<double>(results.sent);
    const CostReport report = compute_cost(*s.cost, price_table(s.cost->prices), usage);
    results.cost.present = true;
    results.cost.period_usd = report.period_usd;
    results.cost.monthly_usd = report.monthly_usd;
    results.cost.breakdown = report.breakdown;
  }
  results.engine_events = p.engine.events_processed();
  results.engine_wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - p.wall_start).count();
  return results;
}

results::Results simulate(const scenario::Scenario& scenario, const SimulationOptions& options) {
  Simulation simulation(scenario);
  const sim::SimTime end = sim::from_seconds(scenario.duration_s);
  // Run in slices of 1 % so progress can be shown; slicing does not change the event order.
  const sim::SimTime slice = std::max<sim::SimTime>(end / 100, 1);
  for (sim::SimTime t = slice; t < end + slice; t += slice) {
    const sim::SimTime until = std::min(t, end);
    simulation.run_until(until);
    if (options.progress) options.progress(static_cast<double>(until) / static_cast<double>(end));
  }
  return simulation.finish(options);
}

}  // namespace fleetsim::models
