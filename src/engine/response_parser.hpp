#pragma once
// An HTTP/1.1 response parser that keeps no headers: it notes the status, counts the body and,
// only for failed statuses, captures the body (capped at kCapturedBodyLimit, marked when cut).
// One instance per response (construction does not allocate).

#include <boost/beast/http/basic_parser.hpp>
#include <string>

#include "core/record.hpp"

namespace ccload::engine {

class ResponseParser final : public boost::beast::http::basic_parser<false> {
 public:
  ResponseParser() {
    body_limit(boost::none);
    header_limit(16 * 1024);
  }

  int status() const { return status_; }
  // The captured body of a failed response (empty for successes); moved out.
  std::string take_failure_body();

 private:
  using error_code = boost::beast::error_code;
  using string_view = boost::beast::string_view;
  using field = boost::beast::http::field;
  using verb = boost::beast::http::verb;

  void on_request_impl(verb, string_view, string_view, int, error_code&) override {}
  void on_response_impl(int code, string_view, int, error_code&) override {
    status_ = code;
    capture_ = !is_success_status(code);
  }
  void on_field_impl(field, string_view, string_view, error_code&) override {}
  void on_header_impl(error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>&, error_code&) override {}
  std::size_t on_body_impl(string_view body, error_code&) override;
  void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, string_view body, error_code&) override;
  void on_finish_impl(error_code&) override {}

  int status_ = 0;
  bool capture_ = false;
  std::uint64_t body_bytes_ = 0;
  std::string captured_;
};

}  // namespace ccload::engine
