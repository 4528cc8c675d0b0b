#include "engine/request_bytes.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace ccload::engine {

namespace {

bool same_name(const std::string& a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool has_header(const EngineConfig& config, std::string_view name) {
  return std::any_of(config.headers.begin(), config.headers.end(),
                     [&](const auto& header) { return same_name(header.first, name); });
}

}  // namespace

std::string build_request(const EngineConfig& config) {
  std::string request =
      fmt::format("{} {} HTTP/1.1\r\n", config.method, config.target.request_target);
  if (!has_header(config, "Host"))
    request += fmt::format("Host: {}\r\n", config.target.host_header);
  if (!has_header(config, "User-Agent")) request += "User-Agent: ccload/" CCLOAD_VERSION "\r\n";
  if (!has_header(config, "Accept")) request += "Accept: */*\r\n";
  if (!config.body.empty() && !config.content_type.empty() && !has_header(config, "Content-Type")) {
    request += fmt::format("Content-Type: {}\r\n", config.content_type);
  }
  for (const auto& [name, value] : config.headers) {
    if (same_name(name, "Content-Length")) continue;  // always computed below
    request += fmt::format("{}: {}\r\n", name, value);
  }
  bool method_takes_body = config.method != "GET" && config.method != "HEAD";
  if (!config.body.empty() || method_takes_body) {
    request += fmt::format("Content-Length: {}\r\n", config.body.size());
  }
  request += "\r\n";
  request += config.body;
  return request;
}

}  // namespace ccload::engine
