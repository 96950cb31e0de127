#include "scenario/text_template.h"

namespace fleetsim::scenario {

bool TextTemplate::uses(Field field) const {
  for (const auto& part : parts) {
    if (part.field == field) return true;
  }
  return false;
}

namespace {

constexpr std::string_view kExpected = "expected {{counter}}, {{random_id}} or {{client}}";

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<TextTemplate> compile_text_template(std::string_view text, std::string& error) {
  TextTemplate t;
  t.source = std::string(text);
  auto literal = [&t](std::string_view s) {
    if (s.empty()) return;
    if (!t.parts.empty() && t.parts.back().field == TextTemplate::Field::kLiteral) {
      t.parts.back().text += s;
    } else {
      t.parts.push_back({TextTemplate::Field::kLiteral, std::string(s)});
    }
  };
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t open = text.find("{{", at);
    if (open == std::string_view::npos) {
      literal(text.substr(at));
      break;
    }
    literal(text.substr(at, open - at));
    const std::size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      error = "unclosed \"{{\" at character " + std::to_string(open) + "; " + std::string(kExpected);
      return std::nullopt;
    }
    const std::string_view name = trimmed(text.substr(open + 2, close - open - 2));
    if (name == "counter") {
      t.parts.push_back({TextTemplate::Field::kCounter, {}});
    } else if (name == "random_id") {
      t.parts.push_back({TextTemplate::Field::kRandomId, {}});
    } else if (name == "client") {
      t.parts.push_back({TextTemplate::Field::kClient, {}});
    } else {
      error = "unknown template \"" + std::string(text.substr(open, close + 2 - open)) + "\"; " + std::string(kExpected);
      return std::nullopt;
    }
    at = close + 2;
  }
  return t;
}

}  // namespace fleetsim::scenario
