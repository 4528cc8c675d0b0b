// One summary behind every output: stored runs re-rendered (`ccload report`), thresholds
// (`--fail-on`, exit 3), comparisons (`ccload compare`, `--baseline`), with the real binary
// against real servers on loopback.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <fstream>

#include "server/target_server.hpp"
#include "store/sqlite.hpp"
#include "support/ccload_run.hpp"
#include "support/recording_server.hpp"

namespace ccload::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class ReportTest : public ::testing::Test {
 protected:
  ProcessResult ccload(const std::vector<std::string>& args, ProcessOptions options = {}) {
    return run_ccload(args, dir.path(), std::move(options));
  }
  json read_json(const std::string& name) { return json::parse(read_file(dir / name)); }
  std::int64_t runs_stored() {
    if (!std::filesystem::exists(dir / "load.db")) return 0;
    store::sql::Database db(dir / "load.db", store::sql::Database::Mode::read_only);
    if (!db.has_table("RUNS")) return 0;
    auto count = db.prepare("SELECT COUNT(*) FROM RUNS");
    return count.step() ? count.column_int(0) : 0;
  }

  server::TargetServer target{{"127.0.0.1", 0, 1, "", ""}};
  TempDir dir;
};

// The JSON `ccload report RUN --json` renders equals the JSON the live run wrote.
TEST_F(ReportTest, AStoredRunRendersTheSameJsonAsTheLiveRun) {
  ProcessResult live = ccload({"run", target.base_url() + "/status/503", "-n", "40", "-c", "3",
                               "--json", "live.json", "--fail-on", "p99<10s,errors<1%"});
  EXPECT_EQ(live.exit_code, 3) << live.err;  // every request failed: errors<1% fails
  ProcessResult second = ccload({"run", target.base_url() + "/get", "-n", "300", "-c", "4",
                                 "--json", "live2.json", "--rate", "2000"});
  ASSERT_EQ(second.exit_code, 0) << second.err;

  ProcessResult rendered = ccload({"report", "1", "--json", "stored.json"});
  EXPECT_EQ(rendered.exit_code, 3) << rendered.err << "the stored verdict still fails";
  EXPECT_EQ(read_json("stored.json"), read_json("live.json"));
  ProcessResult last = ccload({"report", "last", "--json", "-"});
  EXPECT_EQ(last.exit_code, 0) << last.err;
  EXPECT_EQ(json::parse(last.out), read_json("live2.json"));
  EXPECT_NE(last.err.find("Load Test Results"), std::string::npos) << "the report moves to stderr";
  ProcessResult previous = ccload({"report", "last~1"});
  EXPECT_NE(previous.out.find("  503                                 40  failed"),
            std::string::npos)
      << previous.out;

  // Every format from the stored run, and thresholds judged again on it.
  ProcessResult files =
      ccload({"report", "1", "--html", "r.html", "--csv", "r.csv", "--fail-on", "failed==40"});
  EXPECT_EQ(files.exit_code, 0) << files.err;
  EXPECT_NE(read_file(dir / "r.html").find("<svg"), std::string::npos);
  EXPECT_NE(read_file(dir / "r.csv").find("/status/503,GET,3,40"), std::string::npos);
  EXPECT_NE(files.out.find("failed==40"), std::string::npos);
}

// A run with --baseline, thresholds and findings: `ccload report RUN --json` equals the live
// --json key by key, the comparison and the findings included (both stored with the run).
TEST_F(ReportTest, AStoredRunWithABaselineAndFindingsRendersTheSameJsonKeyByKey) {
  const std::string url = target.base_url() + "/get";
  ASSERT_EQ(ccload({"run", url, "-n", "60", "-c", "2"}).exit_code, 0);
  ProcessResult live = ccload({"run", url, "-n", "60", "-c", "2", "--rate", "500", "--baseline",
                               "last", "--fail-on", "p99<10s", "--json", "live.json"});
  ASSERT_EQ(live.exit_code, 0) << live.err;
  const json expected = read_json("live.json");
  ASSERT_TRUE(expected.contains("baseline"));
  EXPECT_EQ(expected["baseline"]["a"], 1);
  EXPECT_EQ(expected["baseline"]["b"], 2);
  // A paced run says where its latency counts from, and every run which requests it covers.
  ASSERT_GE(expected["findings"].size(), 2u) << expected["findings"].dump();
  EXPECT_TRUE(contains(live.out, expected["findings"][0].get<std::string>())) << live.out;

  ProcessResult stored = ccload({"report", "2", "--json", "-"});
  ASSERT_EQ(stored.exit_code, 0) << stored.err;
  const json rendered = json::parse(stored.out);
  for (const auto& [key, value] : expected.items()) {
    ASSERT_TRUE(rendered.contains(key)) << key;
    EXPECT_EQ(rendered[key], value) << key;
  }
  for (const auto& [key, value] : rendered.items()) EXPECT_TRUE(expected.contains(key)) << key;
  // The terminal report of the stored run prints the comparison too.
  EXPECT_TRUE(contains(stored.err, "Verdict:")) << stored.err;
}

TEST_F(ReportTest, AFailedThresholdIsExitThreeWithEveryVerdictShownAndStored) {
  ProcessResult result =
      ccload({"run", target.base_url() + "/get", "-n", "50", "-c", "2", "--json", "s.json",
              "--fail-on", "p95<10s", "--fail-on", "rps>=100000000,status.2xx==50"});
  EXPECT_EQ(result.exit_code, 3) << result.err;
  EXPECT_NE(result.out.find("p95<10s"), std::string::npos) << result.out;
  const auto pass_line = result.out.find("PASS");
  const auto fail_line = result.out.find("FAIL");
  EXPECT_NE(pass_line, std::string::npos);
  EXPECT_NE(fail_line, std::string::npos);
  const json summary = read_json("s.json");
  ASSERT_EQ(summary["thresholds"].size(), 3u);
  EXPECT_EQ(summary["thresholds"][1]["expression"], "rps>=100000000");
  EXPECT_EQ(summary["thresholds"][1]["passed"], false);
  EXPECT_EQ(summary["thresholds"][2]["measured"], 50);
  EXPECT_EQ(summary["thresholds_passed"], false);
  ProcessResult history = ccload({"history"});
  EXPECT_NE(history.out.find("thresholds failed"), std::string::npos) << history.out;
  // Passing thresholds: exit 0.
  EXPECT_EQ(
      ccload({"run", target.base_url() + "/get", "-n", "10", "-c", "1", "--fail-on", "failed==0"})
          .exit_code,
      0);
}

TEST_F(ReportTest, AnInterruptedRunIsExit130EvenWhenAThresholdFails) {
  ProcessOptions options;
  options.interrupt_after = 700ms;
  ProcessResult result = ccload(
      {"run", target.base_url() + "/get", "-z", "30s", "-c", "2", "--fail-on", "p95<1us"}, options);
  EXPECT_EQ(result.exit_code, 130) << result.err;
  EXPECT_NE(result.out.find("FAIL"), std::string::npos) << result.out;
}

TEST_F(ReportTest, BadThresholdsAreExitTwoBeforeAnythingIsSent) {
  RecordingServer server;
  for (const char* bad : {"p95<200", "latency<1s", "errors<1s", "p95"}) {
    ProcessResult result = ccload({"run", server.url("/"), "-n", "5", "-c", "1", "--fail-on", bad});
    EXPECT_EQ(result.exit_code, 2) << bad;
    EXPECT_NE(result.err.find("figures:"), std::string::npos) << result.err;
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
  }
  EXPECT_EQ(server.request_count(), 0u);
  EXPECT_FALSE(std::filesystem::exists(dir / "load.db"));
}

TEST_F(ReportTest, RunsThatDoNotExistAreExitTwoNamingTheNewest) {
  ProcessResult none = ccload({"report", "last"});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("no load tests recorded yet"), std::string::npos) << none.err;
  ASSERT_EQ(ccload({"run", target.base_url() + "/get", "-n", "5", "-c", "1"}).exit_code, 0);
  ProcessResult missing = ccload({"report", "42"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("run 42 is not in load.db: the newest is run 1"), std::string::npos)
      << missing.err;
  ProcessResult too_far = ccload({"compare", "last~3", "last"});
  EXPECT_EQ(too_far.exit_code, 2);
  EXPECT_NE(too_far.err.find("there is no run last~3"), std::string::npos) << too_far.err;
  EXPECT_EQ(ccload({"report", "abc"}).exit_code, 2);
}

// The first CI job of a new service: no database yet, --baseline last --fail-on-regression.
TEST_F(ReportTest, TheFirstRunWithBaselineLastSetsTheFirstBaseline) {
  RecordingServer server;
  ProcessResult first = ccload({"run", server.url("/x"), "-n", "5", "-c", "1", "--baseline", "last",
                                "--fail-on-regression", "--json", "a.json"});
  EXPECT_EQ(first.exit_code, 0) << first.err;
  EXPECT_TRUE(contains(first.err, "ccload: --baseline last: no earlier run of GET " +
                                      server.url("/x") +
                                      " that passed its thresholds in load.db: this run sets "
                                      "the first baseline\n"))
      << first.err;
  EXPECT_EQ(server.request_count(), 5u);
  EXPECT_EQ(runs_stored(), 1);
  EXPECT_FALSE(read_json("a.json").contains("baseline"));
  // The second run has its baseline: the first.
  ProcessResult second = ccload(
      {"run", server.url("/x"), "-n", "5", "-c", "1", "--baseline", "last", "--json", "b.json"});
  EXPECT_EQ(second.exit_code, 0) << second.err;
  EXPECT_FALSE(contains(second.err, "first baseline")) << second.err;
  EXPECT_EQ(read_json("b.json")["baseline"]["a"], 1);
  // Another URL in the same database: last-any sets its first baseline too.
  ProcessResult other =
      ccload({"run", server.url("/y"), "-n", "5", "-c", "1", "--baseline", "last-any"});
  EXPECT_EQ(other.exit_code, 0) << other.err;
  EXPECT_TRUE(contains(other.err, "--baseline last-any: no earlier run of GET " + server.url("/y") +
                                      " in load.db: this run sets"))
      << other.err;
  EXPECT_EQ(runs_stored(), 3);
}

TEST_F(ReportTest, BaselineRequiredWithoutAnEarlierRunSendsNothing) {
  RecordingServer server;
  for (const std::string spec : {"last", "last-any"}) {
    ProcessResult result = ccload(
        {"run", server.url("/x"), "-n", "5", "-c", "1", "--baseline", spec, "--baseline-required"});
    EXPECT_EQ(result.exit_code, 2) << spec;
    EXPECT_TRUE(contains(result.err, "no earlier run of GET " + server.url("/x"))) << result.err;
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
  }
  EXPECT_EQ(server.request_count(), 0u);
  EXPECT_EQ(runs_stored(), 0);
  EXPECT_EQ(ccload({"run", server.url("/x"), "--fail-on-regression"}).exit_code, 2);
  EXPECT_EQ(ccload({"run", server.url("/x"), "--baseline-required"}).exit_code, 2);
  // A run named by its id that is not there is exit 2 as before, with or without the flag.
  ASSERT_EQ(ccload({"run", server.url("/x"), "-n", "5", "-c", "1"}).exit_code, 0);
  EXPECT_EQ(ccload({"run", server.url("/x"), "-n", "5", "-c", "1", "--baseline", "7"}).exit_code,
            2);
  EXPECT_EQ(server.request_count(), 5u);
}

// --baseline last skips runs that failed their --fail-on; last-any takes the newest whatever.
TEST_F(ReportTest, BaselineLastIsTheLastRunThatPassedItsThresholds) {
  RecordingServer server;
  const std::vector<std::string> run{"run", server.url("/x"), "-n", "10", "-c", "1"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = run;
    args.insert(args.end(), extra.begin(), extra.end());
    return ccload(args);
  };
  ASSERT_EQ(with({"--fail-on", "errors==0"}).exit_code, 0);  // run 1 passes
  ASSERT_EQ(with({"--fail-on", "p50<1us"}).exit_code, 3);    // run 2, newer, fails
  ProcessResult last = with({"--baseline", "last", "--fail-on", "p50<1us", "--json", "c.json"});
  EXPECT_EQ(last.exit_code, 3) << "run 3 fails its own threshold" << last.err;
  EXPECT_EQ(read_json("c.json")["baseline"]["a"], 1) << "run 2 failed: the baseline is run 1";
  ProcessResult any = with({"--baseline", "last-any", "--json", "d.json"});
  EXPECT_EQ(any.exit_code, 0) << any.err;
  EXPECT_EQ(read_json("d.json")["baseline"]["a"], 3);
  ProcessResult passing = with({"--baseline", "last", "--json", "e.json"});
  EXPECT_EQ(passing.exit_code, 0) << passing.err;
  EXPECT_EQ(read_json("e.json")["baseline"]["a"], 4) << "run 4 had no thresholds: it passed";
}

TEST_F(ReportTest, TheSameServerTwiceIsTheSameAndARunAgainstItselfToo) {
  // 200 ms answers: a busy CI machine's scheduling noise (a few ms) stays well inside 10%.
  const std::string url = target.base_url() + "/delay/200";
  ASSERT_EQ(ccload({"run", url, "-n", "100", "-c", "25"}).exit_code, 0);
  ProcessResult second = ccload({"run", url, "-n", "100", "-c", "25", "--baseline", "last",
                                 "--fail-on-regression", "--json", "b.json"});
  EXPECT_EQ(second.exit_code, 0) << second.out;
  const json baseline = read_json("b.json")["baseline"];
  EXPECT_EQ(baseline["a"], 1);
  EXPECT_EQ(baseline["b"], 2);
  for (const auto& figure : baseline["figures"]) {
    if (figure["name"] == "rps") continue;  // a single number per run: noise on a busy machine
    EXPECT_EQ(figure["verdict"], "same") << figure.dump();
  }
  ProcessResult self = ccload({"compare", "2", "2", "--json", "-"});
  EXPECT_EQ(self.exit_code, 0) << self.err;
  const json self_comparison = json::parse(self.out);
  for (const auto& figure : self_comparison["figures"]) {
    EXPECT_EQ(figure["verdict"], "same") << figure.dump();
  }
}

TEST_F(ReportTest, FiveThenTwentyFiveMillisecondsRegressesOnP50) {
  ASSERT_EQ(ccload({"run", target.base_url() + "/delay/5", "-n", "200", "-c", "10"}).exit_code, 0);
  ASSERT_EQ(ccload({"run", target.base_url() + "/delay/25", "-n", "200", "-c", "10"}).exit_code, 0);
  ProcessResult refused = ccload({"compare", "1", "2"});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("--force"), std::string::npos) << refused.err;
  ProcessResult forced = ccload({"compare", "1", "2", "--force", "--json", "c.json"});
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_NE(forced.out.find("regressed"), std::string::npos) << forced.out;
  const json comparison = read_json("c.json");
  EXPECT_EQ(comparison["figures"][0]["name"], "p50");
  EXPECT_EQ(comparison["figures"][0]["verdict"], "regressed");
  EXPECT_GT(comparison["figures"][0]["change"].get<double>(), 2.0);
  EXPECT_EQ(comparison["regressed"], true);
}

// The same URL gets slower: --baseline last --fail-on-regression turns that into exit 3.
TEST_F(ReportTest, ARegressionAgainstTheBaselineIsExitThree) {
  std::atomic<bool> slow{false};
  RecordingServer server([&](const ReceivedRequest&, std::uint64_t) {
    ScriptedResponse response;
    response.delay_before_head = slow ? 30ms : 3ms;
    return response;
  });
  ASSERT_EQ(ccload({"run", server.url("/api"), "-n", "100", "-c", "5"}).exit_code, 0);
  slow = true;
  ProcessResult result = ccload({"run", server.url("/api"), "-n", "100", "-c", "5", "--baseline",
                                 "last", "--fail-on-regression"});
  EXPECT_EQ(result.exit_code, 3) << result.out << result.err;
  EXPECT_NE(result.out.find("Verdict: regressed."), std::string::npos) << result.out;
  ProcessResult without =
      ccload({"run", server.url("/api"), "-n", "100", "-c", "5", "--baseline", "1"});
  EXPECT_EQ(without.exit_code, 0) << "a regression alone is reported, not failed";

  // The same gate between two stored runs: compare A B --fail-on-regression.
  ProcessResult gate = ccload({"compare", "1", "2", "--fail-on-regression"});
  EXPECT_EQ(gate.exit_code, 3) << gate.out << gate.err;
  EXPECT_NE(gate.out.find("Verdict: regressed."), std::string::npos) << gate.out;
  EXPECT_EQ(ccload({"compare", "1", "2"}).exit_code, 0) << "without the flag: reported only";
  ProcessResult json_gate = ccload({"compare", "1", "2", "--fail-on-regression", "--json", "-"});
  EXPECT_EQ(json_gate.exit_code, 3);
  EXPECT_EQ(json::parse(json_gate.out)["regressed"], true);
  EXPECT_EQ(ccload({"compare", "2", "2", "--fail-on-regression"}).exit_code, 0) << "no regression";
  EXPECT_EQ(ccload({"compare", "2", "1", "--fail-on-regression"}).exit_code, 0) << "faster";
}

// A PyLoad database has no runs: its rows are summarised with exact percentiles.
TEST_F(ReportTest, APyLoadDatabaseIsSummarisedFromItsRows) {
  {
    store::sql::Database db(dir / "load.db", store::sql::Database::Mode::read_write_create);
    db.exec(
        "CREATE TABLE LOADTEST(REQUESTID INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, TIMESTAMP "
        "TEXT NOT NULL, URL TEXT NOT NULL, STATUS INTEGER NOT NULL, REQTYPE VARCHAR NOT NULL, "
        "RESPONSETIME TEXT NOT NULL)");
    for (int i = 1; i <= 10; ++i) {
      db.exec("INSERT INTO LOADTEST(TIMESTAMP, URL, STATUS, REQTYPE, RESPONSETIME) VALUES('" +
              std::to_string(1795544018 + i) + ".5', 'https://api.example/posts', " +
              (i == 10 ? "500" : "200") + ", 'get', '0." + std::to_string(100 + i * 7) + "')");
    }
  }
  ProcessResult result = ccload({"report", "last", "--json", "-"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const json summary = json::parse(result.out);
  EXPECT_EQ(summary["url"], "https://api.example/posts");
  EXPECT_EQ(summary["method"], "GET");
  EXPECT_EQ(summary["requests"]["total"], 10);
  EXPECT_EQ(summary["requests"]["failed"], 1);
  EXPECT_EQ(summary["status_codes"]["500"], 1);
  // 0.107, 0.114, ..., 0.170: exact nearest-rank values, not histogram buckets.
  EXPECT_DOUBLE_EQ(summary["latency"]["total"]["p50"].get<double>(), 0.135);
  EXPECT_DOUBLE_EQ(summary["latency"]["total"]["p90"].get<double>(), 0.163);
  EXPECT_DOUBLE_EQ(summary["latency"]["total"]["max"].get<double>(), 0.170);
}

}  // namespace
}  // namespace ccload::test
