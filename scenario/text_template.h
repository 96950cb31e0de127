// A string of a route's request (a header value, the body) with placeholders, compiled once when
// the scenario is read, so the load generator renders it per request without parsing.
//
// Syntax: literal text and "{{NAME}}" (spaces around NAME allowed), NAME one of
//   counter    the request's sequence number in the run (unique over the run)
//   random_id  32 hex digits, drawn per request from the load thread's seeded random stream
//   client     the request's client identity number
// "{{" always opens a placeholder: an unknown NAME or an unclosed "{{" is bad input.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fleetsim::scenario {

struct TextTemplate {
  enum class Field { kLiteral, kCounter, kRandomId, kClient };
  struct Part {
    Field field = Field::kLiteral;
    std::string text;  // the literal text (kLiteral only)
  };
  std::vector<Part> parts;  // in order; adjacent literals are merged, no empty literal
  std::string source;       // as written, for messages

  bool uses(Field field) const;
};

// Compiles `text`. On a bad placeholder returns nothing and sets `error` to the message
// ("unknown template \"{{foo}}\"; expected {{counter}}, {{random_id}} or {{client}}").
std::optional<TextTemplate> compile_text_template(std::string_view text, std::string& error);

}  // namespace fleetsim::scenario
