#include "engine/schedule.hpp"

#include <algorithm>
#include <cmath>

namespace ccload::engine {

namespace {
// Integrals within this of a whole number count as that number (1.0 * 3.0 stays 3 slots).
constexpr long double kSlack = 1e-9L;

std::uint64_t round_up(long double slots) {
  return static_cast<std::uint64_t>(std::max<long double>(std::ceil(slots - kSlack), 0));
}
}  // namespace

Schedule Schedule::constant(double rate, double duration_s) {
  Schedule s;
  const bool bounded = duration_s > 0;
  const long double infinite = std::numeric_limits<long double>::infinity();
  const long double slots = bounded ? static_cast<long double>(rate) * duration_s : infinite;
  s.segments_.push_back({0, bounded ? duration_s : infinite, rate, rate, 0, slots});
  s.duration_s_ = bounded ? duration_s : 0;
  // At least the slot due at the start, however short the duration.
  s.slot_count_ = bounded ? std::max<std::uint64_t>(round_up(slots), 1) : kUnbounded;
  return s;
}

Schedule Schedule::ramp(double start_rate, const std::vector<Stage>& stages) {
  Schedule s;
  long double start = 0, before = 0, rate = start_rate;
  for (const Stage& stage : stages) {
    const long double slots = (rate + stage.target_rate) / 2 * stage.duration_s;
    s.segments_.push_back({start, stage.duration_s, rate, stage.target_rate, before, slots});
    start += stage.duration_s;
    before += slots;
    rate = stage.target_rate;
  }
  s.duration_s_ = static_cast<double>(start);
  s.slot_count_ = round_up(before);
  return s;
}

Schedule Schedule::shard(unsigned index, unsigned count) const {
  Schedule s = *this;
  if (count <= 1) return s;
  s.shard_index_ = index;
  s.shard_count_ = count;
  if (slot_count_ != kUnbounded) {
    s.slot_count_ = slot_count_ > index ? (slot_count_ - index + count - 1) / count : 0;
  }
  return s;
}

std::int64_t Schedule::due_ns(std::uint64_t k) const {
  const auto slot = static_cast<long double>(k * shard_count_ + shard_index_);
  const Segment* segment = &segments_.back();
  for (const Segment& candidate : segments_) {
    if (slot < candidate.slots_before + candidate.slots) {
      segment = &candidate;
      break;
    }
  }
  const Segment& s = *segment;
  // Within the segment the integral is m(tau) = rate0 tau + a tau^2 / 2; solve m(tau) = slot -
  // slots_before for tau >= 0. The form 2m / (rate0 + sqrt(rate0^2 + 2am)) is exact for a = 0 and
  // does not cancel for small a.
  const long double m = std::max<long double>(slot - s.slots_before, 0);
  const long double a = std::isinf(s.duration_s) ? 0 : (s.rate1 - s.rate0) / s.duration_s;
  long double tau = 0;
  if (m > 0) {
    const long double root = std::sqrt(std::max<long double>(s.rate0 * s.rate0 + 2 * a * m, 0));
    const long double denominator = s.rate0 + root;
    tau = denominator > 0 ? 2 * m / denominator : s.duration_s;
  }
  tau = std::min(tau, s.duration_s);
  return static_cast<std::int64_t>(std::llround((s.start_s + tau) * 1e9L));
}

double Schedule::rate_at(double t_s) const {
  for (const Segment& s : segments_) {
    const long double into = t_s - s.start_s;
    if (into < 0 || into >= s.duration_s) continue;
    if (std::isinf(s.duration_s)) return static_cast<double>(s.rate0);
    return static_cast<double>(s.rate0 + (s.rate1 - s.rate0) * into / s.duration_s);
  }
  return 0;
}

}  // namespace ccload::engine
