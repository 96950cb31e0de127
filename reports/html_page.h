// report.html: the template (reports/assets/report.html) with the vendored uPlot, the page's
// script and style, and the data, all inline, so the one file works offline and can be mailed.
#pragma once

#include <string>

#include "reports/report_input.h"

namespace fleetsim::reports {

// The whole page. Throws std::logic_error if an embedded asset is missing (a build problem).
std::string render_html(const ReportInput& input);

}  // namespace fleetsim::reports
