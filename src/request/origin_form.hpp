#pragma once
// Whether a request target is in origin-form (RFC 9112 3.2.1; RFC 3986's grammar): an absolute
// path and an optional query,
//
//   origin-form = 1*( "/" segment ) [ "?" query ]     segment = *pchar    query = *( pchar / "/" /
//   "?" ) pchar = unreserved / pct-encoded / sub-delims / ":" / "@"
//
// so: a leading "/", then only those bytes, and every "%" followed by two hex digits. One pass
// over the bytes with a table, no allocation: the request filler checks every filled request
// target with it (boost::urls::parse_origin_form accepts the same strings, and
// tests/request/origin_form_test.cpp holds them to it, but costs about ten times as much).

#include <array>
#include <cstdint>
#include <string_view>

namespace ccload::request {

namespace detail {
constexpr std::array<bool, 256> origin_form_bytes() {
  std::array<bool, 256> allowed{};
  for (int c = 'a'; c <= 'z'; ++c) allowed[static_cast<std::size_t>(c)] = true;
  for (int c = 'A'; c <= 'Z'; ++c) allowed[static_cast<std::size_t>(c)] = true;
  for (int c = '0'; c <= '9'; ++c) allowed[static_cast<std::size_t>(c)] = true;
  for (const char c : std::string_view("-._~!$&'()*+,;=:@/?%")) {
    allowed[static_cast<unsigned char>(c)] = true;
  }
  return allowed;
}
inline constexpr std::array<bool, 256> kOriginFormBytes = origin_form_bytes();

constexpr bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
}  // namespace detail

constexpr bool is_origin_form(std::string_view target) {
  if (target.empty() || target.front() != '/') return false;
  for (std::size_t i = 0; i < target.size(); ++i) {
    const char c = target[i];
    if (!detail::kOriginFormBytes[static_cast<unsigned char>(c)]) return false;
    if (c == '%') {
      if (i + 2 >= target.size() || !detail::is_hex(target[i + 1]) ||
          !detail::is_hex(target[i + 2])) {
        return false;
      }
      i += 2;
    }
  }
  return true;
}

}  // namespace ccload::request
