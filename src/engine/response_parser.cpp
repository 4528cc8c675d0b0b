#include "engine/response_parser.hpp"

#include <fmt/format.h>

namespace ccload::engine {

std::size_t ResponseParser::on_body_impl(string_view body, error_code&) {
  body_bytes_ += body.size();
  if (capture_ && captured_.size() < kCapturedBodyLimit) {
    captured_.append(body.substr(0, kCapturedBodyLimit - captured_.size()));
  }
  return body.size();
}

std::size_t ResponseParser::on_chunk_body_impl(std::uint64_t, string_view body, error_code& ec) {
  return on_body_impl(body, ec);
}

std::string ResponseParser::take_failure_body() {
  if (body_bytes_ > captured_.size()) {
    captured_ +=
        fmt::format("\n[ccload: body cut at {} of {} bytes]", captured_.size(), body_bytes_);
  }
  return std::move(captured_);
}

}  // namespace ccload::engine
