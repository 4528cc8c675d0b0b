#pragma once
// Statistics of a run (or of one worker's share of it): per-worker, merged after the workers join.
// add() never allocates.

#include <array>
#include <cstdint>
#include <map>

#include "core/record.hpp"
#include "stats/histogram.hpp"
#include "stats/timeline.hpp"

namespace ccload::stats {

// Summary figures of one timing, in seconds.
struct TimingSummary {
  std::uint64_t count = 0;
  double min = 0, max = 0, mean = 0, p50 = 0, p90 = 0, p95 = 0, p99 = 0, p999 = 0;
};
TimingSummary summarize(const Histogram& histogram);

// A request that waited longer than this past its scheduled time counts as having waited (1 ms).
inline constexpr std::int64_t kWaitedThresholdNs = 1'000'000;

struct RunStats {
  // Latency histograms cover every request that received a complete response (any status);
  // `connect` covers the requests that opened a connection (successfully). `service` is total
  // minus wait: from the send, what the server (and the network) took.
  Histogram total, ttfb, ttlb, connect, service;
  // Every request: how long it waited past its scheduled time for a connection (rate mode).
  Histogram wait;
  std::uint64_t waited = 0;  // requests that waited more than kWaitedThresholdNs
  // False for a closed-model run, where no request waits (wait_ns is 0, service equals total):
  // add() then skips `wait` and `service`, and stats::summarize() fills them in bulk (two
  // histogram records less per request on the hot path). Merged stats keep waits only when every
  // part did.
  bool record_waits = true;
  // --latency-includes-failures: a request that failed without a response (a transport error)
  // also goes into `total` and `service`, timed from its due time to its failure, as k6 and
  // vegeta time every request. Off: those cover the requests that got a response.
  bool latency_includes_failures = false;

  std::uint64_t requests = 0;    // records added
  std::uint64_t succeeded = 0;   // status 200-399
  std::uint64_t failed = 0;      // everything else, transport errors included
  std::uint64_t bytes = 0;       // response body bytes received (core::Record::bytes)
  std::uint64_t redirected = 0;  // records with at least one redirect hop

  // Counts by HTTP status (index = status code, 0..999: llhttp accepts any three digits, so 999 is
  // counted, not lost; index 0 is never a response) and by transport error category (index =
  // ErrorCategory).
  std::array<std::uint64_t, 1000> by_status{};
  std::array<std::uint64_t, kErrorCategoryCount> by_error{};
  // The tls failures of by_error by reason (index = TlsReason; a failure without a reason is
  // counted as `other`, so index 0 stays 0). Their sum is by_error[tls].
  std::array<std::uint64_t, kTlsReasonCount> by_tls_reason{};

  // --check: requests whose checks were evaluated, and per check (index = its place in the run's
  // --check list) how many of those failed it; passed = checked - check_failed[i].
  std::uint64_t checked = 0;
  std::array<std::uint64_t, kMaxChecks> check_failed{};
  std::uint64_t body_capped = 0;  // of the check failures: bodies longer than --body-cap

  // Filled by the engine (it knows each request's second); add() does not touch it.
  Timeline timeline;

  void add(const Record& record);
  void merge(const RunStats& other);
  // Every count and histogram back to zero (record_waits, latency_includes_failures and the
  // timeline stay).
  void clear();

  std::map<int, std::uint64_t> status_counts() const;  // non-zero entries only, excluding 0
};

}  // namespace ccload::stats
