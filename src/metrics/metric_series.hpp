#pragma once
// A run's snapshot as Prometheus series: the one list that both the text format (/metrics) and
// remote write send. Pure.
//
// Families (every series labelled run, shard; the per-target ones target too):
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
#include <utility>
#include <vector>

#include "metrics/labels.hpp"
#include "stats/snapshot.hpp"

namespace ccload::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;  // in the order written

struct Series {
  std::string name;  // with its suffix (_bucket, _sum, _count) where the type has one
  Labels labels;
  double value = 0;
};

struct MetricFamily {
  std::string name, type, help;  // type: counter, gauge, histogram, summary
  std::vector<Series> series;
};

std::vector<MetricFamily> metric_families(const stats::Snapshot& snapshot, const RunLabels& labels);

}  // namespace ccload::metrics
