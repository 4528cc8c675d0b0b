// Duration (-z) and rate (--rate) modes, with the real binary against servers on loopback. Timing
// checks are lower bounds the schedule guarantees (a run cannot finish before its last request is
// due), or exact relations between stored timestamps, which come from the schedule itself.

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <sstream>
#include <tuple>

#include "server/target_server.hpp"
#include "store/sqlite.hpp"
#include "support/ccload_run.hpp"
#include "support/recording_server.hpp"

namespace ccload::test {
namespace {

using namespace std::chrono_literals;
using store::sql::Database;

class ModesTest : public ::testing::Test {
 protected:
  TempDir dir;
};

TEST_F(ModesTest, DurationSendsRequestsUntilItEnds) {
  RecordingServer server([](const ReceivedRequest&, std::uint64_t) {
    ScriptedResponse response;
    response.delay_before_head = 10ms;
    return response;
  });
  ProcessResult result;
  auto summary =
      run_ccload_json({"run", server.url("/"), "-z", "1s", "-c", "2"}, dir.path(), &result);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const std::uint64_t total = summary["requests"]["total"];
  EXPECT_EQ(server.request_count(), total);
  EXPECT_GE(total, 10u);
  EXPECT_LE(total, 2u * 100u + 2u) << "2 connections, each response at least 10 ms";
  EXPECT_TRUE(summary["requests"]["requested"].is_null());
  EXPECT_EQ(summary["duration_limit_s"], 1.0);
  EXPECT_TRUE(summary["rate"].is_null());
  EXPECT_FALSE(summary["interrupted"].get<bool>());
  EXPECT_GE(summary["duration_s"].get<double>(), 0.99);
  EXPECT_NE(result.out.find("Duration Limit (seconds):"), std::string::npos) << result.out;
  std::uint64_t in_timeline = 0;
  for (const auto& second : summary["timeline"])
    in_timeline += second["requests"].get<std::uint64_t>();
  EXPECT_EQ(in_timeline, total) << "every request is in the second it completed";
  EXPECT_GE(summary["timeline"].size(), 1u);
  EXPECT_LE(summary["timeline"].size(), 3u) << "a 1 s run, plus the tail of requests in flight";

  Database db(dir / "load.db", Database::Mode::read_only);
  auto rows = db.prepare(
      "SELECT COUNT(*), MAX(CAST(TIMESTAMP AS REAL)) - MIN(CAST(TIMESTAMP AS REAL)) FROM LOADTEST");
  ASSERT_TRUE(rows.step());
  EXPECT_EQ(static_cast<std::uint64_t>(rows.column_int(0)), total);
  EXPECT_LT(rows.column_double(1), 1.0) << "no request is due after the duration";
  auto run = db.prepare("SELECT N, DURATION_LIMIT, RATE IS NULL, REQUESTS FROM RUNS");
  ASSERT_TRUE(run.step());
  EXPECT_EQ(run.column_int(0), 0) << "no count limit";
  EXPECT_EQ(run.column_double(1), 1.0);
  EXPECT_EQ(run.column_int(2), 1);
  EXPECT_EQ(static_cast<std::uint64_t>(run.column_int(3)), total);
}

TEST_F(ModesTest, RateSendsEachRequestAtItsScheduledTime) {
  server::TargetServer target({"127.0.0.1", 0, 1, "", ""});
  ProcessResult result;
  auto summary =
      run_ccload_json({"run", target.base_url() + "/get", "--rate", "50", "-n", "25", "-c", "5"},
                      dir.path(), &result);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(summary["requests"]["succeeded"], 25);
  EXPECT_EQ(summary["rate"], 50.0);
  EXPECT_GE(summary["duration_s"].get<double>(), 0.48) << "the last request is due at 24 / 50 s";
  EXPECT_NE(result.out.find("Target Rate (req/s):"), std::string::npos) << result.out;

  // Each request's timestamp is its scheduled time: request k at the first one's + (k - 1) / 50 s.
  Database db(dir / "load.db", Database::Mode::read_only);
  auto rows = db.prepare(
      "SELECT RUNREQUEST, CAST(TIMESTAMP AS REAL) - (SELECT MIN(CAST(TIMESTAMP AS REAL)) FROM "
      "LOADTEST) FROM LOADTEST ORDER BY RUNREQUEST");
  int seen = 0;
  while (rows.step()) {
    const std::int64_t request = rows.column_int(0);
    EXPECT_NEAR(rows.column_double(1), static_cast<double>(request - 1) / 50.0, 1e-4)
        << "request " << request;
    ++seen;
  }
  EXPECT_EQ(seen, 25);
  auto run = db.prepare("SELECT N, DURATION_LIMIT IS NULL, RATE FROM RUNS");
  ASSERT_TRUE(run.step());
  EXPECT_EQ(run.column_int(0), 25);
  EXPECT_EQ(run.column_int(1), 1);
  EXPECT_EQ(run.column_double(2), 50.0);
}

TEST_F(ModesTest, RateTimesDurationIsTheNumberOfRequests) {
  // 1/3 s is no whole number of nanoseconds: the third request must not slip in before the end.
  server::TargetServer target({"127.0.0.1", 0, 1, "", ""});
  for (const auto& [rate, duration, expected] :
       {std::tuple{"3", "1s", 3}, std::tuple{"7", "1s", 7}, std::tuple{"20", "0.5s", 10}}) {
    ProcessResult result;
    auto summary = run_ccload_json({"run", target.base_url() + "/get", "--rate", rate, "-z",
                                    duration, "-c", "2", "--no-store"},
                                   dir.path(), &result);
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(summary["requests"]["total"], expected) << rate << "/s for " << duration;
  }
}

TEST_F(ModesTest, CtrlCAfterTheDurationThatAbandonsRequestsIsAnInterruption) {
  RecordingServer server([](const ReceivedRequest&, std::uint64_t) {
    ScriptedResponse response;
    response.delay_before_head = 5000ms;
    return response;
  });
  ProcessOptions options;
  options.interrupt_after = 1500ms;
  ProcessResult result;
  auto summary = run_ccload_json(
      {"run", server.url("/"), "-z", "1s", "-c", "2", "--timeout", "0", "--no-store"}, dir.path(),
      &result, options);
  EXPECT_EQ(result.exit_code, 130) << result.err;
  EXPECT_TRUE(summary["interrupted"].get<bool>()) << "two requests in flight were abandoned";
  EXPECT_EQ(summary["requests"]["total"], 0);
  server.stop();
}

TEST_F(ModesTest, RateLatencyCountsFromTheScheduleSoAStallCannotHide) {
  // One connection to a server that takes 50 ms per response cannot keep a schedule of 100/s.
  // Request k (from 0) is due at 10k ms and cannot end before 50(k + 1) ms, so its total is at
  // least 40k + 50 ms: the last of 30 at least 1.21 s, while each response took about 50 ms.
  RecordingServer server([](const ReceivedRequest&, std::uint64_t) {
    ScriptedResponse response;
    response.delay_before_head = 50ms;
    return response;
  });
  ProcessResult result;
  auto summary = run_ccload_json(
      {"run", server.url("/"), "--rate", "100", "-n", "30", "-c", "1", "--no-store"}, dir.path(),
      &result);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(summary["requests"]["succeeded"], 30);
  const double total_max = summary["latency"]["total"]["max"];
  const double ttlb_p50 = summary["latency"]["ttlb"]["p50"];
  EXPECT_GE(total_max, 1.2);
  EXPECT_LT(ttlb_p50, 0.5);
  EXPECT_GT(summary["latency"]["total"]["p50"].get<double>(), 2 * ttlb_p50)
      << "the queue behind the stalled connection is part of the latency";
}

TEST_F(ModesTest, CtrlCEndsADurationRunAndAPacedRunPromptly) {
  RecordingServer server;
  ProcessOptions options;
  options.interrupt_after = 500ms;
  for (const std::vector<std::string>& mode :
       {std::vector<std::string>{"-z", "60s"},
        std::vector<std::string>{"--rate", "2", "-n", "1000"}}) {
    std::vector<std::string> args = {"run", server.url("/"), "-c", "5", "--no-store"};
    args.insert(args.end(), mode.begin(), mode.end());
    ProcessResult result;
    const auto started = std::chrono::steady_clock::now();
    auto summary = run_ccload_json(args, dir.path(), &result, options);
    const auto took = std::chrono::steady_clock::now() - started;
    EXPECT_EQ(result.exit_code, 130) << mode[0] << ": " << result.err;
    EXPECT_TRUE(summary["interrupted"].get<bool>()) << mode[0];
    EXPECT_GE(summary["requests"]["total"].get<std::uint64_t>(), 1u) << mode[0];
    EXPECT_NE(result.out.find("Interrupted by SIGINT:"), std::string::npos) << result.out;
    EXPECT_LT(took, 10s) << mode[0] << " did not stop";
  }
}

TEST_F(ModesTest, ProgressLinesOnRequestAndNotOtherwise) {
  RecordingServer server([](const ReceivedRequest&, std::uint64_t) {
    ScriptedResponse response;
    response.delay_before_head = 2ms;
    return response;
  });
  ProcessResult result = run_ccload(
      {"run", server.url("/"), "-z", "2.3s", "-c", "2", "--no-store", "--progress"}, dir.path());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  std::vector<std::uint64_t> counts;
  std::istringstream lines(result.err);
  for (std::string line; std::getline(lines, line);) {
    if (line.find(" of 2.3 s: ") == std::string::npos) continue;
    const auto colon = line.find(": ");
    counts.push_back(std::stoull(line.substr(colon + 2)));
  }
  ASSERT_GE(counts.size(), 2u) << result.err;
  EXPECT_LT(counts.front(), counts.back()) << result.err;
  EXPECT_EQ(result.out.find(" req/s, "), std::string::npos) << "progress goes to stderr";

  ProcessResult quiet =
      run_ccload({"run", server.url("/"), "-z", "1.2s", "-c", "2", "--no-store"}, dir.path());
  ASSERT_EQ(quiet.exit_code, 0) << quiet.err;
  EXPECT_EQ(quiet.err.find(" req/s, "), std::string::npos) << "stderr is not a terminal";
}

TEST_F(ModesTest, SeedFormTakesADurationInsteadOfN) {
  RecordingServer server;
  ProcessResult result = run_ccload(
      {"-u", server.url("/get"), "-z", "300ms", "-c", "2", "-GET", "--no-store"}, dir.path());
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_GT(server.request_count(), 0u);
}

}  // namespace
}  // namespace ccload::test
