#include "store/runs_row.hpp"

#include <cmath>
#include <nlohmann/json.hpp>

namespace ccload::store {

namespace {

using nlohmann::json;

double seconds(std::int64_t ns) { return static_cast<double>(ns) / 1e9; }

json counts_json(const stats::RunSummary& s, bool statuses) {
  json out = json::object();
  if (statuses) {
    for (const auto& [code, count] : s.status_codes) out[std::to_string(code)] = count;
  } else {
    for (int i = 1; i < kErrorCategoryCount; ++i) {
      const auto n = s.errors[static_cast<std::size_t>(i)];
      if (n > 0) out[std::string(to_string(static_cast<ErrorCategory>(i)))] = n;
    }
  }
  return out;
}

// The tls errors by reason: {"expired": 3}.
json tls_reasons_json(const stats::RunSummary& s) {
  json out = json::object();
  for (int i = 0; i < kTlsReasonCount; ++i) {
    const auto n = s.tls_reasons[static_cast<std::size_t>(i)];
    if (n > 0) out[std::string(to_string(static_cast<TlsReason>(i)))] = n;
  }
  return out;
}

// The timeline as [[requests, failed, responses, total_ns_sum, total_ns_max], ...].
std::string timeline_text(const std::vector<stats::SecondStats>& seconds) {
  json out = json::array();
  for (const auto& s : seconds) {
    out.push_back({s.requests, s.failed, s.responses, s.total_ns_sum, s.total_ns_max});
  }
  return out.dump();
}

std::string thresholds_text(const std::vector<stats::ThresholdVerdict>& verdicts) {
  json out = json::array();
  for (const auto& v : verdicts) {
    out.push_back({{"expression", v.expression},
                   {"unit", v.unit},
                   {"measured", v.measured ? json(*v.measured) : json(nullptr)},
                   {"limit", v.limit},
                   {"passed", v.passed}});
  }
  return out.dump();
}

void put_figures(RunsRow& row, const std::string& prefix, const stats::TimingSummary& f, bool all) {
  if (f.count == 0) return;
  row.set(prefix + "_MEAN", f.mean);
  row.set(prefix + "_P95", f.p95);
  if (!all) return;
  row.set(prefix + "_MIN", f.min);
  row.set(prefix + "_P50", f.p50);
  row.set(prefix + "_P90", f.p90);
  row.set(prefix + "_P99", f.p99);
  row.set(prefix + "_P999", f.p999);
  row.set(prefix + "_MAX", f.max);
}

std::string generator_text(const stats::GeneratorCheck& check) {
  json workers = json::array();
  for (const auto& w : check.workers) {
    workers.push_back({w.cpu_s, w.wall_s, w.saturated_s, w.waited_s});
  }
  return json{{"loop_lag", check.loop_lag_histogram.serialize()}, {"workers", workers}}.dump();
}

// The BASELINE column: a --baseline comparison as JSON {"a", "b", "a_name", "b_name", "tolerance",
// "ks": [statistic, critical, differ], "figures": [[name, unit, a, b, change (null: infinite),
// verdict, judged], ...], "target", "targets": [...]}; comparison_from_json
// (runs_row_read.cpp) reads it back.
json comparison_to_json(const stats::RunComparison& c) {
  json figures = json::array();
  for (const auto& f : c.figures) {
    figures.push_back({f.name, f.unit, f.a, f.b, std::isfinite(f.change) ? json(f.change) : json(),
                       stats::to_string(f.verdict), f.judged});
  }
  json targets = json::array();
  for (const auto& t : c.targets) targets.push_back(comparison_to_json(t));
  return {{"a", c.run_a},
          {"b", c.run_b},
          {"a_name", c.name_a},
          {"b_name", c.name_b},
          {"tolerance", c.tolerance},
          {"ks", {c.latency.statistic, c.latency.critical, c.latency.differ}},
          {"figures", figures},
          {"target", c.target},
          {"targets", targets}};
}

}  // namespace

std::vector<TargetName> run_targets(const stats::RunFacts& facts) {
  if (!facts.targets.empty()) return facts.targets;
  return {TargetName{facts.method, facts.url}};
}

std::string target_urls_text(const std::vector<TargetName>& targets) {
  std::string out;
  for (const auto& target : targets) {
    if (!out.empty()) out += '\n';
    out += target.url;
  }
  return out;
}

RunsRow identity_columns(const stats::RunFacts& facts, std::int64_t started_unix_ns) {
  RunsRow row;
  row.set("STARTED", seconds(started_unix_ns));
  row.set("STARTED_NS", started_unix_ns);
  row.set("URL", facts.url);
  row.set("METHOD", facts.method);
  row.set("N", static_cast<std::int64_t>(facts.requested.value_or(0)));
  row.set("C", static_cast<std::int64_t>(facts.concurrency));
  if (facts.duration_limit_s) row.set("DURATION_LIMIT", *facts.duration_limit_s);
  if (facts.rate) row.set("RATE", *facts.rate);
  if (!facts.stages.empty()) row.set("STAGES", stages_json_text(facts.stages));
  if (facts.start_rate) row.set("START_RATE", *facts.start_rate);
  if (!facts.run_name.empty()) {
    row.set("RUN_NAME", facts.run_name);
    row.set("SHARD", std::int64_t{facts.shard});
    row.set("SHARDS", std::int64_t{facts.shards});
  }
  if (facts.start_at_ns) row.set("START_AT_NS", *facts.start_at_ns);
  row.set("MAX_REDIRECTS", std::int64_t{facts.max_redirects});
  if (facts.seed) row.set("SEED", std::to_string(*facts.seed));
  if (!facts.data_file.empty()) {
    row.set("DATA_FILE", facts.data_file);
    row.set("DATA_BYTES", static_cast<std::int64_t>(facts.data_bytes));
    row.set("DATA_SHA256", facts.data_sha256);
    row.set("DATA_ORDER", facts.data_order);
  }
  if (!facts.templates.empty()) row.set("TEMPLATES", facts.templates);
  if (!facts.script.empty()) {
    row.set("SCRIPT", facts.script);
    row.set("SCRIPT_SHA256", facts.script_sha256);
    row.set("SCRIPT_ARGS", nlohmann::json(facts.script_args).dump());
  }
  const std::vector<TargetName> targets = run_targets(facts);
  row.set("TARGET_COUNT", static_cast<std::int64_t>(targets.size()));
  row.set("TARGET_URLS", target_urls_text(targets));
  if (!facts.targets.empty()) {
    json names = json::array();
    for (const auto& target : targets)
      names.push_back({{"method", target.method}, {"url", target.url}});
    row.set("TARGETS", names.dump());
  }
  return row;
}

std::string stages_json_text(const std::vector<Stage>& stages) {
  json out = json::array();
  for (const auto& stage : stages) out.push_back({stage.duration_s, stage.target_rate});
  return out.dump();
}

RunsRow summary_columns(const stats::RunSummary& s, std::int64_t ended_unix_ns) {
  RunsRow row;
  // The run's start as measured (the row was inserted a moment before the first request).
  if (s.facts.started_unix_ns > 0) {
    row.set("STARTED", seconds(s.facts.started_unix_ns));
    row.set("STARTED_NS", s.facts.started_unix_ns);
  }
  row.set("ENDED", seconds(ended_unix_ns));
  row.set("DURATION", s.facts.duration_s);
  row.set("REQUESTS", static_cast<std::int64_t>(s.requests));
  row.set("SUCCEEDED", static_cast<std::int64_t>(s.succeeded));
  row.set("FAILED", static_cast<std::int64_t>(s.failed));
  row.set("BYTES", static_cast<std::int64_t>(s.bytes));
  if (s.facts.duration_s > 0) row.set("RPS", s.rps);
  put_figures(row, "TOTAL", s.total.figures, true);
  put_figures(row, "TTFB", s.ttfb.figures, false);
  put_figures(row, "TTLB", s.ttlb.figures, false);
  put_figures(row, "CONNECT", s.connect.figures, false);
  put_figures(row, "WAIT", s.wait.figures, false);
  row.set("STATUS_COUNTS", counts_json(s, true).dump());
  row.set("ERROR_COUNTS", counts_json(s, false).dump());
  row.set("TLS_REASONS", tls_reasons_json(s).dump());
  if (!s.checks.empty()) {
    json checks = json::array();
    for (const stats::CheckTally& c : s.checks) {
      checks.push_back({{"expression", c.expression}, {"passed", c.passed}, {"failed", c.failed}});
    }
    row.set("CHECKS", checks.dump());
    row.set("BODY_CAP", static_cast<std::int64_t>(s.facts.body_cap));
    row.set("CHECKS_BODY_CAPPED", static_cast<std::int64_t>(s.body_capped));
  }
  row.set("HIST_TOTAL", s.total.histogram.serialize());
  row.set("HIST_TTFB", s.ttfb.histogram.serialize());
  row.set("HIST_TTLB", s.ttlb.histogram.serialize());
  row.set("HIST_CONNECT", s.connect.histogram.serialize());
  row.set("HIST_WAIT", s.wait.histogram.serialize());
  row.set("HIST_SERVICE", s.service.histogram.serialize());
  row.set("WAITED", static_cast<std::int64_t>(s.waited));
  if (s.generator.measured) {
    row.set("GENERATOR", generator_text(s.generator));
    row.set("GENERATOR_LIMITED", std::int64_t{s.generator.limited() ? 1 : 0});
  }
  row.set("INTERRUPTED", std::int64_t{s.facts.interrupted ? 1 : 0});
  if (!s.facts.stop_signal.empty()) row.set("STOP_SIGNAL", s.facts.stop_signal);
  row.set("DROPPED", static_cast<std::int64_t>(s.facts.dropped));
  row.set("CONNECTIONS", static_cast<std::int64_t>(s.facts.connections_opened));
  row.set("HTTP2_REFUSED", static_cast<std::int64_t>(s.facts.http2_refused));
  row.set("H2C_HTTP1_ANSWERS", static_cast<std::int64_t>(s.facts.h2c_http1_answers));
  row.set("H2C_CLOSED_SILENTLY", static_cast<std::int64_t>(s.facts.h2c_closed_silently));
  row.set("LATENCY_INCLUDES_FAILURES", std::int64_t{s.facts.latency_includes_failures ? 1 : 0});
  if (s.baseline) row.set("BASELINE", comparison_to_json(*s.baseline).dump());
  row.set("TIMELINE", timeline_text(s.timeline));
  if (!s.thresholds.empty()) row.set("THRESHOLDS", thresholds_text(s.thresholds));
  if (s.facts.start_late_s) row.set("START_LATE", *s.facts.start_late_s);
  row.set("PROTOCOL", s.facts.protocol);
  row.set("STREAMS", std::int64_t{s.facts.streams});
  if (s.facts.pipeline > 1) row.set("PIPELINE", std::int64_t{s.facts.pipeline});
  if (s.facts.streams_requested) {
    row.set("STREAMS_REQUESTED", std::int64_t{*s.facts.streams_requested});
  }
  row.set("REDIRECTED", static_cast<std::int64_t>(s.redirected));
  row.set("MAX_REDIRECTS", std::int64_t{s.facts.max_redirects});
  if (!s.facts.targets.empty()) {
    const bool summaries = s.targets.size() == s.facts.targets.size();
    json targets = json::array();
    for (std::size_t i = 0; i < s.facts.targets.size(); ++i) {
      json target =
          summaries ? runs_row_json(summary_columns(s.targets[i], ended_unix_ns)) : json::object();
      target["method"] = s.facts.targets[i].method;
      target["url"] = s.facts.targets[i].url;
      targets.push_back(std::move(target));
    }
    row.set("TARGETS", targets.dump(-1, ' ', false, json::error_handler_t::replace));
    row.set("TARGET_COUNT", static_cast<std::int64_t>(s.facts.targets.size()));
    row.set("TARGET_URLS", target_urls_text(s.facts.targets));
  }
  return row;
}

json runs_row_json(const RunsRow& row) {
  json out = json::object();
  for (const auto& [column, value] : row.values()) {
    if (const auto* i = std::get_if<std::int64_t>(&value)) {
      out[column] = *i;
    } else if (const auto* d = std::get_if<double>(&value)) {
      out[column] = *d;
    } else if (const auto* t = std::get_if<std::string>(&value)) {
      out[column] = *t;
    } else {
      out[column] = nullptr;
    }
  }
  return out;
}

}  // namespace ccload::store
