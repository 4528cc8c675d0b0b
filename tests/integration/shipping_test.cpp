// Failed requests shipped by the real binary to a recording ingest server on loopback: what the
// ingest server received, what the report says, and that shipping never slows the load test.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <vector>

#include "server/target_server.hpp"
#include "support/ccload_run.hpp"
#include "support/recording_server.hpp"

namespace ccload::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

const std::string kToken = "tok-5d1c0e7a9b-ccload-test";

ScriptedResponse answer(int status) {
  ScriptedResponse response;
  response.status = status;
  return response;
}

ProcessOptions with_env(std::map<std::string, std::string> env) {
  ProcessOptions options;
  options.env = std::move(env);
  options.timeout = 60s;
  return options;
}

std::map<std::string, std::string> ship_env(const RecordingServer& ingest) {
  return {{"LOGTAIL_URL", ingest.url("/")}, {"LOGTAIL_TOKEN", kToken}};
}

// Every event of every request the ingest answered with `accepted`, checking each request.
std::vector<nlohmann::json> events(const RecordingServer& ingest,
                                   std::set<std::uint64_t> skip = {}) {
  std::vector<nlohmann::json> out;
  const auto requests = ingest.requests();
  for (std::size_t i = 0; i < requests.size(); ++i) {
    const auto& request = requests[i];
    EXPECT_EQ(request.method, "POST");
    EXPECT_EQ(request.header("Authorization"), "Bearer " + kToken);
    EXPECT_EQ(request.header("Content-Type"), "application/json");
    const auto batch = nlohmann::json::parse(request.body);
    EXPECT_TRUE(batch.is_array());
    EXPECT_LE(batch.size(), 1000u);
    if (skip.count(i) != 0) continue;
    for (const auto& event : batch) out.push_back(event);
  }
  return out;
}

std::int64_t count_rows(const std::filesystem::path& db, std::int64_t run_id) {
  sqlite3* handle = nullptr;
  if (sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(handle);
    return -1;
  }
  sqlite3_stmt* statement = nullptr;
  std::int64_t count = -1;
  if (sqlite3_prepare_v2(handle, "SELECT COUNT(*) FROM LOADTEST WHERE RUNID = ?", -1, &statement,
                         nullptr) == SQLITE_OK) {
    sqlite3_bind_int64(statement, 1, run_id);
    if (sqlite3_step(statement) == SQLITE_ROW) count = sqlite3_column_int64(statement, 0);
  }
  sqlite3_finalize(statement);
  sqlite3_close(handle);
  return count;
}

std::size_t count_lines_with(const std::string& text, const std::string& needle) {
  std::size_t count = 0, start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (text.substr(start, end - start).find(needle) != std::string::npos) ++count;
    start = end + 1;
  }
  return count;
}

class Shipping : public ::testing::Test {
 protected:
  TempDir dir;
  server::TargetServer target{{"127.0.0.1", 0, 2, "", ""}};
};

TEST_F(Shipping, FlakyFailuresArriveAsExactlyOneEventEach) {
  RecordingServer ingest([](const ReceivedRequest&, std::uint64_t) { return answer(202); });
  ProcessResult result;
  const std::string url = target.base_url() + "/flaky/10";
  auto summary = run_ccload_json({"run", url, "-n", "500", "-c", "10"}, dir.path(), &result,
                                 with_env(ship_env(ingest)));
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(summary["requests"]["failed"], 50);
  const auto received = events(ingest);
  ASSERT_EQ(received.size(), 50u);
  std::set<std::string> timestamps, bodies;
  for (const auto& event : received) {
    EXPECT_EQ(event["url"], url);
    EXPECT_EQ(event["method"], "GET");
    EXPECT_EQ(event["status"], 500);
    EXPECT_EQ(event["error"], "http");
    EXPECT_EQ(event["run_id"], summary["run_id"]);
    const std::string body = event["body"];
    EXPECT_EQ(body.rfind("{\"error\":\"flaky failure\",\"request\":", 0), 0u) << body;
    const auto k = nlohmann::json::parse(body)["request"].get<int>();
    EXPECT_EQ(k % 10, 0);
    bodies.insert(body);
    const std::string ns = event["timestamp"];
    timestamps.insert(ns);
    EXPECT_EQ(std::to_string(std::stoll(ns)), ns);
    const std::string dt = event["dt"];
    EXPECT_EQ(dt.size(), 30u) << dt;
    EXPECT_EQ(dt.back(), 'Z');
    EXPECT_GT(event["total"].get<double>(), 0);
    EXPECT_GE(event["total"].get<double>(), event["ttfb"].get<double>());
  }
  EXPECT_EQ(bodies.size(), 50u) << "each failure once";
  EXPECT_NE(result.out.find("50 failed requests shipped to Betterstack (127.0.0.1:" +
                            std::to_string(ingest.port()) + ")."),
            std::string::npos)
      << result.out;
  EXPECT_EQ(result.out.find("Error occured"), std::string::npos);
}

TEST_F(Shipping, TenThousandFailuresArriveWhole) {
  RecordingServer ingest;
  ProcessResult result;
  auto summary = run_ccload_json(
      {"run", target.base_url() + "/status/503", "-n", "10000", "-c", "20", "--no-store"},
      dir.path(), &result, with_env(ship_env(ingest)));
  EXPECT_EQ(summary["requests"]["failed"], 10000);
  const auto received = events(ingest);
  EXPECT_EQ(received.size(), 10000u);
  std::set<std::string> timestamps;
  for (const auto& event : received) timestamps.insert(event["timestamp"].get<std::string>());
  EXPECT_GT(timestamps.size(), 1000u);
  EXPECT_NE(result.out.find("10000 failed requests shipped to Betterstack"), std::string::npos)
      << result.out;
}

TEST_F(Shipping, TwoServerErrorsThenAcceptedShipsEverythingOnce) {
  RecordingServer ingest(
      [](const ReceivedRequest&, std::uint64_t index) { return answer(index < 2 ? 500 : 202); });
  ProcessResult result;
  run_ccload_json({"run", target.base_url() + "/flaky/10", "-n", "500", "-c", "10"}, dir.path(),
                  &result, with_env(ship_env(ingest)));
  EXPECT_EQ(result.exit_code, 0) << result.err;
  const auto received = events(ingest, {0, 1});  // the two batches answered 500 were resent
  ASSERT_EQ(received.size(), 50u);
  std::set<std::string> bodies;
  for (const auto& event : received) bodies.insert(event["body"].get<std::string>());
  EXPECT_EQ(bodies.size(), 50u) << "no duplicates";
  EXPECT_NE(result.out.find("50 failed requests shipped to Betterstack"), std::string::npos)
      << result.out;
}

TEST_F(Shipping, TooManyRequestsWaitsAsLongAsRetryAfterSays) {
  std::mutex mutex;
  std::vector<Clock::time_point> arrivals;
  RecordingServer ingest([&](const ReceivedRequest&, std::uint64_t index) {
    {
      std::lock_guard lock(mutex);
      arrivals.push_back(Clock::now());
    }
    ScriptedResponse response = answer(index == 0 ? 429 : 202);
    if (index == 0) response.headers = {{"Retry-After", "2"}};
    return response;
  });
  ProcessResult result;
  run_ccload_json({"run", target.base_url() + "/status/500", "-n", "5", "-c", "1", "--no-store"},
                  dir.path(), &result, with_env(ship_env(ingest)));
  EXPECT_EQ(result.exit_code, 0) << result.err;
  ASSERT_EQ(events(ingest, {0}).size(), 5u) << "the batch answered 429 was sent again, whole";
  std::lock_guard lock(mutex);
  ASSERT_EQ(arrivals.size(), 2u);
  EXPECT_GE(arrivals[1] - arrivals[0], 1900ms) << "Retry-After: 2, where the backoff is 250 ms";
  EXPECT_NE(result.out.find("5 failed requests shipped to Betterstack"), std::string::npos)
      << result.out;
}

TEST_F(Shipping, RejectedTokenStopsShippingWithOneLineAndTheRunIsComplete) {
  RecordingServer ingest([](const ReceivedRequest&, std::uint64_t) { return answer(403); });
  ProcessResult result;
  auto summary = run_ccload_json({"run", target.base_url() + "/flaky/10", "-n", "500", "-c", "10"},
                                 dir.path(), &result, with_env(ship_env(ingest)));
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(ingest.request_count(), 1u) << "shipping stops at the first 403";
  EXPECT_EQ(summary["requests"]["total"], 500);
  EXPECT_EQ(summary["requests"]["failed"], 50);
  EXPECT_EQ(summary["stored"], true);
  const std::string all = result.out + result.err;
  EXPECT_EQ(count_lines_with(all, "rejected"), 1u) << all;
  const std::string line = "50 failed requests were not shipped to Betterstack at 127.0.0.1:" +
                           std::to_string(ingest.port()) +
                           " (the token was rejected (HTTP 403): check LOGTAIL_TOKEN); they are "
                           "in load.db, run " +
                           std::to_string(summary["run_id"].get<std::int64_t>()) + ".";
  EXPECT_NE(result.out.find(line), std::string::npos) << result.out;
  EXPECT_EQ(count_rows(dir / "load.db", summary["run_id"]), 500);
}

// The load test's duration with a dead ingest (refused, then hanging) against the same run
// without a sink; the final flush gives up at --sink-timeout and says how many were not shipped.
TEST_F(Shipping, DeadIngestNeverSlowsTheLoadTest) {
  const std::vector<std::string> args{"run",        target.base_url() + "/flaky/2",
                                      "-n",         "3000",
                                      "-c",         "8",
                                      "--no-store", "--sink-timeout",
                                      "1s"};
  ProcessResult result;
  auto baseline = run_ccload_json(args, dir.path(), &result);
  EXPECT_NE(result.out.find("1500 failed requests were not shipped: LOGTAIL_TOKEN is not set."),
            std::string::npos)
      << result.out;
  const double base = baseline["duration_s"].get<double>();

  RecordingServer hanging([](const ReceivedRequest&, std::uint64_t) {
    ScriptedResponse response;
    response.hang = true;
    return response;
  });
  const std::string refused = "http://127.0.0.1:" + std::to_string(unused_port()) + "/";
  for (const std::string& ingest : {refused, hanging.url("/")}) {
    const auto started = Clock::now();
    auto summary = run_ccload_json(args, dir.path(), &result,
                                   with_env({{"LOGTAIL_URL", ingest}, {"LOGTAIL_TOKEN", kToken}}));
    const auto wall = Clock::now() - started;
    EXPECT_EQ(summary["requests"]["failed"], 1500) << ingest;
    EXPECT_LT(summary["duration_s"].get<double>(), 3 * base + 0.5) << ingest << " vs " << base;
    EXPECT_LT(wall, std::chrono::duration<double>(summary["duration_s"].get<double>()) + 4s)
        << "the final flush stops at its 1 s deadline";
    EXPECT_NE(result.out.find("1500 failed requests were not shipped to Betterstack"),
              std::string::npos)
        << result.out;
    EXPECT_NE(result.out.find("the final flush gave up at its 1 s deadline"), std::string::npos)
        << result.out;
  }
}

TEST_F(Shipping, LokiPushFormat) {
  RecordingServer loki([](const ReceivedRequest&, std::uint64_t) { return answer(204); });
  ProcessResult result;
  const std::string url = target.base_url() + "/flaky/10";
  auto summary = run_ccload_json({"run", url, "-n", "500", "-c", "10", "-m", "post"}, dir.path(),
                                 &result, with_env({{"LOKI_URL", loki.url("/")}}));
  EXPECT_EQ(result.exit_code, 0) << result.err;
  std::set<std::string> bodies;
  for (const auto& request : loki.requests()) {
    EXPECT_EQ(request.method, "POST");
    EXPECT_EQ(request.target, "/loki/api/v1/push");
    EXPECT_EQ(request.header("Content-Type"), "application/json");
    const auto push = nlohmann::json::parse(request.body);
    ASSERT_TRUE(push["streams"].is_array());
    for (const auto& stream : push["streams"]) {
      EXPECT_EQ(stream["stream"],
                (nlohmann::json{{"job", "ccload"}, {"method", "POST"}, {"status", "500"}}));
      for (const auto& value : stream["values"]) {
        ASSERT_EQ(value.size(), 2u);
        const auto event = nlohmann::json::parse(value[1].get<std::string>());
        EXPECT_EQ(value[0], event["timestamp"]);
        EXPECT_EQ(event["url"], url);
        EXPECT_EQ(event["run_id"], summary["run_id"]);
        bodies.insert(event["body"].get<std::string>());
      }
    }
  }
  EXPECT_EQ(bodies.size(), 50u);
  EXPECT_NE(result.out.find("50 failed requests shipped to Grafana Loki (127.0.0.1:" +
                            std::to_string(loki.port()) + ")."),
            std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("Every request is stored"), std::string::npos);
}

TEST_F(Shipping, HttpsIngestIsVerified) {
  server::TargetServer ingest({"127.0.0.1", 0, 1, std::string(CCLOAD_TEST_DATA) + "/server.pem",
                               std::string(CCLOAD_TEST_DATA) + "/server.key"});
  const std::vector<std::string> args{"run",        target.base_url() + "/status/500",
                                      "-n",         "5",
                                      "-c",         "1",
                                      "--no-store", "--sink-timeout",
                                      "2s"};
  std::map<std::string, std::string> env{{"LOGTAIL_URL", ingest.base_url() + "/post"},
                                         {"LOGTAIL_TOKEN", kToken}};
  ProcessResult untrusted = run_ccload(args, dir.path(), with_env(env));
  EXPECT_NE(untrusted.out.find("5 failed requests were not shipped to Betterstack"),
            std::string::npos)
      << untrusted.out;
  EXPECT_NE(untrusted.out.find("certificate verify failed"), std::string::npos) << untrusted.out;

  env["SSL_CERT_FILE"] = std::string(CCLOAD_TEST_DATA) + "/ca.pem";  // OpenSSL's default store
  ProcessResult trusted = run_ccload(args, dir.path(), with_env(env));
  EXPECT_NE(trusted.out.find("5 failed requests shipped to Betterstack (127.0.0.1:" +
                             std::to_string(ingest.port()) + ")."),
            std::string::npos)
      << trusted.out;
}

// The token and PASSWORD never appear in stdout, stderr, the database (all its files) or any
// other file of the run's directory, whatever happens to the shipping.
TEST_F(Shipping, SecretsNeverAppearInOutputOrFiles) {
  const std::string password = "pw-8e2f4c61-never-print";
  const std::string basic = "dXNlcjpwdy04ZTJmNGM2MS1uZXZlci1wcmludA==";  // base64("user:" + pw)
  RecordingServer rejecting([](const ReceivedRequest&, std::uint64_t) { return answer(401); });
  RecordingServer failing([](const ReceivedRequest&, std::uint64_t) { return answer(500); });
  const std::vector<std::string> ingests{rejecting.url("/"), failing.url("/"),
                                         "http://127.0.0.1:" + std::to_string(unused_port()) + "/",
                                         "not a url " + kToken};
  std::string outputs;
  for (const auto& ingest : ingests) {
    {
      std::ofstream config(dir / "config.env");
      config << "USERNAME=user\nPASSWORD=" << password << "\nLOGTAIL_TOKEN=" << kToken
             << "\nLOGTAIL_URL=" << ingest << "\n";
    }
    std::filesystem::permissions(dir / "config.env", std::filesystem::perms::owner_read |
                                                         std::filesystem::perms::owner_write);
    ProcessResult result;
    auto summary = run_ccload_json({"run", target.base_url() + "/flaky/3", "-n", "60", "-c", "3",
                                    "--sink-timeout", "1500ms", "--details"},
                                   dir.path(), &result);
    EXPECT_EQ(summary["requests"]["failed"], 20) << ingest;
    EXPECT_NE(result.out.find("20 failed requests were not shipped to Betterstack"),
              std::string::npos)
        << result.out;
    outputs += result.out + result.err;
  }
  for (const auto& request : rejecting.requests()) {
    EXPECT_EQ(request.header("Authorization"), "Bearer " + kToken) << "the token is used";
  }
  EXPECT_EQ(outputs.find(kToken), std::string::npos);
  EXPECT_EQ(outputs.find(password), std::string::npos);
  EXPECT_EQ(outputs.find(basic), std::string::npos);
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir.path())) {
    if (!entry.is_regular_file() || entry.path().filename() == "config.env") continue;
    ++files;
    const std::string bytes = read_file(entry.path());
    EXPECT_EQ(bytes.find(kToken), std::string::npos) << entry.path();
    EXPECT_EQ(bytes.find(password), std::string::npos) << entry.path();
    EXPECT_EQ(bytes.find(basic), std::string::npos) << entry.path();
  }
  EXPECT_GE(files, 2u) << "at least load.db and summary.json";
}

}  // namespace
}  // namespace ccload::test
