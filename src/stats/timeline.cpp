#include "stats/timeline.hpp"

#include <algorithm>

namespace ccload::stats {

Timeline::Timeline() { seconds_.reserve(256); }

void Timeline::grow(std::size_t second) { seconds_.resize(std::min(second, kMaxSeconds - 1) + 1); }

void Timeline::merge(const Timeline& other) {
  if (other.seconds_.size() > seconds_.size()) seconds_.resize(other.seconds_.size());
  for (std::size_t i = 0; i < other.seconds_.size(); ++i) {
    SecondStats& s = seconds_[i];
    const SecondStats& o = other.seconds_[i];
    s.requests += o.requests;
    s.failed += o.failed;
    s.responses += o.responses;
    s.total_ns_sum += o.total_ns_sum;
    s.total_ns_max = std::max(s.total_ns_max, o.total_ns_max);
  }
}

}  // namespace ccload::stats
