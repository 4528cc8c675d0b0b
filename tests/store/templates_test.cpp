// A templated run in the store: RUNS keeps the templates, the data file and the seed (and reads
// them back); each LOADTEST row's URL is the URL sent, while the run stays named by its template.
#include <gtest/gtest.h>

#include "stats/run_stats.hpp"
#include "store/schema.hpp"
#include "store/stored_runs.hpp"
#include "store_support.hpp"

namespace ccload::store::test {
namespace {

constexpr std::int64_t kStart = 1'795'544'018;

stats::RunFacts templated_facts() {
  stats::RunFacts f;
  f.url = "http://127.0.0.1:8080/users/{{col id}}";
  f.method = "GET";
  f.requested = 3;
  f.concurrency = 1;
  f.started_unix_ns = unix_ns(kStart);
  f.seed = 18'446'744'073'709'551'615ull;  // 2^64 - 1: stored as text, exact
  f.data_file = "users.csv";
  f.data_bytes = 27;
  f.data_sha256 = "ce83763e4fe7e990797f1511cf0b71c7b1ff87ed236fc7c3887829dd92f65d28";
  f.data_order = "once";
  f.templates = R"([{"url":"http://127.0.0.1:8080/users/{{col id}}"}])";
  return f;
}

TEST(StoredTemplates, RunsKeepsTheTemplatesTheDataFileAndTheSeed) {
  TempDir dir;
  const fs::path db = dir / "load.db";
  RunWriter writer(db, templated_facts());
  stats::RunStats s;
  std::vector<Record> batch;
  for (std::uint64_t i = 1; i <= 3; ++i) {
    Record r = make_record(i, unix_ns(kStart, static_cast<std::int64_t>(i)), 1'000'000);
    r.url = "http://127.0.0.1:8080/users/" + std::to_string(100 + i);
    s.add(r);
    batch.push_back(std::move(r));
  }
  writer.submit(std::move(batch));
  stats::RunFacts facts = templated_facts();
  facts.duration_s = 1;
  const stats::RunSummary summary = stats::summarize(s, facts);
  const StoreOutcome out = writer.finish({unix_ns(kStart + 1), &summary});
  ASSERT_TRUE(out.ok) << out.error;

  EXPECT_EQ(query_int(db, "PRAGMA user_version"), schema::kVersion);
  EXPECT_EQ(query_text(db, "SELECT SEED FROM RUNS"), "18446744073709551615");
  EXPECT_EQ(query_text(db, "SELECT DATA_FILE FROM RUNS"), "users.csv");
  EXPECT_EQ(query_int(db, "SELECT DATA_BYTES FROM RUNS"), 27);
  EXPECT_EQ(query_text(db, "SELECT DATA_ORDER FROM RUNS"), "once");
  EXPECT_EQ(query_text(db, "SELECT TEMPLATES FROM RUNS"), templated_facts().templates);
  EXPECT_EQ(query_text(db, "SELECT URL FROM RUNS"), "http://127.0.0.1:8080/users/{{col id}}")
      << "the run is named by its template";
  EXPECT_EQ(query_text(db, "SELECT URL FROM LOADTEST WHERE RUNREQUEST = 2"),
            "http://127.0.0.1:8080/users/102")
      << "each row keeps the URL sent";
  EXPECT_EQ(query_int(db, "SELECT COUNT(DISTINCT URL) FROM LOADTEST"), 3);

  StoredRuns runs(db.string());
  const stats::RunSummary back = runs.load(runs.resolve("last"), 0);
  EXPECT_EQ(back.facts.seed, templated_facts().seed);
  EXPECT_EQ(back.facts.data_file, "users.csv");
  EXPECT_EQ(back.facts.data_bytes, 27u);
  EXPECT_EQ(back.facts.data_sha256, templated_facts().data_sha256);
  EXPECT_EQ(back.facts.data_order, "once");
  EXPECT_EQ(back.facts.templates, templated_facts().templates);
  EXPECT_EQ(back.facts.url, "http://127.0.0.1:8080/users/{{col id}}");
}

TEST(StoredTemplates, AStaticRunLeavesTheNewColumnsNull) {
  TempDir dir;
  const fs::path db = dir / "load.db";
  stats::RunFacts facts = templated_facts();
  facts.seed.reset();
  facts.data_file.clear();
  facts.templates.clear();
  facts.url = "http://127.0.0.1:8080/x";
  RunWriter writer(db, facts);
  const StoreOutcome out = finish_run(writer, stats::RunStats{}, unix_ns(kStart + 1), 1.0);
  ASSERT_TRUE(out.ok) << out.error;
  EXPECT_EQ(query_int(db,
                      "SELECT COUNT(*) FROM RUNS WHERE SEED IS NULL AND DATA_FILE IS NULL AND "
                      "TEMPLATES IS NULL"),
            1);
  StoredRuns runs(db.string());
  EXPECT_FALSE(runs.load(runs.resolve("last"), 0).facts.seed);
}

}  // namespace
}  // namespace ccload::store::test
