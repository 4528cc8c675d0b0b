// Runs are named where people look: a distributed run (--run-id NAME --shard i/N) by its name in
// `Stored in`, `compare` and `history` (one line with its shard count), a single-machine run named
// by --run-id found by `report NAME` and shown by `history`, and PyLoad's rows as what they are.
// The real binary against the built-in server, on SQLite (the shards run one after the other).

#include <gtest/gtest.h>

#include <regex>

#include <string>
#include <vector>

#include "server/target_server.hpp"
#include "store/sqlite.hpp"
#include "support/ccload_run.hpp"

namespace ccload::test {
namespace {

using nlohmann::json;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class RunNamesTest : public ::testing::Test {
 protected:
  ProcessResult ccload(const std::vector<std::string>& args) {
    return run_ccload(args, dir.path());
  }
  server::TargetServer target{{"127.0.0.1", 0, 1, "", ""}};
  TempDir dir;
};

TEST_F(RunNamesTest, ADistributedRunIsNamedInStoredCompareAndHistory) {
  for (const std::string shard : {"0/2", "1/2"}) {
    ProcessResult agent = ccload({"run", target.base_url() + "/get", "-n", "40", "-c", "2",
                                  "--run-id", "checkout", "--shard", shard});
    ASSERT_EQ(agent.exit_code, 0) << agent.err;
    EXPECT_TRUE(contains(agent.out, "Every request is stored in load.db (run " +
                                        std::string(shard == "0/2" ? "1" : "2") + ", shard " +
                                        shard + " of checkout)."))
        << agent.out;
  }
  ProcessResult report = ccload({"report", "checkout"});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  EXPECT_TRUE(contains(report.out, "Stored in load.db (run checkout, 2 shards).")) << report.out;
  EXPECT_FALSE(contains(report.out, "run 0")) << report.out;

  ProcessResult compare = ccload({"compare", "checkout", "checkout"});
  ASSERT_EQ(compare.exit_code, 0) << compare.err;
  EXPECT_TRUE(contains(compare.out, "A: run checkout, GET " + target.base_url() + "/get, 40"))
      << compare.out;
  EXPECT_FALSE(contains(compare.out, "run 0")) << compare.out;

  ProcessResult history = ccload({"history"});
  ASSERT_EQ(history.exit_code, 0) << history.err;
  std::vector<std::string> lines;
  for (std::size_t at = 0, end; (end = history.out.find('\n', at)) != std::string::npos;
       at = end + 1) {
    lines.push_back(history.out.substr(at, end - at));
  }
  ASSERT_EQ(lines.size(), 2u) << "a header and one line for both shards:\n" << history.out;
  EXPECT_TRUE(contains(lines[1], "checkout")) << lines[1];
  EXPECT_TRUE(contains(lines[1], "  2 shards")) << lines[1];
  EXPECT_TRUE(contains(lines[1], " 40 ")) << "the shards' requests summed: " << lines[1];

  ProcessResult listed = ccload({"history", "--json", "-"});
  const json rows = json::parse(listed.out)["rows"];
  ASSERT_EQ(rows.size(), 1u) << listed.out;
  EXPECT_EQ(rows[0]["run_name"], "checkout");
  EXPECT_EQ(rows[0]["shards"], 2);
  EXPECT_EQ(rows[0]["requests"], 40);
  EXPECT_TRUE(rows[0]["run_id"].is_null());
}

TEST_F(RunNamesTest, RunIdNamesASingleMachineRun) {
  ASSERT_EQ(ccload({"run", target.base_url() + "/get", "-n", "10", "-c", "1"}).exit_code, 0);
  ProcessResult named = ccload({"run", target.base_url() + "/get", "-n", "20", "-c", "2",
                                "--run-id", "nightly", "--json", "live.json"});
  ASSERT_EQ(named.exit_code, 0) << named.err;
  EXPECT_TRUE(contains(named.out, "Every request is stored in load.db (run 2, named nightly)."))
      << named.out;
  ASSERT_EQ(ccload({"run", target.base_url() + "/get", "-n", "10", "-c", "1"}).exit_code, 0);

  ProcessResult report = ccload({"report", "nightly", "--json", "-"});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  const json stored = json::parse(report.out);
  EXPECT_EQ(stored["run_id"], 2);
  EXPECT_EQ(stored, json::parse(read_file(dir / "live.json")));
  EXPECT_TRUE(contains(report.err, "Stored in load.db (run 2 (nightly)).")) << report.err;

  ProcessResult history = ccload({"history"});
  ASSERT_EQ(history.exit_code, 0) << history.err;
  const auto line_start = history.out.find("\n     2  ");
  ASSERT_NE(line_start, std::string::npos) << history.out;
  const std::string line =
      history.out.substr(line_start + 1, history.out.find('\n', line_start + 1) - line_start - 1);
  EXPECT_TRUE(contains(line, "  nightly")) << line;
  EXPECT_FALSE(contains(line, "shards")) << line;
}

// PyLoad's rows (a database of the Python original: no RUNS) say what they are, show no first and
// last byte they never had, and keep the duration their timestamps stored (no float dust).
TEST_F(RunNamesTest, PyLoadRowsSayWhatTheyAre) {
  {
    store::sql::Database db(dir / "load.db", store::sql::Database::Mode::read_write_create);
    db.exec(
        "CREATE TABLE LOADTEST(REQUESTID INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, TIMESTAMP "
        "TEXT NOT NULL, URL TEXT NOT NULL, STATUS INTEGER NOT NULL, REQTYPE VARCHAR NOT NULL, "
        "RESPONSETIME TEXT NOT NULL)");
    for (int i = 1; i <= 10; ++i) {
      db.exec("INSERT INTO LOADTEST(TIMESTAMP, URL, STATUS, REQTYPE, RESPONSETIME) VALUES('" +
              std::to_string(1704067200 + i) + ".5', 'https://api.example/posts', 200, 'get', '0." +
              std::to_string(100 + i * 7) + "')");
    }
  }
  ProcessResult report = ccload({"report", "last", "--json", "s.json"});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  EXPECT_TRUE(contains(report.out, "(PyLoad rows of 2024-01-01")) << report.out;
  EXPECT_FALSE(contains(report.out, "run 0")) << report.out;
  // First and last byte: PyLoad never measured them.
  const auto first_byte = report.out.find("First Byte Time (seconds):\n");
  ASSERT_NE(first_byte, std::string::npos) << report.out;
  EXPECT_EQ(report.out.compare(first_byte + 27, 17, "  (no responses)\n"), 0) << report.out;
  const auto last_byte = report.out.find("Last Byte Time (seconds):\n");
  ASSERT_NE(last_byte, std::string::npos);
  EXPECT_EQ(report.out.compare(last_byte + 26, 17, "  (no responses)\n"), 0) << report.out;
  const json summary = json::parse(read_file(dir / "s.json"));
  EXPECT_EQ(summary["latency"]["ttfb"]["count"], 0);
  EXPECT_TRUE(summary["latency"]["ttfb"]["p50"].is_null()) << summary["latency"].dump();
  EXPECT_TRUE(summary["latency"]["ttlb"]["max"].is_null());
  // From 1704067201.5 to 1704067210.5 + 0.170: 9.17 s exactly as stored, not 9.170000076.
  EXPECT_EQ(summary["duration_s"].get<double>(), 9.17);
  EXPECT_TRUE(std::regex_search(report.out, std::regex("Wall Time \\(seconds\\): +9\\.170\n")))
      << report.out;
}

}  // namespace
}  // namespace ccload::test
