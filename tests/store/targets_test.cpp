// Runs of several targets in the store: each LOADTEST row keeps its target's URL and method with
// TARGET, REDIRECTS and FINAL_URL; RUNS keeps the targets and their summaries and gives them back
// (summary_from_row, StoredRuns); a version 4 database migrates; the fallback file carries the
// same fields; PostgreSQL stores the same values as SQLite.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "store/history_data.hpp"
#include "store/postgres.hpp"
#include "store/runs_row.hpp"
#include "store/schema.hpp"
#include "store/stored_runs.hpp"
#include "store/targets_support.hpp"
#include "support/postgres_server.hpp"

namespace ccload::store::test {
namespace {

using nlohmann::json;

constexpr std::int64_t kStart = 1'795'544'018;  // 2026-11-25, UTC
constexpr std::uint64_t kRequests = 100;        // 34 to target 0, 33 to each other
constexpr const char* kUrls = "http://a.test/one\nhttp://b.test/two\nhttp://c.test/three";

// Target 2's requests 6, 12, ..., 96 answered 500; every request to target 1 was redirected.
constexpr std::uint64_t kPerTarget[] = {34, 33, 33};
constexpr std::uint64_t kTarget2Failed = 16;

// What every backend must have stored for the run of store_targets_run(kRequests): `query_int`
// and `query_text` ask the database.
template <class Int, class Text>
void expect_stored_targets(std::int64_t run_id, const stats::RunSummary& summary, Int query_int,
                           Text query_text) {
  const std::string run = " RUNID = " + std::to_string(run_id);
  EXPECT_EQ(query_int("SELECT COUNT(*) FROM LOADTEST WHERE" + run), 100);
  for (std::size_t t = 0; t < kThreeTargets.size(); ++t) {
    EXPECT_EQ(query_int("SELECT COUNT(*) FROM LOADTEST WHERE" + run +
                        " AND TARGET = " + std::to_string(t) + " AND URL = '" +
                        kThreeTargets[t].url + "' AND REQTYPE = '" + kThreeTargets[t].method + "'"),
              static_cast<std::int64_t>(kPerTarget[t]))
        << "target " << t;
  }
  EXPECT_EQ(query_int("SELECT COUNT(*) FROM LOADTEST WHERE" + run +
                      " AND REDIRECTS = 1 AND TARGET = 1 AND FINAL_URL = 'http://b.test/twofinal'"),
            33);
  EXPECT_EQ(query_int("SELECT COUNT(*) FROM LOADTEST WHERE" + run +
                      " AND REDIRECTS = 0 AND FINAL_URL IS NULL AND TARGET <> 1"),
            67);
  EXPECT_EQ(query_int("SELECT COUNT(*) FROM LOADTEST WHERE" + run +
                      " AND STATUS = 500 AND TARGET = 2 AND URL = 'http://c.test/three'"),
            16);
  EXPECT_EQ(query_text("SELECT URL || ' ' || REQTYPE || ' ' || CAST(TARGET AS TEXT) FROM LOADTEST "
                       "WHERE" +
                       run + " AND RUNREQUEST = 35"),
            "http://b.test/two POST 1");

  EXPECT_EQ(query_text("SELECT URL || ' ' || METHOD FROM RUNS WHERE" + run),
            "http://a.test/one GET");
  EXPECT_EQ(query_int("SELECT TARGET_COUNT FROM RUNS WHERE" + run), 3);
  EXPECT_EQ(query_text("SELECT TARGET_URLS FROM RUNS WHERE" + run), kUrls);
  EXPECT_EQ(query_int("SELECT REDIRECTED FROM RUNS WHERE" + run), 33);
  EXPECT_EQ(query_int("SELECT MAX_REDIRECTS FROM RUNS WHERE" + run), 3);
  EXPECT_EQ(query_int("SELECT REQUESTS FROM RUNS WHERE" + run), 100);
  const json targets = json::parse(query_text("SELECT TARGETS FROM RUNS WHERE" + run));
  ASSERT_EQ(targets.size(), 3u);
  for (std::size_t t = 0; t < 3; ++t) {
    EXPECT_EQ(targets[t].at("method"), kThreeTargets[t].method);
    EXPECT_EQ(targets[t].at("url"), kThreeTargets[t].url);
    EXPECT_EQ(targets[t].at("REQUESTS"), kPerTarget[t]);
    EXPECT_EQ(targets[t].at("HIST_TOTAL"), summary.targets[t].total.histogram.serialize());
  }
  EXPECT_EQ(targets[1].at("REDIRECTED"), 33);
  EXPECT_EQ(targets[2].at("FAILED"), kTarget2Failed);
  EXPECT_EQ(targets[0].at("FAILED"), 0);
  EXPECT_FALSE(targets[0].contains("TARGETS"));
}

std::int64_t sqlite_int(const fs::path& db, const std::string& sql) { return query_int(db, sql); }
std::string sqlite_text(const fs::path& db, const std::string& sql) { return query_text(db, sql); }

TEST(Targets, EachRowKeepsItsTargetAndRunsKnowsTheTargets) {
  TempDir dir;
  const fs::path db = dir / "load.db";
  const auto run = store_targets_run(db.string(), kStart, kRequests);
  ASSERT_GT(run.outcome.run_id, 0);
  EXPECT_EQ(run.outcome.rows_stored, 100u);
  expect_stored_targets(
      run.outcome.run_id, run.summary, [&](const std::string& sql) { return sqlite_int(db, sql); },
      [&](const std::string& sql) { return sqlite_text(db, sql); });
  EXPECT_EQ(query_int(db, "PRAGMA user_version"), schema::kVersion);
}

TEST(Targets, ARunOfOneTargetHasTargetZeroAndNoTargetsJson) {
  TempDir dir;
  const fs::path db = dir / "load.db";
  stats::RunFacts facts;
  facts.url = "http://one.test/";
  facts.method = "GET";
  facts.requested = 40;
  facts.started_unix_ns = unix_ns(kStart);
  RunWriter writer(db, facts);
  std::vector<Record> batch;
  stats::RunStats stats;
  for (std::uint64_t k = 1; k <= 40; ++k) {
    batch.push_back(make_record(k, unix_ns(kStart), 1'000'000));
    stats.add(batch.back());
  }
  writer.submit(std::move(batch));
  const auto out = finish_run(writer, stats, unix_ns(kStart + 2), 2.0);
  ASSERT_TRUE(out.ok) << out.error;
  EXPECT_EQ(query_int(db,
                      "SELECT COUNT(*) FROM LOADTEST WHERE TARGET = 0 AND REDIRECTS = 0 AND "
                      "FINAL_URL IS NULL AND URL = 'http://one.test/' AND REQTYPE = 'GET'"),
            40);
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM RUNS WHERE TARGETS IS NULL"), 1);
  EXPECT_EQ(query_int(db, "SELECT TARGET_COUNT FROM RUNS"), 1);
  EXPECT_EQ(query_text(db, "SELECT TARGET_URLS FROM RUNS"), "http://one.test/");
  EXPECT_EQ(query_int(db, "SELECT REDIRECTED FROM RUNS"), 0);
  EXPECT_EQ(query_int(db, "SELECT MAX_REDIRECTS FROM RUNS"), 0);
}

void expect_same_timing(const stats::Timing& a, const stats::Timing& b, const char* name) {
  EXPECT_EQ(a.histogram, b.histogram) << name;
  EXPECT_EQ(a.figures.count, b.figures.count) << name;
  EXPECT_DOUBLE_EQ(a.figures.mean, b.figures.mean) << name;
  EXPECT_DOUBLE_EQ(a.figures.p50, b.figures.p50) << name;
  EXPECT_DOUBLE_EQ(a.figures.p95, b.figures.p95) << name;
  EXPECT_DOUBLE_EQ(a.figures.max, b.figures.max) << name;
}

void expect_same_summary(const stats::RunSummary& a, const stats::RunSummary& b) {
  EXPECT_EQ(a.facts.url, b.facts.url);
  EXPECT_EQ(a.facts.method, b.facts.method);
  EXPECT_EQ(a.facts.targets, b.facts.targets);
  EXPECT_EQ(a.facts.max_redirects, b.facts.max_redirects);
  EXPECT_EQ(a.facts.requested, b.facts.requested);
  EXPECT_DOUBLE_EQ(a.facts.duration_s, b.facts.duration_s);
  EXPECT_EQ(a.facts.started_unix_ns, b.facts.started_unix_ns);
  EXPECT_EQ(a.requests, b.requests);
  EXPECT_EQ(a.succeeded, b.succeeded);
  EXPECT_EQ(a.failed, b.failed);
  EXPECT_EQ(a.bytes, b.bytes);
  EXPECT_EQ(a.redirected, b.redirected);
  EXPECT_DOUBLE_EQ(a.rps, b.rps);
  EXPECT_EQ(a.status_codes, b.status_codes);
  EXPECT_EQ(a.errors, b.errors);
  EXPECT_EQ(a.timeline.size(), b.timeline.size());
  expect_same_timing(a.total, b.total, "total");
  expect_same_timing(a.ttfb, b.ttfb, "ttfb");
  expect_same_timing(a.ttlb, b.ttlb, "ttlb");
  expect_same_timing(a.connect, b.connect, "connect");
  expect_same_timing(a.wait, b.wait, "wait");
  expect_same_timing(a.service, b.service, "service");
}

TEST(Targets, SummaryColumnsRoundTripEveryTarget) {
  const std::int64_t start = unix_ns(kStart);
  const stats::RunSummary summary = targets_summary(kThreeTargets, start, kRequests);
  ASSERT_EQ(summary.targets.size(), 3u);
  // The RUNS row as the writer leaves it: what was asked, then the summary.
  RunsRow row = identity_columns(summary.facts, start);
  const RunsRow ended = summary_columns(summary, start + 10'000'000'000);
  for (const auto& [column, value] : ended.values()) row.set(column, value);
  const stats::RunSummary back = summary_from_row(row);
  expect_same_summary(back, summary);
  ASSERT_EQ(back.targets.size(), 3u);
  for (std::size_t t = 0; t < 3; ++t) {
    SCOPED_TRACE("target " + std::to_string(t));
    expect_same_summary(back.targets[t], summary.targets[t]);
    EXPECT_TRUE(back.targets[t].targets.empty());
  }
  EXPECT_EQ(back.targets[1].redirected, 33u);
  EXPECT_EQ(back.targets[2].failed, kTarget2Failed);
  EXPECT_EQ(back.targets[0].requests, 34u);

  // TARGETS alone names the targets (a run that never ended): no per-target summaries.
  RunsRow identity = identity_columns(summary.facts, start);
  const stats::RunSummary named = summary_from_row(identity);
  EXPECT_EQ(named.facts.targets, kThreeTargets);
  EXPECT_TRUE(named.targets.empty());
  EXPECT_EQ(identity.text("TARGET_URLS"), kUrls);

  RunsRow damaged = row;
  damaged.set("TARGETS", std::string("[{\"method\":\"GET\"}]"));
  EXPECT_THROW(summary_from_row(damaged), std::invalid_argument);
}

TEST(Targets, StoredRunsLoadTheTargetsAndEachRequestsTarget) {
  TempDir dir;
  const fs::path db = dir / "load.db";
  const auto run = store_targets_run(db.string(), kStart, kRequests);
  StoredRuns runs(db);
  const stats::RunSummary s = runs.load(runs.resolve("last"), 5);
  EXPECT_EQ(s.facts.targets, kThreeTargets);
  EXPECT_EQ(s.facts.max_redirects, 3u);
  EXPECT_EQ(s.redirected, 33u);
  ASSERT_EQ(s.targets.size(), 3u);
  for (std::size_t t = 0; t < 3; ++t) {
    SCOPED_TRACE("target " + std::to_string(t));
    expect_same_summary(s.targets[t], run.summary.targets[t]);
  }
  ASSERT_EQ(s.details.size(), 5u);
  EXPECT_EQ(s.details[1].url, "http://b.test/two");
  EXPECT_EQ(s.details[1].method, "POST");
  EXPECT_EQ(s.details[2].url, "http://c.test/three");
  EXPECT_EQ(s.details[3].url, "http://a.test/one");

  std::uint64_t total = 0;
  const auto rows = runs.requests(runs.resolve("last"), 3, &total);
  EXPECT_EQ(total, 100u);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1].target, 1u);
  EXPECT_EQ(rows[1].redirects, 1u);
  EXPECT_EQ(rows[1].final_url, "http://b.test/twofinal");
  EXPECT_EQ(rows[2].target, 2u);
  EXPECT_EQ(rows[2].redirects, 0u);
  EXPECT_EQ(rows[2].final_url, "");
}

// --baseline last: a run of several targets is no baseline of a run of its first target.
TEST(Targets, TheLastRunOfAUrlIsARunOfThatUrlAlone) {
  TempDir dir;
  const fs::path db = dir / "load.db";
  stats::RunFacts facts;
  facts.url = "http://a.test/one";
  facts.method = "GET";
  facts.started_unix_ns = unix_ns(kStart - 100);
  std::int64_t single = 0;
  {
    RunWriter writer(db, facts);
    stats::RunStats stats;
    Record r = make_record(1, facts.started_unix_ns, 1'000'000);
    stats.add(r);
    writer.submit({r});
    single = finish_run(writer, stats, unix_ns(kStart - 99), 1.0).run_id;
  }
  const auto several = store_targets_run(db.string(), kStart, 9);
  ASSERT_GT(several.outcome.run_id, single);
  StoredRuns runs(db);
  const auto last = runs.last_of("http://a.test/one", "GET");
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->run_id, single);
}

// --baseline last: the newest run whose thresholds all passed (one without any passes);
// --baseline last-any: the newest, whatever its verdicts.
TEST(Targets, TheLastPassingRunSkipsRunsThatFailedTheirThresholds) {
  TempDir dir;
  const fs::path db = dir / "load.db";
  const auto store = [&](const std::string& url, std::int64_t at,
                         std::vector<bool> verdicts) -> std::int64_t {
    stats::RunFacts facts;
    facts.url = url;
    facts.method = "GET";
    facts.started_unix_ns = unix_ns(at);
    RunWriter writer(db, facts);
    stats::RunStats stats;
    Record r = make_record(1, facts.started_unix_ns, 1'000'000);
    stats.add(r);
    writer.submit({r});
    stats::RunFacts end;
    end.duration_s = 1;
    stats::RunSummary summary = stats::summarize(stats, end);
    for (bool passed : verdicts) summary.thresholds.push_back({"p50<1s", "s", 0.001, 1, passed});
    return writer.finish({unix_ns(at + 1), &summary}).run_id;
  };
  const std::int64_t passed = store("http://a.test/one", kStart - 300, {true, true});
  const std::int64_t none = store("http://a.test/one", kStart - 200, {});
  const std::int64_t failed = store("http://a.test/one", kStart - 100, {true, false});
  store("http://a.test/two", kStart - 50, {false});
  ASSERT_LT(passed, none);
  StoredRuns runs(db);
  EXPECT_EQ(runs.last_of("http://a.test/one", "GET", true)->run_id, none);
  EXPECT_EQ(runs.last_of("http://a.test/one", "GET")->run_id, failed);
  EXPECT_FALSE(runs.last_of("http://a.test/two", "GET", true)) << "its only run failed";
  EXPECT_TRUE(runs.last_of("http://a.test/two", "GET"));
  EXPECT_EQ(runs.last_of({{"GET", "http://a.test/one"}}, true)->run_id, none);
}

// A run whose summary was never written is rebuilt from its rows, per target too.
TEST(Targets, AnUnfinishedRunIsRebuiltPerTargetFromItsRows) {
  TempDir dir;
  const fs::path db = dir / "load.db";
  const std::int64_t start = unix_ns(kStart);
  {
    RunWriter writer(db, targets_facts(kThreeTargets, start, kRequests));
    std::vector<Record> batch;
    for (std::uint64_t k = 1; k <= kRequests; ++k) {
      batch.push_back(target_record(k, 3, start, kThreeTargets));
    }
    writer.submit(std::move(batch));
    ASSERT_TRUE(writer.finish({start + 1'000'000'000, nullptr}).ok);  // no summary
  }
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM RUNS WHERE HIST_TOTAL IS NULL"), 1);
  StoredRuns runs(db);
  const stats::RunSummary s = runs.load(runs.resolve("last"), 0);
  EXPECT_EQ(s.requests, 100u);
  EXPECT_EQ(s.facts.targets, kThreeTargets);
  EXPECT_EQ(s.redirected, 33u);
  ASSERT_EQ(s.targets.size(), 3u);
  EXPECT_EQ(s.targets[0].requests, 34u);
  EXPECT_EQ(s.targets[1].redirected, 33u);
  EXPECT_EQ(s.targets[2].failed, kTarget2Failed);
  EXPECT_EQ(s.targets[2].status_codes.at(500), kTarget2Failed);
  EXPECT_EQ(s.targets[1].facts.url, "http://b.test/two");
  EXPECT_EQ(s.targets[1].facts.method, "POST");
}

// A database of schema 4 (and a row of it) gains the new columns; the old row keeps NULLs.
TEST(Targets, AVersion4DatabaseMigrates) {
  TempDir dir;
  const fs::path db = dir / "load.db";
  {
    std::string v4;
    std::istringstream lines(schema::create_statements());
    for (std::string line; std::getline(lines, line);) {
      if (line.find("TARGET") != std::string::npos || line.find("REDIRECT") != std::string::npos ||
          line.find("FINAL_URL") != std::string::npos) {
        continue;
      }
      v4 += line + "\n";
    }
    sql::Database d(db, sql::Database::Mode::read_write_create);
    d.exec(v4);
    d.exec("PRAGMA user_version=4");
    d.exec(
        "INSERT INTO LOADTEST(TIMESTAMP, URL, STATUS, REQTYPE, RESPONSETIME) VALUES(1.5, "
        "'http://old/', 200, 'GET', 0.1)");
    ASSERT_FALSE(d.has_column("LOADTEST", "TARGET"));
    ASSERT_FALSE(d.has_column("RUNS", "TARGETS"));
  }
  const auto run = store_targets_run(db.string(), kStart, kRequests);
  EXPECT_EQ(query_int(db, "PRAGMA user_version"), schema::kVersion);
  expect_stored_targets(
      run.outcome.run_id, run.summary, [&](const std::string& sql) { return sqlite_int(db, sql); },
      [&](const std::string& sql) { return sqlite_text(db, sql); });
  EXPECT_EQ(query_int(db,
                      "SELECT COUNT(*) FROM LOADTEST WHERE URL = 'http://old/' AND TARGET IS NULL "
                      "AND REDIRECTS IS NULL AND FINAL_URL IS NULL"),
            1);
}

TEST(Targets, TheFallbackFileCarriesEachRecordsTarget) {
  TempDir dir;
  const fs::path db = dir / "load.db";
  std::ofstream(db) << std::string(8192, 'z');  // not a database: every record to the fallback
  const std::int64_t start = unix_ns(kStart);
  RunWriter writer(db, targets_facts(kThreeTargets, start, 6));
  std::vector<Record> batch;
  for (std::uint64_t k = 1; k <= 6; ++k) batch.push_back(target_record(k, 3, start, kThreeTargets));
  writer.submit(std::move(batch));
  const StoreOutcome out = writer.finish({start + 1'000'000'000, nullptr});
  EXPECT_FALSE(out.ok);
  const auto lines = record_lines(out.fallback_path);
  ASSERT_EQ(lines.size(), 6u);
  for (const auto& line : lines) {
    const json j = json::parse(line);
    const auto k = j.at("request_id").get<std::size_t>();
    const std::size_t t = (k - 1) % 3;
    EXPECT_EQ(j.at("target"), t) << line;
    EXPECT_EQ(j.at("url"), kThreeTargets[t].url) << line;
    EXPECT_EQ(j.at("method"), kThreeTargets[t].method) << line;
    EXPECT_EQ(j.at("redirects"), t == 1 ? 1 : 0) << line;
    if (t == 1) {
      EXPECT_EQ(j.at("final_url"), "http://b.test/twofinal") << line;
    } else {
      EXPECT_TRUE(j.at("final_url").is_null()) << line;
    }
  }
  fs::remove(out.fallback_path);
}

// The same run written through PostgreSQL's COPY: the same stored values, read back the same.
class PostgresTargets : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new ccload::test::PostgresServer(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    if (!server_->installed()) GTEST_SKIP() << server_->why();
    ASSERT_TRUE(server_->available()) << server_->why();
  }
  static ccload::test::PostgresServer* server_;
};
ccload::test::PostgresServer* PostgresTargets::server_ = nullptr;

TEST_F(PostgresTargets, TheWriterStoresEachRowsTargetAndTheRunsTargets) {
  const std::string url = server_->create_database("targets");
  const auto run = store_targets_run(url, kStart, kRequests);
  ASSERT_GT(run.outcome.run_id, 0);
  EXPECT_EQ(run.outcome.rows_stored, 100u);
  sql::PgConnection db(url);
  auto ask = [&](const std::string& sql) {
    auto statement = db.prepare(sql);
    EXPECT_TRUE(statement.step()) << sql;
    return statement;
  };
  expect_stored_targets(
      run.outcome.run_id, run.summary,
      [&](const std::string& sql) { return ask(sql).column_int(0); },
      [&](const std::string& sql) { return ask(sql).column_text(0); });

  StoredRuns runs(url);
  const stats::RunSummary s = runs.load(runs.resolve("last"), 3);
  EXPECT_EQ(s.facts.targets, kThreeTargets);
  ASSERT_EQ(s.targets.size(), 3u);
  for (std::size_t t = 0; t < 3; ++t) expect_same_summary(s.targets[t], run.summary.targets[t]);
  ASSERT_EQ(s.details.size(), 3u);
  EXPECT_EQ(s.details[1].url, "http://b.test/two");

  // The history's queries in PostgreSQL's dialect: one line, matched by its 2nd target's URL; one
  // period line per URL.
  HistoryQuery q;
  q.url_contains = "b.test/two";
  const auto lines = detail::list_runs(db, q);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].run_id, run.outcome.run_id);
  EXPECT_EQ(lines[0].targets, kThreeTargets);
  EXPECT_EQ(lines[0].requests, 100u);
  q.url_contains = "POST";
  EXPECT_TRUE(detail::list_runs(db, q).empty());
  q.url_contains.clear();
  q.period = Period::yearly;
  const auto years = detail::list_periods(db, q);
  ASSERT_EQ(years.size(), 3u);
  for (std::size_t t = 0; t < 3; ++t) {
    EXPECT_EQ(years[t].url, kThreeTargets[t].url);
    EXPECT_EQ(years[t].requests, kPerTarget[t]);
    EXPECT_EQ(years[t].runs, 1u);
  }
  EXPECT_EQ(years[2].failed, kTarget2Failed);
}

TEST_F(PostgresTargets, AVersion4TableGainsTheColumns) {
  const std::string url = server_->create_database("targets_v4");
  {
    sql::PgConnection db(url);
    db.exec(
        "CREATE TABLE LOADTEST(REQUESTID BIGSERIAL PRIMARY KEY, TIMESTAMP DOUBLE PRECISION NOT "
        "NULL, URL TEXT NOT NULL, STATUS INTEGER NOT NULL, REQTYPE VARCHAR NOT NULL, RESPONSETIME "
        "DOUBLE PRECISION NOT NULL, RUNID BIGINT, WAIT DOUBLE PRECISION)");
    db.exec(
        "CREATE TABLE RUNS(RUNID BIGSERIAL PRIMARY KEY, STARTED DOUBLE PRECISION NOT NULL, URL "
        "TEXT NOT NULL, METHOD TEXT NOT NULL, N BIGINT NOT NULL, C BIGINT NOT NULL, PROTOCOL "
        "TEXT)");
  }
  const auto run = store_targets_run(url, kStart, kRequests);
  sql::PgConnection db(url);
  EXPECT_TRUE(db.has_column("LOADTEST", "FINAL_URL"));
  EXPECT_TRUE(db.has_column("RUNS", "TARGETS"));
  auto count = db.prepare("SELECT COUNT(*) FROM LOADTEST WHERE TARGET = 1 AND REDIRECTS = 1");
  ASSERT_TRUE(count.step());
  EXPECT_EQ(count.column_int(0), 33);
}

}  // namespace
}  // namespace ccload::store::test
