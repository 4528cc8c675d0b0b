#include "report/json_summary.hpp"

#include <cmath>
#include <map>

#include "report/time_text.hpp"

namespace ccload::report {

namespace {

using nlohmann::json;

template <class T>
json or_null(const std::optional<T>& value) {
  return value ? json(*value) : json(nullptr);
}

// A timing without samples (no response, or PyLoad's rows, which never measured first and last
// byte) has null figures, never zeros.
json timing(const stats::TimingSummary& s) {
  const auto figure = [&](double value) { return s.count > 0 ? json(value) : json(nullptr); };
  return {{"count", s.count},       {"min", figure(s.min)}, {"max", figure(s.max)},
          {"mean", figure(s.mean)}, {"p50", figure(s.p50)}, {"p90", figure(s.p90)},
          {"p95", figure(s.p95)},   {"p99", figure(s.p99)}, {"p999", figure(s.p999)}};
}

// One entry per second of the run, by completion time (seconds from the start).
json timeline_json(const std::vector<stats::SecondStats>& seconds) {
  json out = json::array();
  for (std::size_t i = 0; i < seconds.size(); ++i) {
    const stats::SecondStats& s = seconds[i];
    const bool any = s.responses > 0;
    out.push_back(
        {{"second", i},
         {"requests", s.requests},
         {"failed", s.failed},
         {"total_mean_s",
          any ? json(static_cast<double>(s.total_ns_sum) / 1e9 / static_cast<double>(s.responses))
              : json(nullptr)},
         {"total_max_s", any ? json(static_cast<double>(s.total_ns_max) / 1e9) : json(nullptr)}});
  }
  return out;
}

json generator_json(const stats::GeneratorCheck& g) {
  if (!g.measured) return nullptr;
  json workers = json::array();
  for (const auto& w : g.workers) {
    workers.push_back({{"cpu_s", w.cpu_s},
                       {"wall_s", w.wall_s},
                       {"cpu_share", w.wall_s > 0 ? w.cpu_s / w.wall_s : 0.0},
                       {"saturated_s", w.saturated_s},
                       {"waited_s", w.waited_s},
                       {"busy_share", w.busy_share()}});
  }
  json lag_share = nullptr;
  if (g.lag_share) lag_share = *g.lag_share;
  return {{"loop_lag", timing(g.loop_lag)},
          {"workers", workers},
          {"limited", g.limited()},
          {"verdict", std::string(stats::to_string(g.verdict))},
          {"judged_on", std::string(stats::to_string(g.quiet))},
          {"service_p50", g.latency_p50_s},
          {"lag_share", lag_share}};
}

json stages_json(const std::vector<Stage>& stages) {
  json out = json::array();
  for (const auto& stage : stages) {
    out.push_back({{"duration_s", stage.duration_s}, {"target_rate", stage.target_rate}});
  }
  return out;
}

json thresholds_json(const std::vector<stats::ThresholdVerdict>& verdicts) {
  json out = json::array();
  for (const auto& v : verdicts) {
    out.push_back({{"expression", v.expression},
                   {"unit", v.unit},
                   {"measured", or_null(v.measured)},
                   {"limit", v.limit},
                   {"passed", v.passed}});
  }
  return out;
}

// {"200": requests, ...}: every status code seen, by its number as text.
json status_codes_json(const std::map<int, std::uint64_t>& status_codes) {
  json codes = json::object();
  for (const auto& [code, count] : status_codes) codes[std::to_string(code)] = count;
  return codes;
}

// {"timeout": requests, ...}: the transport error categories that occurred (not "none").
json errors_json(const stats::RunSummary& s) {
  json errors = json::object();
  for (int i = 1; i < kErrorCategoryCount; ++i) {
    const auto n = s.errors[static_cast<std::size_t>(i)];
    if (n > 0) errors[std::string(to_string(static_cast<ErrorCategory>(i)))] = n;
  }
  return errors;
}

// {"<reason>": requests, ...}: the TLS failure reasons that occurred.
json tls_reasons_json(const stats::RunSummary& s) {
  json tls_reasons = json::object();
  for (int i = 0; i < kTlsReasonCount; ++i) {
    const auto n = s.tls_reasons[static_cast<std::size_t>(i)];
    if (n > 0) tls_reasons[std::string(to_string(static_cast<TlsReason>(i)))] = n;
  }
  return tls_reasons;
}

// The members every run's object has, whatever the run was.
json common_members(const stats::RunSummary& s) {
  const stats::RunFacts& facts = s.facts;
  return {
      {"url", facts.url},
      {"method", facts.method},
      {"protocol", facts.protocol},
      {"streams", facts.streams},    // per connection, as used (the server's limit when lower)
      {"pipeline", facts.pipeline},  // HTTP/1.1 requests written together per connection
      {"concurrency", facts.concurrency},
      {"duration_limit_s", or_null(facts.duration_limit_s)},
      {"rate", or_null(facts.rate)},
      {"stages", facts.stages.empty() ? json(nullptr) : stages_json(facts.stages)},
      {"start_rate", or_null(facts.start_rate)},
      {"started", utc_iso(facts.started_unix_ns)},
      {"requests",
       {{"requested", or_null(facts.requested)},
        {"total", s.requests},
        {"succeeded", s.succeeded},
        {"failed", s.failed}}},
      {"status_codes", status_codes_json(s.status_codes)},
      {"errors", errors_json(s)},
      {"tls_reasons", tls_reasons_json(s)},
      {"latency",
       {{"total", timing(s.total.figures)},
        {"ttfb", timing(s.ttfb.figures)},
        {"ttlb", timing(s.ttlb.figures)},
        {"connect", timing(s.connect.figures)},
        {"wait", timing(s.wait.figures)},
        {"service", timing(s.service.figures)}}},
      {"latency_includes_failures", facts.latency_includes_failures},
      {"waited", s.waited},
      {"redirected", s.redirected},
      {"max_redirects", facts.max_redirects},
      {"generator", generator_json(s.generator)},
      {"findings", stats::findings(s)},
      {"rps", s.rps},
      {"duration_s", facts.duration_s},
      {"interrupted", facts.interrupted},
      {"stop_signal", facts.stop_signal.empty() ? json(nullptr) : json(facts.stop_signal)},
      {"dropped", facts.dropped},
      {"connections_opened", facts.connections_opened},
      {"bytes", s.bytes},
      {"timeline", timeline_json(s.timeline)},
  };
}

// Adds what only some runs have, each only then (so other runs keep their shape): cut_short,
// where it was stored, its seed with its data file and templates, and its --check tallies.
void add_storage_and_inputs(const stats::RunSummary& s, json& out) {
  const stats::RunFacts& facts = s.facts;
  // A stored run whose process never wrote its end (only then, so other outputs keep their shape).
  if (facts.cut_short) out["cut_short"] = true;
  if (!s.storage.database.empty()) {
    out["database"] = s.storage.database;
    out["run_id"] = s.storage.run_id;
    out["stored"] = s.storage.stored;
    if (!s.storage.fallback.empty()) out["fallback"] = s.storage.fallback;
  }
  if (facts.seed) {  // a run with templates or a data file (only then: other runs keep their shape)
    out["seed"] = std::to_string(*facts.seed);  // text: 64 bits do not fit a JSON number exactly
    if (!facts.data_file.empty()) {
      out["data"] = {{"file", facts.data_file},
                     {"bytes", facts.data_bytes},
                     {"sha256", facts.data_sha256},
                     {"order", facts.data_order}};
    }
    if (!facts.templates.empty()) {
      out["templates"] = json::parse(facts.templates, nullptr, false);
    }
  }
  if (!s.checks.empty()) {  // --check (only then: other runs keep their shape)
    json checks = json::array();
    for (const stats::CheckTally& c : s.checks) {
      checks.push_back({{"expression", c.expression},
                        {"passed", c.passed},
                        {"failed", c.failed},
                        {"pass_rate", c.pass_rate()}});
    }
    out["checks"] = std::move(checks);
  }
}

// One entry per shard of a merged distributed run, by index.
json shards_json(const std::vector<stats::ShardLine>& shard_lines) {
  json shards = json::array();
  for (const auto& line : shard_lines) {
    shards.push_back({{"shard", line.shard},
                      {"run_id", line.run_id},
                      {"requests", line.requests},
                      {"failed", line.failed},
                      {"duration_s", line.duration_s},
                      {"start_late_s", or_null(line.start_late_s)},
                      {"finished", line.finished}});
  }
  return shards;
}

// Adds the script of a scripted run, and a distributed run's name, shard or shards and start
// time; each only when the run has it.
void add_script_and_shards(const stats::RunSummary& s, json& out) {
  const stats::RunFacts& facts = s.facts;
  if (!facts.script.empty()) {  // a scripted run (only then: other runs keep their shape)
    out["script"] = {
        {"file", facts.script}, {"sha256", facts.script_sha256}, {"args", facts.script_args}};
  }
  if (!facts.run_name.empty()) {
    out["run_name"] = facts.run_name;
    if (s.shard_lines.empty()) out["shard"] = {{"index", facts.shard}, {"count", facts.shards}};
  }
  if (facts.start_at_ns) {
    out["start_at"] = utc_iso(*facts.start_at_ns);
    out["start_late_s"] = or_null(facts.start_late_s);
  }
  if (!s.shard_lines.empty()) {
    out["shards"] = shards_json(s.shard_lines);
    out["shard_count"] = facts.shards;
  }
}

// One object per target, in the run's order, each without kRunOnlyKeys.
json targets_json(const std::vector<stats::RunSummary>& targets) {
  json out = json::array();
  for (const stats::RunSummary& target : targets) {
    json one = summary_json(target);  // the same function: the shapes cannot drift
    for (std::string_view key : kRunOnlyKeys) one.erase(std::string(key));
    out.push_back(std::move(one));
  }
  return out;
}

}  // namespace

json summary_json(const stats::RunSummary& s) {
  json out = common_members(s);
  add_storage_and_inputs(s, out);
  add_script_and_shards(s, out);
  if (!s.thresholds.empty()) {
    out["thresholds"] = thresholds_json(s.thresholds);
    out["thresholds_passed"] = !s.thresholds_failed();
  }
  if (s.baseline) out["baseline"] = comparison_json(*s.baseline);
  if (!s.targets.empty()) out["targets"] = targets_json(s.targets);
  return out;
}

json comparison_json(const stats::RunComparison& c) {
  json figures = json::array();
  for (const auto& f : c.figures) {
    figures.push_back({{"name", f.name},
                       {"unit", f.unit},
                       {"a", f.a},
                       {"b", f.b},
                       {"change", std::isfinite(f.change) ? json(f.change) : json(nullptr)},
                       {"verdict", stats::to_string(f.verdict)},
                       {"judged", f.judged}});
  }
  json out = {{"a", c.run_a},
              {"b", c.run_b},
              {"tolerance", c.tolerance},
              {"latency_test",
               {{"test", "two-sample Kolmogorov-Smirnov on total time, alpha 0.01"},
                {"statistic", c.latency.statistic},
                {"critical", c.latency.critical},
                {"differ", c.latency.differ}}},
              {"figures", figures},
              {"regressed", c.regressed()}};
  if (!c.name_a.empty()) out["a_name"] = c.name_a;
  if (!c.name_b.empty()) out["b_name"] = c.name_b;
  if (!c.target.empty()) out["target"] = c.target;
  if (!c.targets.empty()) {
    json targets = json::array();
    for (const auto& own : c.targets) targets.push_back(comparison_json(own));
    out["targets"] = std::move(targets);
  }
  return out;
}

}  // namespace ccload::report
