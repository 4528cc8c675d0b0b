#include "report/sparkline.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <string_view>

namespace ccload::report {

namespace {

constexpr std::array<std::string_view, 8> kBlocks = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
constexpr std::string_view kAscii = "_.-=^";

}  // namespace

std::string sparkline(const std::vector<std::optional<double>>& values, Charset charset) {
  double low = 0, high = 0;
  bool any = false;
  for (const auto& v : values) {
    if (!v) continue;
    low = any ? std::min(low, *v) : *v;
    high = any ? std::max(high, *v) : *v;
    any = true;
  }
  const std::size_t levels = charset == Charset::unicode ? kBlocks.size() : kAscii.size();
  std::string out;
  for (const auto& v : values) {
    if (!v) {
      out += ' ';
      continue;
    }
    const double place = high > low ? (*v - low) / (high - low) : 0.5;
    const auto level = std::min(
        levels - 1, static_cast<std::size_t>(std::lround(place * static_cast<double>(levels - 1))));
    if (charset == Charset::unicode) {
      out += kBlocks[level];
    } else {
      out += kAscii[level];
    }
  }
  return out;
}

Charset terminal_charset(const std::function<const char*(const char*)>& getenv) {
  for (const char* name : {"LC_ALL", "LC_CTYPE", "LANG"}) {
    const char* value = getenv(name);
    if (value == nullptr || *value == '\0') continue;
    std::string lower(value);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const bool utf8 =
        lower.find("utf-8") != std::string::npos || lower.find("utf8") != std::string::npos;
    return utf8 ? Charset::unicode : Charset::ascii;
  }
  return Charset::ascii;
}

}  // namespace ccload::report
