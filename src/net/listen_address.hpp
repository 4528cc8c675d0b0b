#pragma once
// An address to listen on, as options give it (--metrics-listen).

#include <cstdint>
#include <string>
#include <utility>

namespace ccload::net {

// "127.0.0.1:9464", "[::1]:9464", "localhost:9464" as host and port. Throws UrlError
// (one line) when it is not that form.
std::pair<std::string, std::uint16_t> parse_listen_address(const std::string& text);

// Whether `host` (a literal address or "localhost") is a loopback address.
bool is_loopback_host(const std::string& host);

}  // namespace ccload::net
