// https targets against a real nginx (the Debian package) serving self-signed certificates made
// by the openssl command: verification on by default, --insecure to skip it, and a failed
// handshake counted as "tls". Skipped (with a warning) only when /usr/sbin/nginx is missing.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/ip/tcp.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <thread>

#include "loadgen/load_generator.h"
#include "loadgen/load_target.h"
#include "test_support.h"

namespace asio = boost::asio;
namespace fs = std::filesystem;
using asio::ip::tcp;
using nlohmann::json;
namespace loadgen = fleetsim::loadgen;

namespace {

const char* const kNginx = "/usr/sbin/nginx";

std::string slurp(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A private directory under /tmp, removed with everything in it.
struct TempDir {
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "fleetsim-tls-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
  fs::path path;
};

// A port nobody listens on now: bound by the kernel, then released for nginx to take.
std::uint16_t free_port() {
  asio::io_context io;
  tcp::acceptor a(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  return a.local_endpoint().port();
}

// A self-signed P-256 certificate DIR/NAME.crt (key DIR/NAME.key) for subjectAltName `san`.
void make_certificate(const fs::path& dir, const std::string& name, const std::string& san) {
  const std::string command = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
                              "-subj /CN=fleetsim-test -addext subjectAltName=" + san +
                              " -keyout '" + (dir / (name + ".key")).string() + "' -out '" +
                              (dir / (name + ".crt")).string() + "' >>'" + (dir / "openssl.log").string() + "' 2>&1";
  INFO(command << "\n" << slurp(dir / "openssl.log"));
  REQUIRE(std::system(command.c_str()) == 0);
}

// nginx in the foreground as one process (no master), stopped by SIGTERM and reaped when this
// goes out of scope, however the test ends.
class NginxProcess {
 public:
  NginxProcess(const fs::path& prefix, const fs::path& config) {
    const std::string p = prefix.string() + "/", c = config.string(), e = (prefix / "error.log").string(),
                      out = (prefix / "nginx.out").string();
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {  // the child: only async-signal-safe calls until exec
      const int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (fd >= 0) {
        ::dup2(fd, 1);
        ::dup2(fd, 2);
      }
      ::execl(kNginx, "nginx", "-p", p.c_str(), "-c", c.c_str(), "-e", e.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
  }
  ~NginxProcess() { stop(); }
  NginxProcess(const NginxProcess&) = delete;
  NginxProcess& operator=(const NginxProcess&) = delete;

  // True while nginx runs (reaps it if it has exited).
  bool running() {
    if (pid_ <= 0) return false;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) pid_ = -1;
    return pid_ > 0;
  }
  void stop() {
    if (!running()) return;
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 300 && running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
  }

 private:
  pid_t pid_ = -1;
};

bool accepts(std::uint16_t port) {
  asio::io_context io;
  tcp::socket socket(io);
  boost::system::error_code ec;
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
  return !ec;
}

// nginx serving "ok" over https on two loopback ports: `trusted_port` with a certificate for
// 127.0.0.1, `other_port` with one for the name elsewhere.test only.
class TlsNginx {
 public:
  TlsNginx() : trusted_port(free_port()), other_port(free_port()) {
    while (other_port == trusted_port) other_port = free_port();
    make_certificate(dir.path, "ip", "IP:127.0.0.1");
    make_certificate(dir.path, "other", "DNS:elsewhere.test");
    std::ofstream(dir.path / "bundle.crt") << slurp(dir.path / "ip.crt") << slurp(dir.path / "other.crt");
    const std::string d = dir.path.string();
    std::ofstream conf(dir.path / "nginx.conf");
    conf << "daemon off;\nmaster_process off;\nworker_processes 1;\npid " << d << "/nginx.pid;\n"
         << "error_log " << d << "/error.log warn;\n"
         << "events { worker_connections 512; }\n"
         << "http {\n  access_log off;\n  keepalive_requests 100000;\n";
    for (const char* temp : {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"}) {
      conf << "  " << temp << "_temp_path " << d << "/tmp-" << temp << ";\n";
    }
    for (const auto& [port, cert] : {std::pair{trusted_port, "ip"}, std::pair{other_port, "other"}}) {
      conf << "  server {\n    listen 127.0.0.1:" << port << " ssl;\n"
           << "    ssl_certificate " << d << "/" << cert << ".crt;\n"
           << "    ssl_certificate_key " << d << "/" << cert << ".key;\n"
           << "    location / { return 200 \"ok\"; }\n  }\n";
    }
    conf << "}\n";
    conf.close();
    nginx.emplace(dir.path, dir.path / "nginx.conf");
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!(accepts(trusted_port) && accepts(other_port))) {
      INFO("nginx error log:\n" << slurp(dir.path / "error.log") << slurp(dir.path / "nginx.out"));
      REQUIRE(nginx->running());
      REQUIRE(std::chrono::steady_clock::now() < give_up);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  std::string url(std::uint16_t port) const { return "https://127.0.0.1:" + std::to_string(port); }

  TempDir dir;  // destroyed last: nginx stops before its files go
  std::uint16_t trusted_port, other_port;
  std::optional<NginxProcess> nginx;
};

// Sets an environment variable for the scope (OpenSSL's default trust store reads SSL_CERT_FILE
// when a context loads it).
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

json scenario_json() {
  return {{"name", "tls"},
          {"duration_s", 1},
          {"traffic",
           {{"rate_rps", 100}, {"arrivals", "uniform"}, {"clients", 20}, {"routes", {{{"service", "s"}}}}}},
          {"services", {{{"name", "s"}, {"service_time_ms", {{"dist", "constant"}, {"mean_ms", 1}}}}}}};
}

loadgen::LoadOptions options_for(const std::string& url, bool insecure) {
  loadgen::LoadOptions o;
  o.target = loadgen::parse_load_target(url, false);
  o.duration_s = 0.5;
  o.timeout_s = 2;
  o.insecure = insecure;
  return o;
}

bool have_nginx() {
  if (::access(kNginx, X_OK) == 0) return true;
  WARN("SKIPPED: " << kNginx << " is not installed");  // ctest: skipped
  return false;
}

}  // namespace

TEST_CASE("https against real nginx: insecure accepts a self-signed certificate, verification refuses it as tls",
          "[loadgen][tls]") {
  if (!have_nginx()) return;
  TlsNginx server;  // its certificates are in no trust store
  const auto s = fleetsim::testing::scenario_from(scenario_json());

  const auto insecure = loadgen::run_load(s, options_for(server.url(server.trusted_port), true)).results;
  CHECK(insecure.sent >= 40);
  CHECK(insecure.ok == insecure.sent);

  const auto verified = loadgen::run_load(s, options_for(server.url(server.trusted_port), false)).results;
  CHECK(verified.sent >= 40);
  CHECK(verified.ok == 0);
  CHECK(verified.by_outcome.at("tls") == verified.sent);
}

TEST_CASE("https verification checks the chain and the name: a trusted certificate for another name is tls",
          "[loadgen][tls]") {
  if (!have_nginx()) return;
  TlsNginx server;
  ScopedEnv trust("SSL_CERT_FILE", (server.dir.path / "bundle.crt").string());
  const auto s = fleetsim::testing::scenario_from(scenario_json());

  const auto trusted = loadgen::run_load(s, options_for(server.url(server.trusted_port), false)).results;
  CHECK(trusted.sent >= 40);
  CHECK(trusted.ok == trusted.sent);

  const auto wrong_name = loadgen::run_load(s, options_for(server.url(server.other_port), false)).results;
  CHECK(wrong_name.sent >= 40);
  CHECK(wrong_name.by_outcome.at("tls") == wrong_name.sent);
  // --insecure skips the name check too.
  const auto insecure = loadgen::run_load(s, options_for(server.url(server.other_port), true)).results;
  CHECK(insecure.ok == insecure.sent);
}

TEST_CASE("fleetsim load --insecure loads an https target; without it the handshakes fail as tls", "[loadgen][tls][cli]") {
  if (!have_nginx()) return;
  TlsNginx server;
  const fs::path scenario = server.dir.path / "scenario.json";
  std::ofstream(scenario) << scenario_json().dump();
  const std::string common = "load '" + scenario.string() + "' --target " + server.url(server.trusted_port) +
                             " --duration 0.5 --timeout 2 --quiet --out '";

  const auto ok = fleetsim::testing::run_fleetsim(common + (server.dir.path / "insecure").string() + "' --insecure");
  INFO(ok.out << ok.err);
  CHECK(ok.status == 0);
  const json a = json::parse(slurp(server.dir.path / "insecure/results.json"));
  CHECK(a["requests"]["sent"].get<int>() >= 40);
  CHECK(a["requests"]["ok"] == a["requests"]["sent"]);
  CHECK(a["requests"]["by_outcome"]["tls"] == 0);

  // The untrusted certificate fails even with the system's trust store.
  const auto refused = fleetsim::testing::run_fleetsim(common + (server.dir.path / "verified").string() + "'");
  INFO(refused.out << refused.err);
  CHECK(refused.status == 0);  // no SLO: failures are results, not errors
  const json b = json::parse(slurp(server.dir.path / "verified/results.json"));
  CHECK(b["requests"]["ok"] == 0);
  CHECK(b["requests"]["by_outcome"]["tls"] == b["requests"]["sent"]);
}
