#include "cli/distributed.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <ctime>

#include "cli/command.hpp"

namespace ccload::cli {

namespace {

constexpr std::int64_t kSecondNs = 1'000'000'000;
constexpr std::int64_t kDayNs = 86'400 * kSecondNs;

bool parse_unsigned(std::string_view text, unsigned& value) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return !text.empty() && ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

Shard parse_shard(const std::string& text,
                  const std::function<std::optional<std::string>(const std::string&)>& getenv) {
  const auto slash = text.find('/');
  Shard shard;
  const std::string problem = fmt::format(
      "--shard '{}' is not i/N with 0 <= i < N (for example --shard 0/3, or --shard auto/3 inside "
      "a Kubernetes Indexed Job)",
      text);
  if (slash == std::string::npos || !parse_unsigned(text.substr(slash + 1), shard.count) ||
      shard.count == 0 || shard.count > 10'000) {
    throw UsageError(problem);
  }
  const std::string index = text.substr(0, slash);
  if (index == "auto") {
    const auto value = getenv("JOB_COMPLETION_INDEX");
    if (!value) {
      throw UsageError(
          "--shard auto/N reads the shard from JOB_COMPLETION_INDEX, which is not set: run it in "
          "a Kubernetes Indexed Job, or give the index (--shard 0/3)");
    }
    if (!parse_unsigned(*value, shard.index) || shard.index >= shard.count) {
      throw UsageError(fmt::format(
          "JOB_COMPLETION_INDEX={} is not a shard of {}: the Job's completions must equal N",
          *value, shard.count));
    }
    return shard;
  }
  if (!parse_unsigned(index, shard.index) || shard.index >= shard.count) throw UsageError(problem);
  return shard;
}

std::int64_t parse_start_at(const std::string& text, std::int64_t now_unix_ns) {
  const std::string fix = fmt::format(
      "--start-at '{}' is not a time: give RFC 3339 (2026-11-28T07:30:00Z) or a delay from now "
      "(+30s, +2m)",
      text);
  std::int64_t at = 0;
  if (!text.empty() && text[0] == '+') {
    double value = 0;
    const char* begin = text.data() + 1;
    const char* end = text.data() + text.size();
    auto [rest, ec] = std::from_chars(begin, end, value);
    const std::string_view unit(rest, static_cast<std::size_t>(end - rest));
    double scale = 0;
    if (unit == "s" || unit.empty()) scale = 1;
    if (unit == "ms") scale = 1e-3;
    if (unit == "m") scale = 60;
    if (unit == "h") scale = 3600;
    if (ec != std::errc() || scale == 0 || value < 0) throw UsageError(fix);
    at = now_unix_ns + static_cast<std::int64_t>(value * scale * 1e9);
  } else {
    std::tm tm{};
    const char* rest = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
    if (rest == nullptr) throw UsageError(fix);
    at = static_cast<std::int64_t>(timegm(&tm)) * kSecondNs;
    std::string_view tail(rest);
    if (!tail.empty() && tail[0] == '.') {  // fraction of a second
      std::size_t digits = 1;
      double scale = 1e8;
      std::int64_t fraction = 0;
      while (digits < tail.size() && std::isdigit(static_cast<unsigned char>(tail[digits]))) {
        fraction += static_cast<std::int64_t>((tail[digits] - '0') * scale);
        scale /= 10;
        ++digits;
      }
      at += fraction;
      tail.remove_prefix(digits);
    }
    if (tail == "Z" || tail == "z") {
    } else if (tail.size() == 6 && (tail[0] == '+' || tail[0] == '-') && tail[3] == ':') {
      unsigned hours = 0, minutes = 0;
      if (!parse_unsigned(tail.substr(1, 2), hours) ||
          !parse_unsigned(tail.substr(4, 2), minutes)) {
        throw UsageError(fix);
      }
      const std::int64_t offset = (std::int64_t{hours} * 3600 + minutes * 60) * kSecondNs;
      at += tail[0] == '+' ? -offset : offset;
    } else {
      throw UsageError(fix);
    }
  }
  if (at - now_unix_ns > kDayNs) {
    throw UsageError(fmt::format(
        "--start-at '{}' is more than a day ahead: give a time within the next 24 hours", text));
  }
  return at;
}

std::string check_run_name(const std::string& text) {
  const bool allowed = !text.empty() && text.size() <= 64 &&
                       std::all_of(text.begin(), text.end(), [](unsigned char c) {
                         return std::isalnum(c) || c == '-' || c == '_' || c == '.';
                       });
  const bool all_digits =
      std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
  if (!allowed || all_digits || text == "last" || text.starts_with("last~")) {
    throw UsageError(fmt::format(
        "--run-id '{}' is not a run name: use 1-64 letters, digits, '-', '_' or '.', not only "
        "digits (for example --run-id checkout-2026-11-28)",
        text));
  }
  return text;
}

}  // namespace ccload::cli
