#include "store/run_writer.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "stats/run_stats.hpp"
#include "store/schema.hpp"
#include "store_support.hpp"

namespace ccload::store::test {
namespace {

constexpr std::int64_t kStart = 1'795'544'018;  // 2026-11-25, UTC

stats::RunFacts info(std::string url = "http://127.0.0.1:8080/x", std::uint64_t n = 100) {
  stats::RunFacts i;
  i.url = std::move(url);
  i.method = "GET";
  i.requested = n;
  i.concurrency = 4;
  i.started_unix_ns = unix_ns(kStart, 185'497'000);
  return i;
}

StoreOutcome finish_of(RunWriter& writer, const stats::RunStats& s, bool interrupted = false) {
  return finish_run(writer, s, unix_ns(kStart + 2), 2.0, interrupted);
}

TEST(RunWriter, StoresEveryRecordWithItsFields) {
  TempDir dir;
  const fs::path db = dir / "load.db";
  stats::RunStats s;
  RunWriter writer(db, info());
  ASSERT_GT(writer.run_id(), 0);
  std::vector<Record> batch;
  for (std::uint64_t i = 1; i <= 1000; ++i) {
    const std::uint16_t status = i % 100 == 0 ? 500 : 200;
    Record r = make_record(i, unix_ns(kStart, static_cast<std::int64_t>(i) * 1000),
                           static_cast<std::int64_t>(i) * 10'000, status);
    s.add(r);
    batch.push_back(r);
    if (batch.size() == 64) writer.submit(std::move(batch)), batch.clear();
  }
  writer.submit(std::move(batch));
  const StoreOutcome out = finish_of(writer, s);
  EXPECT_TRUE(out.ok) << out.error;
  EXPECT_EQ(out.rows_stored, 1000u);
  EXPECT_EQ(out.run_id, writer.run_id());
  EXPECT_TRUE(out.error.empty());
  EXPECT_TRUE(out.fallback_path.empty());

  const std::string run = std::to_string(out.run_id);
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM LOADTEST WHERE RUNID = " + run), 1000);
  EXPECT_EQ(query_int(db, "SELECT COUNT(DISTINCT RUNREQUEST) FROM LOADTEST"), 1000);
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM LOADTEST WHERE STATUS = 500"), 10);
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM LOADTEST WHERE REQTYPE <> 'GET'"), 0);
  EXPECT_EQ(query_int(db,
                      "SELECT COUNT(*) FROM LOADTEST WHERE typeof(TIMESTAMP) <> 'real' OR "
                      "typeof(RESPONSETIME) <> 'real' OR typeof(TTFB) <> 'real'"),
            0);
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM LOADTEST WHERE ERROR IS NOT NULL"), 0);

  sql::Database d(db, sql::Database::Mode::read_only);
  auto row = d.prepare(
      "SELECT TIMESTAMP, URL, STATUS, REQTYPE, RESPONSETIME, TTFB, TTLB, CONNECT, BYTES "
      "FROM LOADTEST WHERE RUNREQUEST = 321");
  ASSERT_TRUE(row.step());
  EXPECT_NEAR(row.column_double(0), static_cast<double>(kStart) + 321e-6, 1e-6);
  EXPECT_EQ(row.column_text(1), "http://127.0.0.1:8080/x");
  EXPECT_EQ(row.column_int(2), 200);
  EXPECT_EQ(row.column_text(3), "GET");
  EXPECT_DOUBLE_EQ(row.column_double(4), 321 * 10e-6);
  EXPECT_DOUBLE_EQ(row.column_double(5), 321 * 5e-6);
  EXPECT_DOUBLE_EQ(row.column_double(6), (321 * 10'000 - 1000) / 1e9);
  EXPECT_DOUBLE_EQ(row.column_double(7), 0.00025);
  EXPECT_EQ(row.column_int(8), 100 + 321 % 7);
}

TEST(RunWriter, WritesTheRunSummary) {
  TempDir dir;
  const fs::path db = dir / "load.db";
  stats::RunStats s;
  RunWriter writer(db, info("https://example.test/api", 50));
  std::vector<Record> batch;
  for (std::uint64_t i = 1; i <= 50; ++i) {
    Record r = i <= 45 ? make_record(i, unix_ns(kStart), static_cast<std::int64_t>(i) * 1'000'000)
                       : make_record(i, unix_ns(kStart), 3'000'000, 0, ErrorCategory::connect);
    if (i == 44) r.status = 503;
    s.add(r);
    batch.push_back(r);
  }
  writer.submit(std::move(batch));
  const StoreOutcome out = finish_of(writer, s, true);
  ASSERT_TRUE(out.ok) << out.error;

  sql::Database d(db, sql::Database::Mode::read_only);
  auto run = d.prepare(
      "SELECT STARTED, ENDED, URL, METHOD, N, C, REQUESTS, SUCCEEDED, FAILED, DURATION, RPS, "
      "TOTAL_P95, TOTAL_MEAN, HIST_TOTAL, INTERRUPTED, ROWS_STORED, STATUS_COUNTS, ERROR_COUNTS, "
      "BYTES, HIST_TTFB, TTFB_P95 FROM RUNS WHERE RUNID = ?");
  run.bind(1, out.run_id);
  ASSERT_TRUE(run.step());
  EXPECT_NEAR(run.column_double(0), kStart + 0.185497, 1e-6);
  EXPECT_NEAR(run.column_double(1), kStart + 2, 1e-6);
  EXPECT_EQ(run.column_text(2), "https://example.test/api");
  EXPECT_EQ(run.column_text(3), "GET");
  EXPECT_EQ(run.column_int(4), 50);
  EXPECT_EQ(run.column_int(5), 4);
  EXPECT_EQ(run.column_int(6), 50);
  EXPECT_EQ(run.column_int(7), 44);
  EXPECT_EQ(run.column_int(8), 6);
  EXPECT_DOUBLE_EQ(run.column_double(9), 2.0);
  EXPECT_DOUBLE_EQ(run.column_double(10), 25.0);
  const auto total = stats::summarize(s.total);
  EXPECT_DOUBLE_EQ(run.column_double(11), total.p95);
  EXPECT_DOUBLE_EQ(run.column_double(12), total.mean);
  EXPECT_EQ(stats::Histogram::deserialize(run.column_text(13)), s.total);
  EXPECT_EQ(stats::Histogram::deserialize(run.column_text(19)), s.ttfb);
  EXPECT_DOUBLE_EQ(run.column_double(20), stats::summarize(s.ttfb).p95);
  EXPECT_EQ(run.column_int(14), 1);
  EXPECT_EQ(run.column_int(15), 50);
  EXPECT_EQ(run.column_text(16), R"({"200":44,"503":1})");
  EXPECT_EQ(run.column_text(17), R"({"connect":5})");
  EXPECT_EQ(run.column_int(18), static_cast<std::int64_t>(s.bytes));
}

TEST(RunWriter, TransportErrorsAreStoredWithStatusZeroAndCategory) {
  TempDir dir;
  const fs::path db = dir / "load.db";
  stats::RunStats s;
  RunWriter writer(db, info());
  const std::vector<ErrorCategory> kinds = {ErrorCategory::resolve, ErrorCategory::connect,
                                            ErrorCategory::tls,     ErrorCategory::timeout,
                                            ErrorCategory::read,    ErrorCategory::write,
                                            ErrorCategory::protocol};
  std::vector<Record> batch;
  std::uint64_t id = 0;
  for (auto kind : kinds) batch.push_back(make_record(++id, unix_ns(kStart), 5'000'000, 0, kind));
  batch.push_back(make_record(++id, unix_ns(kStart), 1'000'000, 404));
  for (const auto& r : batch) s.add(r);
  writer.submit(std::move(batch));
  const StoreOutcome out = finish_of(writer, s);
  ASSERT_TRUE(out.ok) << out.error;
  EXPECT_EQ(out.rows_stored, kinds.size() + 1);
  for (std::size_t i = 0; i < kinds.size(); ++i) {
    const std::string where = " FROM LOADTEST WHERE RUNREQUEST = " + std::to_string(i + 1);
    EXPECT_EQ(query_int(db, "SELECT STATUS" + where), 0);
    EXPECT_EQ(query_text(db, "SELECT ERROR" + where), to_string(kinds[i]));
  }
  EXPECT_EQ(query_int(db, "SELECT STATUS FROM LOADTEST WHERE RUNREQUEST = 8"), 404);
  EXPECT_EQ(query_int(db, "SELECT ERROR IS NULL FROM LOADTEST WHERE RUNREQUEST = 8"), 1);
  EXPECT_EQ(query_int(db, "SELECT FAILED FROM RUNS"), 8);
}

TEST(RunWriter, RecordsFromManyThreads) {
  TempDir dir;
  const fs::path db = dir / "load.db";
  RunWriter writer(db, info());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&writer, t] {
      std::vector<Record> batch;
      for (std::uint64_t i = 0; i < 25'000; ++i) {
        batch.push_back(make_record(static_cast<std::uint64_t>(t) * 25'000 + i + 1, unix_ns(kStart),
                                    1'000'000));
        if (batch.size() == 100) writer.submit(std::move(batch)), batch.clear();
      }
    });
  }
  for (auto& t : threads) t.join();
  stats::RunStats none;
  const StoreOutcome out = finish_of(writer, none);
  ASSERT_TRUE(out.ok) << out.error;
  EXPECT_EQ(out.rows_stored, 100'000u);
  EXPECT_EQ(query_int(db, "SELECT COUNT(DISTINCT RUNREQUEST) FROM LOADTEST"), 100'000);
  EXPECT_EQ(query_text(db, "PRAGMA journal_mode"), "wal");
}

TEST(RunWriter, FinishWithoutStatsCountsTheRecords) {
  TempDir dir;
  const fs::path db = dir / "load.db";
  {
    RunWriter writer(db, info());
    writer.submit({make_record(1, unix_ns(kStart), 1000, 200),
                   make_record(2, unix_ns(kStart), 1000, 0, ErrorCategory::timeout)});
    // Destroyed without finish(): the records are still written, the run marked interrupted.
  }
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM LOADTEST"), 2);
  EXPECT_EQ(query_int(db, "SELECT REQUESTS FROM RUNS"), 2);
  EXPECT_EQ(query_int(db, "SELECT FAILED FROM RUNS"), 1);
  EXPECT_EQ(query_int(db, "SELECT INTERRUPTED FROM RUNS"), 1);
}

// A few records, far fewer than the writer wakes for by count, are committed by time while the run
// goes on (before finish()): what a killed run keeps.
TEST(RunWriter, RecordsAreCommittedBeforeTheRunEnds) {
  TempDir dir;
  const fs::path db = dir / "load.db";
  RunWriter writer(db, info());
  writer.submit({make_record(1, unix_ns(kStart), 1000, 200)});
  writer.submit({make_record(2, unix_ns(kStart), 1000, 200)});
  std::int64_t committed = 0;
  for (int i = 0; i < 500 && committed < 2; ++i) {  // bounded: at most about 10 s
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    committed = query_int(db, "SELECT COUNT(*) FROM LOADTEST");
  }
  EXPECT_EQ(committed, 2);
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM RUNS WHERE ENDED IS NULL"), 1) << "still running";
  stats::RunStats s;
  EXPECT_TRUE(finish_of(writer, s).ok);
}

TEST(RunWriter, SecondFinishReturnsTheSameOutcome) {
  TempDir dir;
  RunWriter writer(dir / "load.db", info());
  stats::RunStats s;
  const auto a = finish_of(writer, s);
  const auto b = finish_of(writer, s);
  EXPECT_EQ(a.run_id, b.run_id);
  EXPECT_TRUE(b.ok);
}

TEST(RunWriter, TwoWritersOnOneDatabaseInOneProcess) {
  TempDir dir;
  const fs::path db = dir / "load.db";
  auto work = [&](std::string url, StoreOutcome& out) {
    RunWriter writer(db, info(url));
    for (std::uint64_t i = 0; i < 1000; ++i) {
      std::vector<Record> batch;
      for (std::uint64_t j = 1; j <= 100; ++j) {
        batch.push_back(make_record(i * 100 + j, unix_ns(kStart), 1'000'000));
      }
      writer.submit(std::move(batch));
    }
    stats::RunStats none;
    out = finish_of(writer, none);
  };
  StoreOutcome a, b;
  std::thread ta(work, "http://a/", std::ref(a));
  std::thread tb(work, "http://b/", std::ref(b));
  ta.join();
  tb.join();
  EXPECT_TRUE(a.ok) << a.error;
  EXPECT_TRUE(b.ok) << b.error;
  EXPECT_NE(a.run_id, b.run_id);
  EXPECT_EQ(
      query_int(db, "SELECT COUNT(*) FROM LOADTEST WHERE RUNID = " + std::to_string(a.run_id)),
      100'000);
  EXPECT_EQ(
      query_int(db, "SELECT COUNT(*) FROM LOADTEST WHERE RUNID = " + std::to_string(b.run_id)),
      100'000);
}

TEST(RunWriter, TwoProcessesOnOneDatabase) {
  TempDir dir;
  const fs::path db = dir / "load.db";
  auto work = [db](const std::string& url) {
    RunWriter writer(db, info(url));
    for (std::uint64_t i = 0; i < 1000; ++i) {
      std::vector<Record> batch;
      for (std::uint64_t j = 1; j <= 100; ++j) {
        batch.push_back(make_record(i * 100 + j, unix_ns(kStart), 1'000'000));
      }
      writer.submit(std::move(batch));
    }
    stats::RunStats none;
    const auto out = finish_of(writer, none);
    return out.ok && out.rows_stored == 100'000 ? 0 : 1;
  };
  // Both processes start from a database that does not exist yet (both create and migrate it).
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) ::_exit(work("http://child/"));
  const int parent_result = work("http://parent/");
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child failed";
  EXPECT_EQ(parent_result, 0);
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM LOADTEST WHERE URL = 'http://child/'"), 100'000);
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM LOADTEST WHERE URL = 'http://parent/'"), 100'000);
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM RUNS WHERE ROWS_STORED = 100000"), 2);
}

TEST(RunWriter, AMillionRecords) {
  TempDir dir;
  const fs::path db = dir / "load.db";
  const auto t0 = std::chrono::steady_clock::now();
  RunWriter writer(db, info("http://127.0.0.1:8080/", 1'000'000));
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&writer, t] {
      std::vector<Record> batch;
      batch.reserve(256);
      for (std::uint64_t i = 0; i < 500'000; ++i) {
        const std::uint64_t id = i * 2 + static_cast<std::uint64_t>(t) + 1;
        batch.push_back(make_record(id, unix_ns(kStart, static_cast<std::int64_t>(id) * 1000),
                                    1'000'000 + static_cast<std::int64_t>(id % 1000) * 1000));
        if (batch.size() == 256) {
          writer.submit(std::move(batch));
          batch.clear();
          batch.reserve(256);
        }
      }
      writer.submit(std::move(batch));
    });
  }
  for (auto& t : threads) t.join();
  const auto submitted = std::chrono::steady_clock::now();
  stats::RunStats none;
  const StoreOutcome out = finish_of(writer, none);
  const auto done = std::chrono::steady_clock::now();
  ASSERT_TRUE(out.ok) << out.error;
  EXPECT_EQ(out.rows_stored, 1'000'000u);
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM LOADTEST"), 1'000'000);
  const double total = std::chrono::duration<double>(done - t0).count();
  std::printf(
      "[ timing   ] 1,000,000 records: submitted in %.2f s, stored in %.2f s (%.0f rows/s)\n",
      std::chrono::duration<double>(submitted - t0).count(), total, 1e6 / total);
  EXPECT_LT(total, 30.0);
}

}  // namespace
}  // namespace ccload::store::test
