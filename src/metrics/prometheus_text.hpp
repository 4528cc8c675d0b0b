#pragma once
// A run's snapshot in the Prometheus text exposition format (version 0.0.4): what
// `--metrics-listen` serves at /metrics. Pure: the same snapshot gives the same text.
//
// Series (every one labelled run, shard, target):
//   ccload_requests_total                 counter: requests completed (succeeded or failed)
//   ccload_failed_requests_total          counter
//   ccload_responses_total{status}        counter: responses by HTTP status
//   ccload_errors_total{category}         counter: requests that got no response, by category
//   ccload_response_bytes_total           counter: response body bytes
//   ccload_request_duration_seconds{timing}          histogram (total, ttfb, connect, wait)
//   ccload_request_duration_quantile_seconds{timing} summary: p50, p90, p99, p99.9
//   ccload_in_flight_requests, ccload_target_rate, ccload_loop_lag_seconds,
//   ccload_elapsed_seconds, ccload_run_finished                       gauges (no target label)

#include <string>

#include "metrics/labels.hpp"
#include "stats/snapshot.hpp"

namespace ccload::metrics {

inline constexpr const char* kPrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

std::string prometheus_text(const stats::Snapshot& snapshot, const RunLabels& labels);

// A label value escaped as the format asks (backslash, double quote, newline).
std::string escape_label(const std::string& value);

}  // namespace ccload::metrics
