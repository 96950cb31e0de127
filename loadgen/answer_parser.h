// An HTTP/1.1 response parser for a load generator: it keeps what the load generator looks at
// (the status, the keep-alive decision, the X-Fleetsim-Task header) and discards the body, so a
// response costs no allocation — no header container, no body string.
//
// Built on Beast's basic_parser (chunked bodies, Content-Length, body-until-close, HEAD answers
// with skip(true), header and body limits); one parser per response, as Beast requires.
#pragma once

#include <boost/beast/http/basic_parser.hpp>
#include <cstdint>
#include <string>

namespace fleetsim::loadgen {

class AnswerParser : public boost::beast::http::basic_parser<false> {
 public:
  // `task` receives the X-Fleetsim-Task value ("" if absent); it is cleared here.
  explicit AnswerParser(std::string& task);

  unsigned status() const { return status_; }

 private:
  using string_view = boost::beast::string_view;
  using error_code = boost::beast::error_code;

  void on_request_impl(boost::beast::http::verb, string_view, string_view, int, error_code&) override {}
  void on_response_impl(int code, string_view reason, int version, error_code& ec) override;
  void on_field_impl(boost::beast::http::field name, string_view name_string, string_view value,
                     error_code& ec) override;
  void on_header_impl(error_code&) override {}
  void on_body_init_impl(boost::optional<std::uint64_t> const&, error_code&) override {}
  std::size_t on_body_impl(string_view body, error_code&) override { return body.size(); }
  void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, string_view body, error_code&) override { return body.size(); }
  void on_finish_impl(error_code&) override {}

  std::string& task_;
  unsigned status_ = 0;
};

}  // namespace fleetsim::loadgen
