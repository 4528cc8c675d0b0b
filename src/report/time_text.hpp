#pragma once
// How the reports write instants (one place for UTC and local-time text) and durations.

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

// A duration (seconds) as the pages write it, in the unit that fits it, to three significant
// digits without trailing zeros: "16.4 s", "431 ms", "12.5 ms", "850 µs", "0 s"; "–" when not
// finite. Every time on an HTML page (tables, cards, chart axes, sentences) is written by it.
std::string duration_text(double seconds);

// A value on a time axis whose top is `top_seconds`, in the unit duration_text gives that top, so
// that one axis has one unit: with a top of 50 ms, "0 ms", "12.5 ms", "25 ms", "37.5 ms", "50 ms".
std::string duration_axis_text(double seconds, double top_seconds);

}  // namespace ccload::report
