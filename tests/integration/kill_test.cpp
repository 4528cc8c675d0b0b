// A run killed with SIGKILL (an OOM kill, a drained node, an evicted pod) keeps every row it had
// committed: rows reach the database by time as well as by count. `ccload report` of such a run
// says it was cut short and computes its figures from its rows; a killed shard of a distributed
// run is reported under its own index, with the clock of the shared --start-at.

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <ctime>
#include <functional>
#include <memory>
#include <optional>
#include <thread>

#include "store/postgres.hpp"
#include "store/sqlite.hpp"
#include "support/background_process.hpp"
#include "support/ccload_run.hpp"
#include "support/postgres_server.hpp"
#include "support/serve_process.hpp"

namespace ccload::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
namespace fs = std::filesystem;

// The integer in the first row of `query` in `database` (a SQLite file or a postgresql:// URL),
// or -1 while it cannot be read yet (no file, no tables, locked).
std::int64_t count_in(const std::string& database, const std::string& query) {
  try {
    std::unique_ptr<store::sql::Connection> db;
    if (database.starts_with("postgresql://")) {
      db = std::make_unique<store::sql::PgConnection>(database);
    } else {
      if (!fs::exists(database)) return -1;
      db = std::make_unique<store::sql::Database>(database, store::sql::Database::Mode::read_only);
    }
    if (!db->has_table("LOADTEST") || !db->has_table("RUNS")) return -1;
    auto stmt = db->prepare(query);
    return stmt.step() ? stmt.column_int(0) : -1;
  } catch (const store::sql::Error&) {
    return -1;
  }
}

// Polls `done` every 50 ms for at most `limit`; true once it held.
bool eventually(const std::function<bool()>& done, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(50ms);
  }
  return done();
}

// Waits until `run` has begun its run (`runs_sql` finds its RUNS row, inserted just before the
// first request: whether rows are stored yet must not matter), then until `from` (or now) plus 3 s,
// and kills it with SIGKILL.
void kill_three_seconds_in(BackgroundProcess& run, const std::string& database,
                           const std::string& runs_sql,
                           std::optional<std::chrono::system_clock::time_point> from = {}) {
  ASSERT_TRUE(eventually([&] { return count_in(database, runs_sql) > 0 || !run.running(); }, 60s))
      << "no run began within 60 s: " << run.err();
  ASSERT_TRUE(run.running()) << "it ended before it was killed: " << run.out() << run.err();
  std::this_thread::sleep_until(from.value_or(std::chrono::system_clock::now()) + 3s);
  run.signal(SIGKILL);
  ASSERT_EQ(run.wait(), 128 + SIGKILL);
}

// `ccload run /get --rate 300 -z 10s` into `database`, killed 3 s into the run: at least 600 of its
// requests were stored, its RUNS row has no end, and `report` says it was cut short and counts
// exactly its stored rows; history lists it.
void expect_a_kill_keeps_the_rows(const std::string& base_url, const std::string& database,
                                  const TempDir& dir) {
  ProcessOptions options;
  options.env["DATABASE_URL"] = database;
  auto run =
      start_ccload({"run", base_url + "/get", "--rate", "300", "-z", "10s"}, dir.path(), options);
  kill_three_seconds_in(*run, database, "SELECT COUNT(*) FROM RUNS WHERE RUNID = 1");
  const std::string rows_sql = "SELECT COUNT(*) FROM LOADTEST WHERE RUNID = 1";
  if (testing::Test::HasFatalFailure()) return;

  const std::int64_t rows = count_in(database, rows_sql);
  EXPECT_GE(rows, 600) << "3 s at 300 requests per second are about 900";
  EXPECT_LT(rows, 3000) << "killed before its end";
  EXPECT_EQ(count_in(database, "SELECT COUNT(*) FROM RUNS WHERE RUNID = 1 AND ENDED IS NULL"), 1);

  ProcessResult report = run_ccload({"report", "last", "--json", "-"}, dir.path(), options);
  ASSERT_EQ(report.exit_code, 0) << report.err;
  const json summary = json::parse(report.out);
  EXPECT_EQ(summary["cut_short"], true);
  EXPECT_EQ(summary["requests"]["total"], rows);
  EXPECT_EQ(summary["requests"]["succeeded"], rows);
  EXPECT_EQ(summary["stored"], true);
  EXPECT_GT(summary["rps"].get<double>(), 200.0);
  EXPECT_LT(summary["rps"].get<double>(), 400.0);
  // The terminal report (on stderr beside --json -).
  EXPECT_NE(report.err.find("Cut short"), std::string::npos) << report.err;
  EXPECT_EQ(report.err.find("Ctrl-C"), std::string::npos) << report.err;

  ProcessResult history = run_ccload({"history"}, dir.path(), options);
  ASSERT_EQ(history.exit_code, 0) << history.err;
  EXPECT_NE(history.out.find(" " + std::to_string(rows) + " "), std::string::npos) << history.out;
  EXPECT_NE(history.out.find("unfinished"), std::string::npos) << history.out;
}

TEST(KillTest, ASqliteRunKilledKeepsItsRowsAndIsReportedCutShort) {
  ServeProcess serve;
  TempDir dir;
  expect_a_kill_keeps_the_rows(serve.base_url(), (dir / "load.db").string(), dir);
}

class PostgresKillTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!pg.installed()) GTEST_SKIP() << pg.why();
    ASSERT_TRUE(pg.available()) << pg.why();
  }
  PostgresServer pg;
  ServeProcess serve;
  TempDir dir;
};

TEST_F(PostgresKillTest, APostgresRunKilledKeepsItsRowsAndIsReportedCutShort) {
  expect_a_kill_keeps_the_rows(serve.base_url(), pg.create_database("killed"), dir);
}

// --start-at as an agent gets it: a UTC instant to the millisecond.
std::string start_at_text(std::chrono::system_clock::time_point when) {
  const std::int64_t ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(when.time_since_epoch()).count();
  const std::time_t seconds = ns / 1'000'000'000;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char stamp[64];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
  return std::string(stamp) + "." + std::to_string((ns / 1'000'000) % 1000 + 1000).substr(1) + "Z";
}

// Three agents of one distributed run; shard 1/3 is killed 3 s in, the others run their 10 s.
TEST_F(PostgresKillTest, AKilledShardIsMergedUnderItsIndexWithItsRowsFromStartAt) {
  const std::string database = pg.create_database("shared");
  ProcessOptions options;
  options.env["DATABASE_URL"] = database;
  const auto start =
      std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now()) +
      4s;
  const std::string start_at = start_at_text(start);
  std::vector<std::unique_ptr<BackgroundProcess>> agents;
  for (int shard = 0; shard < 3; ++shard) {
    agents.push_back(
        start_ccload({"run", serve.base_url() + "/get", "--rate", "300", "-z", "10s", "--run-id",
                      "cut-1", "--shard", std::to_string(shard) + "/3", "--start-at", start_at},
                     dir.path(), options));
  }
  kill_three_seconds_in(*agents[1], database,
                        "SELECT COUNT(*) FROM RUNS WHERE RUN_NAME = 'cut-1' AND SHARD = 1", start);
  const std::string shard_rows =
      "SELECT COUNT(*) FROM LOADTEST L JOIN RUNS R ON L.RUNID = R.RUNID WHERE R.RUN_NAME = "
      "'cut-1' AND R.SHARD = 1";
  if (HasFatalFailure()) return;
  for (int shard : {0, 2}) {
    auto& agent = *agents[static_cast<std::size_t>(shard)];
    ASSERT_EQ(agent.wait(), 0) << agent.out() << agent.err();
  }
  const std::int64_t rows = count_in(database, shard_rows);
  EXPECT_GE(rows, 200) << "3 s at its 100 requests per second are about 300";
  EXPECT_LT(rows, 1000) << "killed before its end";

  ProcessResult report = run_ccload({"report", "cut-1", "--json", "-"}, dir.path(), options);
  ASSERT_EQ(report.exit_code, 0) << report.err;
  const json merged = json::parse(report.out);
  EXPECT_EQ(merged["requests"]["total"], 2000 + rows);
  EXPECT_EQ(merged["cut_short"], true);
  ASSERT_EQ(merged["shards"].size(), 3u);
  double latest_start_s = 0;
  for (std::size_t i = 0; i < 3; ++i) {
    const json& shard = merged["shards"][i];
    EXPECT_EQ(shard["shard"], i) << "each shard under its own index";
    EXPECT_EQ(shard["requests"], i == 1 ? rows : 1000);
    EXPECT_EQ(shard["finished"], i != 1);
    if (shard["start_late_s"].is_number()) {
      latest_start_s = std::max(latest_start_s, shard["start_late_s"].get<double>());
    }
  }
  // The merged clock starts at --start-at (not when the killed agent opened its database, seconds
  // before), and runs the 10 s of the schedule (plus how late the finished agents started).
  EXPECT_EQ(merged["started"], start_at);
  const double duration = merged["duration_s"].get<double>();
  EXPECT_GE(duration, 9.9);
  EXPECT_LT(duration, 10.5 + latest_start_s);
  EXPECT_NEAR(merged["rps"].get<double>(), static_cast<double>(2000 + rows) / duration, 1e-6);
  EXPECT_NE(report.err.find("Shard 1/3: run"), std::string::npos) << report.err;
  EXPECT_NE(report.err.find("cut short"), std::string::npos) << report.err;
  EXPECT_EQ(report.err.find("Ctrl-C"), std::string::npos) << report.err;
}

}  // namespace
}  // namespace ccload::test
