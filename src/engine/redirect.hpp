#pragma once
// The rules of following a redirect (RFC 9110, 15.4), as hey, oha, k6, vegeta and aiohttp (the
// Python original's client) follow them by default: which statuses are followed, where the next
// hop goes and with which method.

#include <optional>
#include <string_view>

#include "net/url.hpp"

namespace ccload::engine {

// 301, 302, 303, 307 and 308 are followed (when they carry a Location); 300, 304 and the others
// are final responses.
constexpr bool is_followed_redirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

// 301, 302 and 303 turn the method into GET without a body (HEAD stays HEAD); 307 and 308 keep
// the method and the body.
constexpr bool redirect_keeps_method(int status) { return status == 307 || status == 308; }

// The hop a Location leads to from `from` (absolute, or relative to `from`), or nothing when it
// is not a usable http:// or https:// URL (then the request fails as `redirect`).
std::optional<net::Target> redirect_target(const net::Target& from, std::string_view location);

// Same scheme, host (ignoring case) and port: one connection can serve both.
bool same_origin(const net::Target& a, const net::Target& b);

}  // namespace ccload::engine
