// fleetsim report DIR... --out DIR [--no-png]
// Re-renders reports from results on disk: one DIR gives the run view; several (or one written
// by `compare`, whose variants are in its subdirectories) give the comparison view, deltas
// against the first; a DIR written by `validate` (validation.json, results.json = measured,
// predicted/results.json) gives the validation view; a DIR written by `sweep` (sweep.json) gives
// the sweep view. DIR/scenario.json, when present, supplies
// the call graph and the scenario section.
#include <algorithm>
#include <boost/program_options.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/command.h"
#include "reports/report_writer.h"
#include "reports/sweep_view.h"
#include "results/results_reader.h"
#include "scenario/input_error.h"

namespace fleetsim::cli {

namespace {

namespace fs = std::filesystem;
namespace po = boost::program_options;

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string optional_text(const std::string& path) { return fs::is_regular_file(path) ? slurp(path) : ""; }

// The result directories named by the arguments: each DIR with a results.json, or, for a DIR
// without one, its immediate subdirectories that have one (a `compare` output), sorted by name.
std::vector<std::string> result_directories(const std::vector<std::string>& dirs) {
  std::vector<std::string> out;
  for (const auto& dir : dirs) {
    if (!fs::is_directory(dir)) throw scenario::InputError(dir, "", "not a directory (expected one written by fleetsim)");
    if (fs::is_regular_file(dir + "/results.json")) {
      out.push_back(dir);
      continue;
    }
    std::vector<std::string> variants;
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (entry.is_directory() && fs::is_regular_file(entry.path() / "results.json")) variants.push_back(entry.path().string());
    }
    if (variants.empty()) {
      throw scenario::InputError(dir, "", "no results.json here or in its subdirectories (expected a directory written by "
                                          "fleetsim run, compare, load or validate)");
    }
    std::sort(variants.begin(), variants.end());
    out.insert(out.end(), variants.begin(), variants.end());
  }
  return out;
}

std::string label_of(const std::string& dir) {
  const fs::path p = fs::path(dir).lexically_normal();
  const std::string name = (p.has_filename() ? p.filename() : p.parent_path().filename()).string();
  return name.empty() ? dir : name;
}

}  // namespace

int report_command(const Arguments& args) {
  std::vector<std::string> dirs;
  std::string out_dir;
  bool no_png = false;
  po::options_description d("fleetsim report DIR... --out DIR");
  d.add_options()("dir", po::value<std::vector<std::string>>(&dirs), "result directories")(
      "out", po::value<std::string>(&out_dir), "where report.html and the PNGs go")(
      "no-png", po::bool_switch(&no_png), "write report.html only");
  po::positional_options_description positional;
  positional.add("dir", -1);
  try {
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(d).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw scenario::InputError("usage", "", e.what());
  }
  if (dirs.empty()) throw scenario::InputError("usage", "", "missing DIR: a directory with results.json");
  if (out_dir.empty()) throw scenario::InputError("usage", "", "missing --out DIR");

  reports::ReportOptions options;
  options.png = !no_png;
  reports::ReportFiles files;
  // Everything is read and checked before anything is written.
  if (dirs.size() == 1 && fs::is_regular_file(dirs.front() + "/sweep.json")) {
    const std::string path = dirs.front() + "/sweep.json";
    const std::string text = slurp(path);
    reports::sweep_view(text, path);  // checked here, so a bad file is named as given
    files = reports::write_sweep_report(out_dir, text, optional_text(dirs.front() + "/scenario.json"), options);
  } else if (dirs.size() == 1 && fs::is_regular_file(dirs.front() + "/validation.json")) {
    const std::string& dir = dirs.front();
    const std::string validation_path = dir + "/validation.json";
    nlohmann::json validation = nlohmann::json::parse(slurp(validation_path), nullptr, false);
    if (validation.is_discarded() || !validation.is_object()) {
      throw scenario::InputError(validation_path, "", "not a JSON object (expected validation.json written by fleetsim validate)");
    }
    if (!validation.contains("rows") || !validation["rows"].is_array()) {
      throw scenario::InputError(validation_path, "rows", "required: an array of {metric, predicted, measured, delta, tolerance, judged, pass}");
    }
    if (!validation.contains("pass") || !validation["pass"].is_boolean()) {
      throw scenario::InputError(validation_path, "pass", "required: true or false");
    }
    const results::Results predicted = results::read_results(dir + "/predicted/results.json");
    const results::Results measured = results::read_results(dir + "/results.json");
    const std::string scenario = optional_text(dir + "/scenario.json");
    files = reports::write_validation_report(out_dir, validation, predicted, measured, scenario, options);
  } else {
    const auto runs_dirs = result_directories(dirs);
    std::vector<results::Results> runs;
    std::vector<std::string> labels;
    for (const auto& dir : runs_dirs) {
      runs.push_back(results::read_results(dir + "/results.json"));
      labels.push_back(label_of(dir));
    }
    // Two runs from directories of the same name (a/x, b/x): the labels must still differ.
    for (std::size_t i = 0; i < labels.size(); ++i) {
      if (std::count(labels.begin(), labels.end(), labels[i]) > 1) labels[i] = runs_dirs[i];
    }
    files = reports::write_comparison_report(out_dir, labels, runs, optional_text(runs_dirs.front() + "/scenario.json"),
                                             options);
  }
  std::cout << "wrote " << files.html;
  if (!files.png.empty()) std::cout << " and " << files.png.size() << " PNG charts";
  std::cout << "\n";
  return 0;
}

}  // namespace fleetsim::cli
