// cli::parse_targets on any text: it returns at least one usable target (its URL a template, or
// one the engine accepts) or throws UsageError with one printable line, nothing else. Body files
// are not read from disk: an @path line whose path contains "missing" cannot be read, any other
// path's body is the path itself.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cli/targets_file.hpp"
#include "net/url.hpp"

namespace {

bool is_upper_method(const std::string& method) {
  for (const char* known : {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}) {
    if (method == known) return true;
  }
  return false;
}

bool has_control(std::string_view text, bool tab_allowed) {
  return std::any_of(text.begin(), text.end(), [&](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return (byte < 0x20 && !(tab_allowed && c == '\t')) || byte == 0x7f;
  });
}

void check(const ccload::TargetSpec& target) {
  if (!is_upper_method(target.method) || !target.content_type.empty()) __builtin_trap();
  // A URL with template fields is checked once compiled and filled (app::plan_run); any other
  // URL a targets file accepts must be one the engine accepts.
  if (target.url.find("{{") == std::string::npos) {
    try {
      (void)ccload::net::parse_target(target.url);
    } catch (const ccload::net::UrlError&) {
      __builtin_trap();
    }
  }
  for (const auto& [name, value] : target.headers) {
    if (name.empty() || name.find_first_of(" \t:") != std::string::npos) __builtin_trap();
    if (has_control(name, false) || has_control(value, true)) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto read_file = [](const std::string& path) -> std::optional<std::string> {
    if (path.empty() || path.find("missing") != std::string::npos) return std::nullopt;
    return path;
  };
  try {
    const auto targets = ccload::cli::parse_targets(text, "targets.txt", read_file);
    if (targets.empty()) __builtin_trap();
    for (const auto& target : targets) check(target);
  } catch (const ccload::cli::UsageError& error) {
    const std::string_view message = error.what();
    if (message.empty() || has_control(message, false)) __builtin_trap();
  }
  return 0;
}
