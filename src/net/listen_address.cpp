#include "net/listen_address.hpp"

#include <fmt/format.h>

#include <boost/asio/ip/address.hpp>
#include <charconv>

#include "net/url.hpp"

namespace ccload::net {

std::optional<std::pair<std::string, std::uint16_t>> split_host_port(std::string_view text) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) return {};
  std::string host(text.substr(0, colon));
  if (host.front() == '[') {
    if (host.size() < 2 || host.back() != ']') return {};
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string::npos) {
    return {};  // an IPv6 address needs brackets
  }
  const std::string_view digits = text.substr(colon + 1);
  unsigned port = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (error != std::errc() || end != digits.data() + digits.size() || port > 65535) return {};
  return std::pair{host, static_cast<std::uint16_t>(port)};
}

std::optional<boost::asio::ip::tcp::endpoint> numeric_endpoint(std::string_view text) {
  const auto parts = split_host_port(text);
  if (!parts) return {};
  boost::system::error_code ec;
  const boost::asio::ip::address ip = boost::asio::ip::make_address(parts->first, ec);
  if (ec) return {};
  return boost::asio::ip::tcp::endpoint(ip, parts->second);
}

std::pair<std::string, std::uint16_t> parse_listen_address(const std::string& text) {
  const auto parts = split_host_port(text);
  if (!parts) {
    throw UrlError(
        fmt::format("--metrics-listen '{}' is not HOST:PORT: give an address and a port, such as "
                    "127.0.0.1:9464 or [::1]:9464",
                    text));
  }
  return *parts;
}

bool is_loopback_host(const std::string& host) {
  if (host == "localhost") return true;
  boost::system::error_code ec;
  const boost::asio::ip::address address = boost::asio::ip::make_address(host, ec);
  return !ec && address.is_loopback();
}

}  // namespace ccload::net
