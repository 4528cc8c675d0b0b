#include "stats/merge.hpp"

#include <gtest/gtest.h>

#include <algorithm>

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

TEST(MergeShards, TlsReasonsAreSummed) {
  std::vector<RunSummary> parts = {shard(0, 0, 10, 1000), shard(1, 0, 10, 1000)};
  const auto expired = static_cast<std::size_t>(TlsReason::expired);
  const auto host_name = static_cast<std::size_t>(TlsReason::host_name);
  parts[0].tls_reasons[expired] = 2;
  parts[1].tls_reasons[expired] = 3;
  parts[1].tls_reasons[host_name] = 1;
  const RunSummary m = merge_shards(parts, 2);
  EXPECT_EQ(m.tls_reasons[expired], 5u);
  EXPECT_EQ(m.tls_reasons[host_name], 1u);
}

// Said among the findings (so the JSON of `report NAME` says it too), not in the notes.
TEST(MergeShards, AMissingShardIsNamed) {
  const RunSummary m = merge_shards({shard(0, 0, 10, 1000), shard(2, 0, 10, 1000)}, 3);
  const std::vector<std::string> said = findings(m);
  EXPECT_NE(std::find(said.begin(), said.end(),
                      "Warning: 2 of 3 shards stored; the figures cover those only."),
            said.end());
  for (const auto& note : m.notes) EXPECT_EQ(note.find("Warning"), std::string::npos) << note;
  const RunSummary whole =
      merge_shards({shard(0, 0, 10, 1000), shard(1, 0, 10, 1000), shard(2, 0, 10, 1000)}, 3);
  for (const auto& line : findings(whole)) EXPECT_EQ(line.find("Warning"), std::string::npos);
}

// A shard of a run of two targets: request i to target i % 2; target 1's requests take `base_ns`
// more and every tenth of them answers 503; target 0's are redirected once.
RunSummary two_target_shard(unsigned index, std::int64_t start_ns, int n, std::int64_t base_ns) {
  const std::vector<TargetName> targets = {{"GET", "http://h/a"}, {"POST", "http://h/b"}};
  RunStats whole;
  std::vector<RunStats> each(2);
  for (int i = 0; i < n; ++i) {
    Record r;
    r.target = static_cast<std::uint16_t>(i % 2);
    r.status = r.target == 1 && i % 10 == 1 ? 503 : 200;
    r.total_ns = 1'000'000 + (r.target == 1 ? base_ns : 0) + i * 1000;
    r.redirects = r.target == 0 ? 1 : 0;
    whole.add(r);
    each[r.target].add(r);
  }
  RunFacts facts;
  facts.url = targets[0].url;
  facts.method = targets[0].method;
  facts.targets = targets;
  facts.requested = static_cast<std::uint64_t>(n);
  facts.concurrency = 2;
  facts.started_unix_ns = start_ns;
  facts.duration_s = 2;
  facts.run_name = "r";
  facts.shard = index;
  facts.shards = 2;
  RunSummary s = summarize(whole, facts);
  for (std::size_t t = 0; t < 2; ++t) {
    RunFacts own = facts;
    own.url = targets[t].url;
    own.method = targets[t].method;
    own.targets.clear();
    s.targets.push_back(summarize(each[t], own));
  }
  s.storage.run_id = 20 + index;
  s.storage.stored = true;
  return s;
}

TEST(MergeShards, TargetsAreMergedByIndex) {
  const std::int64_t t0 = 1'795'963'296'000'000'000;
  const std::vector<RunSummary> parts = {two_target_shard(0, t0, 100, 2'000'000),
                                         two_target_shard(1, t0 + 1'000'000'000, 60, 7'000'000)};
  const RunSummary m = merge_shards(parts, 2);
  EXPECT_EQ(m.requests, 160u);
  EXPECT_EQ(m.redirected, 80u);
  EXPECT_EQ(m.facts.targets, parts[0].facts.targets);
  ASSERT_EQ(m.targets.size(), 2u);
  for (std::size_t t = 0; t < 2; ++t) {
    SCOPED_TRACE("target " + std::to_string(t));
    const RunSummary& target = m.targets[t];
    EXPECT_EQ(target.facts.url, parts[0].targets[t].facts.url);
    EXPECT_EQ(target.facts.method, parts[0].targets[t].facts.method);
    EXPECT_EQ(target.requests, 80u);
    Histogram all = parts[0].targets[t].total.histogram;
    all.merge(parts[1].targets[t].total.histogram);
    EXPECT_EQ(target.total.histogram, all);
    EXPECT_DOUBLE_EQ(target.total.figures.p95,
                     static_cast<double>(all.value_at_quantile(0.95)) / 1e9);
    EXPECT_DOUBLE_EQ(target.facts.duration_s, 3.0) << "earliest start to latest end";
    EXPECT_TRUE(target.targets.empty());
    EXPECT_TRUE(target.shard_lines.empty());
    EXPECT_TRUE(target.notes.empty());
    EXPECT_TRUE(target.facts.targets.empty());
  }
  EXPECT_EQ(m.targets[0].redirected, 80u);
  EXPECT_EQ(m.targets[1].redirected, 0u);
  EXPECT_EQ(m.targets[1].failed, 10u + 6u);
  EXPECT_EQ(m.targets[1].status_codes.at(503), 16u);
  EXPECT_EQ(m.targets[0].failed, 0u);
  EXPECT_EQ(m.targets[0].facts.requested, 160u) << "summed like the whole's";
  EXPECT_EQ(m.targets[0].requests + m.targets[1].requests, m.requests);
}

TEST(MergeShards, ShardsOfDifferentTargetsAreNotMergedPerTarget) {
  RunSummary other = two_target_shard(1, 0, 10, 1000);
  other.facts.targets[1].url = "http://h/c";
  const RunSummary m = merge_shards({two_target_shard(0, 0, 10, 1000), other}, 2);
  EXPECT_TRUE(m.targets.empty());
  EXPECT_EQ(m.requests, 20u);
  const std::vector<std::string> said = findings(m);
  EXPECT_NE(std::find(said.begin(), said.end(),
                      "Warning: the shards ran different targets; the figures are not shown per "
                      "target."),
            said.end());
}

}  // namespace
}  // namespace ccload::stats
