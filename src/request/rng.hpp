#pragma once
// The random generator behind the templates' random fields ({{uuid}}, {{randint A B}},
// {{randstr N}}) and the `random` row order: xoshiro256** (Blackman and Vigna), its state set
// from splitmix64. One per worker, never shared between threads: it has no locks and no atomics.
//
// Contract: the numbers depend only on (seed, stream). Each request of a templated run draws from
// its own generator, request_rng(): the run's seed (--seed) with the request's run-wide index as
// the stream, so the same seed gives the same requests again whichever worker sends them, and
// setting one up costs a few multiplications. Not for secrets: it is fast and repeatable, not
// unpredictable.

#include <cstdint>

namespace ccload::request {

// splitmix64's output function: a bijection of 64-bit words that mixes every input bit.
constexpr std::uint64_t mix64(std::uint64_t x) {
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

class Rng {
 public:
  // The generator of `stream` (a worker's index) in the run seeded by `seed`.
  constexpr Rng(std::uint64_t seed, std::uint64_t stream) {
    std::uint64_t x = mix64(seed) ^ mix64(stream + 0x632be59bd9b4e019ULL);
    for (auto& word : state_) {
      x += kGolden;
      word = mix64(x);
    }
    if ((state_[0] | state_[1] | state_[2] | state_[3]) == 0) state_[0] = kGolden;  // never all 0
  }

  // The next 64 uniformly distributed bits.
  constexpr std::uint64_t next() {
    const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }

  // Uniform in [0, n) without bias (Lemire's multiply-and-reject); n must be above 0.
  constexpr std::uint64_t below(std::uint64_t n) {
    auto product = static_cast<unsigned __int128>(next()) * n;
    auto low = static_cast<std::uint64_t>(product);
    if (low < n) {
      const std::uint64_t threshold = (0 - n) % n;  // 2^64 mod n
      while (low < threshold) {
        product = static_cast<unsigned __int128>(next()) * n;
        low = static_cast<std::uint64_t>(product);
      }
    }
    return static_cast<std::uint64_t>(product >> 64);
  }

  // Uniform in [lo, hi], both included; lo must not be above hi. The whole int64 range works.
  constexpr std::int64_t between(std::int64_t lo, std::int64_t hi) {
    const std::uint64_t span = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo);
    const std::uint64_t offset = span == ~std::uint64_t{0} ? next() : below(span + 1);
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) + offset);
  }

 private:
  static constexpr std::uint64_t kGolden = 0x9e3779b97f4a7c15ULL;
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t state_[4]{};
};

// The generator of request `slot` (the slot counter of shard `shard` of `shards`) of the run seeded
// by `seed`: its stream is the request's index in the whole run, slot * shards + shard.
constexpr Rng request_rng(std::uint64_t seed, std::uint64_t slot, std::uint64_t shard,
                          std::uint64_t shards) {
  return Rng(seed, slot * shards + shard);
}

}  // namespace ccload::request
