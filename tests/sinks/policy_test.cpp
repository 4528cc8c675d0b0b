// Retry decisions, backoff and the report wording: pure functions.

#include "sinks/policy.hpp"

#include <gtest/gtest.h>

namespace ccload::sinks {
namespace {

using namespace std::chrono_literals;

TEST(Classify, SuccessRetryGiveUpRejected) {
  for (int status : {200, 202, 204, 299}) EXPECT_EQ(classify(status), Verdict::shipped) << status;
  for (int status : {0, 429, 500, 502, 503, 504, 599}) {
    EXPECT_EQ(classify(status), Verdict::retry) << status;
  }
  for (int status : {400, 404, 413, 422, 100, 301, 302, 600}) {
    EXPECT_EQ(classify(status), Verdict::give_up) << status;
  }
  EXPECT_EQ(classify(401), Verdict::rejected);
  EXPECT_EQ(classify(403), Verdict::rejected);
}

TEST(Backoff, DoublesFromAQuarterSecondUpToTwoSeconds) {
  EXPECT_EQ(backoff_delay(1), 250ms);
  EXPECT_EQ(backoff_delay(2), 500ms);
  EXPECT_EQ(backoff_delay(3), 1000ms);
  EXPECT_EQ(backoff_delay(4), 2000ms);
  EXPECT_EQ(backoff_delay(9), 2000ms);
  EXPECT_EQ(backoff_delay(0), 250ms);
  EXPECT_LE(kMaxTries, 5);
  EXPECT_GE(kMaxTries, 3);
}

TEST(RetryAfter, SecondsAndHttpDates) {
  // 1445412480 is Wed, 21 Oct 2015 07:28:00 GMT.
  const std::int64_t now = 1445412480;
  EXPECT_EQ(parse_retry_after("3", now), 3000ms);
  EXPECT_EQ(parse_retry_after(" 0 ", now), 0ms);
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now), 10'000ms);
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now), 0ms) << "a past date";
  EXPECT_EQ(parse_retry_after("Wednesday, 21-Oct-15 07:28:20 GMT", now), 20'000ms) << "RFC 850";
  EXPECT_EQ(parse_retry_after("Wed Oct 21 07:28:30 2015", now), 30'000ms) << "asctime";
  EXPECT_EQ(parse_retry_after("99999999999999999999999", now), kMaxRetryAfter);
  for (const char* bad : {"", "soon", "-1", "1.5", "21 Oct 2015", "Wed, 21 Oct 2015 07:28:10"}) {
    EXPECT_FALSE(parse_retry_after(bad, now).has_value()) << bad;
  }
}

TEST(RetryAfter, WinsOverTheBackoffWhenLongerUpToItsCap) {
  EXPECT_EQ(retry_delay(1, std::nullopt), 250ms);
  EXPECT_EQ(retry_delay(1, 100ms), 250ms) << "never sooner than the backoff";
  EXPECT_EQ(retry_delay(1, 5000ms), 5000ms);
  EXPECT_EQ(retry_delay(3, 600'000ms), kMaxRetryAfter);
}

SinkOutcome betterstack() {
  SinkOutcome outcome;
  outcome.sink = "Betterstack";
  outcome.host = "in.logs.betterstack.com";
  outcome.credential = "LOGTAIL_TOKEN";
  outcome.deadline_s = 10;
  return outcome;
}

const FailureStore kStore{"load.db", 7};

TEST(ReportLine, AllShipped) {
  SinkOutcome outcome = betterstack();
  outcome.shipped = 12;
  EXPECT_EQ(report_line(outcome, 12, kStore),
            "12 failed requests shipped to Betterstack (in.logs.betterstack.com).");
  outcome.shipped = 1;
  EXPECT_EQ(report_line(outcome, 1, kStore),
            "1 failed request shipped to Betterstack (in.logs.betterstack.com).");
}

TEST(ReportLine, SomeGivenUpAfterRetries) {
  SinkOutcome outcome = betterstack();
  outcome.shipped = 9;
  outcome.last_error = "HTTP 503 after 4 tries";
  EXPECT_EQ(report_line(outcome, 12, kStore),
            "3 of 12 failed requests could not be shipped to Betterstack at "
            "in.logs.betterstack.com (HTTP 503 after 4 tries); they are in load.db, run 7.");
}

TEST(ReportLine, TokenRejected) {
  SinkOutcome outcome = betterstack();
  outcome.rejected_status = 403;
  EXPECT_EQ(report_line(outcome, 12, kStore),
            "12 failed requests were not shipped to Betterstack at in.logs.betterstack.com (the "
            "token was rejected (HTTP 403): check LOGTAIL_TOKEN); they are in load.db, run 7.");
}

TEST(ReportLine, DeadlinePassedWithTheLastErrorAndDrops) {
  SinkOutcome outcome = betterstack();
  outcome.shipped = 2;
  outcome.deadline_passed = true;
  outcome.deadline_s = 1.5;
  outcome.last_error = "connection refused";
  outcome.dropped = 4;
  EXPECT_EQ(report_line(outcome, 10, FailureStore{}),
            "8 of 10 failed requests could not be shipped to Betterstack at "
            "in.logs.betterstack.com (the final flush gave up at its 1.5 s deadline, last error: "
            "connection refused; 4 dropped because the queue was full).");
}

TEST(ReportLine, NotConfigured) {
  EXPECT_EQ(not_configured_line(12),
            "12 failed requests were not shipped: LOGTAIL_TOKEN is not set.");
  EXPECT_EQ(not_configured_line(1), "1 failed request was not shipped: LOGTAIL_TOKEN is not set.");
}

}  // namespace
}  // namespace ccload::sinks
