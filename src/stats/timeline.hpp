#pragma once
// Requests by the second of the run in which they completed: how throughput, failures and latency
// moved during a run. Memory is 32 bytes per second of run time; add() allocates only when the
// run enters a second past the reserved capacity (256 s at first, then doubling).

#include <algorithm>
#include <cstdint>
#include <vector>

#include "core/record.hpp"

namespace ccload::stats {

struct SecondStats {
  std::uint64_t requests = 0;  // completed in this second
  std::uint64_t failed = 0;
  std::int64_t total_ns_sum = 0;  // over the requests that got a response
  std::int64_t total_ns_max = 0;
  std::uint64_t responses = 0;  // requests that got a response (any status)

  // Inline: it runs once per request.
  void add(const Record& record) {
    ++requests;
    if (!record.succeeded()) ++failed;
    if (record.error == ErrorCategory::none) {
      ++responses;
      total_ns_sum += record.total_ns;
      if (record.total_ns > total_ns_max) total_ns_max = record.total_ns;
    }
  }
  void merge(const SecondStats& other) {
    requests += other.requests;
    failed += other.failed;
    responses += other.responses;
    total_ns_sum += other.total_ns_sum;
    total_ns_max = std::max(total_ns_max, other.total_ns_max);
  }
};

class Timeline {
 public:
  // Seconds past this are counted in the last one (a day of run time).
  static constexpr std::size_t kMaxSeconds = 86'400;

  Timeline();
  // Inline: it runs once per request.
  void add(std::size_t second, const Record& record) { at(second).add(record); }
  // Adds a second's figures (engine::Snapshots builds a run's timeline so, second by second).
  void add(std::size_t second, const SecondStats& figures) { at(second).merge(figures); }
  void merge(const Timeline& other);
  const std::vector<SecondStats>& seconds() const { return seconds_; }

 private:
  void grow(std::size_t second);  // makes room for `second` (at most kMaxSeconds in all)
  SecondStats& at(std::size_t second) {
    if (second >= seconds_.size()) grow(second);
    return seconds_[std::min(second, kMaxSeconds - 1)];
  }

  std::vector<SecondStats> seconds_;
};

}  // namespace ccload::stats
