#include "loadgen/answer_parser.h"

#include <boost/beast/core/string.hpp>

namespace fleetsim::loadgen {

AnswerParser::AnswerParser(std::string& task) : task_(task) {
  task_.clear();
  body_limit(std::uint64_t{64} << 20);  // a load generator reads answers, not downloads
}

void AnswerParser::on_response_impl(int code, string_view, int, error_code&) { status_ = static_cast<unsigned>(code); }

void AnswerParser::on_field_impl(boost::beast::http::field, string_view name_string, string_view value, error_code&) {
  // The local stack's emulators name themselves; Connection and Content-Length are the base
  // parser's own business (keep_alive(), the body's end).
  if (boost::beast::iequals(name_string, "X-Fleetsim-Task")) task_.assign(value.data(), value.size());
}

}  // namespace fleetsim::loadgen
