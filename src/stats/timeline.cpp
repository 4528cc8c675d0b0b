#include "stats/timeline.hpp"

#include <algorithm>

namespace ccload::stats {

Timeline::Timeline() { seconds_.reserve(256); }

void Timeline::grow(std::size_t second) { seconds_.resize(std::min(second, kMaxSeconds - 1) + 1); }

void Timeline::merge(const Timeline& other) {
  if (other.seconds_.size() > seconds_.size()) seconds_.resize(other.seconds_.size());
  for (std::size_t i = 0; i < other.seconds_.size(); ++i) seconds_[i].merge(other.seconds_[i]);
}

}  // namespace ccload::stats
