// A database that fails during a run (the real binary): a SQLite database locked by another
// process beyond the busy timeout, a PostgreSQL server stopped and started again. The run
// completes, the rest goes to the fallback file (exit 1), RUNS and LOADTEST agree, `report` and
// `history` say where the missing rows went, and `ccload import` of the file completes the run
// once. And what `import` refuses: a missing or foreign file, a database it cannot write.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <regex>
#include <thread>

#include "store/postgres.hpp"
#include "store/sqlite.hpp"
#include "support/ccload_run.hpp"
#include "support/postgres_server.hpp"
#include "support/recording_server.hpp"

namespace ccload::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using store::sql::Database;

std::int64_t sqlite_int(const fs::path& db, const std::string& sql) {
  Database d(db, Database::Mode::read_only);
  auto statement = d.prepare(sql);
  return statement.step() && !statement.is_null(0) ? statement.column_int(0) : -1;
}

std::string sqlite_text(const fs::path& db, const std::string& sql) {
  Database d(db, Database::Mode::read_only);
  auto statement = d.prepare(sql);
  return statement.step() && !statement.is_null(0) ? statement.column_text(0) : "NULL";
}

std::int64_t pg_int(const std::string& url, const std::string& sql) {
  store::sql::PgConnection db(url);
  auto statement = db.prepare(sql);
  return statement.step() && !statement.is_null(0) ? statement.column_int(0) : -1;
}

std::string pg_text(const std::string& url, const std::string& sql) {
  store::sql::PgConnection db(url);
  auto statement = db.prepare(sql);
  return statement.step() && !statement.is_null(0) ? statement.column_text(0) : "NULL";
}

// The fallback file the output names, empty when none.
std::string fallback_named(const ProcessResult& result) {
  static const std::regex pattern(R"((/[^\s:`]*ccload-fallback-[^\s:`]*\.ndjson))");
  std::smatch match;
  const std::string all = result.out + "\n" + result.err;
  return std::regex_search(all, match, pattern) ? match[1].str() : std::string();
}

// A fallback file in `folder`, empty when none yet.
fs::path fallback_in(const fs::path& folder) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    if (entry.path().filename().string().rfind("ccload-fallback-", 0) == 0) return entry.path();
  }
  return {};
}

std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t count = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++count;
  return count;
}

// Polls `done` every 20 ms for at most `limit`.
template <typename Done>
bool wait_for(Done done, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return done();
}

// What every failed-in-the-middle run must show, whatever the database: RUNS and LOADTEST agree,
// the fallback file holds the rest, the report says where it is; then import completes the run
// once, and a second import adds nothing. `query_int`/`query_text` read the database.
template <typename QueryInt, typename QueryText>
void expect_completed_by_import(
    const ProcessResult& run, const RecordingServer& web, const std::string& shown,
    QueryInt query_int, QueryText query_text,
    const std::function<ProcessResult(std::vector<std::string>)>& ccload) {
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_NE(run.out.find("Load Test Results"), std::string::npos) << run.out;
  const std::string file = fallback_named(run);
  ASSERT_FALSE(file.empty()) << run.out << run.err;
  EXPECT_NE(run.out.find("ccload import " + file), std::string::npos) << run.out;

  const std::int64_t requests = query_int("SELECT REQUESTS FROM RUNS WHERE RUNID = 1");
  const std::int64_t stored = query_int("SELECT ROWS_STORED FROM RUNS WHERE RUNID = 1");
  const std::int64_t elsewhere = query_int("SELECT FALLBACK_ROWS FROM RUNS WHERE RUNID = 1");
  EXPECT_EQ(requests, static_cast<std::int64_t>(web.request_count()));
  EXPECT_EQ(stored, query_int("SELECT COUNT(*) FROM LOADTEST WHERE RUNID = 1"))
      << "RUNS claims no row that is not there";
  EXPECT_GT(elsewhere, 0);
  EXPECT_EQ(stored + elsewhere, requests);
  EXPECT_EQ(query_text("SELECT FALLBACK_FILE FROM RUNS WHERE RUNID = 1"), file);

  ProcessResult report = ccload({"report", "1"});
  EXPECT_EQ(report.exit_code, 0) << report.err;
  EXPECT_NE(report.out.find(fmt::format("Only {} of the {} requests of run 1 are stored in {}: the "
                                        "other {} are in {}",
                                        stored, requests, shown, elsewhere, file)),
            std::string::npos)
      << report.out;
  EXPECT_EQ(report.out.find("Stored in "), std::string::npos) << report.out;
  ProcessResult list = ccload({"history"});
  EXPECT_NE(list.out.find(fmt::format("{} rows not stored", elsewhere)), std::string::npos)
      << list.out;
  EXPECT_NE(list.out.find(fmt::format("(run 1: {} rows not stored are in {}; `ccload import {}` "
                                      "stores them)",
                                      elsewhere, file, file)),
            std::string::npos)
      << list.out;
  ProcessResult one = ccload({"history", "--run", "1", "--limit", "1"});
  EXPECT_NE(one.out.find("the rest went to " + file), std::string::npos) << one.out;

  ProcessResult imported = ccload({"import", file});
  ASSERT_EQ(imported.exit_code, 0) << imported.out << imported.err;
  EXPECT_NE(imported.out.find(fmt::format("Imported {} requests from {} into run 1 of {}: it now "
                                          "holds {} of its {} requests.",
                                          elsewhere, file, shown, requests, requests)),
            std::string::npos)
      << imported.out;
  EXPECT_EQ(query_int("SELECT COUNT(*) FROM LOADTEST WHERE RUNID = 1"), requests);
  EXPECT_EQ(query_int("SELECT COUNT(DISTINCT RUNREQUEST) FROM LOADTEST WHERE RUNID = 1"), requests);
  EXPECT_EQ(query_int("SELECT ROWS_STORED FROM RUNS WHERE RUNID = 1"), requests);
  EXPECT_EQ(query_text("SELECT FALLBACK_FILE FROM RUNS WHERE RUNID = 1"), "NULL");
  EXPECT_EQ(query_int("SELECT COUNT(*) FROM RUNS"), 1) << "completed, not added";

  ProcessResult history = ccload({"history"});
  EXPECT_EQ(history.exit_code, 0) << history.err;
  EXPECT_EQ(occurrences(history.out, web.url("/get")), 1u) << history.out;
  EXPECT_EQ(history.out.find("not stored"), std::string::npos) << history.out;
  report = ccload({"report", "1"});
  EXPECT_NE(report.out.find(fmt::format("Stored in {} (run 1).", shown)), std::string::npos)
      << report.out;

  ProcessResult again = ccload({"import", file});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(occurrences(again.out, "\n"), 1u) << again.out;
  EXPECT_NE(
      again.out.find(fmt::format("Nothing to import from {}: its {} requests are already in run 1",
                                 file, elsewhere)),
      std::string::npos)
      << again.out;
  EXPECT_EQ(query_int("SELECT COUNT(*) FROM LOADTEST WHERE RUNID = 1"), requests);
  EXPECT_EQ(query_int("SELECT COUNT(*) FROM RUNS"), 1);

  // The completed run is a baseline like any other.
  ProcessResult next =
      ccload({"run", web.url("/get"), "-n", "20", "-c", "2", "--baseline", "last"});
  EXPECT_EQ(next.exit_code, 0) << next.out << next.err;
  EXPECT_NE(next.out.find("Verdict"), std::string::npos) << next.out;
  EXPECT_EQ(ccload({"compare", "1", "2"}).exit_code, 0);
}

class DatabaseFailureTest : public ::testing::Test {
 protected:
  ProcessResult ccload(const std::vector<std::string>& args, const std::string& database = "") {
    ProcessOptions options;
    if (!database.empty()) options.env["DATABASE_URL"] = database;
    return run_ccload(args, dir.path(), options);
  }
  TempDir dir;
};

TEST_F(DatabaseFailureTest, ASqliteDatabaseLockedDuringTheRunKeepsRunsAndRowsInAgreement) {
  RecordingServer web;
  const fs::path db = dir / "load.db";
  std::atomic<bool> locked{false}, released{false};
  // Another process's lock, from the moment the run's RUNS row exists until the run has given up
  // on the database (its fallback file appears), beyond the 5 s busy timeout.
  std::thread locker([&] {
    const bool begun = wait_for(
        [&] {
          try {
            return fs::exists(db) && sqlite_int(db, "SELECT COUNT(*) FROM RUNS") == 1;
          } catch (const std::exception&) {
            return false;
          }
        },
        60s);
    if (!begun) return;
    Database other(db, Database::Mode::read_write);
    other.busy_timeout(30'000);
    other.exec("BEGIN EXCLUSIVE");
    locked = true;
    wait_for([&] { return !fallback_in(dir.path()).empty(); }, 90s);
    std::this_thread::sleep_for(300ms);
    other.exec("COMMIT");
    released = true;
  });
  ProcessResult run = ccload({"run", web.url("/get"), "-z", "2s", "--rate", "100", "-c", "4"});
  locker.join();
  ASSERT_TRUE(locked) << run.out << run.err;
  ASSERT_TRUE(released);
  EXPECT_NE(run.err.find("locked by another process"), std::string::npos) << run.err;
  expect_completed_by_import(
      run, web, "load.db", [&](const std::string& sql) { return sqlite_int(db, sql); },
      [&](const std::string& sql) { return sqlite_text(db, sql); },
      [&](std::vector<std::string> args) { return ccload(args); });
}

TEST_F(DatabaseFailureTest, APostgresqlServerStoppedDuringTheRunKeepsRunsAndRowsInAgreement) {
  PostgresServer server;
  // Not installed: skipped (scripts/test.sh installs it). Installed but failing: a failure.
  if (!server.installed()) GTEST_SKIP() << server.why();
  ASSERT_TRUE(server.available()) << server.why();
  const std::string url = server.create_database("stopped");
  RecordingServer web;
  std::atomic<bool> restarted{false};
  // Stopped a second into the run, started again a second later: the rows of the run from the
  // stop on go to the fallback file, and its summary to the server that is back.
  std::thread stopper([&] {
    const bool begun = wait_for(
        [&] {
          try {
            return pg_int(url, "SELECT COUNT(*) FROM RUNS") == 1;
          } catch (const std::exception&) {
            return false;
          }
        },
        60s);
    if (!begun) return;
    std::this_thread::sleep_for(1s);
    if (!server.stop()) return;
    std::this_thread::sleep_for(1s);
    restarted = server.start();
  });
  ProcessResult run = ccload({"run", web.url("/get"), "-z", "8s", "--rate", "50", "-c", "4"}, url);
  stopper.join();
  ASSERT_TRUE(restarted) << server.why();
  EXPECT_EQ(run.out.find(PostgresServer::kPassword), std::string::npos);
  EXPECT_EQ(run.err.find(PostgresServer::kPassword), std::string::npos);
  const std::string shown = "postgresql://ccload:***@" + server.host_port() + "/stopped";
  expect_completed_by_import(
      run, web, shown, [&](const std::string& sql) { return pg_int(url, sql); },
      [&](const std::string& sql) { return pg_text(url, sql); },
      [&](std::vector<std::string> args) { return ccload(args, url); });
}

TEST_F(DatabaseFailureTest, ImportRefusesAMissingOrForeignFileAndADatabaseItCannotWrite) {
  std::ofstream(dir / "notes.ndjson") << "{\"hello\": \"world\"}\n";
  std::ofstream(dir / "empty.ndjson");
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"import", "missing.ndjson"},
        std::vector<std::string>{"import", "notes.ndjson"},
        std::vector<std::string>{"import", "empty.ndjson"}}) {
    ProcessResult result = ccload(args);
    EXPECT_EQ(result.exit_code, 2) << args[1] << result.err;
    EXPECT_EQ(occurrences(result.err, "\n"), 1u) << result.err;
    EXPECT_NE(result.err.find(args[1]), std::string::npos) << result.err;
    EXPECT_TRUE(result.out.empty()) << result.out;
  }
  EXPECT_FALSE(fs::exists(dir / "load.db")) << "nothing was created";

  // A real fallback file (written by a run whose database went read-only is hard to stage as
  // root: write one as the run does, by hand), into a folder that does not exist.
  std::ofstream(dir / "run.ndjson")
      << "{\"ccload_fallback\":1,\"run_key\":\"k1\",\"run_id\":3,\"database\":\"x.db\",\"run\":{"
         "\"URL\":\"http://127.0.0.1:9/\",\"METHOD\":\"GET\",\"N\":1,\"C\":1,\"STARTED\":1.0e9,"
         "\"STARTED_NS\":1000000000000000000}}\n"
         "{\"run_id\":3,\"request_id\":1,\"timestamp\":1000000000.5,\"url\":\"http://127.0.0.1:9/"
         "\",\"method\":\"GET\",\"status\":200,\"response_time\":0.01,\"ttfb\":0.009,\"ttlb\":0.01,"
         "\"connect\":0,\"wait\":0,\"bytes\":10,\"error\":\"none\",\"target\":0,\"redirects\":0,"
         "\"final_url\":null}\n";
  ProcessResult unwritable = ccload({"import", "run.ndjson", "--db", "no/such/folder/load.db"});
  EXPECT_EQ(unwritable.exit_code, 2) << unwritable.err;
  EXPECT_EQ(occurrences(unwritable.err, "\n"), 1u) << unwritable.err;
  EXPECT_NE(unwritable.err.find("no/such/folder/load.db"), std::string::npos) << unwritable.err;
  EXPECT_NE(unwritable.err.find("nothing was imported"), std::string::npos) << unwritable.err;
  EXPECT_FALSE(fs::exists(dir / "no"));
  // Several files: all are checked before any is imported.
  ProcessResult mixed = ccload({"import", "run.ndjson", "notes.ndjson"});
  EXPECT_EQ(mixed.exit_code, 2) << mixed.err;
  EXPECT_FALSE(fs::exists(dir / "load.db"));
  // The same file into a fresh database: a new run of its one request, with a summary.
  ProcessResult fresh = ccload({"import", "run.ndjson"});
  EXPECT_EQ(fresh.exit_code, 0) << fresh.err;
  EXPECT_NE(fresh.out.find("into a new run 1 of load.db"), std::string::npos) << fresh.out;
  EXPECT_EQ(sqlite_int(dir / "load.db", "SELECT REQUESTS FROM RUNS WHERE RUN_KEY = 'k1'"), 1);
  EXPECT_EQ(ccload({"report", "1"}).exit_code, 0);
}

// A file that names its run by key goes to that run or a new one, never to an older run that
// happens to have the same RUNID and URL in another database; and a header that names a column
// the schema does not have is refused, not spliced into SQL.
TEST_F(DatabaseFailureTest, ImportNeverJoinsAFileToAnUnrelatedRunAndChecksItsColumns) {
  const std::string request =
      "{\"run_id\":1,\"request_id\":1,\"timestamp\":1000000000.5,\"url\":\"http://127.0.0.1:9/\","
      "\"method\":\"GET\",\"status\":200,\"response_time\":0.01,\"ttfb\":0.009,\"ttlb\":0.01,"
      "\"connect\":0,\"wait\":0,\"bytes\":10,\"error\":\"none\",\"target\":0,\"redirects\":0,"
      "\"final_url\":null}\n";
  const std::string run =
      "\"run\":{\"URL\":\"http://127.0.0.1:9/\",\"METHOD\":\"GET\",\"N\":1,\"C\":1,"
      "\"STARTED\":1.0e9,\"STARTED_NS\":1000000000000000000";
  // An older run 1 of the same URL, without a key (as a file of records only stores it).
  std::ofstream(dir / "old.ndjson") << request;
  ASSERT_EQ(ccload({"import", "old.ndjson"}).exit_code, 0);
  ASSERT_EQ(sqlite_int(dir / "load.db",
                       "SELECT COUNT(*) FROM RUNS WHERE RUN_KEY IS NULL OR "
                       "RUN_KEY LIKE 'file:%'"),
            1);
  // A new file whose run had RUNID 1 in some other database.
  std::ofstream(dir / "new.ndjson")
      << "{\"ccload_fallback\":1,\"run_key\":\"k2\",\"run_id\":1,\"database\":\"other.db\"," << run
      << ",\"RUN_KEY\":\"k2\"}}\n"
      << request;
  ProcessResult joined = ccload({"import", "new.ndjson"});
  EXPECT_EQ(joined.exit_code, 0) << joined.err;
  EXPECT_NE(joined.out.find("into a new run 2 of load.db"), std::string::npos) << joined.out;
  EXPECT_EQ(sqlite_int(dir / "load.db", "SELECT COUNT(*) FROM RUNS"), 2);
  EXPECT_EQ(sqlite_int(dir / "load.db", "SELECT COUNT(*) FROM LOADTEST WHERE RUNID = 2"), 1);
  EXPECT_EQ(sqlite_int(dir / "load.db", "SELECT COUNT(*) FROM LOADTEST WHERE RUNID = 1"), 1);

  // A column that is not one of RUNS: one line, exit 2, nothing written.
  std::ofstream(dir / "crafted.ndjson")
      << "{\"ccload_fallback\":1,\"run_key\":\"k3\",\"run_id\":0,\"database\":\"x.db\"," << run
      << ",\"URL = 'x' --\":1}}\n"
      << request;
  ProcessResult crafted = ccload({"import", "crafted.ndjson"});
  EXPECT_EQ(crafted.exit_code, 2) << crafted.err;
  EXPECT_EQ(occurrences(crafted.err, "\n"), 1u) << crafted.err;
  EXPECT_NE(crafted.err.find("not a column of a run"), std::string::npos) << crafted.err;
  EXPECT_EQ(sqlite_int(dir / "load.db", "SELECT COUNT(*) FROM RUNS"), 2);
}

// libpq is loaded only when PostgreSQL is used (store/libpq.hpp). When it cannot be loaded (here
// CCLOAD_LIBPQ names a file that is not there), a PostgreSQL database is refused before anything
// is sent, in one line that names the package, and a run into SQLite works as ever.
TEST(MissingLibpq, APostgresDatabaseIsRefusedInOneLineAndSqliteRunsWithoutIt) {
  TempDir dir;
  RecordingServer server;
  ProcessOptions options;
  options.env["CCLOAD_LIBPQ"] = (dir.path() / "absent" / "libpq.so.5").string();
  const std::string binary = ccload_binary();
  const ProcessResult postgres =
      run_process({binary, "run", server.url("/"), "-n", "5", "--no-live", "--db",
                   "postgresql://ccload@127.0.0.1:1/none"},
                  options);
  EXPECT_EQ(postgres.exit_code, 2) << postgres.out << postgres.err;
  EXPECT_NE(postgres.err.find("install Debian's libpq5"), std::string::npos) << postgres.err;
  EXPECT_EQ(std::count(postgres.err.begin(), postgres.err.end(), '\n'), 1) << postgres.err;
  EXPECT_EQ(server.request_count(), 0u) << "nothing is sent before the database is usable";
  const ProcessResult sqlite = run_process({binary, "run", server.url("/"), "-n", "5", "--no-live",
                                            "--db", (dir.path() / "load.db").string()},
                                           options);
  EXPECT_EQ(sqlite.exit_code, 0) << sqlite.out << sqlite.err;
  EXPECT_EQ(server.request_count(), 5u);
  EXPECT_EQ(sqlite_int(dir.path() / "load.db", "SELECT COUNT(*) FROM LOADTEST"), 5);
}

}  // namespace
}  // namespace ccload::test
