#include "metrics/influx_lines.hpp"

#include <fmt/format.h>

#include <map>

namespace ccload::metrics {

namespace {

// ",run=R,shard=S" (an empty value is left out: the protocol has no empty tags).
std::string tag(const char* name, const std::string& value) {
  return value.empty() ? std::string() : fmt::format(",{}={}", name, escape_tag(value));
}

std::map<int, std::uint64_t> statuses(const stats::SnapshotPart* part) {
  std::map<int, std::uint64_t> out;
  if (part != nullptr) {
    for (const auto& [status, count] : part->statuses) out[status] = count;
  }
  return out;
}

void part_lines(std::string& out, const stats::SnapshotPart& part,
                const stats::SnapshotPart* previous, const std::string& tags, std::int64_t ns) {
  out += fmt::format("ccload{} requests={}i,failed={}i,bytes={}i", tags, part.second_requests,
                     part.second_failed, part.second_bytes);
  if (part.second_total.count > 0) {
    const stats::TimingSummary& s = part.second_total;
    out += fmt::format(",latency_p50={},latency_p90={},latency_p99={},latency_max={}", s.p50, s.p90,
                       s.p99, s.max);
  }
  out += fmt::format(",requests_total={}i,failed_total={}i {}\n", part.requests, part.failed, ns);
  const std::map<int, std::uint64_t> before = statuses(previous);
  for (const auto& [status, count] : part.statuses) {
    const auto found = before.find(status);
    const std::uint64_t earlier = found == before.end() ? 0 : found->second;
    if (count > earlier) {
      out += fmt::format("ccload_status{},status={} count={}i {}\n", tags, status, count - earlier,
                         ns);
    }
  }
  for (int c = 1; c < kErrorCategoryCount; ++c) {
    const auto i = static_cast<std::size_t>(c);
    const std::uint64_t earlier = previous != nullptr ? previous->errors[i] : 0;
    if (part.errors[i] > earlier) {
      out += fmt::format("ccload_errors{},category={} count={}i {}\n", tags,
                         to_string(static_cast<ErrorCategory>(c)), part.errors[i] - earlier, ns);
    }
  }
}

}  // namespace

std::string escape_tag(const std::string& value) {
  std::string out;
  for (const char c : value) {
    if (c == ',' || c == '=' || c == ' ' || c == '\\') out += '\\';
    out += (c == '\n' ? ' ' : c);
  }
  return out;
}

std::string influx_lines(const stats::Snapshot& snapshot, const stats::Snapshot* previous,
                         const RunLabels& labels) {
  const std::string run_tags = tag("run", labels.run) + tag("shard", labels.shard);
  const std::int64_t ns = snapshot.unix_ns;
  std::string out;
  if (snapshot.targets.empty()) {
    const std::string target = labels.targets.size() == 1 ? labels.targets[0] : "*";
    part_lines(out, snapshot.run, previous != nullptr ? &previous->run : nullptr,
               run_tags + tag("target", target), ns);
  } else {
    for (std::size_t t = 0; t < snapshot.targets.size(); ++t) {
      const std::string target = t < labels.targets.size() ? labels.targets[t] : "?";
      const stats::SnapshotPart* before =
          previous != nullptr && t < previous->targets.size() ? &previous->targets[t] : nullptr;
      part_lines(out, snapshot.targets[t], before, run_tags + tag("target", target), ns);
    }
  }
  out += fmt::format("ccload_generator{} in_flight={}i,loop_lag={},target_rate={},elapsed={} {}\n",
                     run_tags, snapshot.in_flight, snapshot.loop_lag_max_s, snapshot.target_rate,
                     snapshot.elapsed_s, ns);
  return out;
}

}  // namespace ccload::metrics
