#include "reports/png_charts.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "reports/gnuplot_script.h"
#include "reports/timed_process.h"

namespace fleetsim::reports {

namespace {

namespace fs = std::filesystem;

constexpr const char* kInstallHint = "install gnuplot (apt-get install gnuplot-nox, or bash scripts/install-deps.sh)";

// The first line of gnuplot's complaint, for the warning.
std::string first_error_line(const std::string& log_path) {
  std::ifstream in(log_path);
  std::string line, last;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t^") == std::string::npos) continue;
    last = line;
    if (line.find("rror") != std::string::npos) return line;
  }
  return last;
}

// A fresh private directory under $TMPDIR (or /tmp) that removes itself.
class TemporaryDirectory {
 public:
  TemporaryDirectory() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base != nullptr && *base ? base : "/tmp") + "/fleetsim-report-XXXXXX";
    if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TemporaryDirectory() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  TemporaryDirectory(const TemporaryDirectory&) = delete;
  TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace

PngOutcome write_png_charts(const ReportInput& input, const std::string& out_dir, double timeout_s) {
  PngOutcome outcome;
  const char* configured = std::getenv("FLEETSIM_GNUPLOT");
  const std::string program = configured != nullptr && *configured ? configured : "gnuplot";
  const std::string found = program.find('/') != std::string::npos
                                ? (::access(program.c_str(), X_OK) == 0 ? program : "")
                                : find_in_path(program);
  if (found.empty()) {
    outcome.warning = "PNG charts skipped: " + program + " not found; " + kInstallHint;
    return outcome;
  }
  TemporaryDirectory work;
  if (work.path().empty()) {
    outcome.warning = "PNG charts skipped: cannot create a temporary directory";
    return outcome;
  }
  const GnuplotJob job = gnuplot_job(input, work.path(), fs::absolute(out_dir).string());
  for (const auto& [name, text] : job.data) {
    std::ofstream(work.path() + "/" + name, std::ios::binary) << text;
  }
  const std::string script = work.path() + "/charts.gp";
  std::ofstream(script, std::ios::binary) << job.script;
  const std::string log = work.path() + "/gnuplot.log";
  const ProcessResult run = run_with_timeout({found, script}, timeout_s, log);
  if (!run.started) {
    outcome.warning = "PNG charts skipped: cannot run " + found + "; " + kInstallHint;
  } else if (run.timed_out) {
    std::ostringstream s;
    s << "PNG charts incomplete: gnuplot took longer than " << timeout_s << " s and was stopped";
    outcome.warning = s.str();
  } else if (run.exit_status != 0) {
    outcome.warning = "PNG charts incomplete: gnuplot failed: " + first_error_line(log);
  }
  for (const auto& png : job.outputs) {
    std::error_code ec;
    if (fs::file_size(png, ec) > 0 && !ec) outcome.files.push_back(png);
  }
  if (outcome.warning.empty() && outcome.files.size() != job.outputs.size()) {
    outcome.warning = "PNG charts incomplete: gnuplot wrote " + std::to_string(outcome.files.size()) + " of " +
                      std::to_string(job.outputs.size());
  }
  return outcome;
}

}  // namespace fleetsim::reports
