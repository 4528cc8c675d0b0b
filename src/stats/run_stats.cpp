#include "stats/run_stats.hpp"

namespace ccload::stats {

namespace {
double seconds(std::int64_t ns) { return static_cast<double>(ns) / 1e9; }
}  // namespace

TimingSummary summarize(const Histogram& histogram) {
  TimingSummary s;
  s.count = histogram.count();
  if (s.count == 0) return s;
  s.min = seconds(histogram.min());
  s.max = seconds(histogram.max());
  s.mean = histogram.mean() / 1e9;
  s.p50 = seconds(histogram.value_at_quantile(0.50));
  s.p90 = seconds(histogram.value_at_quantile(0.90));
  s.p95 = seconds(histogram.value_at_quantile(0.95));
  s.p99 = seconds(histogram.value_at_quantile(0.99));
  s.p999 = seconds(histogram.value_at_quantile(0.999));
  return s;
}

void RunStats::add(const Record& record) {
  ++requests;
  bytes += record.bytes;
  redirected += record.redirects > 0 ? 1 : 0;
  if (record.succeeded()) {
    ++succeeded;
  } else {
    ++failed;
  }
  if (record.error == ErrorCategory::none) {
    ++by_status[record.status < by_status.size() ? record.status : 0];
    total.record(record.total_ns);
    ttfb.record(record.ttfb_ns);
    ttlb.record(record.ttlb_ns);
    if (record_waits) service.record(record.total_ns - record.wait_ns);
  } else {
    if (latency_includes_failures) {
      total.record(record.total_ns);
      if (record_waits) service.record(record.total_ns - record.wait_ns);
    }
    const auto category = static_cast<std::size_t>(record.error);
    // A category beyond the known ones (a newer engine) is not dropped: count it as protocol.
    ++by_error[category < by_error.size() ? category
                                          : static_cast<std::size_t>(ErrorCategory::protocol)];
    if (record.error == ErrorCategory::tls) {
      // No reason named (or one beyond the known ones) is counted as `other`.
      const auto reason = static_cast<std::size_t>(record.tls_reason);
      ++by_tls_reason[reason > 0 && reason < by_tls_reason.size()
                          ? reason
                          : static_cast<std::size_t>(TlsReason::other)];
    }
  }
  if (record.checked) {
    ++checked;
    if (record.body_capped) ++body_capped;
    for (std::uint64_t bits = record.check_failures; bits != 0; bits &= bits - 1) {
      ++check_failed[static_cast<std::size_t>(__builtin_ctzll(bits))];
    }
  }
  if (record.connect_ns > 0) connect.record(record.connect_ns);
  if (record_waits) {
    wait.record(record.wait_ns);
    if (record.wait_ns > kWaitedThresholdNs) ++waited;
  }
}

void RunStats::merge(const RunStats& other) {
  total.merge(other.total);
  ttfb.merge(other.ttfb);
  ttlb.merge(other.ttlb);
  connect.merge(other.connect);
  service.merge(other.service);
  wait.merge(other.wait);
  waited += other.waited;
  record_waits = record_waits && other.record_waits;
  latency_includes_failures = latency_includes_failures || other.latency_includes_failures;
  requests += other.requests;
  succeeded += other.succeeded;
  failed += other.failed;
  bytes += other.bytes;
  redirected += other.redirected;
  for (std::size_t i = 0; i < by_status.size(); ++i) by_status[i] += other.by_status[i];
  for (std::size_t i = 0; i < by_error.size(); ++i) by_error[i] += other.by_error[i];
  for (std::size_t i = 0; i < by_tls_reason.size(); ++i) by_tls_reason[i] += other.by_tls_reason[i];
  checked += other.checked;
  body_capped += other.body_capped;
  for (std::size_t i = 0; i < check_failed.size(); ++i) check_failed[i] += other.check_failed[i];
  timeline.merge(other.timeline);
}

void RunStats::clear() {
  for (Histogram* h : {&total, &ttfb, &ttlb, &connect, &service, &wait}) h->clear();
  waited = requests = succeeded = failed = bytes = redirected = checked = body_capped = 0;
  by_status.fill(0);
  by_error.fill(0);
  by_tls_reason.fill(0);
  check_failed.fill(0);
}

std::map<int, std::uint64_t> RunStats::status_counts() const {
  std::map<int, std::uint64_t> out;
  for (std::size_t i = 1; i < by_status.size(); ++i) {
    if (by_status[i] != 0) out.emplace(static_cast<int>(i), by_status[i]);
  }
  return out;
}

}  // namespace ccload::stats
