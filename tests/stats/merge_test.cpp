#include "stats/merge.hpp"

#include <gtest/gtest.h>

namespace ccload::stats {
namespace {

RunSummary shard(unsigned index, std::int64_t start_ns, int n, std::int64_t base_ns) {
  RunStats stats;
  for (int i = 0; i < n; ++i) {
    Record r;
    r.status = i % 10 == 0 ? 500 : 200;
    r.total_ns = base_ns + i * 1000;
    stats.add(r);
    stats.timeline.add(static_cast<std::size_t>(i * 2 / n), r);
  }
  RunFacts facts;
  facts.url = "http://h/";
  facts.method = "GET";
  facts.requested = static_cast<std::uint64_t>(n);
  facts.concurrency = 2;
  facts.started_unix_ns = start_ns;
  facts.duration_s = 2;
  facts.run_name = "r";
  facts.shard = index;
  facts.shards = 3;
  RunSummary s = summarize(stats, facts);
  s.storage.run_id = 10 + index;
  s.storage.stored = true;
  return s;
}

TEST(MergeShards, HistogramsAndCountsAreSummedExactly) {
  const std::int64_t t0 = 1'795'963'296'000'000'000;
  std::vector<RunSummary> parts = {shard(0, t0, 100, 1'000'000),
                                   shard(1, t0 + 1'000'000'000, 50, 5'000'000),
                                   shard(2, t0 + 500'000'000, 80, 3'000'000)};
  const RunSummary m = merge_shards(parts, 3);
  EXPECT_EQ(m.requests, 230u);
  EXPECT_EQ(m.failed, 10u + 5u + 8u);
  EXPECT_EQ(m.status_codes.at(500), 23u);
  EXPECT_EQ(m.facts.requested, 230u);
  EXPECT_EQ(m.facts.concurrency, 6u);
  EXPECT_DOUBLE_EQ(m.facts.duration_s, 3.0) << "earliest start to latest end";
  Histogram all;
  for (const auto& p : parts) all.merge(p.total.histogram);
  EXPECT_EQ(m.total.histogram, all);
  EXPECT_DOUBLE_EQ(m.total.figures.p99, static_cast<double>(all.value_at_quantile(0.99)) / 1e9);
  ASSERT_EQ(m.shard_lines.size(), 3u);
  EXPECT_EQ(m.shard_lines[1].run_id, 11);
  ASSERT_EQ(m.timeline.size(), 3u) << "shard 1 started a second later";
  EXPECT_EQ(m.timeline[0].requests + m.timeline[1].requests + m.timeline[2].requests, 230u);
  EXPECT_EQ(m.timeline[2].requests, 25u);
}

TEST(MergeShards, AMissingShardIsNamed) {
  const RunSummary m = merge_shards({shard(0, 0, 10, 1000), shard(2, 0, 10, 1000)}, 3);
  ASSERT_FALSE(m.notes.empty());
  EXPECT_EQ(m.notes[0], "Warning: 2 of 3 shards stored; the figures cover those only.");
}

}  // namespace
}  // namespace ccload::stats
