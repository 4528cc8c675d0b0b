#include "engine/request_bytes.hpp"

#include <vector>

#include "core/text.hpp"
#include "request/http1_request.hpp"

namespace ccload::engine {

std::string build_request(std::string_view method, const net::Target& where,
                          const HeaderList& headers, std::string_view body,
                          std::string_view content_type) {
  std::vector<request::HeaderView> views;
  views.reserve(headers.size());
  for (const auto& [name, value] : headers) views.push_back({name, value});
  std::string request;
  request::append_http1_request(request, method, where.request_target, where.host_header, views,
                                body, content_type);
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
