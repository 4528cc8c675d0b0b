#include "server/http1.hpp"

#include <algorithm>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/status.hpp>
#include <charconv>
#include <string>

namespace ccload::server {

namespace http = boost::beast::http;

void Http1Reader::next() {
  parser_.emplace(req_, kHttp1BodyLimit, kHttp1HeaderLimit);
  error_ = {};
  sent_continue_ = false;
}

Http1Reader::Step Http1Reader::parse(boost::beast::flat_buffer& buffer) {
  for (;;) {
    if (parser_->is_done()) return Step::respond;
    if (buffer.size() == 0) return Step::read;
    const std::size_t used = parser_->put(buffer.data(), error_);
    buffer.consume(used);
    if (error_ == http::error::need_more) {
      error_ = {};
      return Step::read;
    }
    if (error_) return Step::respond;
    if (!sent_continue_ && req_.expect_continue() && req_.version() >= 11 &&
        parser_->is_header_done() && !parser_->is_done()) {
      sent_continue_ = true;
      return Step::write_continue;
    }
    if (used == 0) return Step::read;
  }
}

void Http1Reader::answer(ServerState& state, Response& out) const {
  if (!error_) {
    route(req_, state, out);
  } else if (error_ == http::error::body_limit) {
    error_response(413, "request body too large\n", out);
  } else if (error_ == http::error::header_limit) {
    error_response(431, "request header too large\n", out);
  } else {
    error_response(400, "bad request: " + error_.message() + "\n", out);
  }
}

void append_http1_head(const Response& res, int version, std::string& out) {
  const std::size_t start = out.size();
  out.append("HTTP/1.1 ");
  char digits[8];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, res.status);
  (void)ec;
  out.append(digits, end);
  out.push_back(' ');
  out.append(http::obsolete_reason(static_cast<http::status>(res.status)));
  const std::size_t status_line_end = out.size();
  out.append("\r\n");
  for (std::size_t i = 0; i < res.field_count(); ++i) {
    out.append(res.field_name(i));
    out.append(": ");
    out.append(res.field_value(i));
    out.append("\r\n");
  }
  if (res.close) {
    out.append("Connection: close\r\n");
  } else if (version == 10) {
    out.append("Connection: keep-alive\r\n");
  }
  const std::size_t plain = out.size() - start + 2;
  if (res.header_bytes > plain) {
    std::size_t missing = res.header_bytes - plain;
    constexpr std::string_view kName = "X-Fill: ";
    constexpr std::size_t kFieldOverhead = kName.size() + 2;  // name, CRLF
    constexpr std::size_t kMaxField = 1000;
    while (missing >= kFieldOverhead) {
      std::size_t field = std::min(missing, kMaxField);
      // Leave either nothing or enough for one more field.
      if (missing - field != 0 && missing - field < kFieldOverhead)
        field = missing - kFieldOverhead;
      out.append(kName);
      out.append(field - kFieldOverhead, 'f');
      out.append("\r\n");
      missing -= field;
    }
    out.insert(status_line_end, missing, ' ');
  }
  out.append("\r\n");
}

}  // namespace ccload::server
