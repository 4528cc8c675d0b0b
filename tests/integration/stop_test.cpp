// Stopping a run (the real binary): SIGINT, SIGTERM and SIGHUP take the one graceful path and are
// named in every output; signals within 1 s of the first are one request to stop, a later one
// quits at once; and -z bounds a paced run in time, counting the requests it dropped.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <sstream>
#include <string>

#include "server/target_server.hpp"
#include "store/sqlite.hpp"
#include "support/ccload_run.hpp"
#include "support/recording_server.hpp"

namespace ccload::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using store::sql::Database;

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

class StopTest : public ::testing::Test {
 protected:
  TempDir dir;
  fs::path db() const { return dir / "load.db"; }

  // `ccload report 1 --json -`: the stored run read back.
  nlohmann::json stored_report() {
    ProcessResult report = run_ccload({"report", "1", "--json", "-"}, dir.path());
    EXPECT_EQ(report.exit_code, 0) << report.err;
    return nlohmann::json::parse(report.out, nullptr, false);
  }
};

struct SignalCase {
  const char* name;
  int signal;
  int exit_code;
  bool twice;  // a second copy 80 ms after the first (a terminal's Ctrl-C and `timeout`'s)
};

class SignalStopTest : public StopTest, public ::testing::WithParamInterface<SignalCase> {};

TEST_P(SignalStopTest, StopsGracefullyAndNamesTheSignalEverywhere) {
  const SignalCase& c = GetParam();
  RecordingServer server([](const ReceivedRequest&, std::uint64_t) {
    ScriptedResponse response;
    response.delay_before_head = 20ms;
    return response;
  });
  ProcessOptions options;
  options.interrupt_signal = c.signal;
  options.interrupt_after = 1000ms;
  if (c.twice) options.second_interrupt_after = 1080ms;
  options.timeout = 60s;
  ProcessResult result;
  const auto started = std::chrono::steady_clock::now();
  const nlohmann::json summary =
      run_ccload_json({"run", server.url("/"), "-z", "10s", "-c", "4", "--timeout", "2s"},
                      dir.path(), &result, options);
  const auto took = std::chrono::steady_clock::now() - started;

  EXPECT_EQ(result.exit_code, c.exit_code) << result.err;
  EXPECT_LT(took, 8s) << "the stop ended the 10 s run";
  // The printed report: the figures, and the signal named (never Ctrl-C for another signal).
  EXPECT_NE(result.out.find("Load Test Results"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("Requests per Second:"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find(std::string("Interrupted by ") + c.name + ":"), std::string::npos)
      << result.out;
  EXPECT_EQ(result.out.find("Ctrl-C"), std::string::npos) << result.out;
  EXPECT_NE(result.err.find(std::string("ccload: ") + c.name + ": stopping"), std::string::npos)
      << result.err;
  EXPECT_EQ(result.err.find("quitting now"), std::string::npos) << "one request to stop";

  // The --json file.
  ASSERT_TRUE(summary.is_object());
  EXPECT_TRUE(summary["interrupted"].get<bool>());
  EXPECT_EQ(summary["stop_signal"], c.name);
  EXPECT_EQ(summary["dropped"], 0);
  EXPECT_EQ(summary["stored"], true);
  const std::int64_t total = summary["requests"]["total"];
  EXPECT_GT(total, 20) << "about 1 s of 4 connections at 20 ms";
  EXPECT_GE(static_cast<std::int64_t>(server.request_count()), total);
  EXPECT_LE(static_cast<std::int64_t>(server.request_count()), total + 4)
      << "at most c requests were in flight";

  // The RUNS row and every request stored.
  EXPECT_EQ(query_text(db(), "SELECT STOP_SIGNAL FROM RUNS WHERE RUNID = 1"), c.name);
  EXPECT_EQ(query_int(db(), "SELECT INTERRUPTED FROM RUNS WHERE RUNID = 1"), 1);
  EXPECT_EQ(query_int(db(), "SELECT REQUESTS FROM RUNS WHERE RUNID = 1"), total);
  EXPECT_EQ(query_int(db(), "SELECT ROWS_STORED FROM RUNS WHERE RUNID = 1"), total);
  EXPECT_EQ(query_int(db(), "SELECT COUNT(*) FROM LOADTEST WHERE RUNID = 1"), total);
  EXPECT_EQ(query_int(db(), "SELECT COUNT(DISTINCT RUNREQUEST) FROM LOADTEST WHERE RUNID = 1"),
            total);

  // `ccload report` reads the same back.
  const nlohmann::json stored = stored_report();
  ASSERT_TRUE(stored.is_object());
  for (const char* key : {"interrupted", "stop_signal", "dropped", "rps", "duration_s"}) {
    EXPECT_EQ(stored[key], summary[key]) << key;
  }
  EXPECT_EQ(stored["requests"], summary["requests"]);
  server.stop();
}

INSTANTIATE_TEST_SUITE_P(Signals, SignalStopTest,
                         ::testing::Values(SignalCase{"SIGINT", SIGINT, 130, true},
                                           SignalCase{"SIGTERM", SIGTERM, 143, false},
                                           SignalCase{"SIGHUP", SIGHUP, 129, false}),
                         [](const auto& info) { return std::string(info.param.name); });

TEST_F(StopTest, ASecondSignalMoreThanASecondLaterQuitsAtOnce) {
  // The --json file is a FIFO nobody reads: after the graceful stop ccload prints its report and
  // then blocks writing the JSON, so only the second signal, 1.5 s after the first, ends it.
  RecordingServer server;
  const fs::path fifo = dir / "summary.json";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  ProcessOptions options;
  options.interrupt_signal = SIGTERM;
  options.interrupt_after = 700ms;
  options.second_interrupt_after = 2200ms;
  options.timeout = 30s;  // without the second signal's quit: killed, exit 137
  ProcessResult result = run_ccload(
      {"run", server.url("/"), "-z", "20s", "-c", "2", "--no-store", "--json", fifo.string()},
      dir.path(), options);
  EXPECT_EQ(result.exit_code, 143) << result.err;
  EXPECT_NE(result.out.find("Interrupted by SIGTERM:"), std::string::npos) << result.out;
  EXPECT_NE(result.err.find("SIGTERM again: quitting now"), std::string::npos) << result.err;
  server.stop();
}

TEST_F(StopTest, ASignalWhileWaitingForStartAtSendsNothingAndSaysSo) {
  RecordingServer server;
  ProcessOptions options;
  options.interrupt_signal = SIGHUP;
  options.interrupt_after = 700ms;
  ProcessResult result;
  const nlohmann::json summary =
      run_ccload_json({"run", server.url("/"), "-n", "10", "-c", "1", "--start-at", "+60s"},
                      dir.path(), &result, options);
  EXPECT_EQ(result.exit_code, 129) << result.err;
  EXPECT_EQ(server.request_count(), 0u);
  EXPECT_NE(result.out.find("Interrupted by SIGHUP: 0 of 10 requests completed."),
            std::string::npos)
      << result.out;
  EXPECT_EQ(summary["stop_signal"], "SIGHUP");
  EXPECT_TRUE(summary["interrupted"].get<bool>());
  EXPECT_TRUE(summary["start_late_s"].is_null()) << "nothing was due, so nothing was late";
  EXPECT_EQ(query_text(db(), "SELECT STOP_SIGNAL FROM RUNS WHERE RUNID = 1"), "SIGHUP");
  EXPECT_EQ(query_int(db(), "SELECT COUNT(*) FROM LOADTEST"), 0);
  server.stop();
}

TEST_F(StopTest, DurationBoundsAPacedRunAndCountsWhatWasDropped) {
  // 4 connections to 100 ms responses serve about 40 req/s: most of the 600 slots of
  // --rate 200 -z 3s come due with no connection free, and are dropped at the end of -z.
  server::TargetServer target({"127.0.0.1", 0, 1, "", ""});
  const fs::path csv = dir / "runs.csv";
  ProcessResult result;
  const auto started = std::chrono::steady_clock::now();
  const nlohmann::json summary =
      run_ccload_json({"run", target.base_url() + "/delay/100", "-z", "3s", "--rate", "200", "-c",
                       "4", "--timeout", "2s", "--csv", csv.string()},
                      dir.path(), &result);
  const auto took = std::chrono::steady_clock::now() - started;
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_LT(took, 8s) << "no request is sent after -z: the run ends by 3 s plus those in flight";

  const std::uint64_t requests = summary["requests"]["total"];
  const std::uint64_t dropped = summary["dropped"];
  EXPECT_GT(dropped, 300u) << "about 40 of the 200 req/s could be served";
  EXPECT_GE(requests, 40u);
  EXPECT_EQ(requests + dropped, 600u) << "every slot of the schedule sent or dropped";
  EXPECT_EQ(summary["requests"]["failed"], 0) << "a dropped request is no failure";
  EXPECT_FALSE(summary["interrupted"].get<bool>());
  EXPECT_TRUE(summary["stop_signal"].is_null());
  const double duration = summary["duration_s"];
  EXPECT_LT(duration, 3.0 + 2.0 + 0.5) << "the last response at most a timeout after -z";
  EXPECT_NEAR(summary["rps"].get<double>(), static_cast<double>(requests) / duration, 1e-6)
      << "requests per second = requests / wall time";
  EXPECT_NE(result.out.find("Dropped Requests:"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("could not keep up with the rate"), std::string::npos) << result.out;
  bool found = false;
  for (const auto& line : summary["findings"]) {
    found = found || line.get<std::string>().find("Dropped " + std::to_string(dropped)) == 0;
  }
  EXPECT_TRUE(found) << summary["findings"].dump();

  // Stored: every sent request a row, the dropped ones in RUNS, and read back by `report`.
  EXPECT_EQ(query_int(db(), "SELECT DROPPED FROM RUNS WHERE RUNID = 1"),
            static_cast<std::int64_t>(dropped));
  EXPECT_EQ(query_text(db(), "SELECT STOP_SIGNAL FROM RUNS WHERE RUNID = 1"), "NULL");
  EXPECT_EQ(query_int(db(), "SELECT COUNT(*) FROM LOADTEST WHERE RUNID = 1"),
            static_cast<std::int64_t>(requests));
  const nlohmann::json stored = stored_report();
  ASSERT_TRUE(stored.is_object());
  EXPECT_EQ(stored["dropped"], summary["dropped"]);
  EXPECT_EQ(stored["findings"], summary["findings"]);

  // The CSV row ends with stop_signal (empty) and dropped.
  std::istringstream lines(read_file(csv));
  std::string header, row;
  std::getline(lines, header);
  std::getline(lines, row);
  EXPECT_EQ(header.substr(header.size() - 20), ",stop_signal,dropped") << header;
  EXPECT_EQ(row.substr(row.rfind(",total,")), ",total,," + std::to_string(dropped)) << row;
}

TEST_F(StopTest, ASignalAfterTheDurationEndedStillCountsTheSlotsItDropped) {
  // Two connections busy for 6 s with the first two slots of --rate 50 -z 2s: when SIGTERM comes
  // at 4 s, -z has ended with the other 98 slots due and never taken. They are dropped, not lost.
  server::TargetServer target({"127.0.0.1", 0, 1, "", ""});
  ProcessOptions options;
  options.interrupt_signal = SIGTERM;
  options.interrupt_after = 4s;
  ProcessResult result;
  const nlohmann::json summary =
      run_ccload_json({"run", target.base_url() + "/delay/6000", "-z", "2s", "--rate", "50", "-c",
                       "2", "--timeout", "10s"},
                      dir.path(), &result, options);
  EXPECT_EQ(result.exit_code, 143) << result.err;
  const std::uint64_t requests = summary["requests"]["total"];
  const std::uint64_t dropped = summary["dropped"];
  EXPECT_GE(dropped, 90u) << result.out;
  EXPECT_LE(requests + dropped, 100u) << "no slot both sent and dropped";
  EXPECT_EQ(summary["stop_signal"], "SIGTERM");
  EXPECT_EQ(query_int(db(), "SELECT DROPPED FROM RUNS WHERE RUNID = 1"),
            static_cast<std::int64_t>(dropped));
}

TEST_F(StopTest, Http2StreamsDropWhatTheyCannotSendInTimeToo) {
  // 2 connections x 2 streams to 100 ms responses: about 40 of --rate 100 are served.
  server::TargetServer target({"127.0.0.1", 0, 1, "", ""});
  ProcessResult result;
  const auto started = std::chrono::steady_clock::now();
  const nlohmann::json summary =
      run_ccload_json({"run", target.base_url() + "/delay/100", "-z", "2s", "--rate", "100", "-c",
                       "2", "--http2", "--streams", "2", "--timeout", "2s", "--no-store"},
                      dir.path(), &result);
  const auto took = std::chrono::steady_clock::now() - started;
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_LT(took, 7s);
  const std::uint64_t requests = summary["requests"]["total"];
  const std::uint64_t dropped = summary["dropped"];
  EXPECT_GT(dropped, 50u);
  EXPECT_EQ(requests + dropped, 200u);
  EXPECT_EQ(target.http2_requests(), requests) << "the server saw exactly the requests counted";
}

}  // namespace
}  // namespace ccload::test
