// net::parse_target on any text: it returns a usable Target or throws UrlError, nothing else.
// The first byte chooses default_https; the rest is the URL.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "net/url.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const bool default_https = (data[0] & 1) != 0;
  const std::string_view url(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    const ccload::net::Target target = ccload::net::parse_target(url, default_https);
    // What the engine relies on: somewhere to connect and an origin-form request target.
    if (target.host.empty() || target.port == 0 || target.host_header.empty()) __builtin_trap();
    if (target.request_target.empty() || target.request_target.front() != '/') __builtin_trap();
  } catch (const ccload::net::UrlError&) {
  }
  return 0;
}
