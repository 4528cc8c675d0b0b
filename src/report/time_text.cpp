#include "report/time_text.hpp"

#include <fmt/format.h>

#include <cmath>
#include <ctime>

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

}  // namespace ccload::report
