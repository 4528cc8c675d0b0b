#pragma once
// Addresses as text: one to listen on (--metrics-listen), one to connect to (thread.addr).

#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace ccload::net {

// "HOST:PORT" or "[IPV6]:PORT" as host (no brackets) and port; none when it is not that form.
std::optional<std::pair<std::string, std::uint16_t>> split_host_port(std::string_view text);

// "IP:PORT" or "[IPV6]:PORT" with a numeric address (wrk's thread.addr), or none.
std::optional<boost::asio::ip::tcp::endpoint> numeric_endpoint(std::string_view text);

// "127.0.0.1:9464", "[::1]:9464", "localhost:9464" as host and port. Throws UrlError
// (one line) when it is not that form.
std::pair<std::string, std::uint16_t> parse_listen_address(const std::string& text);

// Whether `host` (a literal address or "localhost") is a loopback address.
bool is_loopback_host(const std::string& host);

}  // namespace ccload::net
