// The Prometheus text of a snapshot: the series a query needs, labelled, with valid histograms.

#include "metrics/prometheus_text.hpp"

#include <gtest/gtest.h>

#include <string>

#include "stats/interval.hpp"

namespace ccload::metrics {
namespace {

Record response(int status, std::int64_t total_ns) {
  Record r;
  r.status = static_cast<std::uint16_t>(status);
  r.total_ns = r.ttlb_ns = total_ns;
  r.ttfb_ns = total_ns / 2;
  r.bytes = 10;
  return r;
}

stats::Snapshot snapshot_of(const std::vector<Record>& records) {
  stats::IntervalStats second;
  for (const Record& r : records) second.add(r);
  stats::Snapshot s;
  s.second = 2;
  s.elapsed_s = 3;
  s.in_flight = 4;
  s.run = stats::snapshot_part(second, second.stats);
  return s;
}

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos || text.starts_with(line + "\n");
}

const RunLabels kLabels{"nightly", "1/1", {"http://127.0.0.1:8080/"}};

TEST(PrometheusText, CountsByStatusAndErrorCarryTheRunsLabels) {
  Record timeout;
  timeout.error = ErrorCategory::timeout;
  const std::string text =
      prometheus_text(snapshot_of({response(200, 1'000'000), response(200, 2'000'000),
                                   response(503, 3'000'000), timeout}),
                      kLabels);
  const std::string labels = R"(run="nightly",shard="1/1",target="http://127.0.0.1:8080/")";
  EXPECT_TRUE(has_line(text, "ccload_requests_total{" + labels + "} 4")) << text;
  EXPECT_TRUE(has_line(text, "ccload_failed_requests_total{" + labels + "} 2")) << text;
  EXPECT_TRUE(has_line(text, "ccload_responses_total{" + labels + R"(,status="200"} 2)")) << text;
  EXPECT_TRUE(has_line(text, "ccload_responses_total{" + labels + R"(,status="503"} 1)")) << text;
  EXPECT_TRUE(has_line(text, "ccload_errors_total{" + labels + R"(,category="timeout"} 1)"))
      << text;
  EXPECT_TRUE(has_line(text, "ccload_response_bytes_total{" + labels + "} 30")) << text;
  EXPECT_TRUE(has_line(text, R"(ccload_in_flight_requests{run="nightly",shard="1/1"} 4)")) << text;
  EXPECT_TRUE(has_line(text, "# TYPE ccload_request_duration_seconds histogram")) << text;
}

TEST(PrometheusText, HistogramBucketsAreCumulativeAndEndInTheCount) {
  const std::string text = prometheus_text(
      snapshot_of({response(200, 700'000), response(200, 3'000'000), response(200, 20'000'000)}),
      kLabels);
  const std::string prefix =
      R"(ccload_request_duration_seconds_bucket{run="nightly",shard="1/1",target="http://127.0.0.1:8080/",timing="total",le=")";
  EXPECT_TRUE(has_line(text, prefix + R"(0.0005"} 0)")) << text;
  EXPECT_TRUE(has_line(text, prefix + R"(0.001"} 1)")) << text;
  EXPECT_TRUE(has_line(text, prefix + R"(0.005"} 2)")) << text;
  EXPECT_TRUE(has_line(text, prefix + R"(0.025"} 3)")) << text;
  EXPECT_TRUE(has_line(text, prefix + R"(+Inf"} 3)")) << text;
  EXPECT_NE(text.find(R"(timing="total",quantile="0.99"} 0.02)"), std::string::npos) << text;
}

TEST(PrometheusText, LabelValuesAreEscaped) {
  EXPECT_EQ(escape_label("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
}

}  // namespace
}  // namespace ccload::metrics
