#pragma once
// How the reports write instants: one place for UTC and local-time text.

#include <cstdint>
#include <string>

namespace ccload::report {

// A Unix time in nanoseconds as UTC text through strftime's `format` (whole seconds).
std::string utc_text(std::int64_t unix_ns, const char* format);

// "2026-11-26T14:41:36.123Z".
std::string utc_iso(std::int64_t unix_ns);

// "2026-11-26 14:41:36.123" in local time.
std::string local_time(std::int64_t unix_ns);

// "2026-11-26 14:41:36" in local time, with ".123456" when `micros`.
std::string local_time_s(double epoch_seconds, bool micros = false);

}  // namespace ccload::report
