#include "stats/histogram.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <system_error>
#include <utility>

namespace ccload::stats {

// Layout. Values below kSubBuckets (2048 ns) are counted exactly, one bucket per nanosecond. Above
// that, each power of two [2^e, 2^(e+1)) with e in [kSubBits, kTopExponent] is split into
// kSubBuckets equal buckets of width 2^(e - kSubBits). A bucket's width over its lower bound is at
// most 1/2048, so its midpoint is within 1/4096 of every value in it. The top power of two ends at
// 2^42 ns (about 73 minutes), past the required hour; larger values are counted in the last bucket.
namespace {

constexpr int kSubBits = 11;
constexpr std::int64_t kSubBuckets = std::int64_t{1} << kSubBits;  // 2048
constexpr int kTopExponent = 41;
constexpr std::size_t kBucketCount =
    static_cast<std::size_t>(kSubBuckets) * (1 + kTopExponent - kSubBits + 1);
constexpr std::string_view kVersion = "h1";

int floor_log2(std::uint64_t v) { return 63 - __builtin_clzll(v); }

std::size_t index_of(std::int64_t value) {
  if (value < kSubBuckets) return static_cast<std::size_t>(value);
  const int e = floor_log2(static_cast<std::uint64_t>(value));
  if (e > kTopExponent) return kBucketCount - 1;  // above the range: the top bucket
  const int shift = e - kSubBits;
  const std::int64_t sub = (value >> shift) - kSubBuckets;  // 0 .. kSubBuckets-1
  return static_cast<std::size_t>(kSubBuckets * (1 + shift) + sub);
}

// The midpoint of a bucket: within half a bucket width of every value it holds.
std::int64_t representative_of(std::size_t index) {
  const auto i = static_cast<std::int64_t>(index);
  if (i < kSubBuckets) return i;
  const int shift = static_cast<int>(i / kSubBuckets) - 1;
  const std::int64_t sub = i % kSubBuckets;
  const std::int64_t lower = (kSubBuckets + sub) << shift;
  const std::int64_t width = std::int64_t{1} << shift;
  return lower + (width - 1) / 2;
}

// Parsing helpers for deserialize: each consumes a whole field or throws.
[[noreturn]] void malformed(std::string_view what) {
  throw std::invalid_argument("malformed histogram encoding: " + std::string(what));
}

template <typename Int>
Int parse_int(std::string_view text, std::string_view what) {
  Int value{};
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) malformed(what);
  return value;
}

long double parse_long_double(std::string_view text) {
  long double value{};
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || !std::isfinite(value) || value < 0) {
    malformed("sum");
  }
  return value;
}

// Splits off the text before the next `sep` (or all of it when there is none).
std::string_view next_field(std::string_view& rest, char sep) {
  const auto pos = rest.find(sep);
  std::string_view field = rest.substr(0, pos);
  rest = pos == std::string_view::npos ? std::string_view() : rest.substr(pos + 1);
  return field;
}

}  // namespace

std::uint64_t nearest_rank(double q, std::uint64_t count) {
  // A product that is an integer up to rounding (0.7 * 10 = 7.000000000000001) keeps its rank.
  long double r = static_cast<long double>(q) * static_cast<long double>(count);
  const long double nearest = std::round(r);
  if (std::fabs(r - nearest) <= 1e-12L * std::max(1.0L, r)) r = nearest;
  const auto rank = static_cast<std::uint64_t>(std::max(0.0L, std::ceil(r)));
  return std::clamp<std::uint64_t>(rank, 1, count);
}

Histogram::Histogram() : counts_(kBucketCount) {}

Histogram::Histogram(const Histogram& other) : Histogram() { *this = other; }

Histogram& Histogram::operator=(const Histogram& other) {
  if (this == &other) return *this;
  clear();
  merge(other);
  return *this;
}

void Histogram::clear() {
  if (count_ != 0) {
    std::fill(counts_.begin() + static_cast<std::ptrdiff_t>(first_bucket()),
              counts_.begin() + static_cast<std::ptrdiff_t>(last_bucket()) + 1, 0);
  }
  count_ = 0;
  min_ = max_ = 0;
  sum_ = 0;
}

Histogram::Histogram(Histogram&& other) : Histogram() { *this = std::move(other); }

Histogram& Histogram::operator=(Histogram&& other) noexcept {
  if (this == &other) return *this;
  // Our buckets go to `other`, zeroed over the range we counted: it is left empty and usable.
  if (count_ != 0) {
    std::fill(counts_.begin() + static_cast<std::ptrdiff_t>(first_bucket()),
              counts_.begin() + static_cast<std::ptrdiff_t>(last_bucket()) + 1, 0);
  }
  counts_.swap(other.counts_);
  count_ = std::exchange(other.count_, 0);
  min_ = std::exchange(other.min_, 0);
  max_ = std::exchange(other.max_, 0);
  sum_ = std::exchange(other.sum_, 0);
  return *this;
}

bool Histogram::operator==(const Histogram& other) const {
  if (count_ != other.count_ || min_ != other.min_ || max_ != other.max_ || sum_ != other.sum_) {
    return false;
  }
  if (count_ == 0) return true;
  return std::equal(counts_.begin() + static_cast<std::ptrdiff_t>(first_bucket()),
                    counts_.begin() + static_cast<std::ptrdiff_t>(last_bucket()) + 1,
                    other.counts_.begin() + static_cast<std::ptrdiff_t>(first_bucket()));
}

std::size_t Histogram::first_bucket() const { return index_of(min_); }
std::size_t Histogram::last_bucket() const { return index_of(max_); }
std::int64_t Histogram::bucket_value(std::size_t index) { return representative_of(index); }

void Histogram::record(std::int64_t value_ns) {
  const std::int64_t value = std::max<std::int64_t>(value_ns, 0);
  ++counts_[index_of(value)];
  if (count_ == 0) {
    min_ = max_ = value;
  } else {
    min_ = std::min(min_, value);
    max_ = std::max(max_, value);
  }
  ++count_;
  sum_ += static_cast<long double>(value);
}

void Histogram::record(std::int64_t value_ns, std::uint64_t times) {
  if (times == 0) return;
  const std::int64_t value = std::max<std::int64_t>(value_ns, 0);
  counts_[index_of(value)] += times;
  if (count_ == 0) {
    min_ = max_ = value;
  } else {
    min_ = std::min(min_, value);
    max_ = std::max(max_, value);
  }
  count_ += times;
  sum_ += static_cast<long double>(value) * static_cast<long double>(times);
}

void Histogram::merge(const Histogram& other) {
  if (other.count_ == 0) return;
  const std::size_t last = other.last_bucket();
  for (std::size_t i = other.first_bucket(); i <= last; ++i) counts_[i] += other.counts_[i];
  if (count_ == 0) {
    min_ = other.min_;
    max_ = other.max_;
  } else {
    min_ = std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
  }
  count_ += other.count_;
  sum_ += other.sum_;
}

std::int64_t Histogram::min() const { return count_ == 0 ? 0 : min_; }
std::int64_t Histogram::max() const { return count_ == 0 ? 0 : max_; }

double Histogram::mean() const {
  return count_ == 0 ? 0.0 : static_cast<double>(sum_ / static_cast<long double>(count_));
}

std::int64_t Histogram::value_at_quantile(double q) const {
  if (count_ == 0) return 0;
  if (!(q > 0)) return min_;  // also NaN
  if (q >= 1) return max_;

  const std::uint64_t rank = nearest_rank(q, count_);

  std::uint64_t seen = 0;
  const std::size_t last = last_bucket();
  for (std::size_t i = first_bucket(); i <= last; ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::clamp(representative_of(i), min_, max_);
  }
  return max_;  // unreachable when counts_ agree with count_
}

std::string Histogram::serialize() const {
  std::string out(kVersion);
  char buf[64];
  auto append_field = [&](auto value) {
    out += ';';
    auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, value);
    (void)ec;  // buf is large enough for any integer or long double
    out.append(buf, ptr);
  };
  append_field(count_);
  append_field(min());
  append_field(max());
  append_field(sum_);
  out += ';';
  bool first = true;
  const std::size_t last = count_ == 0 ? 0 : last_bucket() + 1;
  for (std::size_t i = count_ == 0 ? 0 : first_bucket(); i < last; ++i) {
    if (counts_[i] == 0) continue;
    if (!first) out += ',';
    first = false;
    auto [p1, e1] = std::to_chars(buf, buf + sizeof buf, i);
    (void)e1;
    out.append(buf, p1);
    out += ':';
    auto [p2, e2] = std::to_chars(buf, buf + sizeof buf, counts_[i]);
    (void)e2;
    out.append(buf, p2);
  }
  return out;
}

Histogram Histogram::deserialize(std::string_view encoded) {
  if (std::count(encoded.begin(), encoded.end(), ';') != 5) malformed("expected 6 fields");
  std::string_view rest = encoded;
  if (next_field(rest, ';') != kVersion) malformed("unknown version");
  Histogram h;
  const auto count = parse_int<std::uint64_t>(next_field(rest, ';'), "count");
  const auto min = parse_int<std::int64_t>(next_field(rest, ';'), "min");
  const auto max = parse_int<std::int64_t>(next_field(rest, ';'), "max");
  const long double sum = parse_long_double(next_field(rest, ';'));
  // `rest` is now the bucket list.

  std::uint64_t total = 0;
  std::size_t first_index = 0, last_index = 0;
  bool any = false;
  while (!rest.empty()) {
    std::string_view pair = next_field(rest, ',');
    std::string_view index_text = next_field(pair, ':');
    if (pair.empty()) malformed("bucket");
    const auto index = parse_int<std::size_t>(index_text, "bucket index");
    const auto bucket_count = parse_int<std::uint64_t>(pair, "bucket count");
    if (index >= kBucketCount) malformed("bucket index out of range");
    if (any && index <= last_index) malformed("bucket indexes not increasing");
    if (bucket_count == 0) malformed("empty bucket");
    if (bucket_count > std::numeric_limits<std::uint64_t>::max() - total)
      malformed("count overflow");
    if (!any) first_index = index;
    last_index = index;
    any = true;
    total += bucket_count;
    h.counts_[index] = bucket_count;
  }
  if (encoded.ends_with(',')) malformed("trailing comma");

  if (total != count) malformed("bucket counts do not add up to count");
  if (count == 0) {
    if (min != 0 || max != 0 || sum != 0) malformed("empty histogram with values");
  } else {
    if (min < 0 || min > max) malformed("min/max");
    if (index_of(min) != first_index || index_of(max) != last_index) {
      malformed("min/max outside their buckets");
    }
  }
  h.count_ = count;
  h.min_ = min;
  h.max_ = max;
  h.sum_ = sum;
  return h;
}

}  // namespace ccload::stats
