#pragma once
// The HTTP/1.1 request of a target, serialized once per run and sent unchanged on every request;
// and the request of a redirect hop, built when the hop is taken.

#include <string>
#include <string_view>

#include "core/target.hpp"
#include "net/url.hpp"

namespace ccload::engine {

// `method` to `where` with `headers` (a Host, User-Agent or Accept among them replaces ccload's),
// `body` (with Content-Length; also an empty one for methods that take a body) and, when the body
// is not empty and the headers have none, `content_type`.
std::string build_request(std::string_view method, const net::Target& where,
                          const HeaderList& headers, std::string_view body,
                          std::string_view content_type);

inline std::string build_request(const TargetSpec& target, const net::Target& where) {
  return build_request(target.method, where, target.headers, target.body, target.content_type);
}

// The headers a redirect hop keeps: the target's without Host (the hop names its own), without
// Content-Type when the hop has no body, and without credentials (Authorization, Cookie,
// Proxy-Authorization) when the hop leaves the target's origin, as curl and browsers do.
HeaderList hop_headers(const HeaderList& headers, bool with_body, bool same_origin);

}  // namespace ccload::engine
