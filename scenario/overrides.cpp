#include "scenario/overrides.h"

#include <cstdint>

#include "scenario/input_error.h"
#include "scenario/json_reader.h"
#include "scenario/override_apply.h"

namespace fleetsim::scenario {

namespace {
std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::string current;
  for (char c : path) {
    if (c == '.') {
      parts.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  parts.push_back(current);
  return parts;
}

// True when text is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, at most
// U+10FFFF). A scenario file's strings are checked by the JSON parser; --set text arrives raw from
// the command line and would otherwise reach the results as bytes JSON cannot carry.
bool is_utf8(const std::string& text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t extra = 0;
    std::uint32_t code = 0;
    if (lead < 0x80) {
      ++i;
      continue;
    } else if (lead >= 0xC2 && lead <= 0xDF) {
      extra = 1;
      code = lead & 0x1Fu;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      extra = 2;
      code = lead & 0x0Fu;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      extra = 3;
      code = lead & 0x07u;
    } else {
      return false;
    }
    if (extra >= text.size() - i) return false;  // the sequence runs past the end
    for (std::size_t k = 1; k <= extra; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0u) != 0x80u) return false;
      code = (code << 6) | (next & 0x3Fu);
    }
    const std::uint32_t smallest[] = {0, 0x80, 0x800, 0x10000};
    if (code < smallest[extra] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return false;
    i += extra + 1;
  }
  return true;
}

bool all_digits(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

nlohmann::json parse_value(const std::string& text) {
  // JSON when it is JSON (numbers, true, [1,2], {"a":1}, "quoted"); a bare word is a string.
  nlohmann::json value = nlohmann::json::parse(text, nullptr, false);
  if (value.is_discarded()) return nlohmann::json(text);
  return value;
}
}  // namespace

OverrideList parse_set_argument(const std::string& argument) {
  const auto eq = argument.find('=');
  if (!is_utf8(argument)) throw InputError("--set", "(argument)", "expected UTF-8 text; the argument has bytes that are not");
  if (eq == std::string::npos || eq == 0) {
    throw InputError("--set", argument, "expected PATH=VALUE (for example services.catalog.replicas=3)");
  }
  OverrideList out;
  out.path = argument.substr(0, eq);
  const std::string values = argument.substr(eq + 1);
  std::string current;
  int depth = 0;
  bool quoted = false;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const char c = values[i];
    if (quoted) {
      if (c == '\\' && i + 1 < values.size()) {
        current += c;
        current += values[++i];
        continue;
      }
      if (c == '"') quoted = false;
    } else if (c == '"') {
      quoted = true;
    } else if (c == '[' || c == '{') {
      ++depth;
    } else if (c == ']' || c == '}') {
      --depth;
    } else if (c == ',' && depth == 0) {
      out.values.push_back(current);
      current.clear();
      continue;
    }
    current += c;
  }
  out.values.push_back(current);
  for (const auto& v : out.values) {
    if (v.empty()) throw InputError("--set", out.path, "empty value in \"" + argument + "\"");
  }
  return out;
}

std::vector<std::vector<Override>> expand_grid(const std::vector<OverrideList>& lists) {
  std::vector<std::vector<Override>> grid{{}};
  for (const auto& list : lists) {
    std::vector<std::vector<Override>> next;
    for (const auto& point : grid) {
      for (const auto& value : list.values) {
        auto extended = point;
        extended.push_back({list.path, value});
        next.push_back(std::move(extended));
      }
    }
    grid = std::move(next);
  }
  return grid;
}

std::string describe(const std::vector<Override>& point) {
  std::string out;
  for (const auto& o : point) out += (out.empty() ? "" : " ") + o.path + "=" + o.value;
  return out.empty() ? "baseline" : out;
}

void apply_override(nlohmann::json& doc, const Override& override, const std::string& file) {
  const auto parts = split_path(override.path);
  nlohmann::json* node = &doc;
  std::string walked;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const std::string& part = parts[i];
    const bool last = i + 1 == parts.size();
    const std::string here = walked.empty() ? part : walked + "." + part;
    if (part.empty()) throw InputError(file, "--set " + override.path, "empty segment in the path");
    if (node->is_array()) {
      nlohmann::json* next = nullptr;
      if (all_digits(part)) {
        const std::size_t index = std::stoul(part);
        if (index < node->size()) next = &(*node)[index];
      } else {
        for (auto& element : *node) {
          if (element.is_object() && element.value("name", std::string()) == part) next = &element;
        }
      }
      if (!next) {
        std::string names;
        for (std::size_t k = 0; k < node->size(); ++k) {
          const auto& e = (*node)[k];
          names += (names.empty() ? "" : ", ") +
                   (e.is_object() && e.contains("name") && e["name"].is_string() ? e["name"].get<std::string>()
                                                                                  : std::to_string(k));
        }
        throw InputError(file, "--set " + override.path,
                         "no element \"" + part + "\" in " + (walked.empty() ? "the list" : walked) +
                             " (has: " + names + ")");
      }
      node = next;
    } else if (node->is_object()) {
      if (!node->contains(part)) {
        if (last) {
          (*node)[part] = nullptr;
        } else {
          (*node)[part] = nlohmann::json::object();
        }
      }
      node = &(*node)[part];
    } else {
      throw InputError(file, "--set " + override.path,
                       "cannot descend into " + (walked.empty() ? "the document" : walked) + ", which is " +
                           json_kind(*node));
    }
    walked = here;
  }
  *node = parse_value(override.value);
}

}  // namespace fleetsim::scenario
