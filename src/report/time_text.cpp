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

}  // namespace

std::string utc_text(std::int64_t unix_ns, const char* format) {
  const auto seconds = static_cast<std::time_t>(unix_ns / 1'000'000'000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return format_tm(tm, format);
}

std::string utc_iso(std::int64_t unix_ns) {
  return fmt::format("{}.{:03}Z", utc_text(unix_ns, "%Y-%m-%dT%H:%M:%S"),
                     (unix_ns / 1'000'000) % 1000);
}

std::string local_time(std::int64_t unix_ns) {
  const auto seconds = static_cast<std::time_t>(unix_ns / 1'000'000'000);
  std::tm tm{};
  localtime_r(&seconds, &tm);
  return fmt::format("{}.{:03}", format_tm(tm, "%Y-%m-%d %H:%M:%S"), (unix_ns / 1'000'000) % 1000);
}

std::string local_time_s(double epoch_seconds, bool micros) {
  const auto seconds = static_cast<std::time_t>(std::floor(epoch_seconds));
  std::tm tm{};
  localtime_r(&seconds, &tm);
  std::string text = format_tm(tm, "%Y-%m-%d %H:%M:%S");
  if (micros) {
    auto us = static_cast<long>(std::llround((epoch_seconds - std::floor(epoch_seconds)) * 1e6));
    text += fmt::format(".{:06}", std::min(us, 999999L));
  }
  return text;
}

}  // namespace ccload::report
