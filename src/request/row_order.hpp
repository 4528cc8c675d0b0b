#pragma once
// Which row of the data file each request takes (--data-order). Every order is a pure function of
// the request's slot (0-based, the run's slot counter within shard `shard` of `shards`), so the
// same run takes the same rows whichever worker or connection sends a request:
//
// - sequential (the default): request `slot` takes row (slot * shards + shard) mod rows, the
//   run-wide request index modulo the row count: no row is taken twice before every row was
//   taken once, across workers and shards, and no worker waits for another.
// - random: each request a row drawn uniformly from the request's own Rng (request_rng:
//   repeatable by seed).
// - once: each row exactly once over the whole run, shards included: request `slot` takes row
//   slot * shards + shard, so shard i takes rows i, i + N, i + 2N, ...; past the shard's rows
//   there is none and the run ends. Because the slot counter hands every slot out once, no
//   coordination is needed beyond it. once_requests_problem() tells whether -n asks for more
//   requests than there are rows (with n split between shards as the CLI does, n <= rows gives
//   every shard enough rows).

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

// The row of request `slot` of shard `shard` of `shards` in `order` among `rows` rows (above 0),
// or nothing when `once` has no row left for it. `random` draws from `rng`.
inline std::optional<std::uint64_t> pick_row(RowOrder order, std::uint64_t slot, std::uint64_t rows,
                                             std::uint64_t shard, std::uint64_t shards, Rng& rng) {
  switch (order) {
    case RowOrder::sequential:
      return static_cast<std::uint64_t>((static_cast<unsigned __int128>(slot) * shards + shard) %
                                        rows);
    case RowOrder::random:
      return rng.below(rows);
    case RowOrder::once:
      return once_row(slot, rows, shard, shards);
  }
  return std::nullopt;
}

}  // namespace ccload::request
