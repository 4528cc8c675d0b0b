#pragma once
// How the reports write instants: one place for UTC and local-time text.

#include <cstdint>
#include <string>

namespace ccload::report {

// A Unix time in nanoseconds rounded (half up) to `digits` decimals of a second (0 to 9): whole
// seconds and the fraction in those units (1704067200.1229998 s to 3 digits: 1704067200 and 123).
// Every instant shown with a fraction is rounded so: a time read back from seconds stored as
// text or a double (PyLoad's `1704067200.123`) is a few ns off, never truncated a unit down.
struct RoundedTime {
  std::int64_t seconds = 0;
  std::int64_t fraction = 0;
};
RoundedTime round_time(std::int64_t unix_ns, int digits);

// A Unix time in nanoseconds as UTC text through strftime's `format` (whole seconds).
std::string utc_text(std::int64_t unix_ns, const char* format);

// A Unix time in nanoseconds as local-time text through strftime's `format` (whole seconds).
std::string local_text(std::int64_t unix_ns, const char* format);

// "2026-11-26T14:41:36.123Z" (rounded to the millisecond).
std::string utc_iso(std::int64_t unix_ns);

// "2026-11-26 14:41:36.123" in local time (rounded to the millisecond).
std::string local_time(std::int64_t unix_ns);

// "2026-11-26 14:41:36" in local time (whole seconds, as a clock shows them: truncated), or
// "2026-11-26 14:41:36.123456" when `micros` (rounded to the microsecond).
std::string local_time_s(double epoch_seconds, bool micros = false);

}  // namespace ccload::report
