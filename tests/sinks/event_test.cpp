// Event JSON and Loki payloads: pure functions of records.

#include "sinks/event.hpp"

#include <gtest/gtest.h>

namespace ccload::sinks {
namespace {

Record failed_record(std::int64_t start_ns, std::uint16_t status, std::string body = "oops") {
  Record record;
  record.request_id = 1;
  record.start_unix_ns = start_ns;
  record.total_ns = 1'500'000;  // 1.5 ms
  record.ttfb_ns = 250'000;     // 0.25 ms
  record.status = status;
  record.body = std::move(body);
  return record;
}

const EventContext kContext{"http://example.test/flaky/10", "GET", 7};

TEST(Rfc3339, UtcWithNanosecondFraction) {
  EXPECT_EQ(rfc3339_utc(0), "1970-01-01T00:00:00.000000000Z");
  EXPECT_EQ(rfc3339_utc(1'714'566'896'123'456'789), "2024-05-01T12:34:56.123456789Z");
  EXPECT_EQ(rfc3339_utc(951'782'400'000'000'001), "2000-02-29T00:00:00.000000001Z");
  EXPECT_EQ(rfc3339_utc(-1), "1969-12-31T23:59:59.999999999Z");
}

TEST(Event, HasTheSeedFieldsPlusErrorRunAndTimes) {
  const auto event = make_event(failed_record(1'714'566'896'123'456'789, 500, "boom"), kContext);
  EXPECT_EQ(event["dt"], "2024-05-01T12:34:56.123456789Z");
  EXPECT_EQ(event["timestamp"], "1714566896123456789");
  EXPECT_EQ(event["url"], "http://example.test/flaky/10");
  EXPECT_EQ(event["status"], 500);
  EXPECT_EQ(event["method"], "GET");
  EXPECT_EQ(event["body"], "boom");
  EXPECT_EQ(event["error"], "http");
  EXPECT_EQ(event["run_id"], 7);
  EXPECT_DOUBLE_EQ(event["ttfb"].get<double>(), 0.00025);
  EXPECT_DOUBLE_EQ(event["total"].get<double>(), 0.0015);
  EXPECT_EQ(event.size(), 10u);
}

// A check failure keeps its status and names the --check expressions it failed (its bits).
TEST(Event, ACheckFailureNamesTheChecksItFailed) {
  Record record = failed_record(1'700'000'000'000'000'000, 200, R"({"error": "down"})");
  record.error = ErrorCategory::check;
  record.checked = true;
  record.check_failures = 0b101;
  EventContext context = kContext;
  context.checks = {"body!~error", "status==200", "json./id exists"};
  const nlohmann::json event = make_event(record, context);
  EXPECT_EQ(event["error"], "check");
  EXPECT_EQ(event["status"], 200);
  EXPECT_EQ(event["checks_failed"], (nlohmann::json{"body!~error", "json./id exists"}));
  EXPECT_FALSE(make_event(failed_record(1, 500), kContext).contains("checks_failed"));
}

TEST(Event, TransportErrorHasStatusZeroAndItsCategory) {
  Record record = failed_record(1, 0, "");
  record.error = ErrorCategory::connect;
  const auto event = make_event(record, kContext);
  EXPECT_EQ(event["status"], 0);
  EXPECT_EQ(event["error"], "connect");
  EXPECT_EQ(event["body"], "");
}

TEST(Event, ATlsErrorNamesItsReasonAndOnlyATlsError) {
  Record record = failed_record(1, 0, "");
  record.error = ErrorCategory::tls;
  record.tls_reason = TlsReason::unknown_ca;
  EXPECT_EQ(make_event(record, kContext)["tls_reason"], "unknown_ca");
  record.tls_reason = TlsReason::none;
  EXPECT_EQ(make_event(record, kContext)["tls_reason"], "other");
  record.error = ErrorCategory::connect;
  EXPECT_FALSE(make_event(record, kContext).contains("tls_reason"));
}

TEST(Event, BinaryBodyStillMakesValidJson) {
  const std::string body("\xff\xfe\x00ok\xc3", 6);
  const std::string text = betterstack_payload(std::vector{failed_record(1, 502, body)}, kContext);
  const auto parsed = nlohmann::json::parse(text);  // throws on invalid JSON / UTF-8
  ASSERT_TRUE(parsed.is_array());
  const std::string shipped = parsed[0]["body"];
  EXPECT_NE(shipped.find("ok"), std::string::npos);
  EXPECT_NE(shipped.find("\xef\xbf\xbd"), std::string::npos) << "U+FFFD replaces invalid bytes";
}

TEST(Event, BodyAtTheCaptureLimitIsKeptWhole) {
  std::string body(kCapturedBodyLimit, 'x');
  body += "\n[ccload: body cut at 8192 of 20000 bytes]";
  const auto event = make_event(failed_record(1, 500, body), kContext);
  EXPECT_EQ(event["body"], body);
}

TEST(BetterstackPayload, IsAJsonArrayInOrder) {
  std::vector<Record> records;
  for (int i = 0; i < 5; ++i) records.push_back(failed_record(1000 + i, 500, std::to_string(i)));
  const auto parsed = nlohmann::json::parse(betterstack_payload(records, kContext));
  ASSERT_TRUE(parsed.is_array());
  ASSERT_EQ(parsed.size(), 5u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(parsed[i]["body"], std::to_string(i));
  EXPECT_EQ(nlohmann::json::parse(betterstack_payload({}, kContext)), nlohmann::json::array());
}

TEST(LokiPayload, OneStreamPerStatusWithLabelsAndTimeOrderedValues) {
  std::vector<Record> records{failed_record(30, 500, "c"), failed_record(10, 500, "a"),
                              failed_record(20, 503, "b")};
  records.push_back(failed_record(5, 0, ""));
  records.back().error = ErrorCategory::timeout;
  const auto parsed = nlohmann::json::parse(loki_payload(records, kContext));
  const auto& streams = parsed["streams"];
  ASSERT_EQ(streams.size(), 3u);
  std::size_t values = 0;
  for (const auto& stream : streams) {
    EXPECT_EQ(stream["stream"]["job"], "ccload");
    EXPECT_EQ(stream["stream"]["method"], "GET");
    EXPECT_EQ(stream["stream"].size(), 3u);
    std::string previous;
    for (const auto& value : stream["values"]) {
      ++values;
      ASSERT_EQ(value.size(), 2u);
      const std::string ns = value[0];
      const auto line = nlohmann::json::parse(value[1].get<std::string>());
      EXPECT_EQ(line["timestamp"], ns);
      EXPECT_EQ(std::to_string(line["status"].get<int>()), stream["stream"]["status"]);
      if (!previous.empty()) {
        EXPECT_LT(std::stoll(previous), std::stoll(ns));
      }
      previous = ns;
    }
  }
  EXPECT_EQ(values, 4u);
  EXPECT_EQ(streams[0]["stream"]["status"], "0");
  EXPECT_EQ(streams[1]["stream"]["status"], "500");
  EXPECT_EQ(streams[1]["values"][0][0], "10");
  EXPECT_EQ(streams[1]["values"][1][0], "30");
}

TEST(LokiPushUrl, AppendsThePushPathOnce) {
  EXPECT_EQ(loki_push_url("http://loki:3100"), "http://loki:3100/loki/api/v1/push");
  EXPECT_EQ(loki_push_url("http://loki:3100/"), "http://loki:3100/loki/api/v1/push");
  EXPECT_EQ(loki_push_url("https://x/loki/api/v1/push"), "https://x/loki/api/v1/push");
  EXPECT_EQ(loki_push_url("https://x/prefix"), "https://x/prefix/loki/api/v1/push");
}

}  // namespace
}  // namespace ccload::sinks
