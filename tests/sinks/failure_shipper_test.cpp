// The shipper against a recording ingest server on loopback: batches, retries, rejection,
// deadlines, overflow, Loki, keep-alive. Each test is bounded to a few seconds.

#include "sinks/failure_shipper.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "support/recording_server.hpp"

namespace ccload::sinks {
namespace {

using namespace std::chrono_literals;
using test::ReceivedRequest;
using test::RecordingServer;
using test::ScriptedResponse;
using Clock = std::chrono::steady_clock;

const std::string kToken = "test-token-3f9a";

std::vector<Record> failures(int from, int count, std::uint16_t status = 500) {
  std::vector<Record> records;
  for (int i = from; i < from + count; ++i) {
    Record record;
    record.request_id = static_cast<std::uint64_t>(i);
    record.start_unix_ns = 1'700'000'000'000'000'000 + i;
    record.status = status;
    record.error = status == 0 ? ErrorCategory::connect : ErrorCategory::none;
    record.body = "body-" + std::to_string(i);
    records.push_back(std::move(record));
  }
  return records;
}

ShipperConfig betterstack_config(const std::string& url) {
  ShipperConfig config;
  config.logtail_url = url;
  config.logtail_token = kToken;
  config.targets = {{"GET", "http://target.test/flaky/10"}};
  config.run_id = 7;
  config.database = "load.db";
  config.batch_wait_s = 0.05;
  config.flush_timeout_s = 3;
  return config;
}

ScriptedResponse status(int code) {
  ScriptedResponse response;
  response.status = code;
  return response;
}

// Every body field of every event received, checking each request is a valid Betterstack batch.
std::vector<std::string> received_bodies(const RecordingServer& server) {
  std::vector<std::string> bodies;
  for (const auto& request : server.requests()) {
    EXPECT_EQ(request.method, "POST");
    EXPECT_EQ(request.header("Authorization"), "Bearer " + kToken);
    EXPECT_EQ(request.header("Content-Type"), "application/json");
    const auto batch = nlohmann::json::parse(request.body);
    EXPECT_TRUE(batch.is_array());
    for (const auto& event : batch) bodies.push_back(event["body"]);
  }
  return bodies;
}

std::vector<std::string> expected_bodies(int count) {
  std::vector<std::string> bodies;
  for (int i = 0; i < count; ++i) bodies.push_back("body-" + std::to_string(i));
  return bodies;
}

std::string host_of(const RecordingServer& server) {
  return "127.0.0.1:" + std::to_string(server.port());
}

TEST(FailureShipper, ShipsEveryFailureOnceInBatchesOfAtMostAThousand) {
  RecordingServer server([](const ReceivedRequest&, std::uint64_t) { return status(202); });
  FailureShipper shipper(betterstack_config(server.url("/")));
  ASSERT_TRUE(shipper.enabled());
  for (int i = 0; i < 2500; i += 100) shipper.submit(failures(i, 100));
  const auto lines = shipper.finish(2500);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], "2500 failed requests shipped to Betterstack (" + host_of(server) + ").");
  EXPECT_EQ(received_bodies(server), expected_bodies(2500));
  EXPECT_GE(server.request_count(), 3u);
  for (const auto& request : server.requests()) {
    EXPECT_LE(nlohmann::json::parse(request.body).size(), 1000u);
    EXPECT_EQ(request.target, "/");
  }
  EXPECT_EQ(server.total_connections(), 1u) << "keep-alive to the ingest host";
}

TEST(FailureShipper, EventsCarryTheRunFields) {
  RecordingServer server;
  FailureShipper shipper(betterstack_config(server.url("/ingest")));
  shipper.submit(failures(0, 1, 0));
  shipper.finish(1);
  ASSERT_EQ(server.request_count(), 1u);
  const auto request = server.requests()[0];
  EXPECT_EQ(request.target, "/ingest");
  const auto event = nlohmann::json::parse(request.body).at(0);
  EXPECT_EQ(event["url"], "http://target.test/flaky/10");
  EXPECT_EQ(event["method"], "GET");
  EXPECT_EQ(event["status"], 0);
  EXPECT_EQ(event["error"], "connect");
  EXPECT_EQ(event["run_id"], 7);
  EXPECT_EQ(event["timestamp"], "1700000000000000000");
  EXPECT_EQ(event["dt"], "2023-11-14T22:13:20.000000000Z");
}

TEST(FailureShipper, ABatchLeavesWithinTheBatchWindowWithoutFinish) {
  RecordingServer server;
  ShipperConfig config = betterstack_config(server.url("/"));
  config.batch_wait_s = 1.0;
  FailureShipper shipper(config);
  shipper.submit(failures(0, 3));
  const auto start = Clock::now();
  while (server.request_count() == 0 && Clock::now() - start < 5s)
    std::this_thread::sleep_for(10ms);
  EXPECT_EQ(server.request_count(), 1u);
  EXPECT_GE(Clock::now() - start, 800ms) << "waits for more, up to one second";
  EXPECT_LT(Clock::now() - start, 2500ms);
  shipper.finish(3);
}

TEST(FailureShipper, RetriesAfterTwo500sAndShipsEachEventOnce) {
  RecordingServer server(
      [](const ReceivedRequest&, std::uint64_t index) { return status(index < 2 ? 500 : 202); });
  FailureShipper shipper(betterstack_config(server.url("/")));
  shipper.submit(failures(0, 10));
  const auto lines = shipper.finish(10);
  EXPECT_EQ(lines.at(0), "10 failed requests shipped to Betterstack (" + host_of(server) + ").");
  ASSERT_EQ(server.request_count(), 3u);
  const auto requests = server.requests();
  EXPECT_EQ(requests[0].body, requests[2].body);
  std::vector<std::string> last = received_bodies(server);
  EXPECT_EQ(std::vector<std::string>(last.begin() + 20, last.end()), expected_bodies(10));
}

TEST(FailureShipper, Retries429ButNotOther4xx) {
  RecordingServer server(
      [](const ReceivedRequest&, std::uint64_t index) { return status(index == 0 ? 429 : 400); });
  FailureShipper shipper(betterstack_config(server.url("/")));
  shipper.submit(failures(0, 4));
  const auto lines = shipper.finish(4);
  EXPECT_EQ(server.request_count(), 2u) << "429 retried once, 400 never";
  EXPECT_NE(lines.at(0).find("4 failed requests were not shipped to Betterstack"),
            std::string::npos)
      << lines[0];
  EXPECT_NE(lines[0].find("(HTTP 400); they are in load.db, run 7."), std::string::npos)
      << lines[0];
}

TEST(FailureShipper, GivesUpABatchAfterTheLastTryAndGoesOn) {
  RecordingServer server(
      [](const ReceivedRequest&, std::uint64_t index) { return status(index < 4 ? 503 : 200); });
  ShipperConfig config = betterstack_config(server.url("/"));
  config.flush_timeout_s = 6;
  FailureShipper shipper(config);
  shipper.submit(failures(0, 3));
  while (server.request_count() < 4) std::this_thread::sleep_for(10ms);
  shipper.submit(failures(3, 9));
  const auto lines = shipper.finish(12);
  EXPECT_EQ(server.request_count(), 5u);
  EXPECT_EQ(lines.at(0), "3 of 12 failed requests could not be shipped to Betterstack at " +
                             host_of(server) +
                             " (HTTP 503 after 4 tries); they are in load.db, run 7.");
}

TEST(FailureShipper, Forbidden403StopsShippingForTheRun) {
  RecordingServer server([](const ReceivedRequest&, std::uint64_t) { return status(403); });
  FailureShipper shipper(betterstack_config(server.url("/")));
  shipper.submit(failures(0, 5));
  while (server.request_count() == 0) std::this_thread::sleep_for(10ms);
  std::this_thread::sleep_for(100ms);
  shipper.submit(failures(5, 5));
  const auto lines = shipper.finish(10);
  EXPECT_EQ(server.request_count(), 1u);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], "10 failed requests were not shipped to Betterstack at " + host_of(server) +
                          " (the token was rejected (HTTP 403): check LOGTAIL_TOKEN); they are in "
                          "load.db, run 7.");
  EXPECT_EQ(lines[0].find(kToken), std::string::npos);
}

TEST(FailureShipper, RefusedIngestGivesUpAtTheDeadline) {
  ShipperConfig config =
      betterstack_config("http://127.0.0.1:" + std::to_string(test::unused_port()) + "/");
  config.flush_timeout_s = 1;
  FailureShipper shipper(config);
  shipper.submit(failures(0, 20));
  const auto start = Clock::now();
  const auto lines = shipper.finish(20);
  EXPECT_LT(Clock::now() - start, 1800ms);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("20 failed requests were not shipped to Betterstack"), std::string::npos);
  EXPECT_NE(lines[0].find("connection refused"), std::string::npos) << lines[0];
}

TEST(FailureShipper, HangingIngestNeverBlocksSubmitAndFinishStopsAtTheDeadline) {
  RecordingServer server([](const ReceivedRequest&, std::uint64_t) {
    ScriptedResponse response;
    response.hang = true;
    return response;
  });
  ShipperConfig config = betterstack_config(server.url("/"));
  config.flush_timeout_s = 1;
  FailureShipper shipper(config);
  shipper.submit(failures(0, 10));
  while (server.request_count() == 0) std::this_thread::sleep_for(10ms);
  auto start = Clock::now();
  for (int i = 0; i < 100; ++i) shipper.submit(failures(10 + 100 * i, 100));
  EXPECT_LT(Clock::now() - start, 500ms) << "submit only queues";
  start = Clock::now();
  const auto lines = shipper.finish(10'010);
  EXPECT_GE(Clock::now() - start, 900ms);
  EXPECT_LT(Clock::now() - start, 1800ms);
  EXPECT_EQ(lines.at(0), "10010 failed requests were not shipped to Betterstack at " +
                             host_of(server) +
                             " (the final flush gave up at its 1 s deadline, last error: timed "
                             "out); they are in load.db, run 7.");
}

TEST(FailureShipper, AFullQueueDropsAndCounts) {
  RecordingServer server;
  ShipperConfig config = betterstack_config(server.url("/"));
  config.queue_records = 10;
  config.batch_wait_s = 5;
  config.batch_records = 1000;
  FailureShipper shipper(config);
  shipper.submit(failures(0, 25));
  const auto lines = shipper.finish(25);
  EXPECT_EQ(received_bodies(server), expected_bodies(10));
  EXPECT_EQ(lines.at(0), "15 of 25 failed requests could not be shipped to Betterstack at " +
                             host_of(server) +
                             " (15 dropped because the queue was full); they are in load.db, "
                             "run 7.");
}

TEST(FailureShipper, ReconnectsWhenTheIngestClosesEachConnection) {
  RecordingServer server([](const ReceivedRequest&, std::uint64_t) {
    ScriptedResponse response;
    response.close_after = true;
    return response;
  });
  ShipperConfig config = betterstack_config(server.url("/"));
  config.batch_records = 10;
  FailureShipper shipper(config);
  shipper.submit(failures(0, 50));
  const auto lines = shipper.finish(50);
  EXPECT_EQ(received_bodies(server), expected_bodies(50));
  EXPECT_EQ(server.request_count(), 5u) << "no resend: each close came after the answer";
  EXPECT_EQ(lines.at(0), "50 failed requests shipped to Betterstack (" + host_of(server) + ").");
}

TEST(FailureShipper, SuccessfulRecordsAreNotShipped) {
  RecordingServer server;
  FailureShipper shipper(betterstack_config(server.url("/")));
  auto records = failures(0, 3, 200);
  records[1].status = 404;
  shipper.submit(std::move(records));
  shipper.finish(1);
  EXPECT_EQ(received_bodies(server), std::vector<std::string>{"body-1"});
}

TEST(FailureShipper, LokiPushFormat) {
  RecordingServer server([](const ReceivedRequest&, std::uint64_t) { return status(204); });
  ShipperConfig config = betterstack_config("");
  config.logtail_token.clear();
  config.loki_url = server.url("");
  FailureShipper shipper(config);
  auto records = failures(0, 6);
  for (int i = 0; i < 3; ++i) records[i].status = 503;
  shipper.submit(std::move(records));
  const auto lines = shipper.finish(6);
  EXPECT_EQ(lines.at(0), "6 failed requests shipped to Grafana Loki (" + host_of(server) + ").");
  ASSERT_EQ(server.request_count(), 1u);
  const auto request = server.requests()[0];
  EXPECT_EQ(request.target, "/loki/api/v1/push");
  EXPECT_EQ(request.header("Content-Type"), "application/json");
  EXPECT_EQ(request.header("Authorization"), "");
  const auto push = nlohmann::json::parse(request.body);
  ASSERT_EQ(push["streams"].size(), 2u);
  std::set<std::string> bodies;
  for (const auto& stream : push["streams"]) {
    EXPECT_EQ(stream["stream"]["job"], "ccload");
    EXPECT_EQ(stream["stream"]["method"], "GET");
    for (const auto& value : stream["values"]) {
      const auto event = nlohmann::json::parse(value[1].get<std::string>());
      EXPECT_EQ(value[0], event["timestamp"]);
      EXPECT_EQ(stream["stream"]["status"], std::to_string(event["status"].get<int>()));
      bodies.insert(event["body"].get<std::string>());
    }
  }
  EXPECT_EQ(bodies.size(), 6u);
}

TEST(FailureShipper, LokiUserInfoBecomesBasicAuth) {
  RecordingServer server;
  ShipperConfig config = betterstack_config("");
  config.logtail_token.clear();
  config.loki_url = "http://user:s3cret@127.0.0.1:" + std::to_string(server.port()) + "/base/";
  FailureShipper shipper(config);
  shipper.submit(failures(0, 1));
  const auto lines = shipper.finish(1);
  ASSERT_EQ(server.request_count(), 1u);
  EXPECT_EQ(server.requests()[0].target, "/base/loki/api/v1/push");
  EXPECT_EQ(server.requests()[0].header("Authorization"), "Basic dXNlcjpzM2NyZXQ=");
  EXPECT_EQ(lines.at(0).find("s3cret"), std::string::npos);
}

TEST(FailureShipper, BothSinksAtOnceEachGetEverything) {
  RecordingServer betterstack, loki;
  ShipperConfig config = betterstack_config(betterstack.url("/"));
  config.loki_url = loki.url("");
  FailureShipper shipper(config);
  for (int i = 0; i < 300; i += 30) shipper.submit(failures(i, 30));
  const auto lines = shipper.finish(300);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0].find("300 failed requests shipped to Betterstack"), std::string::npos);
  EXPECT_NE(lines[1].find("300 failed requests shipped to Grafana Loki"), std::string::npos);
  EXPECT_EQ(received_bodies(betterstack), expected_bodies(300));
  std::size_t values = 0;
  for (const auto& request : loki.requests()) {
    const auto push = nlohmann::json::parse(request.body);
    for (const auto& stream : push["streams"]) {
      values += stream["values"].size();
    }
  }
  EXPECT_EQ(values, 300u);
}

TEST(FailureShipper, InvalidUrlIsReportedWithoutQuotingIt) {
  ShipperConfig config = betterstack_config("ftp://user:pw@host/");
  FailureShipper shipper(config);
  shipper.submit(failures(0, 2));
  const auto lines = shipper.finish(2);
  EXPECT_EQ(lines.at(0),
            "2 failed requests were not shipped to Betterstack (LOGTAIL_URL is not a valid "
            "http(s) URL); they are in load.db, run 7.");
}

TEST(FailureShipper, NothingConfigured) {
  FailureShipper shipper(ShipperConfig{});
  EXPECT_FALSE(shipper.enabled());
  shipper.submit(failures(0, 2));
  EXPECT_EQ(
      shipper.finish(2),
      std::vector<std::string>{"2 failed requests were not shipped: LOGTAIL_TOKEN is not set."});
  FailureShipper quiet(ShipperConfig{});
  EXPECT_TRUE(quiet.finish(0).empty());
}

TEST(FailureShipper, DestroyedWithoutFinishDoesNotHang) {
  RecordingServer server([](const ReceivedRequest&, std::uint64_t) {
    ScriptedResponse response;
    response.hang = true;
    return response;
  });
  const auto start = Clock::now();
  {
    FailureShipper shipper(betterstack_config(server.url("/")));
    shipper.submit(failures(0, 5));
    while (server.request_count() == 0) std::this_thread::sleep_for(10ms);
  }
  EXPECT_LT(Clock::now() - start, 2s);
}

}  // namespace
}  // namespace ccload::sinks
