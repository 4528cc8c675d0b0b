// The run's metrics while it lasts, received by the real servers: Debian's Prometheus 2.42
// scrapes --metrics-listen every second and its HTTP API then gives the run's request and status
// counts exactly and its p99 within the report's bucket; Debian's InfluxDB 1.6 receives --influx
// and gives the run's count; an InfluxDB killed during the run costs the run nothing but one
// line; addresses and servers that cannot be used are refused before anything is sent.

#include <gtest/gtest.h>
#include <sys/socket.h>

#include <chrono>
#include <cmath>
#include <string>
#include <thread>
#include <vector>

#include "stats/snapshot.hpp"
#include "support/ccload_run.hpp"
#include "support/metrics_servers.hpp"
#include "support/ports.hpp"
#include "support/recording_server.hpp"

namespace ccload::test {
namespace {

// 200, but 503 for every 10th request to arrive.
ScriptedResponse every_tenth_fails(const ReceivedRequest&, std::uint64_t index) {
  ScriptedResponse r;
  if ((index + 1) % 10 == 0) r.status = 503;
  return r;
}

// Polls a Prometheus query until it gives `wanted` (the last scrape may still be on its way),
// at most 10 s; the last value seen.
std::optional<double> settle(const PrometheusProcess& prometheus, const std::string& promql,
                             double wanted) {
  std::optional<double> value;
  for (int i = 0; i < 100; ++i) {
    value = prometheus.query(promql);
    if (value && *value == wanted) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return value;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class MetricsTest : public ::testing::Test {
 protected:
  TempDir dir;
  RecordingServer server{every_tenth_fails};
};

TEST_F(MetricsTest, PrometheusScrapesTheRunAndItsApiGivesTheRunsFigures) {
  const std::uint16_t metrics_port = free_port();
  PrometheusProcess prometheus(metrics_port);
  ASSERT_TRUE(prometheus.ready());
  ProcessResult result;
  const nlohmann::json summary =
      run_ccload_json({"run", server.url("/"), "-z", "4s", "--rate", "100", "-c", "4", "--run-id",
                       "scraped", "--metrics-listen", "127.0.0.1:" + std::to_string(metrics_port)},
                      dir.path(), &result);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  // It waited for one more scrape after the end (the final figures), and said so.
  EXPECT_TRUE(contains(result.out, "until scraped once more")) << result.out;
  const double total = summary["requests"]["total"].get<double>();
  ASSERT_EQ(total, 400);
  EXPECT_EQ(server.request_count(), 400u);
  const std::string run = R"({run="scraped"})";
  EXPECT_EQ(settle(prometheus, "max_over_time(ccload_requests_total" + run + "[10m])", total),
            total);
  const std::string status = R"(max_over_time(ccload_responses_total{run="scraped",status=")";
  EXPECT_EQ(settle(prometheus, status + R"(200"}[10m]))", 360), 360);
  EXPECT_EQ(settle(prometheus, status + R"(503"}[10m]))", 40), 40);
  EXPECT_EQ(summary["status_codes"]["503"].get<int>(), 40);
  // Scraped during the run, not only at its end: several samples of a growing count.
  const std::optional<double> samples =
      prometheus.query("count_over_time(ccload_requests_total" + run + "[10m])");
  ASSERT_TRUE(samples);
  EXPECT_GE(*samples, 3);
  // p99 from the exported histogram lies in the bucket that holds the report's p99.
  const double p99 = summary["latency"]["total"]["p99"].get<double>();
  double lower = 0, upper = INFINITY;
  for (const double bound : stats::kSnapshotBuckets) {
    if (p99 <= bound) {
      upper = bound;
      break;
    }
    lower = bound;
  }
  const std::optional<double> exported = prometheus.query(
      R"(histogram_quantile(0.99, max_over_time(ccload_request_duration_seconds_bucket{run="scraped",timing="total"}[10m])))");
  ASSERT_TRUE(exported);
  EXPECT_GE(*exported, lower) << "report p99 " << p99;
  EXPECT_LE(*exported, upper) << "report p99 " << p99;
}

TEST_F(MetricsTest, PrometheusReceivesRemoteWriteEverySecond) {
  PrometheusProcess prometheus(free_port());  // it scrapes nothing: the run pushes
  ASSERT_TRUE(prometheus.ready());
  ProcessResult result;
  const nlohmann::json summary =
      run_ccload_json({"run", server.url("/"), "-z", "3s", "--rate", "100", "-c", "4", "--run-id",
                       "pushed", "--metrics-remote-write",
                       "http://127.0.0.1:" + std::to_string(prometheus.port()) + "/api/v1/write"},
                      dir.path(), &result);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(contains(result.out, "Every second of the run was sent to Prometheus remote write"))
      << result.out;
  EXPECT_EQ(summary["requests"]["total"].get<int>(), 300);
  const std::string run = R"({run="pushed"})";
  EXPECT_EQ(settle(prometheus, "max_over_time(ccload_requests_total" + run + "[10m])", 300), 300);
  EXPECT_EQ(settle(prometheus,
                   R"(max_over_time(ccload_responses_total{run="pushed",status="503"}[10m]))", 30),
            30);
  // One sample a second (3 or 4 of them, the last at the run's end), not only the last.
  const std::optional<double> samples =
      prometheus.query("count_over_time(ccload_requests_total" + run + "[10m])");
  ASSERT_TRUE(samples);
  EXPECT_GE(*samples, 3);
}

TEST_F(MetricsTest, InfluxReceivesEverySecondOfTheRun) {
  InfluxProcess influx;
  ASSERT_TRUE(influx.ready());
  ProcessResult result;
  const nlohmann::json summary =
      run_ccload_json({"run", server.url("/"), "-z", "3s", "--rate", "100", "-c", "4", "--influx",
                       influx.url("loadtests")},
                      dir.path(), &result);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(contains(result.out, "Every second of the run was sent to InfluxDB")) << result.out;
  const nlohmann::json answer =
      influx.query("loadtests", R"(SELECT sum("requests") FROM "ccload")");
  ASSERT_TRUE(answer["results"][0].contains("series")) << answer.dump();
  EXPECT_EQ(answer["results"][0]["series"][0]["values"][0][1].get<double>(), 300) << answer.dump();
  EXPECT_EQ(summary["requests"]["total"].get<int>(), 300);
  const nlohmann::json failed =
      influx.query("loadtests", R"(SELECT sum("count") FROM "ccload_status" WHERE status='503')");
  EXPECT_EQ(failed["results"][0]["series"][0]["values"][0][1].get<double>(), 30) << failed.dump();
}

TEST_F(MetricsTest, AnInfluxThatDiesDuringTheRunCostsOneLineAndNoFigure) {
  InfluxProcess influx;
  ASSERT_TRUE(influx.ready());
  std::thread killer([&influx] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    influx.kill();
  });
  ProcessResult result;
  const nlohmann::json summary =
      run_ccload_json({"run", server.url("/"), "-z", "4s", "--rate", "100", "-c", "4", "--influx",
                       influx.url("loadtests")},
                      dir.path(), &result);
  killer.join();
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(summary["requests"]["total"].get<int>(), 400);
  EXPECT_EQ(summary["requests"]["failed"].get<int>(), 40);
  EXPECT_EQ(server.request_count(), 400u);
  EXPECT_TRUE(contains(result.out, "could not be written")) << result.out;
  EXPECT_TRUE(contains(result.out, "the run's figures are unchanged")) << result.out;
}

TEST_F(MetricsTest, APrometheusThatDiesDuringRemoteWriteCostsOneLineAndNoFigure) {
  PrometheusProcess prometheus(free_port());
  ASSERT_TRUE(prometheus.ready());
  std::thread killer([&prometheus] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    prometheus.kill();
  });
  ProcessResult result;
  const nlohmann::json summary = run_ccload_json(
      {"run", server.url("/"), "-z", "4s", "--rate", "100", "-c", "4", "--metrics-remote-write",
       "http://127.0.0.1:" + std::to_string(prometheus.port()) + "/api/v1/write"},
      dir.path(), &result);
  killer.join();
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(summary["requests"]["total"].get<int>(), 400);
  EXPECT_EQ(server.request_count(), 400u);
  EXPECT_TRUE(contains(result.out, "Prometheus remote write at")) << result.out;
  EXPECT_TRUE(contains(result.out, "could not be written")) << result.out;
}

TEST_F(MetricsTest, AddressesAndServersThatCannotBeUsedAreRefusedBeforeSending) {
  // A port another program listens on.
  const std::uint16_t taken = server.port();
  ProcessResult in_use = run_ccload({"run", server.url("/"), "-n", "10", "--metrics-listen",
                                     "127.0.0.1:" + std::to_string(taken)},
                                    dir.path());
  EXPECT_EQ(in_use.exit_code, 2);
  EXPECT_TRUE(contains(in_use.err, "cannot listen there")) << in_use.err;
  // Not loopback, without --metrics-public.
  ProcessResult open = run_ccload(
      {"run", server.url("/"), "-n", "10", "--metrics-listen", "0.0.0.0:9464"}, dir.path());
  EXPECT_EQ(open.exit_code, 2);
  EXPECT_TRUE(contains(open.err, "--metrics-public")) << open.err;
  ProcessResult malformed =
      run_ccload({"run", server.url("/"), "-n", "10", "--metrics-listen", "9464"}, dir.path());
  EXPECT_EQ(malformed.exit_code, 2);
  EXPECT_TRUE(contains(malformed.err, "HOST:PORT")) << malformed.err;
  // An InfluxDB nobody runs, and a URL without a database.
  ProcessResult dead = run_ccload({"run", server.url("/"), "-n", "10", "--influx",
                                   "http://127.0.0.1:" + std::to_string(free_port()) + "/db"},
                                  dir.path());
  EXPECT_EQ(dead.exit_code, 2);
  EXPECT_TRUE(contains(dead.err, "InfluxDB cannot be reached")) << dead.err;
  ProcessResult no_db = run_ccload(
      {"run", server.url("/"), "-n", "10", "--influx", "http://127.0.0.1:8086"}, dir.path());
  EXPECT_EQ(no_db.exit_code, 2);
  EXPECT_TRUE(contains(no_db.err, "no database")) << no_db.err;
  ProcessResult no_receiver =
      run_ccload({"run", server.url("/"), "-n", "10", "--metrics-remote-write",
                  "http://127.0.0.1:" + std::to_string(free_port()) + "/api/v1/write"},
                 dir.path());
  EXPECT_EQ(no_receiver.exit_code, 2);
  EXPECT_TRUE(contains(no_receiver.err, "the receiver cannot be reached")) << no_receiver.err;
  ProcessResult not_a_url = run_ccload(
      {"run", server.url("/"), "-n", "10", "--metrics-remote-write", "ftp://u:hidden@h/w"},
      dir.path());
  EXPECT_EQ(not_a_url.exit_code, 2);
  EXPECT_TRUE(contains(not_a_url.err, "--metrics-remote-write")) << not_a_url.err;
  EXPECT_FALSE(contains(not_a_url.err, "hidden")) << not_a_url.err;
  ProcessResult linger_alone =
      run_ccload({"run", server.url("/"), "-n", "10", "--metrics-linger", "5s"}, dir.path());
  EXPECT_EQ(linger_alone.exit_code, 2);
  EXPECT_EQ(server.request_count(), 0u);  // nothing was sent by any of them
}

}  // namespace
}  // namespace ccload::test
