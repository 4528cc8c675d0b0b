// config::parse_env on any text: it never throws, and what it returns is consistent.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "config/env_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const ccload::config::EnvFile file = ccload::config::parse_env(text);
  int previous = 0;
  for (const auto& entry : file.entries) {
    if (entry.key.empty() || entry.line <= previous) __builtin_trap();
    previous = entry.line;
  }
  for (const auto& problem : file.problems) {
    if (problem.line < 1 || problem.message.empty()) __builtin_trap();
  }
  return 0;
}
