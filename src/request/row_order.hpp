#pragma once
// Which row of the data file each request takes (--data-order).
//
// - sequential (the default): picker `lane` of `lanes` (a worker; in a distributed run number
//   the lanes across shards: shard * workers + worker of shards * workers) takes rows
//   lane, lane + lanes, lane + 2 lanes, ... modulo the row count. While the lanes keep pace, no
//   row is taken twice before every row was taken once; no lane waits for another.
// - random: each request a row drawn uniformly from the worker's Rng (repeatable by seed).
// - once: each row exactly once over the whole run, shards included. Request `slot` (0-based,
//   the run's slot counter within shard `shard` of `shards`) takes row slot * shards + shard, so
//   shard i takes rows i, i + N, i + 2N, ...; past the shard's rows there is none and the run
//   ends. Because the slot counter hands every slot out once, no coordination is needed beyond
//   it. once_requests_problem() tells whether -n asks for more requests than there are rows
//   (with n split between shards as the CLI does, n <= rows gives every shard enough rows).
//
// A RowPicker belongs to one worker (not thread-safe); the functions are pure.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "request/rng.hpp"

namespace ccload::request {

enum class RowOrder { sequential, random, once };

// "sequential", "random" or "once"; nothing for any other text.
std::optional<RowOrder> parse_row_order(std::string_view text);
std::string_view row_order_name(RowOrder order);

// The rows of `rows` that shard `shard` of `shards` takes in `once` order.
constexpr std::uint64_t once_rows(std::uint64_t rows, std::uint64_t shard, std::uint64_t shards) {
  return rows / shards + (shard < rows % shards ? 1 : 0);
}

// The row of request `slot` of shard `shard` in `once` order, or nothing when the shard's rows are
// used up.
constexpr std::optional<std::uint64_t> once_row(std::uint64_t slot, std::uint64_t rows,
                                                std::uint64_t shard, std::uint64_t shards) {
  if (slot >= once_rows(rows, shard, shards)) return std::nullopt;
  return slot * shards + shard;
}

// A one-line message when -n `requests` (the whole run's, before the split between shards) is
// more than the `rows` of `file` in `once` order; nothing when it fits.
std::optional<std::string> once_requests_problem(std::uint64_t requests, std::uint64_t rows,
                                                 std::string_view file);

class RowPicker {
 public:
  // `rows` above 0, `lane` below `lanes`, `shard` below `shards`.
  RowPicker(RowOrder order, std::uint64_t rows, std::uint64_t lane, std::uint64_t lanes,
            std::uint64_t shard, std::uint64_t shards);

  // The row for the request in `slot` (used by `once` only), or nothing when `once` has no row
  // left for it.
  std::optional<std::uint64_t> next(std::uint64_t slot, Rng& rng) {
    switch (order_) {
      case RowOrder::sequential: {
        const std::uint64_t row = next_;
        next_ += step_;
        if (next_ >= rows_) next_ -= rows_;
        return row;
      }
      case RowOrder::random:
        return rng.below(rows_);
      case RowOrder::once:
        return once_row(slot, rows_, shard_, shards_);
    }
    return std::nullopt;
  }

 private:
  RowOrder order_;
  std::uint64_t rows_, next_, step_, shard_, shards_;
};

}  // namespace ccload::request
