#include "sinks/policy.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <ctime>
#include <vector>

namespace ccload::sinks {

Verdict classify(int status) {
  if (status >= 200 && status <= 299) return Verdict::shipped;
  if (status == 401 || status == 403) return Verdict::rejected;
  if (status == 0 || status == 429 || (status >= 500 && status <= 599)) return Verdict::retry;
  return Verdict::give_up;
}

std::chrono::milliseconds backoff_delay(int tries_done) {
  const int exponent = std::clamp(tries_done, 1, 4) - 1;
  return std::chrono::milliseconds(std::min(250 << exponent, 2000));
}

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::int64_t now_unix_s) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    std::int64_t seconds = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (ec != std::errc() || end != value.data() + value.size()) {
      return kMaxRetryAfter;  // more digits than fit: a very long wait
    }
    return std::chrono::milliseconds(std::min<std::int64_t>(seconds, 86'400) * 1000);
  }
  // IMF-fixdate, the form HTTP/1.1 senders must use ("Sun, 06 Nov 1994 08:49:37 GMT"), and the
  // two obsolete forms recipients must still accept (RFC 9110, 5.6.7): RFC 850 and asctime.
  const std::string text(value);
  for (const char* format :
       {"%a, %d %b %Y %H:%M:%S GMT", "%A, %d-%b-%y %H:%M:%S GMT", "%a %b %e %H:%M:%S %Y"}) {
    std::tm tm{};
    const char* end = strptime(text.c_str(), format, &tm);
    if (end == nullptr || *end != '\0') continue;
    const std::int64_t at = timegm(&tm);
    return std::chrono::milliseconds(std::max<std::int64_t>(0, at - now_unix_s) * 1000);
  }
  return std::nullopt;
}

std::chrono::milliseconds retry_delay(int tries_done,
                                      std::optional<std::chrono::milliseconds> retry_after) {
  const std::chrono::milliseconds backoff = backoff_delay(tries_done);
  if (!retry_after) return backoff;
  return std::max(backoff, std::min(*retry_after, kMaxRetryAfter));
}

namespace {

std::string requests(std::uint64_t n) {
  return fmt::format("{} failed request{}", n, n == 1 ? "" : "s");
}

std::string seconds(double s) { return fmt::format("{:g} s", s); }

}  // namespace

std::string report_line(const SinkOutcome& outcome, std::uint64_t total_failures,
                        const FailureStore& store) {
  if (outcome.shipped >= total_failures) {
    return outcome.host.empty()
               ? fmt::format("{} shipped to {}.", requests(total_failures), outcome.sink)
               : fmt::format("{} shipped to {} ({}).", requests(total_failures), outcome.sink,
                             outcome.host);
  }
  const std::string where =
      outcome.host.empty() ? outcome.sink : fmt::format("{} at {}", outcome.sink, outcome.host);
  const std::uint64_t missing = total_failures - outcome.shipped;
  std::vector<std::string> reasons;
  if (outcome.rejected_status != 0) {
    std::string reason = fmt::format("the token was rejected (HTTP {})", outcome.rejected_status);
    if (!outcome.credential.empty()) reason += ": check " + outcome.credential;
    reasons.push_back(std::move(reason));
  } else if (outcome.deadline_passed) {
    std::string reason =
        fmt::format("the final flush gave up at its {} deadline", seconds(outcome.deadline_s));
    if (!outcome.last_error.empty()) reason += ", last error: " + outcome.last_error;
    reasons.push_back(std::move(reason));
  } else if (!outcome.last_error.empty()) {
    reasons.push_back(outcome.last_error);
  }
  if (outcome.dropped > 0) {
    reasons.push_back(fmt::format("{} dropped because the queue was full", outcome.dropped));
  }
  if (reasons.empty()) reasons.emplace_back("reason unknown");
  std::string reason_text;
  for (const auto& reason : reasons) {
    if (!reason_text.empty()) reason_text += "; ";
    reason_text += reason;
  }
  std::string head = outcome.shipped == 0
                         ? fmt::format("{} {} not shipped to {}", requests(total_failures),
                                       total_failures == 1 ? "was" : "were", where)
                         : fmt::format("{} of {} could not be shipped to {}", missing,
                                       requests(total_failures), where);
  std::string tail = store.database.empty()
                         ? std::string(".")
                         : fmt::format("; they are in {}, run {}.", store.database, store.run_id);
  return fmt::format("{} ({}){}", head, reason_text, tail);
}

std::string not_configured_line(std::uint64_t total_failures) {
  return fmt::format("{} {} not shipped: LOGTAIL_TOKEN is not set.", requests(total_failures),
                     total_failures == 1 ? "was" : "were");
}

}  // namespace ccload::sinks
