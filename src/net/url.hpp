#pragma once
// A load-test target parsed once per run: where to connect and what to put in the request line.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ccload::net {

// The URL cannot be used; what() is one line naming the problem and the fix.
struct UrlError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

struct Target {
  std::string url;             // as given by the user
  bool tls = false;            // https
  std::string host;            // name or address to connect to (IPv6 without brackets)
  std::uint16_t port = 0;      // explicit or the scheme's default
  std::string host_header;     // value of the Host header: host, [v6], plus :port when not default
  std::string request_target;  // origin-form: path (default "/") and query, no fragment
  std::string origin() const;  // "https://host:port" for messages
};

// Accepts only absolute http:// and https:// URLs with a host. `default_https`: when the URL has
// no scheme, assume https (used for LOGTAIL_URL) instead of rejecting it.
Target parse_target(std::string_view url, bool default_https = false);

// `url` for messages: the password of a USER:PASSWORD@ part replaced by ***, whatever the scheme
// and whether or not the rest parses.
std::string redact_password(std::string_view url);

}  // namespace ccload::net
