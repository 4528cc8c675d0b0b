#pragma once
// The generator's own resources, checked before anything is sent: a run whose connections cannot
// all get a file descriptor would fail on ccload's side and look like the server's failures.

#include <cstdint>
#include <optional>
#include <string>

namespace ccload::app {

// RLIMIT_NOFILE of this process.
struct DescriptorLimit {
  std::uint64_t soft_before = 0;  // the soft limit the process started with
  std::uint64_t soft = 0;         // the soft limit now
  std::uint64_t hard = 0;
};

// Descriptors ccload needs besides its connections: standard streams, the database and its WAL,
// the sinks' sockets, the resolver, and a little slack.
inline constexpr std::uint64_t kDescriptorMargin = 32;
// Descriptors of each worker's event loop (epoll, its wake-up eventfd, its timerfd, one spare).
inline constexpr std::uint64_t kDescriptorsPerWorker = 4;

// Raises the soft RLIMIT_NOFILE to the hard limit (never lowers it); returns the limits.
DescriptorLimit raise_descriptor_limit();

// Descriptors a run with `connections` connections over `workers` worker threads needs.
std::uint64_t descriptors_needed(std::uint64_t connections, std::uint64_t workers);

// One line with the numbers and the fix when the run needs more descriptors than `limit.soft`.
std::optional<std::string> descriptor_problem(std::uint64_t connections, std::uint64_t workers,
                                              const DescriptorLimit& limit);

}  // namespace ccload::app
