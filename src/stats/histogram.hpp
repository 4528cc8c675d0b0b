#pragma once
// A log-linear histogram of durations in nanoseconds (HdrHistogram-style), mergeable, fixed memory.
// Range: 1 microsecond to 1 hour with relative error under 0.1%; values below the range are kept
// exactly up to the first bucket's resolution, values above it are clamped into the top bucket
// (min and max stay exact). record() never allocates.

#include <cstdint>
#include <cstdlib>
#include <new>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ccload::stats {

// Hands out zeroed memory from calloc and leaves value-initialised elements alone: the kernel's
// zero pages back the buckets until a bucket is first counted, so an idle histogram costs neither
// start-up time nor resident memory.
template <class T>
struct ZeroedAllocator {
  using value_type = T;
  ZeroedAllocator() = default;
  template <class U>
  ZeroedAllocator(const ZeroedAllocator<U>&) {}
  T* allocate(std::size_t n) {
    if (void* p = std::calloc(n, sizeof(T))) return static_cast<T*>(p);
    throw std::bad_alloc();
  }
  void deallocate(T* p, std::size_t) { std::free(p); }
  template <class U>
  void construct(U*) {}  // already zero
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
  bool operator==(const ZeroedAllocator&) const = default;
};

// The nearest rank of quantile q in [0, 1] among `count` > 0 values: ceil(q * count) within
// [1, count], where a product that is an integer up to rounding (0.7 * 10) is not pushed up.
std::uint64_t nearest_rank(double q, std::uint64_t count);

class Histogram {
 public:
  Histogram();
  // Copies visit only the counted range of buckets (the rest stays on untouched zero pages).
  Histogram(const Histogram& other);
  Histogram& operator=(const Histogram& other);
  // A moved-from histogram is empty and still usable.
  Histogram(Histogram&& other);
  Histogram& operator=(Histogram&& other) noexcept;

  void record(std::int64_t value_ns);                       // negative values are recorded as 0
  void record(std::int64_t value_ns, std::uint64_t times);  // the same value `times` times
  // Adds every value of `other`. Visits only other's counted range of buckets (from the bucket of
  // its min to the bucket of its max), so merging a short run costs little.
  void merge(const Histogram& other);
  // Empties the histogram; visits only the counted range of buckets.
  void clear();

  std::uint64_t count() const { return count_; }
  std::int64_t min() const;  // exact; 0 when empty
  std::int64_t max() const;  // exact; 0 when empty
  double mean() const;       // exact (from the exact sum); 0 when empty

  // The value at quantile q in [0, 1] by the nearest-rank definition: the smallest recorded value
  // v such that at least ceil(q * count) values are <= v, within the histogram's relative error,
  // clamped to [min, max]. 0 when empty.
  std::int64_t value_at_quantile(double q) const;

  // A compact, versioned text encoding (only non-empty buckets) for storage;
  // deserialize(serialize(h)) equals h. deserialize throws std::invalid_argument on malformed
  // input.
  std::string serialize() const;
  static Histogram deserialize(std::string_view encoded);

  bool operator==(const Histogram& other) const;

  // The counted buckets in order, as (representative value in ns, count), for tests of
  // distributions (compare): only non-empty buckets.
  template <class F>
  void for_each_bucket(F&& f) const {
    if (count_ == 0) return;
    for (std::size_t i = first_bucket(); i <= last_bucket(); ++i) {
      if (counts_[i] != 0) f(bucket_value(i), counts_[i]);
    }
  }

 private:
  std::size_t first_bucket() const;  // the bucket of min_ (count_ > 0)
  std::size_t last_bucket() const;   // the bucket of max_ (count_ > 0)
  static std::int64_t bucket_value(std::size_t index);

  std::vector<std::uint64_t, ZeroedAllocator<std::uint64_t>> counts_;
  std::uint64_t count_ = 0;
  std::int64_t min_ = 0;
  std::int64_t max_ = 0;
  long double sum_ = 0;
};

}  // namespace ccload::stats
