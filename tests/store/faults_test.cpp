// The database cannot be opened or written: every record goes to the fallback NDJSON file.

#include <gtest/gtest.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include <set>

#include <nlohmann/json.hpp>
#include <thread>

#include "stats/run_stats.hpp"
#include "store/run_writer.hpp"
#include "store/schema.hpp"
#include "store_support.hpp"

namespace ccload::store::test {
namespace {

constexpr std::int64_t kStart = 1'795'544'018;

stats::RunFacts info() {
  stats::RunFacts i;
  i.url = "http://127.0.0.1:9/\"quoted\"";
  i.method = "POST";
  i.requested = 300;
  i.concurrency = 3;
  i.started_unix_ns = unix_ns(kStart);
  return i;
}

std::vector<Record> records(std::uint64_t from, std::uint64_t count) {
  std::vector<Record> batch;
  for (std::uint64_t i = from; i < from + count; ++i) {
    batch.push_back(
        i % 5 == 0 ? make_record(i, unix_ns(kStart, 1000), 2'000'000, 0, ErrorCategory::timeout)
                   : make_record(i, unix_ns(kStart, 1000), 1'000'000, 200));
  }
  return batch;
}

StoreOutcome run_records(const fs::path& db, std::uint64_t count) {
  RunWriter writer(db, info());
  for (std::uint64_t i = 1; i <= count; i += 100) writer.submit(records(i, 100));
  RunEnd end;
  end.ended_unix_ns = unix_ns(kStart + 1);
  return writer.finish(end);
}

// Every line of the fallback file is a complete record of the run, and all are there.
::testing::AssertionResult fallback_holds(const StoreOutcome& out, std::uint64_t count) {
  if (out.fallback_path.empty()) return ::testing::AssertionFailure() << "no fallback path";
  const auto lines = record_lines(out.fallback_path);
  if (lines.size() != count) {
    return ::testing::AssertionFailure() << lines.size() << " lines instead of " << count;
  }
  std::set<std::uint64_t> ids;
  for (const auto& line : lines) {
    const auto j = nlohmann::json::parse(line);
    ids.insert(j.at("request_id").get<std::uint64_t>());
    if (j.at("url") != "http://127.0.0.1:9/\"quoted\"" || j.at("method") != "POST") {
      return ::testing::AssertionFailure() << "bad line " << line;
    }
    const auto id = j.at("request_id").get<std::uint64_t>();
    const bool transport = id % 5 == 0;
    if (j.at("status").get<int>() != (transport ? 0 : 200) ||
        j.at("error").get<std::string>() != (transport ? "timeout" : "none") ||
        std::abs(j.at("timestamp").get<double>() - (kStart + 1e-6)) > 1e-6 ||
        std::abs(j.at("response_time").get<double>() - (transport ? 0.002 : 0.001)) > 1e-12) {
      return ::testing::AssertionFailure() << "bad fields " << line;
    }
  }
  if (ids.size() != count || *ids.begin() != 1 || *ids.rbegin() != count) {
    return ::testing::AssertionFailure() << "request ids missing";
  }
  return ::testing::AssertionSuccess();
}

TEST(Faults, MissingFolder) {
  TempDir dir;
  const fs::path db = dir / "no/such/folder/load.db";
  const StoreOutcome out = run_records(db, 300);
  EXPECT_FALSE(out.ok);
  EXPECT_EQ(out.run_id, 0);
  EXPECT_EQ(out.rows_stored, 0u);
  EXPECT_NE(out.error.find("cannot open the database " + db.string()), std::string::npos)
      << out.error;
  EXPECT_NE(out.error.find("fix:"), std::string::npos) << out.error;
  EXPECT_NE(out.error.find(out.fallback_path.string()), std::string::npos) << out.error;
  EXPECT_EQ(out.error.find('\n'), std::string::npos);
  EXPECT_TRUE(fallback_holds(out, 300));
  EXPECT_FALSE(fs::exists(dir / "no"));
  fs::remove(out.fallback_path);
}

TEST(Faults, NotADatabase) {
  TempDir dir;
  const fs::path db = dir / "load.db";
  const std::string text(8192, 'z');
  std::ofstream(db) << text;
  const StoreOutcome out = run_records(db, 300);
  EXPECT_FALSE(out.ok);
  EXPECT_NE(out.error.find("is not a SQLite database"), std::string::npos) << out.error;
  EXPECT_TRUE(fallback_holds(out, 300));
  EXPECT_EQ(out.fallback_path.parent_path(), dir.path());     // next to the database
  EXPECT_EQ(read_lines(db), std::vector<std::string>{text});  // untouched
}

TEST(Faults, ReadOnlyFolder) {
  TempDir dir;
  fs::create_directory(dir / "ro");
  ::chmod((dir / "ro").c_str(), 0555);
  const fs::path db = dir / "ro/load.db";
  // In an unprivileged child: root would ignore the permissions.
  const int code = run_in_child(
      [&] {
        const StoreOutcome out = run_records(db, 300);
        if (out.ok) return 1;
        if (out.error.find("cannot open the database") == std::string::npos) return 2;
        if (!fallback_holds(out, 300)) return 3;
        if (out.fallback_path.parent_path() != fs::temp_directory_path()) return 4;
        fs::remove(out.fallback_path);
        return fs::exists(db) ? 5 : 0;
      },
      true);
  EXPECT_EQ(code, 0);
}

TEST(Faults, ReadOnlyFile) {
  TempDir dir;
  const fs::path db = dir / "load.db";
  const StoreOutcome first = run_records(db, 100);  // a good database, by its owner
  ASSERT_TRUE(first.ok) << first.error;
  ::chmod(db.c_str(), 0444);
  const int code = run_in_child(
      [&] {
        const StoreOutcome out = run_records(db, 300);
        if (out.ok) return 1;
        if (out.error.find("read-only") == std::string::npos) return 2;
        if (!fallback_holds(out, 300)) return 3;
        return 0;
      },
      true);
  EXPECT_EQ(code, 0);
  ::chmod(db.c_str(), 0644);
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM LOADTEST"), 100);
}

// Another process holds the write lock longer than the busy timeout in the middle of a run: the
// rows written before stay, the rest go to the fallback file.
TEST(Faults, LockedLongerThanTheBusyTimeout) {
  TempDir dir;
  const fs::path db = dir / "load.db";
  RunWriter writer(db, info());
  ASSERT_GT(writer.run_id(), 0);
  writer.submit(records(1, 100));
  // Wait until the first batch is stored (the writer commits within about 50 ms).
  for (int i = 0; i < 200 && query_int(db, "SELECT COUNT(*) FROM LOADTEST") < 100; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  sql::Database other(db, sql::Database::Mode::read_write_create);
  other.exec("BEGIN IMMEDIATE");
  writer.submit(records(101, 100));
  std::this_thread::sleep_for(std::chrono::milliseconds(schema::kBusyTimeoutMs + 1500));
  other.exec("COMMIT");
  writer.submit(records(201, 100));
  RunEnd end;
  end.ended_unix_ns = unix_ns(kStart + 1);
  const StoreOutcome out = writer.finish(end);
  EXPECT_FALSE(out.ok);
  EXPECT_EQ(out.rows_stored, 100u);
  EXPECT_NE(out.error.find("locked"), std::string::npos) << out.error;
  const auto lines = record_lines(out.fallback_path);
  EXPECT_EQ(lines.size(), 200u);
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM LOADTEST"), 100);
  EXPECT_EQ(query_int(db, "SELECT ROWS_STORED FROM RUNS"), 100);  // the summary still written
  EXPECT_EQ(query_int(db, "SELECT REQUESTS FROM RUNS"), 300);
  // RUNS says where the other rows are; the file names the run first and ends with its summary.
  EXPECT_EQ(query_int(db, "SELECT FALLBACK_ROWS FROM RUNS"), 200);
  EXPECT_EQ(query_text(db, "SELECT FALLBACK_FILE FROM RUNS"), out.fallback_path.string());
  const auto all = read_lines(out.fallback_path);
  ASSERT_EQ(all.size(), 202u);
  const auto header = nlohmann::json::parse(all.front());
  EXPECT_EQ(header.at("run_id"), writer.run_id());
  EXPECT_EQ(header.at("run_key"), query_text(db, "SELECT RUN_KEY FROM RUNS"));
  EXPECT_EQ(header.at("run").at("URL"), info().url);
  EXPECT_EQ(nlohmann::json::parse(all.back()).at("run_end").at("REQUESTS"), 300);
}

// The checked opening a run uses before it sends: a problem is one line naming the path, and
// nothing is created (no database, no fallback file).
TEST(Faults, OpeningFailsBeforeTheRunWithOneLineAndLeavesNothing) {
  TempDir dir;
  std::ofstream(dir / "notes.db") << std::string(8192, 'z');
  for (const fs::path& db : {dir / "no/such/folder/load.db", dir / "notes.db"}) {
    std::string problem;
    EXPECT_EQ(RunWriter::open(db, info(), problem), nullptr) << db;
    EXPECT_NE(problem.find(db.string()), std::string::npos) << problem;
    EXPECT_NE(problem.find("fix:"), std::string::npos) << problem;
    EXPECT_EQ(problem.find('\n'), std::string::npos) << problem;
  }
  EXPECT_FALSE(fs::exists(dir / "no"));
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    names.push_back(entry.path().filename().string());
  }
  EXPECT_EQ(names, std::vector<std::string>{"notes.db"});
  std::string problem;
  auto writer = RunWriter::open(dir / "good.db", info(), problem);
  ASSERT_NE(writer, nullptr) << problem;
  EXPECT_EQ(writer->run_id(), 1);
  EXPECT_EQ(query_int(dir / "good.db", "SELECT COUNT(*) FROM RUNS"), 1);
}

// A disk that fills up in the middle of a run (a 256 KiB tmpfs in a private mount namespace; needs
// root, skipped otherwise): what was committed stays, the rest goes to the fallback file.
TEST(Faults, DiskFull) {
  TempDir dir;
  const fs::path mount_point = dir / "small";
  fs::create_directory(mount_point);
  constexpr std::uint64_t kCount = 30'000;
  const int code = run_in_child(
      [&] {
        if (::unshare(CLONE_NEWNS) != 0) return 77;
        if (::mount("none", "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return 77;
        if (::mount("tmpfs", mount_point.c_str(), "tmpfs", 0, "size=256k") != 0) return 77;
        const fs::path db = mount_point / "load.db";
        const StoreOutcome out = run_records(db, kCount);
        if (out.ok) return 1;
        if (out.error.find("full") == std::string::npos) return 2;
        if (out.rows_stored >= kCount) return 3;
        if (record_lines(out.fallback_path).size() != kCount - out.rows_stored) return 4;
        if (out.fallback_path.parent_path() != fs::temp_directory_path()) return 5;
        fs::remove(out.fallback_path);
        return 0;
      },
      false);
  if (code == 77) GTEST_SKIP() << "cannot mount a small tmpfs here (needs root)";
  EXPECT_EQ(code, 0);
}

}  // namespace
}  // namespace ccload::store::test
