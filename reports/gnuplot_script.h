// The PNG charts of a report as a gnuplot job: data files (tab-separated) and one script that
// draws every chart at 1200×700 with the pngcairo terminal. Pure text generation; png_charts.h
// writes the files and runs gnuplot.
//
// Charts (file names in the report directory):
//   run         latency.png (p50, p99 over time, events marked), throughput.png (sent, ok,
//               errors, retries per second), tasks.png (running tasks per service),
//               spectrum.png (percentile spectrum; load runs: corrected and uncorrected)
//   comparison  compare-latency.png (p99 over time, one line per run), compare-throughput.png
//   validation  (ok per second per run), compare-spectrum.png (one spectrum per run)
//   sweep       sweep-availability.png, sweep-throughput.png, sweep-latency-p50.png,
//               sweep-latency-p99.png: mean with interval (yerrorlines) vs the first parameter,
//               one line per combination of the others (reports/sweep_view.h)
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "reports/report_input.h"

namespace fleetsim::reports {

struct GnuplotJob {
  std::string script;                                       // gnuplot commands
  std::vector<std::pair<std::string, std::string>> data;    // file name (in data_dir) -> contents
  std::vector<std::string> outputs;                         // PNG paths the script writes
};

// `data_dir`: where the data files will be; `out_dir`: where the PNGs go. Both absolute.
GnuplotJob gnuplot_job(const ReportInput& input, const std::string& data_dir, const std::string& out_dir);

// A gnuplot single-quoted string: quotes doubled, control characters dropped (a name cannot
// end the string or start a new command).
std::string gnuplot_quote(const std::string& text);

}  // namespace fleetsim::reports
