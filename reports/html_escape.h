// Putting scenario text into HTML safely. Everything a scenario names (services, labels, event
// details) is data: the page builds its DOM with textContent, and the only two places text enters
// the HTML source are escaped here.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace fleetsim::reports {

// Text for an element's content or a quoted attribute: & < > " ' become character references.
std::string escape_html(const std::string& text);

// JSON for the inside of <script type="application/json">. The HTML parser ends a script element
// at "</script" and treats "<!--" specially, so every '<' (and '>' and '&', for good measure) is
// written as a \u escape, which JSON.parse reads back as the same character. Invalid UTF-8 in
// strings is replaced (U+FFFD) rather than failing the report.
std::string json_for_script(const nlohmann::json& value);

}  // namespace fleetsim::reports
