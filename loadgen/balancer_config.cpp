#include "loadgen/balancer_config.h"

#include <cmath>
#include <sstream>

namespace fleetsim::loadgen {

namespace {

// Durations in milliseconds: both nginx and HAProxy take an "ms" suffix.
std::string ms(double seconds) { return std::to_string(static_cast<long long>(std::llround(seconds * 1000))) + "ms"; }

// The routes as (path prefix, service); a scenario without routes sends "/" to its first service.
std::vector<std::pair<std::string, std::string>> routes(const scenario::Scenario& s) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& r : s.traffic.routes) out.emplace_back(r.path.empty() ? "/" : r.path, r.service);
  if (out.empty() && !s.services.empty()) out.emplace_back("/", s.services.front().name);
  return out;
}

bool retries_on(const scenario::RetrySpec& r, scenario::RetryCondition c) {
  return r.on.test(static_cast<std::size_t>(c));
}

std::string nginx_algorithm(const std::string& a) {
  if (a == "least_conn") return "    least_conn;\n";
  if (a == "ip_hash") return "    ip_hash;\n";
  if (a == "consistent_hash") return "    hash $remote_addr consistent;\n";
  if (a == "random") return "    random;\n";
  if (a == "p2c") return "    random two least_conn;\n";
  return "";  // round_robin, weighted_round_robin: nginx's default (smooth weighted round robin)
}

std::string render_nginx(const scenario::Scenario& s, const BalancerLayout& layout) {
  const auto& b = s.balancer;
  std::ostringstream c;
  c << "# written by fleetsim stack; rewritten by its discovery agent\n"
    << "daemon off;\nmaster_process on;\n"
    << "worker_processes " << std::max<std::uint32_t>(1, b.instances) << ";\n"
    << "pid " << layout.run_dir << "/nginx.pid;\n"
    << "error_log " << layout.run_dir << "/nginx-error.log warn;\n"
    << "worker_rlimit_nofile 16384;\n"
    << "events { worker_connections 8192; }\n"
    << "http {\n"
    << "  access_log off;\n"
    << "  client_body_temp_path " << layout.run_dir << "/nginx-tmp/body;\n"
    << "  proxy_temp_path " << layout.run_dir << "/nginx-tmp/proxy;\n"
    << "  fastcgi_temp_path " << layout.run_dir << "/nginx-tmp/fastcgi;\n"
    << "  uwsgi_temp_path " << layout.run_dir << "/nginx-tmp/uwsgi;\n"
    << "  scgi_temp_path " << layout.run_dir << "/nginx-tmp/scgi;\n"
    << "  keepalive_requests 100000;\n";
  for (std::size_t i = 0; i < s.services.size(); ++i) {
    const auto& service = s.services[i];
    // No `zone`: each worker keeps its own state, as the model's independent instances.
    c << "  upstream " << service.name << " {\n" << nginx_algorithm(service_algorithm(s, i));
    const auto found = layout.members.find(service.name);
    const bool any = found != layout.members.end() && !found->second.empty();
    if (any) {
      for (const auto& m : found->second) {
        c << "    server 127.0.0.1:" << m.port;
        if (m.weight != 1) c << " weight=" << m.weight;
        c << " max_fails=" << b.passive.max_fails << " fail_timeout=" << b.passive.fail_timeout_s << "s;"
          << "  # task " << m.task_id << "\n";
      }
    } else {
      // nginx refuses an empty upstream; a server marked down answers 502 as "no live upstreams".
      c << "    server 127.0.0.1:1 down;  # no task listed\n";
    }
    c << "    keepalive 64;\n  }\n";
  }
  const auto& r = b.retries;
  std::string next_upstream;
  using RC = scenario::RetryCondition;
  if (retries_on(r, RC::kError)) next_upstream += " error";
  if (retries_on(r, RC::kTimeout)) next_upstream += " timeout";
  if (retries_on(r, RC::kHttp500)) next_upstream += " http_500";
  if (retries_on(r, RC::kHttp502)) next_upstream += " http_502";
  if (retries_on(r, RC::kHttp503)) next_upstream += " http_503";
  if (retries_on(r, RC::kHttp504)) next_upstream += " http_504";
  if (next_upstream.empty()) next_upstream = " off";
  c << "  server {\n"
    << "    listen 127.0.0.1:" << layout.listen_port << " backlog=4096;\n"
    << "    location = /_fleetsim/balancer { return 204; }  # nginx alone\n";
  const auto rs = routes(s);
  if (!rs.empty()) {
    // The fixed-cost probe: through the balancer to an emulator's /health (no service time).
    c << "    location = /_fleetsim/health {\n      proxy_pass http://" << rs.front().second << "/health;\n"
      << "      proxy_http_version 1.1;\n      proxy_set_header Connection \"\";\n    }\n";
  }
  for (const auto& [path, service] : rs) {
    c << "    location " << path << " {\n"
      << "      proxy_pass http://" << service << ";\n"
      << "      proxy_http_version 1.1;\n"
      << "      proxy_set_header Connection \"\";\n"
      << "      proxy_connect_timeout " << ms(b.connect_timeout_s) << ";\n"
      << "      proxy_read_timeout " << ms(b.read_timeout_s) << ";\n"
      << "      proxy_next_upstream" << next_upstream << ";\n"
      << "      proxy_next_upstream_tries " << r.tries << ";\n"
      << "    }\n";
  }
  c << "  }\n}\n";
  return c.str();
}

std::string haproxy_algorithm(const std::string& a) {
  if (a == "least_conn") return "  balance leastconn\n";
  if (a == "ip_hash") return "  balance source\n";
  if (a == "consistent_hash") return "  balance source\n  hash-type consistent\n";
  if (a == "random") return "  balance random(1)\n";
  if (a == "p2c") return "  balance random(2)\n";
  return "  balance roundrobin\n";
}

std::string render_haproxy(const scenario::Scenario& s, const BalancerLayout& layout) {
  const auto& b = s.balancer;
  const auto& hc = b.health_check;
  std::ostringstream c;
  c << "# written by fleetsim stack; rewritten by its discovery agent\n"
    << "global\n  maxconn 4096\n  pidfile " << layout.run_dir << "/haproxy.pid\n"
    << "defaults\n  mode http\n  option http-keep-alive\n"
    << "  timeout connect " << ms(b.connect_timeout_s) << "\n"
    << "  timeout server " << ms(b.read_timeout_s) << "\n"
    << "  timeout client 3600s\n  timeout http-keep-alive 3600s\n"
    << "frontend fleetsim\n  bind 127.0.0.1:" << layout.listen_port << "\n"
    << "  http-request return status 204 if { path /_fleetsim/balancer }\n";
  const auto rs = routes(s);
  if (!rs.empty()) {
    // The fixed-cost probe: through the balancer to an emulator's /health (no service time).
    c << "  http-request set-var(txn.probe) bool(true) if { path /_fleetsim/health }\n"
      << "  http-request set-path /health if { var(txn.probe) -m bool }\n"
      << "  use_backend " << rs.front().second << " if { var(txn.probe) -m bool }\n";
  }
  for (std::size_t i = 0; i < rs.size(); ++i) {
    if (rs[i].first == "/") continue;  // the default backend
    c << "  use_backend " << rs[i].second << " if { path_beg " << rs[i].first << " }\n";
  }
  for (const auto& [path, service] : rs) {
    if (path == "/") c << "  default_backend " << service << "\n";
  }
  using RC = scenario::RetryCondition;
  const auto& r = b.retries;
  std::string retry_on;
  if (retries_on(r, RC::kError)) retry_on += " conn-failure empty-response";
  if (retries_on(r, RC::kTimeout)) retry_on += " response-timeout";
  if (retries_on(r, RC::kHttp500)) retry_on += " 500";
  if (retries_on(r, RC::kHttp502)) retry_on += " 502";
  if (retries_on(r, RC::kHttp503)) retry_on += " 503";
  if (retries_on(r, RC::kHttp504)) retry_on += " 504";
  for (std::size_t i = 0; i < s.services.size(); ++i) {
    const auto& service = s.services[i];
    c << "backend " << service.name << "\n" << haproxy_algorithm(service_algorithm(s, i));
    // HAProxy counts retries after the first attempt; redispatch sends each to another server.
    const std::uint32_t retries = r.tries > 1 ? r.tries - 1 : 0;
    c << "  retries " << retries << "\n";
    if (retries > 0 && !retry_on.empty()) c << "  option redispatch 1\n  retry-on" << retry_on << "\n";
    if (hc.enabled) {
      c << "  option httpchk GET " << hc.path << "\n"
        << "  timeout check " << ms(hc.timeout_s) << "\n"
        << "  default-server inter " << ms(hc.interval_s) << " fall " << hc.unhealthy_threshold
        << " rise " << hc.healthy_threshold << "\n";
    }
    const auto found = layout.members.find(service.name);
    if (found != layout.members.end()) {
      for (const auto& m : found->second) {
        c << "  server t" << m.task_id << " 127.0.0.1:" << m.port;
        if (m.weight != 1) c << " weight " << m.weight;
        if (hc.enabled) c << " check";
        c << "\n";
      }
    }
  }
  return c.str();
}

}  // namespace

std::string render_balancer_config(const scenario::Scenario& s, BalancerKind kind, const BalancerLayout& layout) {
  return kind == BalancerKind::kNginx ? render_nginx(s, layout) : render_haproxy(s, layout);
}

}  // namespace fleetsim::loadgen
