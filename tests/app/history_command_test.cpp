#include "store/history.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <map>
#include <sstream>
#include <thread>

#include "app/app.hpp"
#include "stats/run_stats.hpp"
#include "store/history_data.hpp"
#include "store/history_support.hpp"
#include "store/run_writer.hpp"
#include "store/schema.hpp"
#include "store/store_support.hpp"
#include "support/local_time.hpp"

namespace ccload::store::test {
namespace {

// Local time is UTC in these tests, so calendar periods can be computed by hand.
class HistoryTest : public ::testing::Test {
 protected:
  ccload::test::LocalTimeIsUtc utc_;  // local time is UTC in these tests
  TempDir dir_;
};

std::string history(const fs::path& db, HistoryQuery q, int* code = nullptr,
                    std::string* err_text = nullptr) {
  std::ostringstream out, err;
  const int rc = app::print_history(db.string(), q, out, err);
  if (code) *code = rc;
  if (err_text) *err_text = err.str();
  return out.str();
}

double nearest_rank(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(v.size())));
  return v[std::max<std::size_t>(rank, 1) - 1];
}

TEST_F(HistoryTest, MissingDatabasePrintsNoTestsAndCreatesNoFile) {
  const fs::path db = dir_ / "nothing.db";
  int code = -1;
  const std::string out = history(db, {}, &code);
  EXPECT_EQ(code, 0);
  EXPECT_EQ(out, "No load tests recorded yet in " + db.string() + "\n");
  EXPECT_FALSE(fs::exists(db));
  HistoryQuery weekly;
  weekly.period = Period::weekly;
  EXPECT_EQ(history(db, weekly, &code), out);
  EXPECT_FALSE(fs::exists(db));
}

TEST_F(HistoryTest, EmptyDatabasePrintsNoTests) {
  const fs::path empty_file = dir_ / "empty.db";
  std::ofstream(empty_file).close();
  int code = -1;
  EXPECT_EQ(history(empty_file, {}, &code),
            "No load tests recorded yet in " + empty_file.string() + "\n");
  EXPECT_EQ(code, 0);
  EXPECT_EQ(fs::file_size(empty_file), 0u);

  const fs::path tables_only = dir_ / "tables.db";
  { RunWriter(tables_only, stats::RunFacts{}); }
  sql::Database(tables_only, sql::Database::Mode::read_write_create).exec("DELETE FROM RUNS");
  EXPECT_EQ(history(tables_only, {}, &code),
            "No load tests recorded yet in " + tables_only.string() + "\n");
}

TEST_F(HistoryTest, NotADatabaseIsAnErrorWithExitOne) {
  const fs::path db = dir_ / "notes.txt";
  std::ofstream(db) << std::string(5000, 'x');
  int code = -1;
  std::string err;
  const std::string out = history(db, {}, &code, &err);
  EXPECT_EQ(code, 1);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(err, "ccload: error: " + db.string() +
                     " is not a SQLite database: point DATABASE_URL or --db at a ccload or PyLoad "
                     "database\n");
  EXPECT_EQ(fs::file_size(db), 5000u);

  const fs::path small = dir_ / "small.db";
  std::ofstream(small) << "hello";
  EXPECT_EQ(history(small, {}, &code, &err), "");
  EXPECT_EQ(code, 1);
  EXPECT_NE(err.find("not a SQLite database"), std::string::npos) << err;
}

TEST_F(HistoryTest, PyloadDatabaseIsShownAsPseudoRunsPerDay) {
  const fs::path db = dir_ / "pyload.db";
  const auto day1 = utc(2026, 11, 24, 9), day2 = utc(2026, 11, 25, 9);
  make_pyload_db(
      db, {
              {std::to_string(day1) + ".185497", "https://httpbin.org/get", 200, "get", "0.567"},
              {std::to_string(day1 + 1) + ".5", "https://httpbin.org/get", 500, "get", "0.523"},
              {std::to_string(day2) + ".25", "https://httpbin.org/post", 201, "post", "1.25"},
          });
  HistoryQuery q;
  sql::Database d(db, sql::Database::Mode::read_only);
  const auto lines = detail::list_runs(d, q);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].run_id, 0);
  EXPECT_EQ(lines[0].day, "2026-11-25");
  EXPECT_EQ(lines[0].method, "POST");
  EXPECT_EQ(lines[0].requests, 1u);
  EXPECT_EQ(lines[1].day, "2026-11-24");
  EXPECT_EQ(lines[1].method, "GET");
  EXPECT_EQ(lines[1].requests, 2u);
  EXPECT_EQ(lines[1].failed, 1u);
  EXPECT_NEAR(*lines[1].mean_s, (0.567 + 0.523) / 2, 1e-9);
  EXPECT_NEAR(*lines[1].p95_s, 0.567, 1e-9);

  const std::string out = history(db, q);
  EXPECT_NE(out.find("2026-11-24"), std::string::npos) << out;
  EXPECT_NE(out.find("https://httpbin.org/post"), std::string::npos) << out;
  EXPECT_NE(out.find(" POST "), std::string::npos) << out;
  EXPECT_EQ(out.find(" post "), std::string::npos) << out;
  // History only reads: no table was added.
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'RUNS'"), 0);
}

TEST_F(HistoryTest, PyloadDatabaseIsMigratedWithoutLosingRows) {
  const fs::path db = dir_ / "pyload.db";
  const auto t = utc(2026, 11, 20);
  std::vector<Legacy> rows;
  for (int i = 0; i < 20; ++i) {
    rows.push_back({std::to_string(t + i) + ".185497", "https://old.example/", i == 3 ? 404 : 200,
                    i % 2 ? "get" : "delete", "0." + std::to_string(100 + i)});
  }
  make_pyload_db(db, rows);
  const std::string before = query_text(
      db,
      "SELECT group_concat(REQUESTID || '|' || TIMESTAMP || '|' || URL || '|' || STATUS || '|' "
      "|| REQTYPE || '|' || RESPONSETIME, ';') FROM LOADTEST");

  const std::int64_t run = store_run(db, "http://new.example/", utc(2026, 11, 27),
                                     {1'000'000, 2'000'000, 3'000'000}, {});
  EXPECT_GT(run, 0);
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM LOADTEST"), 23);
  const std::string after = query_text(
      db,
      "SELECT group_concat(REQUESTID || '|' || TIMESTAMP || '|' || URL || '|' || STATUS || '|' "
      "|| REQTYPE || '|' || RESPONSETIME, ';') FROM LOADTEST WHERE RUNID IS NULL");
  EXPECT_EQ(before, after);
  EXPECT_EQ(query_int(db,
                      "SELECT COUNT(*) FROM LOADTEST WHERE RUNID IS NULL AND "
                      "typeof(TIMESTAMP) = 'text' AND typeof(RESPONSETIME) = 'text'"),
            20);
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM LOADTEST WHERE RUNID = " + std::to_string(run)), 3);
  EXPECT_EQ(query_int(db, "PRAGMA user_version"), store::schema::kVersion);

  // PyLoad itself can still insert into the migrated table.
  sql::Database(db, sql::Database::Mode::read_write_create)
      .exec("INSERT INTO LOADTEST(TIMESTAMP, URL, STATUS, REQTYPE, RESPONSETIME) VALUES('" +
            std::to_string(t + 100) + ".5', 'https://old.example/', 200, 'get', '0.2')");

  sql::Database d(db, sql::Database::Mode::read_only);
  const auto lines = detail::list_runs(d, {});
  ASSERT_EQ(lines.size(), 3u);  // the run, then the legacy GET and DELETE pseudo-runs of one day
  EXPECT_EQ(lines[0].run_id, run);
  EXPECT_EQ(lines[0].requests, 3u);
  std::uint64_t legacy = 0;
  for (std::size_t i = 1; i < 3; ++i) {
    EXPECT_EQ(lines[i].run_id, 0);
    EXPECT_EQ(lines[i].day, "2026-11-20");
    EXPECT_TRUE(lines[i].method == "GET" || lines[i].method == "DELETE") << lines[i].method;
    legacy += lines[i].requests;
  }
  EXPECT_EQ(legacy, 21u);
  // Migrating again (a second run) changes nothing of the first.
  store_run(db, "http://new.example/", utc(2026, 11, 28), {1'000'000}, {});
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM LOADTEST WHERE RUNID IS NULL"), 21);
}

TEST_F(HistoryTest, RunListIsNewestFirstWithLimitAndFilter) {
  const fs::path db = dir_ / "load.db";
  for (int i = 0; i < 5; ++i) {
    store_run(db, i % 2 ? "http://odd.example/" : "http://even.example/", utc(2026, 3, 1 + i),
              {1'000'000, 3'000'000}, {200, 500});
  }
  sql::Database d(db, sql::Database::Mode::read_only);
  HistoryQuery q;
  auto lines = detail::list_runs(d, q);
  ASSERT_EQ(lines.size(), 5u);
  for (std::size_t i = 1; i < lines.size(); ++i) EXPECT_GT(lines[i - 1].started, lines[i].started);
  EXPECT_EQ(lines[0].url, "http://even.example/");
  EXPECT_EQ(lines[0].requests, 2u);
  EXPECT_EQ(lines[0].failed, 1u);
  EXPECT_NEAR(*lines[0].rps, 0.2, 1e-12);
  EXPECT_NEAR(*lines[0].mean_s, 0.002, 0.002 * 1e-3);
  q.limit = 2;
  EXPECT_EQ(detail::list_runs(d, q).size(), 2u);
  q.limit = 20;
  q.url_contains = "odd";
  lines = detail::list_runs(d, q);
  ASSERT_EQ(lines.size(), 2u);
  for (const auto& l : lines) EXPECT_EQ(l.url, "http://odd.example/");

  const std::string out = history(db, {});
  EXPECT_NE(out.find("2026-03-05 12:00:00"), std::string::npos) << out;  // local (UTC here)
  EXPECT_NE(out.find("http://odd.example/"), std::string::npos) << out;
  q.url_contains = "nomatch";
  EXPECT_NE(history(db, q).find("No load tests of URLs containing \"nomatch\""), std::string::npos);
}

TEST_F(HistoryTest, OneRunWithItsRowsPaged) {
  const fs::path db = dir_ / "load.db";
  std::vector<std::int64_t> totals;
  for (int i = 1; i <= 30; ++i) totals.push_back(i * 1'000'000);
  const std::int64_t run = store_run(db, "http://one.example/", utc(2026, 3, 1), totals, {200, 0});
  HistoryQuery q;
  q.run_id = run;
  q.limit = 10;
  int code = -1;
  const std::string out = history(db, q, &code);
  EXPECT_EQ(code, 0);
  EXPECT_NE(out.find("Run " + std::to_string(run) + ": GET http://one.example/"), std::string::npos)
      << out;
  EXPECT_NE(out.find("Requests 30, succeeded 15, failed 15"), std::string::npos) << out;
  EXPECT_NE(out.find("connect x15"), std::string::npos) << out;
  EXPECT_NE(out.find("... 20 more rows"), std::string::npos) << out;
  EXPECT_NE(out.find("2026-03-01 12:00:00.000000"), std::string::npos) << out;
  q.run_id = 999;
  std::string err;
  history(db, q, &code, &err);
  EXPECT_EQ(code, 2);  // a usage error: the run named is not there
  EXPECT_NE(err.find("run 999 is not in"), std::string::npos) << err;
}

// A process killed in the middle of a run leaves a RUNS row without summary: its rows still count.
TEST_F(HistoryTest, KilledRunIsShownFromItsRows) {
  const fs::path db = dir_ / "load.db";
  const int code = run_in_child(
      [&] {
        stats::RunFacts info;
        info.url = "http://killed/";
        info.method = "GET";
        info.started_unix_ns = unix_ns(utc(2026, 2, 2));
        auto* writer = new RunWriter(db, info);  // never finished
        std::vector<Record> batch;
        for (std::uint64_t i = 1; i <= 20; ++i) {
          batch.push_back(make_record(i, unix_ns(utc(2026, 2, 2)),
                                      static_cast<std::int64_t>(i) * 1'000'000,
                                      i == 20 ? 500 : 200));
        }
        writer->submit(std::move(batch));
        for (int i = 0; i < 100; ++i) {
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
          if (query_int(db, "SELECT COUNT(*) FROM LOADTEST") == 20) ::_exit(0);
        }
        return 1;
      },
      false);
  ASSERT_EQ(code, 0);
  sql::Database d(db, sql::Database::Mode::read_only);
  const auto lines = detail::list_runs(d, {});
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_TRUE(lines[0].unfinished);
  EXPECT_EQ(lines[0].requests, 20u);
  EXPECT_EQ(lines[0].failed, 1u);
  EXPECT_NEAR(*lines[0].p95_s, 0.019, 1e-9);
  EXPECT_NE(history(db, {}).find("unfinished"), std::string::npos);
  HistoryQuery q;
  q.period = Period::monthly;
  const auto months = detail::list_periods(d, q);
  ASSERT_EQ(months.size(), 1u);
  EXPECT_EQ(months[0].period, "2026-02");
  EXPECT_EQ(months[0].runs, 1u);
  EXPECT_EQ(months[0].requests, 20u);
  EXPECT_EQ(months[0].failed, 1u);
}

TEST(PeriodKey, CalendarPeriodsInLocalTime) {
  ::setenv("TZ", "UTC", 1);
  ::tzset();
  EXPECT_EQ(detail::period_key(static_cast<double>(utc(2025, 12, 29)), Period::weekly), "2026-W01");
  EXPECT_EQ(detail::period_key(static_cast<double>(utc(2027, 1, 1)), Period::weekly), "2026-W53");
  EXPECT_EQ(detail::period_key(static_cast<double>(utc(2025, 12, 29)), Period::monthly), "2025-12");
  EXPECT_EQ(detail::period_key(static_cast<double>(utc(2025, 12, 29)), Period::yearly), "2025");
  ::setenv("TZ", "America/New_York", 1);
  ::tzset();
  // 03:00 UTC on 1 January is still 31 December in New York.
  EXPECT_EQ(detail::period_key(static_cast<double>(utc(2026, 1, 1, 3)), Period::yearly), "2025");
  ::unsetenv("TZ");
  ::tzset();
}

// Runs and PyLoad rows across an ISO-year boundary; every figure recomputed here from the samples.
TEST_F(HistoryTest, WeeklyMonthlyYearlyAggregates) {
  const fs::path db = dir_ / "load.db";
  struct Sample {
    std::string url;
    std::int64_t when;
    double total_s;  // response time
    int status;
  };
  std::vector<Sample> samples;  // everything stored, for the independent computation
  struct RunSpec {
    std::string url;
    std::int64_t when;
    int count;
    double base;
  };
  const std::vector<RunSpec> runs = {
      {"http://a/", utc(2025, 12, 29), 200, 0.010},  // Mon: 2026-W01, 2025-12, 2025
      {"http://a/", utc(2025, 12, 31), 300, 0.020},  // Wed: 2026-W01, 2025-12, 2025
      {"http://a/", utc(2026, 1, 5), 150, 0.030},    // Mon: 2026-W02, 2026-01, 2026
      {"http://b/", utc(2026, 1, 2), 100, 0.500},    // Fri: 2026-W01, 2026-01, 2026
  };
  for (const auto& spec : runs) {
    std::vector<std::int64_t> totals;
    std::vector<int> statuses;
    for (int i = 0; i < spec.count; ++i) {
      const double s = spec.base * (1 + (i * 37 % 101) / 25.0);
      const int status = i % 17 == 0 ? 503 : (i % 29 == 0 ? 0 : 200);
      totals.push_back(std::llround(s * 1e9));
      statuses.push_back(status);
      samples.push_back({spec.url, spec.when, static_cast<double>(totals.back()) / 1e9, status});
    }
    store_run(db, spec.url, spec.when, totals, statuses);
  }
  // PyLoad rows (no run): 2025-12-30 (2026-W01, 2025-12, 2025), lower-case methods, text columns.
  {
    sql::Database d(db, sql::Database::Mode::read_write_create);
    auto insert = d.prepare(
        "INSERT INTO LOADTEST(TIMESTAMP, URL, STATUS, REQTYPE, RESPONSETIME) VALUES(?,?,?,?,?)");
    const auto when = utc(2025, 12, 30);
    for (int i = 0; i < 40; ++i) {
      const double s = 0.001 * (i + 1);
      const int status = i % 10 == 0 ? 500 : 200;
      const std::string ts = std::to_string(when + i) + ".185497";
      const std::string rt = std::to_string(s);
      insert.bind(1, std::string_view(ts))
          .bind(2, std::string_view("http://a/"))
          .bind(3, static_cast<std::int64_t>(status))
          .bind(4, std::string_view("get"))
          .bind(5, std::string_view(rt));
      insert.run();
      samples.push_back({"http://a/", when, std::stod(rt), status});
    }
  }

  struct Expected {
    std::uint64_t runs = 0, requests = 0, failed = 0;
    std::vector<double> latencies;  // samples that got a response
  };
  auto expect_period = [&](Period period, auto key_of, std::map<std::string, int> runs_per_key) {
    std::map<std::pair<std::string, std::string>, Expected> expected;
    for (const auto& s : samples) {
      Expected& e = expected[{key_of(s.when), s.url}];
      ++e.requests;
      if (s.status < 200 || s.status > 399) ++e.failed;
      if (s.status > 0) e.latencies.push_back(s.total_s);
    }
    sql::Database d(db, sql::Database::Mode::read_only);
    HistoryQuery q;
    q.period = period;
    const auto lines = detail::list_periods(d, q);
    ASSERT_EQ(lines.size(), expected.size());
    for (std::size_t i = 1; i < lines.size(); ++i) EXPECT_GE(lines[i - 1].period, lines[i].period);
    for (const auto& line : lines) {
      SCOPED_TRACE(line.period + " " + line.url);
      const auto it = expected.find({line.period, line.url});
      ASSERT_NE(it, expected.end());
      const Expected& e = it->second;
      EXPECT_EQ(line.requests, e.requests);
      EXPECT_EQ(line.failed, e.failed);
      EXPECT_EQ(line.runs, static_cast<std::uint64_t>(runs_per_key[line.period + " " + line.url]));
      EXPECT_DOUBLE_EQ(line.failure_rate(), static_cast<double>(e.failed) / e.requests);
      double sum = 0;
      for (double v : e.latencies) sum += v;
      EXPECT_NEAR(*line.mean_s, sum / e.latencies.size(), 1e-9);
      const double p95 = nearest_rank(e.latencies, 0.95);
      EXPECT_NEAR(*line.p95_s, p95, p95 * 1e-3);  // the histogram's relative error
    }
  };
  auto iso_week = [](std::int64_t t) {
    const std::string s = t < utc(2026, 1, 5) ? "2026-W01" : "2026-W02";
    return s;
  };
  auto month = [](std::int64_t t) { return t < utc(2026, 1, 1, 0) ? "2025-12" : "2026-01"; };
  auto year = [](std::int64_t t) { return t < utc(2026, 1, 1, 0) ? "2025" : "2026"; };
  // Runs: real runs plus one pseudo-run for the PyLoad day (GET).
  expect_period(Period::weekly, iso_week,
                {{"2026-W01 http://a/", 3}, {"2026-W02 http://a/", 1}, {"2026-W01 http://b/", 1}});
  expect_period(Period::monthly, month,
                {{"2025-12 http://a/", 3}, {"2026-01 http://a/", 1}, {"2026-01 http://b/", 1}});
  expect_period(Period::yearly, year,
                {{"2025 http://a/", 3}, {"2026 http://a/", 1}, {"2026 http://b/", 1}});

  HistoryQuery q;
  q.period = Period::weekly;
  const std::string out = history(db, q);
  EXPECT_EQ(out.rfind("WEEK", 0), 0u) << out;
  EXPECT_LT(out.find("2026-W02"), out.find("2026-W01")) << out;
  q.limit = 1;
  sql::Database d(db, sql::Database::Mode::read_only);
  EXPECT_EQ(detail::list_periods(d, q).size(), 1u);
  q.limit = 20;
  q.url_contains = "b/";
  const auto only_b = detail::list_periods(d, q);
  ASSERT_EQ(only_b.size(), 1u);
  EXPECT_EQ(only_b[0].url, "http://b/");
}

}  // namespace
}  // namespace ccload::store::test
