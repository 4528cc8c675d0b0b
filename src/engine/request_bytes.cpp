#include "engine/request_bytes.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/text.hpp"
#include "core/version.hpp"

namespace ccload::engine {

namespace {

bool has_header(const HeaderList& headers, std::string_view name) {
  return std::any_of(headers.begin(), headers.end(),
                     [&](const auto& header) { return iequals(header.first, name); });
}

}  // namespace

std::string build_request(std::string_view method, const net::Target& where,
                          const HeaderList& headers, std::string_view body,
                          std::string_view content_type) {
  std::string request = fmt::format("{} {} HTTP/1.1\r\n", method, where.request_target);
  if (!has_header(headers, "Host")) request += fmt::format("Host: {}\r\n", where.host_header);
  if (!has_header(headers, "User-Agent")) request += fmt::format("User-Agent: {}\r\n", kUserAgent);
  if (!has_header(headers, "Accept")) request += "Accept: */*\r\n";
  if (!body.empty() && !content_type.empty() && !has_header(headers, "Content-Type")) {
    request += fmt::format("Content-Type: {}\r\n", content_type);
  }
  for (const auto& [name, value] : headers) {
    if (iequals(name, "Content-Length")) continue;  // always computed below
    request += fmt::format("{}: {}\r\n", name, value);
  }
  const bool method_takes_body = method != "GET" && method != "HEAD";
  if (!body.empty() || method_takes_body) {
    request += fmt::format("Content-Length: {}\r\n", body.size());
  }
  request += "\r\n";
  request += body;
  return request;
}

HeaderList hop_headers(const HeaderList& headers, bool with_body, bool same_origin) {
  HeaderList kept;
  for (const auto& header : headers) {
    const std::string& name = header.first;
    if (iequals(name, "Host")) continue;
    if (!with_body && iequals(name, "Content-Type")) continue;
    if (!same_origin && (iequals(name, "Authorization") || iequals(name, "Cookie") ||
                         iequals(name, "Proxy-Authorization"))) {
      continue;
    }
    kept.push_back(header);
  }
  return kept;
}

}  // namespace ccload::engine
