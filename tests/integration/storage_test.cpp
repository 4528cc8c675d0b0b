// The real ccload binary and its SQLite store: rows, runs, configuration files, PyLoad's database,
// the history and its aggregates, faults (fallback file), concurrent writers and Ctrl-C.

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>
#include <atomic>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "server/target_server.hpp"
#include "store/schema.hpp"
#include "store/sqlite.hpp"
#include "support/ccload_run.hpp"
#include "support/recording_server.hpp"

namespace ccload::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using store::sql::Database;

// ---------------------------------------------------------------------------------------------
// Helpers

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << text;
}

std::int64_t query_int(const fs::path& db, const std::string& sql) {
  Database d(db, Database::Mode::read_only);
  auto stmt = d.prepare(sql);
  EXPECT_TRUE(stmt.step()) << sql;
  return stmt.column_int(0);
}

std::string query_text(const fs::path& db, const std::string& sql) {
  Database d(db, Database::Mode::read_only);
  auto stmt = d.prepare(sql);
  EXPECT_TRUE(stmt.step()) << sql;
  return stmt.is_null(0) ? std::string("NULL") : stmt.column_text(0);
}

std::size_t count_lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// PyLoad's database, created exactly as the seed did.
constexpr const char* kSeedSchema =
    "CREATE TABLE LOADTEST(REQUESTID INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, TIMESTAMP TEXT "
    "NOT NULL, URL TEXT NOT NULL, STATUS INTEGER NOT NULL, REQTYPE VARCHAR NOT NULL, RESPONSETIME "
    "TEXT NOT NULL)";

struct LegacyRow {
  std::string timestamp, url;
  int status;
  std::string reqtype, response_time;
};

void create_pyload_database(const fs::path& path, const std::vector<LegacyRow>& rows) {
  Database db(path, Database::Mode::read_write_create);
  db.exec(kSeedSchema);
  auto insert = db.prepare(
      "INSERT INTO LOADTEST(TIMESTAMP, URL, STATUS, REQTYPE, RESPONSETIME) VALUES(?,?,?,?,?)");
  for (const auto& row : rows) {
    insert.bind(1, std::string_view(row.timestamp))
        .bind(2, std::string_view(row.url))
        .bind(3, static_cast<std::int64_t>(row.status))
        .bind(4, std::string_view(row.reqtype))
        .bind(5, std::string_view(row.response_time));
    insert.run();
  }
}

// Every column of LOADTEST's seed columns as text, one line per row, in REQUESTID order.
std::string dump_seed_rows(const fs::path& db, std::int64_t max_id) {
  Database d(db, Database::Mode::read_only);
  auto stmt = d.prepare(
      "SELECT REQUESTID, typeof(TIMESTAMP), TIMESTAMP, URL, STATUS, REQTYPE, "
      "typeof(RESPONSETIME), RESPONSETIME FROM LOADTEST WHERE REQUESTID <= ? ORDER BY REQUESTID");
  stmt.bind(1, max_id);
  std::string text;
  while (stmt.step()) {
    for (int c = 0; c < 8; ++c) text += stmt.column_text(c) + "|";
    text += "\n";
  }
  return text;
}

// The files of a folder (names), sorted.
std::vector<std::string> files_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// The fallback file named in the output (the report's note or the error line).
fs::path fallback_path(const ProcessResult& result) {
  static const std::regex pattern(R"((/[^\s:]*ccload-fallback-[^\s:]*\.ndjson))");
  std::smatch match;
  const std::string all = result.out + "\n" + result.err;
  if (std::regex_search(all, match, pattern)) return match[1].str();
  return {};
}

// A database that cannot be used, found before the run: one error line, exit 2, no report, no
// request sent, no fallback file.
void expect_refused(const ProcessResult& result, const RecordingServer& server,
                    const std::string& names) {
  EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
  EXPECT_EQ(server.request_count(), 0u) << "nothing is sent";
  EXPECT_EQ(result.out.find("Load Test Results"), std::string::npos) << result.out;
  EXPECT_EQ(result.out.find("Running"), std::string::npos) << result.out;
  EXPECT_EQ(count_lines(result.err), 1u) << result.err;
  EXPECT_EQ(result.err.rfind("ccload: error: ", 0), 0u) << result.err;
  EXPECT_NE(result.err.find(names), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("fix:"), std::string::npos) << result.err;
  EXPECT_TRUE(fallback_path(result).empty()) << result.err;
}

// Runs ccload as an unprivileged user (nobody through setpriv when we are root), so that file
// permissions apply. Returns false (and the test should skip) when that is not possible.
bool run_unprivileged(const std::vector<std::string>& args, const fs::path& cwd,
                      ProcessResult& result) {
  std::vector<std::string> argv;
  if (geteuid() == 0) {
    if (access("/usr/bin/setpriv", X_OK) != 0) return false;
    argv = {"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"};
  }
  argv.push_back(ccload_binary());
  argv.insert(argv.end(), args.begin(), args.end());
  ProcessOptions options;
  options.cwd = cwd.string();
  options.unset_env = {"PYLOAD_CONFIG", "DATABASE_URL", "LOGTAIL_URL", "LOGTAIL_TOKEN",
                       "LOKI_URL",      "USERNAME",     "PASSWORD",    "timeout"};
  result = run_process(argv, options);
  return true;
}

class StorageTest : public ::testing::Test {
 protected:
  TempDir dir;
};

// ---------------------------------------------------------------------------------------------
// Rows and runs

TEST_F(StorageTest, EveryRequestIsStoredWithStatusTimingsAndRun) {
  server::TargetServer target({"127.0.0.1", 0, 1, "", ""});
  const std::string url = target.base_url() + "/flaky/5";
  const double before = now_seconds();
  ProcessResult result;
  auto summary = run_ccload_json({"run", url, "-n", "60", "-c", "4"}, dir.path(), &result);
  const double after = now_seconds();
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const fs::path db = dir / "load.db";
  ASSERT_TRUE(fs::exists(db));
  EXPECT_EQ(summary["database"], "load.db");
  EXPECT_EQ(summary["stored"], true);
  const std::int64_t run = summary["run_id"];
  EXPECT_EQ(run, 1);
  EXPECT_NE(result.out.find("Every request is stored in load.db (run 1)."), std::string::npos)
      << result.out;

  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM LOADTEST"), 60);
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM LOADTEST WHERE RUNID = 1"), 60);
  EXPECT_EQ(query_int(db,
                      "SELECT COUNT(DISTINCT RUNREQUEST) FROM LOADTEST WHERE RUNREQUEST "
                      "BETWEEN 1 AND 60"),
            60);
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM LOADTEST WHERE STATUS = 500"),
            summary["status_codes"]["500"].get<std::int64_t>());
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM LOADTEST WHERE STATUS = 200"),
            summary["status_codes"]["200"].get<std::int64_t>());
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM LOADTEST WHERE STATUS = 500"), 12);

  Database d(db, Database::Mode::read_only);
  auto rows = d.prepare(
      "SELECT URL, REQTYPE, TIMESTAMP, RESPONSETIME, TTFB, TTLB, CONNECT, BYTES, ERROR, STATUS "
      "FROM LOADTEST");
  int connects = 0;
  while (rows.step()) {
    EXPECT_EQ(rows.column_text(0), url);
    EXPECT_EQ(rows.column_text(1), "GET");
    const double ts = rows.column_double(2), total = rows.column_double(3);
    const double ttfb = rows.column_double(4), ttlb = rows.column_double(5);
    EXPECT_GE(ts, before - 1);
    EXPECT_LE(ts, after + 1);
    EXPECT_GT(ttfb, 0);
    EXPECT_LE(ttfb, ttlb);
    EXPECT_LE(ttlb, total);
    EXPECT_LT(total, 5.0);
    EXPECT_GT(rows.column_int(7), 0);
    EXPECT_TRUE(rows.is_null(8)) << "no transport error";
    if (rows.column_double(6) > 0) ++connects;
  }
  EXPECT_GE(connects, 1);
  EXPECT_LE(connects, 4) << "one connect per connection";

  auto runs = d.prepare(
      "SELECT URL, METHOD, N, C, REQUESTS, SUCCEEDED, FAILED, ROWS_STORED, INTERRUPTED, "
      "STATUS_COUNTS, ENDED >= STARTED, TOTAL_P95 > 0 FROM RUNS WHERE RUNID = 1");
  ASSERT_TRUE(runs.step());
  EXPECT_EQ(runs.column_text(0), url);
  EXPECT_EQ(runs.column_text(1), "GET");
  EXPECT_EQ(runs.column_int(2), 60);
  EXPECT_EQ(runs.column_int(3), 4);
  EXPECT_EQ(runs.column_int(4), summary["requests"]["total"].get<std::int64_t>());
  EXPECT_EQ(runs.column_int(5), summary["requests"]["succeeded"].get<std::int64_t>());
  EXPECT_EQ(runs.column_int(6), summary["requests"]["failed"].get<std::int64_t>());
  EXPECT_EQ(runs.column_int(7), 60);
  EXPECT_EQ(runs.column_int(8), 0);
  EXPECT_EQ(nlohmann::json::parse(runs.column_text(9)), summary["status_codes"]);
  EXPECT_EQ(runs.column_int(10), 1);
  EXPECT_EQ(runs.column_int(11), 1);

  // A second run gets the next id and keeps the first one's rows.
  auto second = run_ccload_json({"-u", url, "-n", "5", "-c", "1", "-POST", "-d", "{}"}, dir.path());
  EXPECT_EQ(second["run_id"], 2);
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM LOADTEST WHERE RUNID = 2 AND REQTYPE = 'POST'"), 5);
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM LOADTEST"), 65);
}

TEST_F(StorageTest, EachRowHoldsItsOwnRequest) {
  // One connection, so request k is the server's k-th and every 5th fails: each row's status must
  // match its RUNREQUEST, across the writer's multi-row INSERTs (32 rows) and the rest (4 rows).
  server::TargetServer target({"127.0.0.1", 0, 1, "", ""});
  ProcessResult result;
  auto summary = run_ccload_json(
      {"run", target.base_url() + "/flaky/5", "-n", "100", "-c", "1", "--threads", "1"}, dir.path(),
      &result);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  ASSERT_EQ(summary["requests"]["failed"], 20);
  Database d(dir / "load.db", Database::Mode::read_only);
  auto rows = d.prepare("SELECT RUNREQUEST, STATUS, BYTES, ERROR FROM LOADTEST ORDER BY rowid");
  std::int64_t expected = 1;
  while (rows.step()) {
    const std::int64_t request = rows.column_int(0);
    EXPECT_EQ(request, expected) << "rows are stored in request order";
    EXPECT_EQ(rows.column_int(1), request % 5 == 0 ? 500 : 200) << "request " << request;
    EXPECT_GT(rows.column_int(2), 0);
    EXPECT_TRUE(rows.is_null(3));
    ++expected;
  }
  EXPECT_EQ(expected, 101);
}

TEST_F(StorageTest, AVersion1DatabaseGainsTheModeColumnsAndKeepsItsRuns) {
  server::TargetServer target({"127.0.0.1", 0, 1, "", ""});
  const std::string url = target.base_url() + "/get";
  ASSERT_EQ(run_ccload({"run", url, "-n", "3", "-c", "1"}, dir.path()).exit_code, 0);
  const fs::path db = dir / "load.db";
  {  // what ccload's schema version 1 looked like: RUNS without DURATION_LIMIT and RATE
    Database d(db, Database::Mode::read_write);
    d.exec(
        "ALTER TABLE RUNS DROP COLUMN DURATION_LIMIT; ALTER TABLE RUNS DROP COLUMN RATE; "
        "PRAGMA user_version=1");
  }
  ProcessResult result;
  auto summary =
      run_ccload_json({"run", url, "--rate", "200", "-n", "4", "-c", "2"}, dir.path(), &result);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(summary["run_id"], 2);
  EXPECT_EQ(query_int(db, "PRAGMA user_version"), store::schema::kVersion);
  EXPECT_EQ(query_int(db,
                      "SELECT COUNT(*) FROM RUNS WHERE RUNID = 1 AND N = 3 AND REQUESTS = 3 "
                      "AND RATE IS NULL AND DURATION_LIMIT IS NULL"),
            1);
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM RUNS WHERE RUNID = 2 AND N = 4 AND RATE = 200"), 1);
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM LOADTEST"), 7);
}

TEST_F(StorageTest, AStoreStillDrainingAfterTheLoadShowsItsProgress) {
  server::TargetServer target({"127.0.0.1", 0, 1, "", ""});
  const std::string url = target.base_url() + "/delay/2";
  const fs::path db = dir / "load.db";
  ASSERT_EQ(run_ccload({"run", url, "-n", "1", "-c", "1"}, dir.path()).exit_code, 0);

  // Once the second run's RUNS row exists, hold the write lock for 3.5 s: its writer waits (the
  // busy timeout is 5 s) while the load of about 0.7 s finishes, so the end of the run waits.
  std::atomic<bool> held{false};
  std::thread holder([&] {
    Database d(db, Database::Mode::read_write);
    d.busy_timeout(5000);
    const auto give_up = std::chrono::steady_clock::now() + 20s;
    // Polled on this connection, which waits out a lock (busy timeout) instead of throwing: the
    // run opening the database may hold it for a moment, and a throw here would end the process.
    auto runs = [&] {
      auto count = d.prepare("SELECT COUNT(*) FROM RUNS");
      return count.step() ? count.column_int(0) : 0;
    };
    while (runs() < 2) {
      if (std::chrono::steady_clock::now() > give_up) return;
      std::this_thread::sleep_for(5ms);
    }
    d.exec("BEGIN IMMEDIATE");
    held = true;
    std::this_thread::sleep_for(3500ms);
    d.exec("COMMIT");
  });
  ProcessResult result = run_ccload({"run", url, "-n", "300", "-c", "1", "--progress"}, dir.path());
  holder.join();
  ASSERT_TRUE(held.load());
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.err.find("of 300 requests written to load.db"), std::string::npos) << result.err;
  EXPECT_EQ(query_int(db, "SELECT ROWS_STORED FROM RUNS WHERE RUNID = 2"), 300);
}

TEST_F(StorageTest, TransportErrorsAreStoredWithStatusZeroAndTheirCategory) {
  const std::string url = "http://127.0.0.1:" + std::to_string(unused_port()) + "/";
  ProcessResult result;
  auto summary = run_ccload_json({"run", url, "-n", "10", "-c", "2"}, dir.path(), &result);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  const fs::path db = dir / "load.db";
  EXPECT_EQ(query_int(db,
                      "SELECT COUNT(*) FROM LOADTEST WHERE STATUS = 0 AND ERROR = 'connect' "
                      "AND RUNID = 1"),
            10);
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM LOADTEST"), 10);
  EXPECT_EQ(query_int(db, "SELECT FAILED FROM RUNS WHERE RUNID = 1"), 10);
  EXPECT_EQ(nlohmann::json::parse(query_text(db, "SELECT ERROR_COUNTS FROM RUNS")),
            summary["errors"]);
  EXPECT_EQ(summary["errors"]["connect"], 10);
}

TEST_F(StorageTest, TwoProcessesWritingOneDatabaseAreBothStored) {
  server::TargetServer target({"127.0.0.1", 0, 2, "", ""});
  const fs::path db = dir / "shared.db";
  ProcessResult results[2];
  std::thread threads[2];
  for (int i = 0; i < 2; ++i) {
    threads[i] = std::thread([&, i] {
      results[i] = run_ccload({"run", target.base_url() + "/get?p=" + std::to_string(i), "-n",
                               "2000", "-c", "8", "--db", db.string()},
                              dir.path());
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& r : results) EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM LOADTEST"), 4000);
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM RUNS"), 2);
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM RUNS WHERE ROWS_STORED = 2000 AND REQUESTS = 2000"),
            2);
  EXPECT_EQ(query_int(db,
                      "SELECT COUNT(*) FROM (SELECT RUNID FROM LOADTEST GROUP BY RUNID, URL "
                      "HAVING COUNT(*) = 2000)"),
            2);
}

TEST_F(StorageTest, CtrlCStoresWhatCompletedAndMarksTheRunInterrupted) {
  RecordingServer server([](const ReceivedRequest&, std::uint64_t) {
    ScriptedResponse response;
    response.delay_before_head = 20ms;
    return response;
  });
  ProcessOptions options;
  options.interrupt_after = 700ms;
  ProcessResult result;
  auto summary = run_ccload_json({"run", server.url("/"), "-n", "1000000", "-c", "4"}, dir.path(),
                                 &result, options);
  EXPECT_EQ(result.exit_code, 130) << result.err;
  EXPECT_NE(result.out.find("Load Test Results"), std::string::npos);
  EXPECT_EQ(summary["stored"], true);
  const std::int64_t total = summary["requests"]["total"];
  EXPECT_GT(total, 10);
  const fs::path db = dir / "load.db";
  EXPECT_EQ(query_int(db, "SELECT INTERRUPTED FROM RUNS WHERE RUNID = 1"), 1);
  EXPECT_EQ(query_int(db, "SELECT REQUESTS FROM RUNS WHERE RUNID = 1"), total);
  EXPECT_EQ(query_int(db, "SELECT ROWS_STORED FROM RUNS WHERE RUNID = 1"), total);
  EXPECT_EQ(query_int(db, "SELECT N FROM RUNS WHERE RUNID = 1"), 1000000);
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM LOADTEST WHERE RUNID = 1"), total);

  ProcessResult history = run_ccload({"-history"}, dir.path());
  EXPECT_EQ(history.exit_code, 0);
  EXPECT_NE(history.out.find("interrupted"), std::string::npos) << history.out;
}

// ---------------------------------------------------------------------------------------------
// Faults found before the run: one line, exit 2, nothing sent

TEST_F(StorageTest, ADatabaseInAMissingFolderIsRefusedBeforeAnythingIsSent) {
  RecordingServer server;
  const std::string db = (dir / "no/such/folder/load.db").string();
  ProcessResult result =
      run_ccload({"run", server.url("/"), "-n", "7", "-c", "2", "--db", db}, dir.path());
  expect_refused(result, server, db);
  EXPECT_FALSE(fs::exists(dir / "no"));
  EXPECT_EQ(files_in(dir.path()), std::vector<std::string>{});
}

TEST_F(StorageTest, AFileThatIsNotADatabaseIsRefusedBeforeAnythingIsSentAndLeftAlone) {
  RecordingServer server;
  const std::string junk = "these are my notes, not a database\n" + std::string(5000, 'x');
  write_text(dir / "load.db", junk);
  ProcessResult result =
      run_ccload({"run", server.url("/"), "-n", "9", "-c", "3", "--json", "out.json"}, dir.path());
  expect_refused(result, server, "load.db is not a SQLite database");
  EXPECT_EQ(read_file(dir / "load.db"), junk);
  EXPECT_EQ(files_in(dir.path()), std::vector<std::string>{"load.db"});
}

TEST_F(StorageTest, AReadOnlyFolderIsRefusedBeforeAnythingIsSent) {
  RecordingServer server;
  fs::permissions(dir.path(), fs::perms::all);
  fs::create_directory(dir / "ro");
  fs::permissions(dir / "ro", fs::perms::owner_read | fs::perms::owner_exec |
                                  fs::perms::group_read | fs::perms::group_exec |
                                  fs::perms::others_read | fs::perms::others_exec);
  ProcessResult result;
  if (!run_unprivileged({"run", server.url("/"), "-n", "6", "-c", "2", "--db", "ro/load.db"},
                        dir.path(), result)) {
    GTEST_SKIP() << "cannot drop privileges (no setpriv)";
  }
  expect_refused(result, server, "ro/load.db");
  EXPECT_TRUE(files_in(dir / "ro").empty());
}

TEST_F(StorageTest, AReadOnlyDatabaseFileIsRefusedBeforeAnythingIsSentAndKeepsItsRows) {
  fs::permissions(dir.path(), fs::perms::all);
  {
    RecordingServer first;
    ASSERT_EQ(run_ccload({"run", first.url("/"), "-n", "3", "-c", "1"}, dir.path()).exit_code, 0);
  }
  const fs::path db = dir / "load.db";
  ASSERT_EQ(query_int(db, "SELECT COUNT(*) FROM LOADTEST"), 3);
  fs::permissions(db, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  RecordingServer server;
  ProcessResult result;
  if (!run_unprivileged({"run", server.url("/"), "-n", "5", "-c", "1"}, dir.path(), result)) {
    GTEST_SKIP() << "cannot drop privileges (no setpriv)";
  }
  expect_refused(result, server, "read-only");
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM LOADTEST"), 3);
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM RUNS"), 1);
}

// ---------------------------------------------------------------------------------------------
// Configuration files through the binary

class ConfigTest : public StorageTest {};

TEST_F(ConfigTest, BasicAuthFromConfigEnvUnlessTheUserSetsAuthorization) {
  RecordingServer server;
  write_text(dir / "config.env", "USERNAME=alice\nPASSWORD=s3cret:x\n");
  chmod((dir / "config.env").c_str(), 0600);
  ProcessResult result =
      run_ccload({"run", server.url("/"), "-n", "3", "-c", "1", "--no-store"}, dir.path());
  EXPECT_EQ(result.exit_code, 0) << result.err;
  ASSERT_EQ(server.request_count(), 3u);
  for (const auto& request : server.requests()) {
    // base64("alice:s3cret:x")
    EXPECT_EQ(request.header("Authorization"), "Basic YWxpY2U6czNjcmV0Ong=");
  }

  RecordingServer own;
  result = run_ccload(
      {"run", own.url("/"), "-n", "2", "-c", "1", "--no-store", "-H", "authorization: Bearer t0k"},
      dir.path());
  EXPECT_EQ(result.exit_code, 0) << result.err;
  ASSERT_EQ(own.request_count(), 2u);
  for (const auto& request : own.requests()) {
    int authorizations = 0;
    for (const auto& [name, value] : request.headers) {
      std::string lower = name;
      std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
      if (lower == "authorization") {
        ++authorizations;
        EXPECT_EQ(value, "Bearer t0k");
      }
    }
    EXPECT_EQ(authorizations, 1);
  }

  // Only a user name: no Basic auth.
  write_text(dir / "config.env", "USERNAME=alice\n");
  RecordingServer half;
  result = run_ccload({"run", half.url("/"), "-n", "1", "-c", "1", "--no-store"}, dir.path());
  ASSERT_EQ(half.request_count(), 1u);
  EXPECT_EQ(half.requests()[0].header("Authorization"), "");
}

TEST_F(ConfigTest, PyloadConfigNamesTheFileAndAMissingOneSendsNothing) {
  RecordingServer server;
  write_text(dir / "config.env", "DATABASE_URL=from-config-env.db\n");
  write_text(dir / "custom.env", "DATABASE_URL=from-custom.db\n");
  ProcessOptions options;
  options.env["PYLOAD_CONFIG"] = "custom.env";
  ProcessResult result =
      run_ccload({"run", server.url("/"), "-n", "2", "-c", "1"}, dir.path(), options);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(fs::exists(dir / "from-custom.db"));
  EXPECT_FALSE(fs::exists(dir / "from-config-env.db"));

  options.env["PYLOAD_CONFIG"] = (dir / "missing.env").string();
  result = run_ccload({"run", server.url("/"), "-n", "2", "-c", "1"}, dir.path(), options);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(count_lines(result.err), 1u) << result.err;
  EXPECT_NE(result.err.find("PYLOAD_CONFIG"), std::string::npos) << result.err;
  EXPECT_EQ(server.request_count(), 2u) << "nothing sent";
  EXPECT_FALSE(fs::exists(dir / "load.db"));
  EXPECT_FALSE(fs::exists(dir / "from-config-env.db"));

  // -history reads the same file.
  result = run_ccload({"-history"}, dir.path(), options);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(count_lines(result.err), 1u) << result.err;
}

TEST_F(ConfigTest, ConfigEnvBeforeDotEnvAndTheEnvironmentWins) {
  RecordingServer server;
  write_text(dir / ".env", "DATABASE_URL=dot.db\n");
  ASSERT_EQ(run_ccload({"run", server.url("/"), "-n", "1", "-c", "1"}, dir.path()).exit_code, 0);
  EXPECT_TRUE(fs::exists(dir / "dot.db"));

  write_text(dir / "config.env", "DATABASE_URL=config.db\n");
  ASSERT_EQ(run_ccload({"run", server.url("/"), "-n", "1", "-c", "1"}, dir.path()).exit_code, 0);
  EXPECT_TRUE(fs::exists(dir / "config.db"));
  EXPECT_EQ(query_int(dir / "dot.db", "SELECT COUNT(*) FROM LOADTEST"), 1);

  ProcessOptions options;
  options.env["DATABASE_URL"] = "env.db";
  ASSERT_EQ(
      run_ccload({"run", server.url("/"), "-n", "1", "-c", "1"}, dir.path(), options).exit_code, 0);
  EXPECT_TRUE(fs::exists(dir / "env.db"));
  EXPECT_EQ(query_int(dir / "config.db", "SELECT COUNT(*) FROM LOADTEST"), 1);
  EXPECT_FALSE(fs::exists(dir / "load.db"));
}

TEST_F(ConfigTest, DatabaseUrlFormsDbFlagAndNoStore) {
  RecordingServer server;
  fs::create_directory(dir / "abs");
  const fs::path absolute = dir / "abs" / "absolute.db";
  write_text(dir / "config.env",
             "DATABASE_URL=sqlite:///" + absolute.relative_path().string() + "\n");
  auto summary = run_ccload_json({"run", server.url("/"), "-n", "2", "-c", "1"}, dir.path());
  EXPECT_EQ(summary["database"], absolute.string());
  EXPECT_EQ(query_int(absolute, "SELECT COUNT(*) FROM LOADTEST"), 2);

  fs::create_directory(dir / "sub");
  write_text(dir / "config.env", "DATABASE_URL=sqlite://sub/relative.db\n");
  summary = run_ccload_json({"run", server.url("/"), "-n", "3", "-c", "1"}, dir.path());
  EXPECT_EQ(query_int(dir / "sub" / "relative.db", "SELECT COUNT(*) FROM LOADTEST"), 3);

  write_text(dir / "config.env", "DATABASE_URL=plain.db\n");
  summary = run_ccload_json({"run", server.url("/"), "-n", "4", "-c", "1"}, dir.path());
  EXPECT_EQ(query_int(dir / "plain.db", "SELECT COUNT(*) FROM LOADTEST"), 4);

  // --db wins over the file and the environment.
  ProcessOptions options;
  options.env["DATABASE_URL"] = "env.db";
  summary = run_ccload_json({"run", server.url("/"), "-n", "5", "-c", "1", "--db", "flag.db"},
                            dir.path(), nullptr, options);
  EXPECT_EQ(summary["database"], "flag.db");
  EXPECT_EQ(query_int(dir / "flag.db", "SELECT COUNT(*) FROM LOADTEST"), 5);
  EXPECT_FALSE(fs::exists(dir / "env.db"));

  // --no-store: no database anywhere.
  const auto before = files_in(dir.path());
  ProcessResult result;
  summary = run_ccload_json({"run", server.url("/"), "-n", "2", "-c", "1", "--no-store"},
                            dir.path(), &result, options);
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(files_in(dir.path()), before);
  EXPECT_FALSE(summary.contains("run_id"));
  EXPECT_NE(result.out.find("--no-store"), std::string::npos) << result.out;
}

TEST_F(ConfigTest, BadTimeoutExits2NamingTheFileAndLineAndSendsNothing) {
  RecordingServer server;
  write_text(dir / "config.env", "# settings\nUSERNAME=bob\ntimeout=abc\n");
  ProcessResult result =
      run_ccload({"-u", server.url("/"), "-n", "3", "-c", "1", "-GET"}, dir.path());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(count_lines(result.err), 1u) << result.err;
  EXPECT_NE(result.err.find("config.env:3"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("timeout"), std::string::npos) << result.err;
  EXPECT_EQ(result.out.find("Load Test Results"), std::string::npos);
  EXPECT_EQ(server.request_count(), 0u);
  EXPECT_FALSE(fs::exists(dir / "load.db"));
}

TEST_F(ConfigTest, TimeoutFromConfigEnvCutsSlowRequests) {
  server::TargetServer target({"127.0.0.1", 0, 1, "", ""});
  write_text(dir / "config.env", "timeout=1\n");
  ProcessResult result;
  const auto started = std::chrono::steady_clock::now();
  auto summary = run_ccload_json({"run", target.base_url() + "/delay/3000", "-n", "4", "-c", "2"},
                                 dir.path(), &result);
  const auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_LT(elapsed, 6s) << "two rounds of 1 s timeouts, not 3 s responses";
  EXPECT_GE(elapsed, 1900ms);
  EXPECT_EQ(summary["errors"]["timeout"], 4);
  EXPECT_EQ(query_int(dir / "load.db",
                      "SELECT COUNT(*) FROM LOADTEST WHERE STATUS = 0 AND ERROR = 'timeout' AND "
                      "RESPONSETIME BETWEEN 0.9 AND 2.5"),
            4);
}

// ---------------------------------------------------------------------------------------------
// History

class HistoryTest : public StorageTest {
 protected:
  // Lines of a -weekly/-monthly/-yearly table: {period, url} -> {runs, requests, failure %}.
  struct Figures {
    std::int64_t runs, requests;
    double failure_percent;
  };
  static std::map<std::pair<std::string, std::string>, Figures> parse_periods(
      const std::string& out) {
    std::map<std::pair<std::string, std::string>, Figures> table;
    std::istringstream lines(out);
    std::string line;
    std::getline(lines, line);  // header
    while (std::getline(lines, line)) {
      std::istringstream fields(line);
      std::string period, url, percent;
      Figures f{};
      fields >> period >> url >> f.runs >> f.requests >> percent;
      if (percent.empty() || percent.back() != '%') {
        ADD_FAILURE() << "unexpected line: " << line;
        continue;
      }
      f.failure_percent = std::stod(percent.substr(0, percent.size() - 1));
      table[{period, url}] = f;
    }
    return table;
  }

  ProcessOptions utc() {
    ProcessOptions options;
    options.env["TZ"] = "UTC";
    return options;
  }
};

TEST_F(HistoryTest, EmptyFolderPrintsNoLoadTestsAndCreatesNothing) {
  ProcessResult result = run_ccload({"-history"}, dir.path());
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "No load tests recorded yet in load.db\n");
  EXPECT_TRUE(files_in(dir.path()).empty());

  result = run_ccload({"history", "--weekly", "--db", "elsewhere.db"}, dir.path());
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "No load tests recorded yet in elsewhere.db\n");
  EXPECT_TRUE(files_in(dir.path()).empty());
}

TEST_F(HistoryTest, ANonDatabaseFileExits1WithOneLine) {
  write_text(dir / "load.db", "not a database at all, just some text " + std::string(2000, '-'));
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"-history"}, std::vector<std::string>{"-history", "-monthly"}}) {
    ProcessResult result = run_ccload(args, dir.path());
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_EQ(count_lines(result.err), 1u) << result.err;
    EXPECT_NE(result.err.find("load.db is not a SQLite database"), std::string::npos) << result.err;
    EXPECT_EQ(result.out, "");
  }
  EXPECT_EQ(files_in(dir.path()), std::vector<std::string>{"load.db"});
}

TEST_F(HistoryTest, PyLoadDatabaseIsListedThenMigratedWithoutChangingItsRows) {
  const fs::path db = dir / "load.db";
  create_pyload_database(db,
                         {
                             {"1795544018.185497", "https://httpbin.org/get", 200, "get", "0.123"},
                             {"1795544019.200000", "https://httpbin.org/get", 200, "get", "0.150"},
                             {"1795544020.300000", "https://httpbin.org/get", 500, "get", "0.090"},
                             {"1795544021.400000", "https://httpbin.org/post", 201, "post", "0.2"},
                         });
  const std::string old_rows = dump_seed_rows(db, 4);
  ASSERT_EQ(count_lines(old_rows), 4u);

  ProcessResult listed = run_ccload({"-history"}, dir.path());
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find("https://httpbin.org/get"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("https://httpbin.org/post"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("day"), std::string::npos) << listed.out;
  // Reading does not migrate.
  EXPECT_EQ(query_int(db, "PRAGMA user_version"), 0);
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'RUNS'"), 0);
  EXPECT_EQ(dump_seed_rows(db, 4), old_rows);

  RecordingServer server;
  ProcessResult result;
  const double before = now_seconds();
  auto summary = run_ccload_json({"-u", server.url("/get"), "-n", "5", "-c", "1", "-GET"},
                                 dir.path(), &result);
  const double after = now_seconds();
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(summary["stored"], true);
  EXPECT_EQ(dump_seed_rows(db, 4), old_rows) << "old rows unchanged";
  // The seed's declarations stay, and ccload's rows keep microseconds in the TEXT column
  // ("1795544018.185497", as PyLoad's own): six decimals, not SQLite's 15 significant digits.
  EXPECT_EQ(query_text(db,
                       "SELECT group_concat(name || ' ' || type, ', ') FROM "
                       "pragma_table_info('LOADTEST') WHERE cid < 6"),
            "REQUESTID INTEGER, TIMESTAMP TEXT, URL TEXT, STATUS INTEGER, REQTYPE VARCHAR, "
            "RESPONSETIME TEXT");
  EXPECT_EQ(query_int(db,
                      "SELECT COUNT(*) FROM LOADTEST WHERE RUNID = 1 AND typeof(TIMESTAMP) = "
                      "'text' AND TIMESTAMP GLOB '[0-9]*.[0-9][0-9][0-9][0-9][0-9][0-9]' AND "
                      "length(TIMESTAMP) - instr(TIMESTAMP, '.') = 6"),
            5);
  const double first =
      std::stod(query_text(db, "SELECT MIN(TIMESTAMP) FROM LOADTEST WHERE RUNID = 1"));
  EXPECT_GE(first, std::floor(before * 1e6) / 1e6);
  EXPECT_LE(first, after);
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM LOADTEST"), 9);
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM LOADTEST WHERE RUNID IS NULL"), 4);
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM LOADTEST WHERE RUNID = 1 AND REQUESTID > 4"), 5);
  EXPECT_EQ(query_int(db, "PRAGMA user_version"), store::schema::kVersion);

  listed = run_ccload({"-history"}, dir.path());
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find("https://httpbin.org/get"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find(server.url("/get")), std::string::npos) << listed.out;

  for (const char* period : {"-weekly", "-monthly", "-yearly"}) {
    ProcessResult shown = run_ccload({"-history", period}, dir.path());
    EXPECT_EQ(shown.exit_code, 0) << period << shown.err;
    EXPECT_NE(shown.out.find("https://httpbin.org/get"), std::string::npos) << shown.out;
    EXPECT_NE(shown.out.find("https://httpbin.org/post"), std::string::npos) << shown.out;
    EXPECT_NE(shown.out.find(server.url("/get")), std::string::npos) << shown.out;
  }
  EXPECT_EQ(dump_seed_rows(db, 4), old_rows);
}

TEST_F(HistoryTest, PeriodAggregatesMatchIndependentCounts) {
  server::TargetServer target({"127.0.0.1", 0, 1, "", ""});
  const std::string url = target.base_url() + "/flaky/4";
  const fs::path db = dir / "load.db";
  const double now = now_seconds();
  // Legacy rows of the same URL at chosen UTC instants, and two from just now.
  //   2021-01-02 Sat 12:00 -> ISO week 2020-W53, month 2021-01, year 2021
  //   2021-03-01 Mon 10:00 -> 2021-W09, 2021-03
  //   2021-03-03 Wed 23:59 -> 2021-W09, 2021-03
  //   2021-03-08 Mon 00:30 -> 2021-W10, 2021-03
  //   2022-06-15 Wed 08:00 -> 2022-W24, 2022-06, 2022
  const std::string now_text = std::to_string(now - 1);
  create_pyload_database(db, {
                                 {"1609588800.5", url, 200, "get", "0.1"},
                                 {"1609588801.5", url, 500, "get", "0.1"},
                                 {"1614592800.0", url, 200, "get", "0.2"},
                                 {"1614592801.0", url, 200, "get", "0.2"},
                                 {"1614815940.0", url, 0, "get", "0.3"},
                                 {"1615163400.0", url, 404, "get", "0.1"},
                                 {"1615163401.0", url, 200, "get", "0.1"},
                                 {"1615163402.0", url, 200, "get", "0.1"},
                                 {"1615163403.0", url, 200, "get", "0.1"},
                                 {"1655280000.0", url, 503, "get", "0.4"},
                                 {now_text, url, 200, "get", "0.05"},
                                 {now_text, url, 500, "get", "0.05"},
                             });
  // Two real runs against the same URL (the server's counter fails every 4th request).
  ProcessResult result;
  auto first = run_ccload_json({"run", url, "-n", "40", "-c", "2"}, dir.path(), &result, utc());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  auto second = run_ccload_json({"run", url, "-n", "20", "-c", "2"}, dir.path(), &result, utc());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const std::int64_t run_requests = first["requests"]["total"].get<std::int64_t>() +
                                    second["requests"]["total"].get<std::int64_t>();
  const std::int64_t run_failed = first["requests"]["failed"].get<std::int64_t>() +
                                  second["requests"]["failed"].get<std::int64_t>();
  ASSERT_EQ(run_requests, 60);
  ASSERT_EQ(run_failed, 15);

  // The current period: the two runs plus the two legacy rows of today (one pseudo-run).
  auto current_key = [&](const char* format) {
    const auto t = static_cast<std::time_t>(now);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buffer[32];
    return std::string(buffer, std::strftime(buffer, sizeof buffer, format, &tm));
  };
  const std::int64_t current_requests = run_requests + 2;
  const double current_failed =
      100.0 * static_cast<double>(run_failed + 1) / static_cast<double>(current_requests);

  struct Expected {
    std::string period;
    std::int64_t runs, requests;
    double failure_percent;
  };
  const std::map<std::string, std::vector<Expected>> expected = {
      {"-weekly",
       {{"2020-W53", 1, 2, 50.0},
        {"2021-W09", 2, 3, 100.0 / 3},
        {"2021-W10", 1, 4, 25.0},
        {"2022-W24", 1, 1, 100.0},
        {current_key("%G-W%V"), 3, current_requests, current_failed}}},
      {"-monthly",
       {{"2021-01", 1, 2, 50.0},
        {"2021-03", 3, 7, 200.0 / 7},
        {"2022-06", 1, 1, 100.0},
        {current_key("%Y-%m"), 3, current_requests, current_failed}}},
      {"-yearly",
       {{"2021", 4, 9, 300.0 / 9},
        {"2022", 1, 1, 100.0},
        {current_key("%Y"), 3, current_requests, current_failed}}},
  };
  for (const auto& [flag, lines] : expected) {
    ProcessResult shown = run_ccload({"-history", flag}, dir.path(), utc());
    ASSERT_EQ(shown.exit_code, 0) << shown.err;
    const auto table = parse_periods(shown.out);
    EXPECT_EQ(table.size(), lines.size()) << shown.out;
    for (const auto& line : lines) {
      auto it = table.find({line.period, url});
      ASSERT_NE(it, table.end()) << flag << " " << line.period << "\n" << shown.out;
      EXPECT_EQ(it->second.runs, line.runs) << flag << " " << line.period;
      EXPECT_EQ(it->second.requests, line.requests) << flag << " " << line.period;
      EXPECT_NEAR(it->second.failure_percent, line.failure_percent, 0.006)
          << flag << " " << line.period;
    }
  }

  // The run list shows the runs with the counts of their JSON summaries.
  ProcessResult listed = run_ccload({"-history"}, dir.path(), utc());
  EXPECT_EQ(listed.exit_code, 0);
  std::istringstream lines(listed.out);
  std::string line;
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> runs;  // id -> requests, failed
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string id, date, time, method, listed_url;
    std::int64_t requests = 0, failed = 0;
    if (fields >> id >> date >> time >> method >> listed_url >> requests >> failed) {
      if (id == "1" || id == "2") runs[id] = {requests, failed};
    }
  }
  EXPECT_EQ(runs["1"], std::make_pair(first["requests"]["total"].get<std::int64_t>(),
                                      first["requests"]["failed"].get<std::int64_t>()))
      << listed.out;
  EXPECT_EQ(runs["2"], std::make_pair(second["requests"]["total"].get<std::int64_t>(),
                                      second["requests"]["failed"].get<std::int64_t>()))
      << listed.out;
}

}  // namespace
}  // namespace ccload::test
