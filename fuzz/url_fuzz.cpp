// net::parse_target on any text: it returns a usable Target or throws UrlError, nothing else.
// And engine::redirect_target (a Location resolved against the hop it came from): a usable Target
// or nothing, never an exception. The first byte chooses default_https; the rest is the URL, and
// after its first line break, a Location.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engine/redirect.hpp"
#include "net/url.hpp"

namespace {

// What the engine relies on: somewhere to connect and an origin-form request target.
void check(const ccload::net::Target& target) {
  if (target.host.empty() || target.port == 0 || target.host_header.empty()) __builtin_trap();
  if (target.request_target.empty() || target.request_target.front() != '/') __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const bool default_https = (data[0] & 1) != 0;
  const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::size_t line = input.find('\n');
  const std::string_view url = input.substr(0, line);
  try {
    const ccload::net::Target target = ccload::net::parse_target(url, default_https);
    check(target);
    if (line != std::string_view::npos) {
      if (auto next = ccload::engine::redirect_target(target, input.substr(line + 1))) check(*next);
    }
  } catch (const ccload::net::UrlError&) {
  }
  return 0;
}
