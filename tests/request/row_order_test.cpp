// Row orders: sequential over shards, random by seed, and once over workers and shards.
#include "request/row_order.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <vector>

namespace ccload::request {
namespace {

TEST(RowOrder, Names) {
  for (const auto order : {RowOrder::sequential, RowOrder::random, RowOrder::once}) {
    EXPECT_EQ(parse_row_order(row_order_name(order)), order);
  }
  EXPECT_EQ(parse_row_order("Once"), std::nullopt);
  EXPECT_EQ(parse_row_order(""), std::nullopt);
}

TEST(RowOrder, SequentialWalksEveryRowInSlotOrder) {
  Rng rng(1, 0);
  std::vector<std::uint64_t> rows;
  for (std::uint64_t slot = 100; slot < 107; ++slot) {
    rows.push_back(*pick_row(RowOrder::sequential, slot, 3, 0, 1, rng));
  }
  EXPECT_EQ(rows, (std::vector<std::uint64_t>{1, 2, 0, 1, 2, 0, 1}));
}

TEST(RowOrder, SequentialDoesNotRepeatUntilEveryRowIsUsedOverShards) {
  // Each of 3 shards takes its slots 0, 1, 2, ...: together the run's requests walk the rows in
  // order, so every `rows` consecutive requests of the run use every row once.
  for (const std::uint64_t rows : {1u, 5u, 8u, 10u, 13u, 1000u}) {
    constexpr std::uint64_t kShards = 3;
    Rng rng(1, 0);
    std::vector<std::uint64_t> taken;
    for (std::uint64_t slot = 0; slot < 3 * rows; ++slot) {
      for (std::uint64_t shard = 0; shard < kShards; ++shard) {
        taken.push_back(*pick_row(RowOrder::sequential, slot, rows, shard, kShards, rng));
      }
    }
    for (std::uint64_t pass = 0; pass + rows <= taken.size(); pass += rows) {
      std::vector<int> seen(rows, 0);
      for (std::uint64_t i = pass; i < pass + rows; ++i) ++seen[taken[i]];
      EXPECT_EQ(seen, std::vector<int>(rows, 1)) << rows << " " << pass;
    }
  }
}

TEST(RowOrder, SequentialDoesNotOverflowOnHugeSlots) {
  Rng rng(1, 0);
  const std::uint64_t slot = std::uint64_t{1} << 62;
  EXPECT_EQ(pick_row(RowOrder::sequential, slot, 7, 2, 5, rng),
            static_cast<std::uint64_t>((static_cast<unsigned __int128>(slot) * 5 + 2) % 7));
}

TEST(RowOrder, RandomIsUniformAndRepeatableBySeed) {
  auto draw = [](std::uint64_t seed) {
    std::vector<std::uint64_t> rows;
    for (std::uint64_t slot = 0; slot < 5000; ++slot) {
      Rng rng = request_rng(seed, slot, 0, 1);
      rows.push_back(*pick_row(RowOrder::random, slot, 10, 0, 1, rng));
    }
    return rows;
  };
  const auto rows = draw(7);
  EXPECT_EQ(rows, draw(7));
  EXPECT_NE(rows, draw(8));
  std::vector<int> counts(10, 0);
  for (const auto row : rows) {
    ASSERT_LT(row, 10u);
    ++counts[row];
  }
  for (const int count : counts) {
    EXPECT_GT(count, 350);  // 500 expected, sd about 21
    EXPECT_LT(count, 650);
  }
}

TEST(RowOrder, OnceRowsOfAShard) {
  EXPECT_EQ(once_rows(10, 0, 3), 4u);  // 0 3 6 9
  EXPECT_EQ(once_rows(10, 1, 3), 3u);  // 1 4 7
  EXPECT_EQ(once_rows(10, 2, 3), 3u);  // 2 5 8
  EXPECT_EQ(once_rows(2, 2, 3), 0u);
  EXPECT_EQ(once_rows(10, 0, 1), 10u);
  EXPECT_EQ(once_row(0, 10, 1, 3), 1u);
  EXPECT_EQ(once_row(2, 10, 1, 3), 7u);
  EXPECT_EQ(once_row(3, 10, 1, 3), std::nullopt);
  EXPECT_EQ(once_row(~std::uint64_t{0}, 10, 0, 1), std::nullopt);
}

// Shards of 8 workers taking slots from their shard's counter in a scrambled interleaving, the way
// the engine's workers do, until the rows run out.
TEST(RowOrder, OnceCoversEveryRowExactlyOnceOverWorkersAndShards) {
  for (const std::uint64_t rows : {1000u, 1001u, 7u, 1u}) {
    constexpr std::uint64_t kShards = 3, kWorkers = 8;
    std::vector<int> seen(rows, 0);
    for (std::uint64_t shard = 0; shard < kShards; ++shard) {
      std::uint64_t next_slot = 0;  // the shard's slot counter
      std::vector<bool> done(kWorkers, false);
      Rng order(shard, 99);
      std::uint64_t finished = 0;
      for (int step = 0; finished < kWorkers && step < 100000; ++step) {
        const auto w = order.below(kWorkers);
        if (done[w]) continue;
        const std::uint64_t slot = next_slot++;
        Rng rng = request_rng(7, slot, shard, kShards);
        const auto row = pick_row(RowOrder::once, slot, rows, shard, kShards, rng);
        if (!row) {
          done[w] = true;
          ++finished;
          continue;
        }
        ASSERT_LT(*row, rows);
        EXPECT_EQ(*row % kShards, shard);
        ++seen[*row];
      }
      ASSERT_EQ(finished, kWorkers);
    }
    EXPECT_EQ(seen, std::vector<int>(rows, 1)) << rows;
  }
}

TEST(RowOrder, OnceRefusesMoreRequestsThanRows) {
  EXPECT_EQ(once_requests_problem(1000, 1000, "users.csv"), std::nullopt);
  EXPECT_EQ(once_requests_problem(1, 1000, "users.csv"), std::nullopt);
  EXPECT_EQ(once_requests_problem(1001, 1000, "users.csv"),
            "-n 1001 is more than the 1000 rows of users.csv, and --data-order once sends each row "
            "once; use -n 1000 or less, or leave -n out to send every row");
}

TEST(RowOrder, OnceRequestsThatFitFitEveryShard) {
  // With n split as the CLI splits it (n / N, one more for the first n % N shards), n <= rows
  // leaves no shard more requests than rows: the one check before the split is enough.
  for (std::uint64_t shards = 1; shards <= 7; ++shards) {
    for (std::uint64_t rows = 1; rows <= 40; ++rows) {
      for (std::uint64_t n = 1; n <= rows; ++n) {
        for (std::uint64_t i = 0; i < shards; ++i) {
          const std::uint64_t share = n / shards + (i < n % shards ? 1 : 0);
          ASSERT_LE(share, once_rows(rows, i, shards)) << n << " " << rows << " " << shards;
        }
      }
    }
  }
}

}  // namespace
}  // namespace ccload::request
