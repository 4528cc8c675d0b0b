#pragma once
// The flags of a distributed run: `--shard i/N` (or `auto/N` from the job engine's index),
// `--run-id NAME` and `--start-at TIME`. Pure parsing; each throws UsageError with the fix.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace ccload::cli {

struct Shard {
  unsigned index = 0;  // 0 <= index < count
  unsigned count = 1;
};

// "2/3", or "auto/3" reading the index from JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) via
// `getenv`.
Shard parse_shard(const std::string& text,
                  const std::function<std::optional<std::string>(const std::string&)>& getenv);

// RFC 3339 ("2026-11-28T07:30:00Z", "2026-11-28T08:30:00.5+01:00") or "+30s" / "+2m" from
// `now_unix_ns`, as Unix nanoseconds. Refused when more than a day ahead.
std::int64_t parse_start_at(const std::string& text, std::int64_t now_unix_ns);

// A run name: 1-64 letters, digits, '-', '_' or '.', not only digits (ids are numbers) and not
// "last" or "last~N".
std::string check_run_name(const std::string& text);

}  // namespace ccload::cli
