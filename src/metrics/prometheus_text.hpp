#pragma once
// A run's snapshot in the Prometheus text exposition format (version 0.0.4): what
// `--metrics-listen` serves at /metrics: the series of metrics/metric_series.hpp. Pure.

#include <string>

#include "metrics/labels.hpp"
#include "stats/snapshot.hpp"

namespace ccload::metrics {

inline constexpr const char* kPrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

std::string prometheus_text(const stats::Snapshot& snapshot, const RunLabels& labels);

// A label value escaped as the format asks (backslash, double quote, newline).
std::string escape_label(const std::string& value);

}  // namespace ccload::metrics
