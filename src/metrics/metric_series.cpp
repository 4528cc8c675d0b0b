#include "metrics/metric_series.hpp"

#include <fmt/format.h>

#include <functional>

namespace ccload::metrics {

namespace {

// A part of the snapshot with the target label it is exported under.
using Part = std::pair<const stats::SnapshotPart*, std::string>;

std::vector<Part> parts_of(const stats::Snapshot& snapshot, const RunLabels& labels) {
  std::vector<Part> parts;
  if (snapshot.targets.empty()) {
    parts.emplace_back(&snapshot.run, labels.targets.size() == 1 ? labels.targets[0] : "*");
    return parts;
  }
  for (std::size_t t = 0; t < snapshot.targets.size(); ++t) {
    parts.emplace_back(&snapshot.targets[t], t < labels.targets.size() ? labels.targets[t] : "?");
  }
  return parts;
}

// The timings each part exports, by label value.
std::vector<std::pair<const char*, const stats::TimingFigures*>> timings(
    const stats::SnapshotPart& part) {
  std::vector<std::pair<const char*, const stats::TimingFigures*>> out = {
      {"total", &part.total}, {"ttfb", &part.ttfb}, {"connect", &part.connect}};
  if (part.wait) out.emplace_back("wait", &*part.wait);
  return out;
}

class Builder {
 public:
  explicit Builder(const RunLabels& labels) : run_{{"run", labels.run}, {"shard", labels.shard}} {}

  MetricFamily& family(const char* name, const char* type, const char* help) {
    return families_.emplace_back(MetricFamily{name, type, help, {}});
  }
  // A series of the last family: the run's labels, `target` (when not empty), then `extra`.
  void add(const std::string& name, const std::string& target, Labels extra, double value) {
    Labels labels = run_;
    if (!target.empty()) labels.emplace_back("target", target);
    for (auto& label : extra) labels.push_back(std::move(label));
    families_.back().series.push_back({name, std::move(labels), value});
  }
  std::vector<MetricFamily> take() { return std::move(families_); }

 private:
  Labels run_;
  std::vector<MetricFamily> families_;
};

double as_value(std::uint64_t count) { return static_cast<double>(count); }

}  // namespace

std::vector<MetricFamily> metric_families(const stats::Snapshot& snapshot,
                                          const RunLabels& labels) {
  Builder b(labels);
  const std::vector<Part> parts = parts_of(snapshot, labels);
  const auto counter = [&](const char* name, const char* help,
                           const std::function<std::uint64_t(const stats::SnapshotPart&)>& of) {
    b.family(name, "counter", help);
    for (const auto& [part, target] : parts) b.add(name, target, {}, as_value(of(*part)));
  };
  counter("ccload_requests_total", "Requests completed, succeeded or failed.",
          [](const stats::SnapshotPart& p) { return p.requests; });
  counter("ccload_failed_requests_total",
          "Requests that failed: a status of 400 or more, no response, or a failed check.",
          [](const stats::SnapshotPart& p) { return p.failed; });
  counter("ccload_response_bytes_total", "Response body bytes received.",
          [](const stats::SnapshotPart& p) { return p.bytes; });

  b.family("ccload_responses_total", "counter", "Complete responses by HTTP status.");
  for (const auto& [part, target] : parts) {
    for (const auto& [status, count] : part->statuses) {
      b.add("ccload_responses_total", target, {{"status", std::to_string(status)}},
            as_value(count));
    }
  }
  b.family("ccload_errors_total", "counter", "Requests that got no response, by error category.");
  for (const auto& [part, target] : parts) {
    for (int c = 1; c < kErrorCategoryCount; ++c) {
      const std::uint64_t count = part->errors[static_cast<std::size_t>(c)];
      if (count == 0) continue;
      b.add("ccload_errors_total", target,
            {{"category", std::string(to_string(static_cast<ErrorCategory>(c)))}}, as_value(count));
    }
  }

  b.family("ccload_request_duration_seconds", "histogram",
           "Request timings: total (due to last byte), ttfb, connect and wait.");
  for (const auto& [part, target] : parts) {
    for (const auto& [timing, figures] : timings(*part)) {
      for (std::size_t i = 0; i < stats::kSnapshotBuckets.size(); ++i) {
        b.add("ccload_request_duration_seconds_bucket", target,
              {{"timing", timing}, {"le", fmt::format("{}", stats::kSnapshotBuckets[i])}},
              as_value(figures->at_or_below[i]));
      }
      b.add("ccload_request_duration_seconds_bucket", target, {{"timing", timing}, {"le", "+Inf"}},
            as_value(figures->count));
      b.add("ccload_request_duration_seconds_sum", target, {{"timing", timing}}, figures->sum_s);
      b.add("ccload_request_duration_seconds_count", target, {{"timing", timing}},
            as_value(figures->count));
    }
  }
  b.family("ccload_request_duration_quantile_seconds", "summary",
           "Request timings over the run so far, by exact percentile (nearest rank).");
  for (const auto& [part, target] : parts) {
    for (const auto& [timing, figures] : timings(*part)) {
      const stats::TimingSummary& s = figures->summary;
      for (const auto& [q, value] : {std::pair{"0.5", s.p50}, std::pair{"0.9", s.p90},
                                     std::pair{"0.99", s.p99}, std::pair{"0.999", s.p999}}) {
        b.add("ccload_request_duration_quantile_seconds", target,
              {{"timing", timing}, {"quantile", q}}, value);
      }
      b.add("ccload_request_duration_quantile_seconds_sum", target, {{"timing", timing}},
            figures->sum_s);
      b.add("ccload_request_duration_quantile_seconds_count", target, {{"timing", timing}},
            as_value(figures->count));
    }
  }

  const auto gauge = [&](const char* name, const char* help, double value) {
    b.family(name, "gauge", help);
    b.add(name, "", {}, value);
  };
  gauge("ccload_in_flight_requests", "Requests sent and not yet completed.",
        as_value(snapshot.in_flight));
  gauge("ccload_target_rate", "Requests per second the schedule asks for (0: as fast as can be).",
        snapshot.target_rate);
  gauge("ccload_loop_lag_seconds",
        "The worst event-loop lag of ccload's workers in the last second.",
        snapshot.loop_lag_max_s);
  gauge("ccload_elapsed_seconds", "Time since the run's first request was due.",
        snapshot.elapsed_s);
  gauge("ccload_run_finished", "1 once the run is over (the figures are final).",
        snapshot.last ? 1 : 0);
  return b.take();
}

}  // namespace ccload::metrics
