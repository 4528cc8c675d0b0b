#include "report/time_text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <string_view>

namespace ccload::report {

namespace {

std::string format_tm(const std::tm& tm, const char* format) {
  char text[64];
  const std::size_t n = std::strftime(text, sizeof text, format, &tm);
  return std::string(text, n);
}

// a / b rounded down (towards minus infinity), b > 0.
std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - (a % b < 0 ? 1 : 0); }

}  // namespace

std::string utc_text(std::int64_t unix_ns, const char* format) {
  const auto seconds = static_cast<std::time_t>(floor_div(unix_ns, 1'000'000'000));
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return format_tm(tm, format);
}

std::string local_text(std::int64_t unix_ns, const char* format) {
  const auto seconds = static_cast<std::time_t>(floor_div(unix_ns, 1'000'000'000));
  std::tm tm{};
  localtime_r(&seconds, &tm);
  return format_tm(tm, format);
}

RoundedTime round_time(std::int64_t unix_ns, int digits) {
  std::int64_t unit = 1'000'000'000;
  for (int i = 0; i < digits; ++i) unit /= 10;
  const std::int64_t units = floor_div(unix_ns + unit / 2, unit);
  const std::int64_t per_second = 1'000'000'000 / unit;
  const std::int64_t seconds = floor_div(units, per_second);
  return {seconds, units - seconds * per_second};
}

std::string utc_iso(std::int64_t unix_ns) {
  const RoundedTime t = round_time(unix_ns, 3);
  return fmt::format("{}.{:03}Z", utc_text(t.seconds * 1'000'000'000, "%Y-%m-%dT%H:%M:%S"),
                     t.fraction);
}

std::string local_time(std::int64_t unix_ns) {
  const RoundedTime t = round_time(unix_ns, 3);
  const auto seconds = static_cast<std::time_t>(t.seconds);
  std::tm tm{};
  localtime_r(&seconds, &tm);
  return fmt::format("{}.{:03}", format_tm(tm, "%Y-%m-%d %H:%M:%S"), t.fraction);
}

std::string local_time_s(double epoch_seconds, bool micros) {
  std::time_t seconds = static_cast<std::time_t>(std::floor(epoch_seconds));
  std::int64_t us = 0;
  if (micros) {
    const RoundedTime t = round_time(std::llround(epoch_seconds * 1e9), 6);
    seconds = static_cast<std::time_t>(t.seconds);
    us = t.fraction;
  }
  std::tm tm{};
  localtime_r(&seconds, &tm);
  std::string text = format_tm(tm, "%Y-%m-%d %H:%M:%S");
  if (micros) text += fmt::format(".{:06}", us);
  return text;
}

std::string duration_text(double seconds) {
  if (!std::isfinite(seconds)) return "–";
  if (seconds == 0) return "0 s";
  if (std::fabs(seconds) >= 1000) return fmt::format("{:.0f} s", std::round(seconds));
  // Rounded to three significant digits first, so that the unit is chosen for the value shown:
  // 0.99996 s is "1 s", not "1000 ms".
  const double scale = std::pow(10.0, std::floor(std::log10(std::fabs(seconds))) - 2);
  const double rounded = std::round(seconds / scale) * scale;
  const double magnitude = std::fabs(rounded);
  double value = rounded;
  const char* unit = "s";
  if (magnitude < 1e-3) {
    value = rounded * 1e6, unit = "µs";
  } else if (magnitude < 1) {
    value = rounded * 1e3, unit = "ms";
  }
  const int before = std::max(1, static_cast<int>(std::floor(std::log10(std::fabs(value)))) + 1);
  std::string text = fmt::format("{:.{}f}", value, std::max(0, 3 - before));
  if (text.find('.') != std::string::npos) {  // trailing zeros dropped: "12.5 ms", "2 s"
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
  }
  return text + " " + unit;
}

std::string duration_axis_text(double seconds, double top_seconds) {
  const std::string top = duration_text(top_seconds);
  const std::string_view unit = std::string_view(top).substr(top.rfind(' ') + 1);
  const double scale = unit == "µs" ? 1e6 : unit == "ms" ? 1e3 : 1;
  return fmt::format("{:.6g} {}", seconds * scale, unit);
}

}  // namespace ccload::report
