#include "metrics/prometheus_text.hpp"

#include <fmt/format.h>

#include <functional>
#include <utility>
#include <vector>

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

// A number as the format writes it: integers without a fraction, others to full precision.
std::string number(double value) { return fmt::format("{}", value); }

class Writer {
 public:
  explicit Writer(const RunLabels& labels)
      : common_(fmt::format("run=\"{}\",shard=\"{}\"", escape_label(labels.run),
                            escape_label(labels.shard))) {}

  void family(const char* name, const char* type, const char* help) {
    text_ += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
  }
  // `extra`: more labels, already formatted (`status="200"`), or "".
  void sample(const std::string& name, const std::string& target, const std::string& extra,
              const std::string& value) {
    text_ += name;
    text_ += '{';
    text_ += common_;
    if (!target.empty()) text_ += fmt::format(",target=\"{}\"", escape_label(target));
    if (!extra.empty()) {
      text_ += ',';
      text_ += extra;
    }
    text_ += "} ";
    text_ += value;
    text_ += '\n';
  }
  std::string take() { return std::move(text_); }

 private:
  std::string common_;
  std::string text_;
};

// The timings each part exports, by label value.
std::vector<std::pair<const char*, const stats::TimingFigures*>> timings(
    const stats::SnapshotPart& part) {
  std::vector<std::pair<const char*, const stats::TimingFigures*>> out = {
      {"total", &part.total}, {"ttfb", &part.ttfb}, {"connect", &part.connect}};
  if (part.wait) out.emplace_back("wait", &*part.wait);
  return out;
}

}  // namespace

std::string escape_label(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string prometheus_text(const stats::Snapshot& snapshot, const RunLabels& labels) {
  Writer w(labels);
  const std::vector<Part> parts = parts_of(snapshot, labels);
  const auto counter = [&](const char* name, const char* help,
                           const std::function<std::uint64_t(const stats::SnapshotPart&)>& of) {
    w.family(name, "counter", help);
    for (const auto& [part, target] : parts) w.sample(name, target, "", std::to_string(of(*part)));
  };
  counter("ccload_requests_total", "Requests completed, succeeded or failed.",
          [](const stats::SnapshotPart& p) { return p.requests; });
  counter("ccload_failed_requests_total",
          "Requests that failed: a status of 400 or more, no response, or a failed check.",
          [](const stats::SnapshotPart& p) { return p.failed; });
  counter("ccload_response_bytes_total", "Response body bytes received.",
          [](const stats::SnapshotPart& p) { return p.bytes; });

  w.family("ccload_responses_total", "counter", "Complete responses by HTTP status.");
  for (const auto& [part, target] : parts) {
    for (const auto& [status, count] : part->statuses) {
      w.sample("ccload_responses_total", target, fmt::format("status=\"{}\"", status),
               std::to_string(count));
    }
  }
  w.family("ccload_errors_total", "counter", "Requests that got no response, by error category.");
  for (const auto& [part, target] : parts) {
    for (int c = 1; c < kErrorCategoryCount; ++c) {
      if (part->errors[static_cast<std::size_t>(c)] == 0) continue;
      w.sample("ccload_errors_total", target,
               fmt::format("category=\"{}\"", to_string(static_cast<ErrorCategory>(c))),
               std::to_string(part->errors[static_cast<std::size_t>(c)]));
    }
  }

  w.family("ccload_request_duration_seconds", "histogram",
           "Request timings: total (due to last byte), ttfb, connect and wait.");
  for (const auto& [part, target] : parts) {
    for (const auto& [timing, figures] : timings(*part)) {
      const std::string label = fmt::format("timing=\"{}\"", timing);
      for (std::size_t b = 0; b < stats::kSnapshotBuckets.size(); ++b) {
        w.sample("ccload_request_duration_seconds_bucket", target,
                 fmt::format("{},le=\"{}\"", label, number(stats::kSnapshotBuckets[b])),
                 std::to_string(figures->at_or_below[b]));
      }
      w.sample("ccload_request_duration_seconds_bucket", target, label + ",le=\"+Inf\"",
               std::to_string(figures->count));
      w.sample("ccload_request_duration_seconds_sum", target, label, number(figures->sum_s));
      w.sample("ccload_request_duration_seconds_count", target, label,
               std::to_string(figures->count));
    }
  }
  w.family("ccload_request_duration_quantile_seconds", "summary",
           "Request timings over the run so far, by exact percentile (nearest rank).");
  for (const auto& [part, target] : parts) {
    for (const auto& [timing, figures] : timings(*part)) {
      const std::string label = fmt::format("timing=\"{}\"", timing);
      const stats::TimingSummary& s = figures->summary;
      for (const auto& [q, value] : {std::pair{"0.5", s.p50}, std::pair{"0.9", s.p90},
                                     std::pair{"0.99", s.p99}, std::pair{"0.999", s.p999}}) {
        w.sample("ccload_request_duration_quantile_seconds", target,
                 fmt::format("{},quantile=\"{}\"", label, q), number(value));
      }
      w.sample("ccload_request_duration_quantile_seconds_sum", target, label,
               number(figures->sum_s));
      w.sample("ccload_request_duration_quantile_seconds_count", target, label,
               std::to_string(figures->count));
    }
  }

  const auto gauge = [&](const char* name, const char* help, const std::string& value) {
    w.family(name, "gauge", help);
    w.sample(name, "", "", value);
  };
  gauge("ccload_in_flight_requests", "Requests sent and not yet completed.",
        std::to_string(snapshot.in_flight));
  gauge("ccload_target_rate", "Requests per second the schedule asks for (0: as fast as can be).",
        number(snapshot.target_rate));
  gauge("ccload_loop_lag_seconds",
        "The worst event-loop lag of ccload's workers in the last second.",
        number(snapshot.loop_lag_max_s));
  gauge("ccload_elapsed_seconds", "Time since the run's first request was due.",
        number(snapshot.elapsed_s));
  gauge("ccload_run_finished", "1 once the run is over (the figures are final).",
        snapshot.last ? "1" : "0");
  return w.take();
}

}  // namespace ccload::metrics
