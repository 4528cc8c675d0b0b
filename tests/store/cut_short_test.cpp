// A run whose process died before it wrote its end (SIGKILL, an OOM kill): read back as cut short,
// from its committed rows, under its own shard and with the clock of its --start-at.

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "store/stored_runs.hpp"
#include "store_support.hpp"

namespace ccload::store::test {
namespace {

constexpr std::int64_t kStartAt = 1'795'544'018'000'000'000;  // 2026-11-25, UTC, on a second
constexpr std::int64_t kMs = 1'000'000;

stats::RunFacts asked(unsigned shard = 0) {
  stats::RunFacts facts;
  facts.url = "http://127.0.0.1:9/get";
  facts.method = "GET";
  facts.concurrency = 50;
  facts.rate = 300;
  facts.duration_limit_s = 10;
  facts.run_name = "shared-1";
  facts.shard = shard;
  facts.shards = 2;
  facts.start_at_ns = kStartAt;
  return facts;
}

// `count` records, the first starting at `first_ns`, one every `step_ns`, each 1 ms long.
std::vector<Record> records(std::uint64_t count, std::int64_t first_ns, std::int64_t step_ns) {
  std::vector<Record> out;
  for (std::uint64_t i = 0; i < count; ++i) {
    out.push_back(make_record(i + 1, first_ns + static_cast<std::int64_t>(i) * step_ns, kMs, 200));
  }
  return out;
}

// In a child process: a run whose writer opened at `opened_ns` stores `batch`, and the process
// dies (no finish, no destructor) once every row is committed. True when it got that far.
bool killed_run(const fs::path& db, stats::RunFacts facts, std::int64_t opened_ns,
                std::vector<Record> batch) {
  const auto rows = static_cast<std::int64_t>(batch.size());
  return run_in_child(
             [&] {
               facts.started_unix_ns = opened_ns;
               auto* writer = new RunWriter(db, facts);  // never finished: the process dies
               writer->submit(std::move(batch));
               // Committed by time, with no finish() (at most a few hundred ms; bounded here).
               for (int i = 0; i < 500; ++i) {
                 std::this_thread::sleep_for(std::chrono::milliseconds(20));
                 const std::string run = std::to_string(writer->run_id());
                 if (query_int(db, "SELECT COUNT(*) FROM LOADTEST WHERE RUNID = " + run) == rows) {
                   ::_exit(0);
                 }
               }
               return 1;
             },
             false) == 0;
}

TEST(CutShort, AKilledRunIsCutShortWithTheFiguresOfItsRows) {
  TempDir dir;
  const fs::path db = dir / "load.db";
  stats::RunFacts facts = asked();
  facts.run_name.clear();
  facts.start_at_ns.reset();
  // The writer opens a moment before the first request; 30 requests from then on, 10 ms apart.
  ASSERT_TRUE(killed_run(db, facts, kStartAt - 5 * kMs, records(30, kStartAt, 10 * kMs)));
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM RUNS WHERE ENDED IS NULL"), 1);

  StoredRuns runs(db);
  const stats::RunSummary s = runs.load(runs.resolve("last"));
  EXPECT_TRUE(s.facts.cut_short);
  EXPECT_TRUE(s.facts.interrupted);
  EXPECT_EQ(s.requests, 30u);
  EXPECT_EQ(s.succeeded, 30u);
  EXPECT_TRUE(s.storage.stored) << "every request it reports is in the database";
  EXPECT_EQ(s.facts.started_unix_ns, kStartAt) << "from its first request";
  EXPECT_NEAR(s.facts.duration_s, 0.291, 1e-6);  // 29 x 10 ms, and the last one's 1 ms
  EXPECT_NEAR(s.rps, 30 / 0.291, 1e-3);
  EXPECT_EQ(s.facts.rate, 300.0);
  EXPECT_EQ(s.facts.duration_limit_s, 10.0);
  EXPECT_EQ(s.facts.concurrency, 50u);
  for (const auto& note : s.notes) EXPECT_EQ(note.find("Ctrl-C"), std::string::npos) << note;
}

TEST(CutShort, AKilledShardKeepsItsIndexItsRowsAndTheSharedStart) {
  TempDir dir;
  const fs::path db = dir / "load.db";
  // Shard 0 finished: 20 requests over 1 s from --start-at.
  {
    stats::RunFacts facts = asked(0);
    facts.started_unix_ns = kStartAt;
    RunWriter writer(db, facts);
    stats::RunStats st;
    std::vector<Record> batch = records(20, kStartAt, 50 * kMs);
    for (const Record& r : batch) st.add(r);
    writer.submit(std::move(batch));
    stats::RunFacts end = facts;
    end.duration_s = 1.0;
    const stats::RunSummary summary = stats::summarize(st, end);
    ASSERT_TRUE(writer.finish({kStartAt + 1000 * kMs, &summary}).ok);
  }
  // Shard 1 opened its database 1.5 s before --start-at (it waited for it), sent 10 requests from
  // 0.6 s to 1.5 s after it, and was killed.
  ASSERT_TRUE(killed_run(db, asked(1), kStartAt - 1500 * kMs,
                         records(10, kStartAt + 600 * kMs, 100 * kMs)));

  StoredRuns runs(db);
  const stats::RunSummary m = runs.load(runs.resolve("shared-1"));
  ASSERT_EQ(m.shard_lines.size(), 2u);
  EXPECT_EQ(m.shard_lines[0].shard, 0u);
  EXPECT_TRUE(m.shard_lines[0].finished);
  EXPECT_EQ(m.shard_lines[0].requests, 20u);
  EXPECT_EQ(m.shard_lines[1].shard, 1u) << "under its own index";
  EXPECT_FALSE(m.shard_lines[1].finished);
  EXPECT_EQ(m.shard_lines[1].requests, 10u);
  EXPECT_NEAR(m.shard_lines[1].duration_s, 1.501, 1e-6) << "from --start-at to its last response";
  EXPECT_EQ(m.requests, 30u);
  EXPECT_TRUE(m.facts.cut_short);
  EXPECT_EQ(m.facts.started_unix_ns, kStartAt) << "the shared --start-at, not when it opened";
  EXPECT_NEAR(m.facts.duration_s, 1.501, 1e-6);
  EXPECT_NEAR(m.rps, 30 / 1.501, 1e-3);
  bool named = false;
  for (const auto& note : m.notes) {
    EXPECT_EQ(note.find("Ctrl-C"), std::string::npos) << note;
    named = named || note.starts_with("Shard 1/2: run 2, 10 requests");
  }
  EXPECT_TRUE(named);
}

}  // namespace
}  // namespace ccload::store::test
