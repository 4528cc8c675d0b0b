#pragma once
// Pure decisions of the failure shippers: what to do with an ingest answer, how long to back off,
// and the one report line per sink. Unit-tested in tests/sinks.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ccload::sinks {

// What one HTTP attempt means for its batch.
enum class Verdict {
  shipped,   // 2xx: the batch is accepted
  retry,     // 5xx, 429 or a transport error (status 0): try again after a backoff
  give_up,   // any other answer (4xx, 1xx, 3xx): retrying cannot help; drop this batch
  rejected,  // 401 or 403: the credentials are wrong; stop shipping for the run
};
Verdict classify(int status);

// At most this many attempts per batch (always bounded by the final deadline as well).
inline constexpr int kMaxTries = 4;

// The wait after `tries_done` failed attempts (1-based): 250 ms, 500 ms, 1 s, then 2 s (the cap).
std::chrono::milliseconds backoff_delay(int tries_done);

// A Retry-After header (RFC 9110, 10.2.3): delay-seconds ("120") or an HTTP date
// ("Wed, 21 Oct 2026 07:28:00 GMT", then relative to `now_unix_s`; a past date is 0). Nothing when
// absent or malformed.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::int64_t now_unix_s);

// The longest Retry-After honoured: a service asking for more is waited on this long (and never
// past the final flush's deadline).
inline constexpr std::chrono::milliseconds kMaxRetryAfter{30'000};

// The wait before the next attempt: the backoff, or the service's Retry-After when it asks for
// longer (capped at kMaxRetryAfter).
std::chrono::milliseconds retry_delay(int tries_done,
                                      std::optional<std::chrono::milliseconds> retry_after);

// How one sink's run went, as counted by its shipping thread.
struct SinkOutcome {
  std::string sink;           // "Betterstack", "Grafana Loki"
  std::string host;           // the ingest host (and port when not the default), never a secret
  std::string credential;     // what to check when rejected, e.g. "LOGTAIL_TOKEN"; may be empty
  std::uint64_t shipped = 0;  // events the service accepted
  std::uint64_t dropped = 0;  // events dropped because the queue was full
  int rejected_status = 0;    // 401/403 when shipping stopped because the service refused us
  std::string last_error;     // the last reason a batch was given up, e.g. "HTTP 503 after 4 tries"
  bool deadline_passed = false;  // the final flush gave up at its deadline
  double deadline_s = 0;
};

// Where the failures can still be found, for the "they are in load.db, run 7" tail.
struct FailureStore {
  std::string database;  // empty when the run was not stored
  std::int64_t run_id = 0;
};

// One line for one sink, given the run's number of failed requests (> 0). Examples:
//   "12 failed requests shipped to Betterstack (in.logs.betterstack.com)."
//   "3 of 12 failed requests could not be shipped to Betterstack (HTTP 503 after 4 tries); they
//    are in load.db, run 7."
std::string report_line(const SinkOutcome& outcome, std::uint64_t total_failures,
                        const FailureStore& store);

// The line when no sink is configured and the run had failures.
std::string not_configured_line(std::uint64_t total_failures);

}  // namespace ccload::sinks
