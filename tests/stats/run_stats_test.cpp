#include "stats/run_stats.hpp"

#include <gtest/gtest.h>

#include "stats/alloc_counter.hpp"
#include "stats/run_summary.hpp"

#include <algorithm>
#include <cstdint>
#include <map>

namespace ccload::stats {
namespace {

Record response(int status, std::int64_t total_ns, std::int64_t connect_ns = 0,
                std::uint64_t bytes = 100) {
  Record r;
  r.status = static_cast<std::uint16_t>(status);
  r.total_ns = total_ns;
  r.ttfb_ns = total_ns / 2;
  r.ttlb_ns = total_ns - 10;
  r.connect_ns = connect_ns;
  r.bytes = bytes;
  return r;
}

Record transport_error(ErrorCategory category, std::int64_t connect_ns = 0) {
  Record r;
  r.error = category;
  r.total_ns = 5'000'000;
  r.connect_ns = connect_ns;
  r.bytes = 7;
  return r;
}

TEST(Summarize, EmptyIsZero) {
  const TimingSummary s = summarize(Histogram());
  EXPECT_EQ(s.count, 0u);
  EXPECT_EQ(s.min, 0);
  EXPECT_EQ(s.max, 0);
  EXPECT_EQ(s.mean, 0);
  EXPECT_EQ(s.p50, 0);
  EXPECT_EQ(s.p999, 0);
}

TEST(Summarize, ConvertsToSeconds) {
  Histogram h;
  for (int i = 1; i <= 1000; ++i) h.record(std::int64_t{i} * 1'000'000);  // 1 ms .. 1 s
  const TimingSummary s = summarize(h);
  EXPECT_EQ(s.count, 1000u);
  EXPECT_DOUBLE_EQ(s.min, 0.001);
  EXPECT_DOUBLE_EQ(s.max, 1.0);
  EXPECT_DOUBLE_EQ(s.mean, 0.5005);
  EXPECT_NEAR(s.p50, 0.500, 0.0005);
  EXPECT_NEAR(s.p90, 0.900, 0.0009);
  EXPECT_NEAR(s.p95, 0.950, 0.00095);
  EXPECT_NEAR(s.p99, 0.990, 0.00099);
  EXPECT_NEAR(s.p999, 0.999, 0.000999);
}

TEST(RunStats, AddCountsResponsesAndErrors) {
  RunStats stats;
  stats.add(response(200, 10'000'000, 2'000'000));
  stats.add(response(200, 20'000'000));
  stats.add(response(302, 30'000'000));
  stats.add(response(404, 40'000'000));
  stats.add(response(503, 50'000'000, 3'000'000));
  stats.add(response(700, 60'000'000));  // outside 100-599: still counted, as a failure
  stats.add(transport_error(ErrorCategory::timeout, 4'000'000));
  stats.add(transport_error(ErrorCategory::connect));
  stats.add(transport_error(ErrorCategory::timeout));

  EXPECT_EQ(stats.requests, 9u);
  EXPECT_EQ(stats.succeeded, 3u);
  EXPECT_EQ(stats.failed, 6u);
  EXPECT_EQ(stats.bytes, 6u * 100 + 3u * 7);

  EXPECT_EQ(stats.by_status[200], 2u);
  EXPECT_EQ(stats.by_status[302], 1u);
  EXPECT_EQ(stats.by_status[404], 1u);
  EXPECT_EQ(stats.by_status[503], 1u);
  EXPECT_EQ(stats.by_status[700], 1u);
  EXPECT_EQ(stats.by_status[0], 0u);
  EXPECT_EQ(stats.by_error[static_cast<int>(ErrorCategory::timeout)], 2u);
  EXPECT_EQ(stats.by_error[static_cast<int>(ErrorCategory::connect)], 1u);
  EXPECT_EQ(stats.by_error[static_cast<int>(ErrorCategory::none)], 0u);

  const std::map<int, std::uint64_t> expected{{200, 2}, {302, 1}, {404, 1}, {503, 1}, {700, 1}};
  EXPECT_EQ(stats.status_counts(), expected);

  // Latency histograms cover the six responses only; connect covers the three connects.
  EXPECT_EQ(stats.total.count(), 6u);
  EXPECT_EQ(stats.ttfb.count(), 6u);
  EXPECT_EQ(stats.ttlb.count(), 6u);
  EXPECT_EQ(stats.total.min(), 10'000'000);
  EXPECT_EQ(stats.total.max(), 60'000'000);
  EXPECT_EQ(stats.ttfb.max(), 30'000'000);
  EXPECT_EQ(stats.ttlb.min(), 10'000'000 - 10);
  EXPECT_EQ(stats.connect.count(), 3u);
  EXPECT_EQ(stats.connect.min(), 2'000'000);
  EXPECT_EQ(stats.connect.max(), 4'000'000);
}

// --latency-includes-failures: transport failures are timed into total and service (to their
// failure), as k6 and vegeta time every request; first and last byte stay the responses'.
TEST(RunStats, FailuresGoIntoTheLatencyOnlyWhenAsked) {
  for (const bool include : {false, true}) {
    RunStats stats;
    stats.latency_includes_failures = include;
    stats.add(response(200, 10'000'000));
    stats.add(response(500, 20'000'000));
    Record timeout = transport_error(ErrorCategory::timeout);
    timeout.total_ns = 900'000'000;
    timeout.wait_ns = 100'000'000;
    stats.add(timeout);
    EXPECT_EQ(stats.total.count(), include ? 3u : 2u);
    EXPECT_EQ(stats.total.max(), include ? 900'000'000 : 20'000'000);
    EXPECT_EQ(stats.service.count(), include ? 3u : 2u);
    EXPECT_EQ(stats.service.max(), include ? 800'000'000 : 20'000'000);
    EXPECT_EQ(stats.ttfb.count(), 2u);
    EXPECT_EQ(stats.ttlb.count(), 2u);
    EXPECT_EQ(stats.by_error[static_cast<int>(ErrorCategory::timeout)], 1u);
  }
}

TEST(RunStats, TlsErrorsAreCountedByReasonAndMerged) {
  auto tls = [](TlsReason reason) {
    Record record = transport_error(ErrorCategory::tls);
    record.tls_reason = reason;
    return record;
  };
  RunStats a, b;
  a.add(tls(TlsReason::expired));
  a.add(tls(TlsReason::expired));
  a.add(tls(TlsReason::none));
  b.add(tls(TlsReason::host_name));
  b.add(tls(TlsReason::expired));
  Record timeout = transport_error(ErrorCategory::timeout);
  timeout.tls_reason = TlsReason::handshake;  // a reason without a tls error is not counted
  b.add(timeout);
  a.merge(b);
  EXPECT_EQ(a.by_error[static_cast<int>(ErrorCategory::tls)], 5u);
  EXPECT_EQ(a.by_tls_reason[static_cast<int>(TlsReason::expired)], 3u);
  EXPECT_EQ(a.by_tls_reason[static_cast<int>(TlsReason::host_name)], 1u);
  EXPECT_EQ(a.by_tls_reason[static_cast<int>(TlsReason::other)], 1u);  // no reason named
  EXPECT_EQ(a.by_tls_reason[static_cast<int>(TlsReason::none)], 0u);
  EXPECT_EQ(a.by_tls_reason[static_cast<int>(TlsReason::handshake)], 0u);
  const RunSummary summary = summarize(a, RunFacts{});
  EXPECT_EQ(summary.tls_reasons, a.by_tls_reason);
  const auto lines = findings(summary);
  EXPECT_NE(std::find_if(lines.begin(), lines.end(),
                         [](const std::string& line) {
                           return line.rfind("3 requests failed as tls (tls: expired): ", 0) == 0;
                         }),
            lines.end());
}

TEST(RunStats, AddDoesNotAllocate) {
  RunStats stats;
  const Record records[] = {response(200, 1'000'000, 500'000), response(404, 2'000'000),
                            response(999, 3'000'000), transport_error(ErrorCategory::read)};
  const std::uint64_t before = test::allocation_count();
  for (int i = 0; i < 1000; ++i) {
    for (const Record& r : records) stats.add(r);
  }
  EXPECT_EQ(test::allocation_count(), before);
  EXPECT_EQ(stats.requests, 4000u);
}

TEST(RunStats, EveryThreeDigitStatusIsCountedVisibly) {
  RunStats stats;
  EXPECT_TRUE(stats.status_counts().empty());
  stats.add(response(999, 1'000));
  const std::map<int, std::uint64_t> expected{{999, 1}};
  EXPECT_EQ(stats.status_counts(), expected);
  EXPECT_EQ(stats.failed, 1u);
}

TEST(RunStats, MergeSumsEverything) {
  RunStats a, b, all;
  const Record records_a[] = {response(200, 1'000'000, 500'000), response(500, 2'000'000),
                              transport_error(ErrorCategory::tls, 700'000)};
  const Record records_b[] = {response(200, 3'000'000), response(201, 4'000'000, 800'000),
                              transport_error(ErrorCategory::read),
                              transport_error(ErrorCategory::tls)};
  for (const Record& r : records_a) {
    a.add(r);
    all.add(r);
  }
  for (const Record& r : records_b) {
    b.add(r);
    all.add(r);
  }
  a.merge(b);
  EXPECT_EQ(a.requests, all.requests);
  EXPECT_EQ(a.succeeded, all.succeeded);
  EXPECT_EQ(a.failed, all.failed);
  EXPECT_EQ(a.bytes, all.bytes);
  EXPECT_EQ(a.by_status, all.by_status);
  EXPECT_EQ(a.by_error, all.by_error);
  EXPECT_EQ(a.total, all.total);
  EXPECT_EQ(a.ttfb, all.ttfb);
  EXPECT_EQ(a.ttlb, all.ttlb);
  EXPECT_EQ(a.connect, all.connect);
  EXPECT_EQ(a.status_counts(), all.status_counts());
  EXPECT_EQ(a.by_error[static_cast<int>(ErrorCategory::tls)], 2u);
  EXPECT_EQ(a.requests, 7u);
  EXPECT_EQ(a.succeeded, 3u);
  EXPECT_EQ(a.connect.count(), 3u);
}

// --check tallies: each checked record counts once, each failed check by its bit; merging adds
// them; an unchecked record (a transport error) counts in neither.
TEST(RunStats, CheckTalliesAddAndMerge) {
  RunStats a, b;
  Record passed;
  passed.status = 200;
  passed.checked = true;
  Record failed = passed;
  failed.error = ErrorCategory::check;
  failed.check_failures = 0b110;
  Record lost;
  lost.error = ErrorCategory::read;
  a.add(passed);
  a.add(failed);
  b.add(failed);
  b.add(lost);
  a.merge(b);
  EXPECT_EQ(a.checked, 3u);
  EXPECT_EQ(a.check_failed[0], 0u);
  EXPECT_EQ(a.check_failed[1], 2u);
  EXPECT_EQ(a.check_failed[2], 2u);
  EXPECT_EQ(a.by_error[static_cast<std::size_t>(ErrorCategory::check)], 2u);
  RunFacts facts;
  facts.checks = {"status==200", "body!~error", "size<10"};
  const RunSummary s = summarize(a, facts);
  ASSERT_EQ(s.checks.size(), 3u);
  EXPECT_EQ(s.checks[1].expression, "body!~error");
  EXPECT_EQ(s.checks[1].passed, 1u);
  EXPECT_EQ(s.checks[1].failed, 2u);
  EXPECT_EQ(s.checks[0].passed, 3u);
}

}  // namespace
}  // namespace ccload::stats
