// The report's PNG charts, drawn by gnuplot (gnuplot-nox) run as a child process with a time
// limit. Data files and the script go to a temporary directory, removed afterwards.
#pragma once

#include <string>
#include <vector>

#include "reports/report_input.h"

namespace fleetsim::reports {

struct PngOutcome {
  std::vector<std::string> files;  // PNGs written
  std::string warning;             // one line when they were skipped or failed; "" when all went well
};

// Writes the charts of gnuplot_script.h into `out_dir`. Never throws for a missing or failing
// gnuplot: that is reported in `warning`, since the HTML report stands on its own.
// The program is `gnuplot` from PATH, or $FLEETSIM_GNUPLOT when set.
PngOutcome write_png_charts(const ReportInput& input, const std::string& out_dir, double timeout_s);

}  // namespace fleetsim::reports
