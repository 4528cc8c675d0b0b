#include "request/http1_request.hpp"

#include <algorithm>
#include <charconv>

#include "core/text.hpp"
#include "core/version.hpp"

namespace ccload::request {

namespace {

constexpr std::string_view kCrlf = "\r\n";
constexpr std::size_t kMaxDigits = 20;  // of a 64-bit length

void append_line(std::string& out, std::string_view name, std::string_view value) {
  out.append(name);
  out.append(": ");
  out.append(value);
  out.append(kCrlf);
}

bool method_takes_body(std::string_view method) { return method != "GET" && method != "HEAD"; }

}  // namespace

bool has_header(std::span<const HeaderView> headers, std::string_view name) {
  return std::any_of(headers.begin(), headers.end(),
                     [&](const HeaderView& header) { return iequals(header.name, name); });
}

void append_http1_request(std::string& out, std::string_view method,
                          std::string_view request_target, std::string_view host_header,
                          std::span<const HeaderView> headers, std::string_view body,
                          std::string_view content_type) {
  out.append(method);
  out.push_back(' ');
  out.append(request_target);
  out.append(" HTTP/1.1\r\n");
  if (!has_header(headers, "Host")) append_line(out, "Host", host_header);
  if (!has_header(headers, "User-Agent")) append_line(out, "User-Agent", kUserAgent);
  if (!has_header(headers, "Accept")) append_line(out, "Accept", "*/*");
  if (!body.empty() && !content_type.empty() && !has_header(headers, "Content-Type")) {
    append_line(out, "Content-Type", content_type);
  }
  for (const HeaderView& header : headers) {
    if (iequals(header.name, "Content-Length")) continue;  // always computed below
    append_line(out, header.name, header.value);
  }
  if (!body.empty() || method_takes_body(method)) {
    char digits[kMaxDigits];
    const auto end = std::to_chars(digits, digits + kMaxDigits, body.size()).ptr;
    append_line(out, "Content-Length",
                std::string_view(digits, static_cast<std::size_t>(end - digits)));
  }
  out.append(kCrlf);
  out.append(body);
}

std::size_t http1_request_size(std::string_view method, std::size_t target_size,
                               std::string_view host_header, std::size_t header_count,
                               std::size_t headers_size, std::size_t body_size,
                               std::string_view content_type) {
  constexpr std::size_t kLine = 4;  // ": " and CRLF
  return method.size() + 1 + target_size + 11 + (4 + kLine + host_header.size()) +
         (10 + kLine + std::string_view(kUserAgent).size()) + (6 + kLine + 3) +
         (12 + kLine + content_type.size()) + header_count * kLine + headers_size +
         (14 + kLine + kMaxDigits) + 2 + body_size;
}

}  // namespace ccload::request
