#include <fmt/format.h>

#include <charconv>
#include <cmath>

#include "cli/command.hpp"

namespace ccload::cli {

double parse_duration(const std::string& text, const std::string& what, bool zero_means_none) {
  double value = 0;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  auto [rest, ec] = std::from_chars(begin, end, value);
  std::string_view unit(rest, static_cast<std::size_t>(end - rest));
  double scale = 0;
  if (unit.empty() || unit == "s") {
    scale = 1;
  } else if (unit == "ms") {
    scale = 1e-3;
  } else if (unit == "us") {
    scale = 1e-6;
  } else if (unit == "m") {
    scale = 60;
  } else if (unit == "h") {
    scale = 3600;
  }
  if (text.empty() || ec != std::errc() || scale == 0 || !std::isfinite(value) || value < 0) {
    throw UsageError(fmt::format(
        "{} '{}' is not a duration: write seconds (30, 1.5) or a number with a unit (200ms, 5s, "
        "2m){}",
        what, text, zero_means_none ? "; 0 means none" : ""));
  }
  return value * scale;
}

}  // namespace ccload::cli
