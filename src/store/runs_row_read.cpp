#include "store/runs_row.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace ccload::store {

namespace {

using nlohmann::json;

stats::Timing timing_from(const RunsRow& row, const std::string& column) {
  stats::Timing timing;
  if (auto encoded = row.text(column)) timing.histogram = stats::Histogram::deserialize(*encoded);
  timing.figures = stats::summarize(timing.histogram);
  return timing;
}

stats::GeneratorCheck generator_from(const std::string& text, double latency_p50_s) {
  const json j = json::parse(text);
  stats::GeneratorLoad load;
  load.loop_lag = stats::Histogram::deserialize(j.at("loop_lag").get<std::string>());
  for (const auto& w : j.at("workers")) {
    // [cpu_s, wall_s, saturated_s] before version 6, then waited_s.
    load.workers.push_back({w.at(0).get<double>(), w.at(1).get<double>(), w.at(2).get<double>(),
                            w.size() > 3 ? w.at(3).get<double>() : 0.0});
  }
  return stats::check_generator(load, latency_p50_s);
}

// The BASELINE column back into a comparison: JSON {"a", "b", "a_name", "b_name", "tolerance",
// "ks": [statistic, critical, differ], "figures": [[name, unit, a, b, change (null: infinite),
// verdict, judged], ...], "target", "targets": [...]}, as comparison_to_json
// (runs_row_write.cpp) writes it.
stats::RunComparison comparison_from_json(const json& j) {
  stats::RunComparison c;
  c.run_a = j.at("a").get<std::int64_t>();
  c.run_b = j.at("b").get<std::int64_t>();
  c.name_a = j.at("a_name").get<std::string>();
  c.name_b = j.at("b_name").get<std::string>();
  c.tolerance = j.at("tolerance").get<double>();
  const json& ks = j.at("ks");
  c.latency = {ks.at(0).get<double>(), ks.at(1).get<double>(), ks.at(2).get<bool>()};
  for (const auto& f : j.at("figures")) {
    const auto verdict = stats::verdict_from(f.at(5).get<std::string>());
    if (!verdict) throw std::invalid_argument("damaged baseline: unknown verdict");
    c.figures.push_back(
        {f.at(0).get<std::string>(), f.at(1).get<std::string>(), f.at(2).get<double>(),
         f.at(3).get<double>(),
         f.at(4).is_null() ? std::numeric_limits<double>::infinity() : f.at(4).get<double>(),
         *verdict, f.at(6).get<bool>()});
  }
  c.target = j.at("target").get<std::string>();
  for (const auto& t : j.at("targets")) c.targets.push_back(comparison_from_json(t));
  return c;
}

// The columns one target's summary is rebuilt from besides its own: what was asked of the run.
constexpr const char* kIdentityColumns[] = {
    "N",        "C",     "DURATION_LIMIT", "RATE",        "START_RATE",    "STAGES",
    "RUN_NAME", "SHARD", "SHARDS",         "START_AT_NS", "MAX_REDIRECTS",
};

// The row of one target: the run's identity columns, then the target's object (its upper-case
// members are its summary columns; "method" and "url" its URL and METHOD).
RunsRow target_row(const RunsRow& run, const json& target) {
  RunsRow row;
  for (const char* column : kIdentityColumns) {
    auto it = run.values().find(column);
    if (it != run.values().end()) row.set(column, it->second);
  }
  for (const auto& [key, value] : target.items()) {
    if (key == "method" || key == "url") continue;
    if (value.is_number_integer()) {
      row.set(key, value.get<std::int64_t>());
    } else if (value.is_number()) {
      row.set(key, value.get<double>());
    } else if (value.is_string()) {
      row.set(key, value.get<std::string>());
    } else if (value.is_null()) {
      row.set(key, std::monostate{});
    } else {
      throw std::invalid_argument("damaged targets: " + key + " is neither a number nor text");
    }
  }
  row.set("URL", target.at("url").get<std::string>());
  row.set("METHOD", target.at("method").get<std::string>());
  return row;
}

}  // namespace

std::vector<TargetName> target_names_from_json_text(const std::string& text) {
  try {
    std::vector<TargetName> out;
    for (const auto& target : json::parse(text)) {
      out.push_back({target.at("method").get<std::string>(), target.at("url").get<std::string>()});
    }
    return out;
  } catch (const std::exception& e) {
    throw std::invalid_argument(std::string("damaged targets: ") + e.what());
  }
}

std::vector<Stage> stages_from_json_text(const std::string& text) {
  try {
    std::vector<Stage> out;
    for (const auto& stage : json::parse(text)) {
      out.push_back({stage.at(0).get<double>(), stage.at(1).get<double>()});
    }
    return out;
  } catch (const std::exception& e) {
    throw std::invalid_argument(std::string("damaged stages: ") + e.what());
  }
}

bool RunsRow::has(const std::string& column) const {
  auto it = values_.find(column);
  return it != values_.end() && !std::holds_alternative<std::monostate>(it->second);
}

std::optional<std::int64_t> RunsRow::integer(const std::string& column) const {
  auto it = values_.find(column);
  if (it == values_.end()) return std::nullopt;
  if (auto* i = std::get_if<std::int64_t>(&it->second)) return *i;
  if (auto* d = std::get_if<double>(&it->second))
    return static_cast<std::int64_t>(std::llround(*d));
  if (auto* t = std::get_if<std::string>(&it->second)) {
    try {
      return std::stoll(*t);
    } catch (const std::exception&) {
    }
  }
  return std::nullopt;
}

std::optional<double> RunsRow::real(const std::string& column) const {
  auto it = values_.find(column);
  if (it == values_.end()) return std::nullopt;
  if (auto* d = std::get_if<double>(&it->second)) return *d;
  if (auto* i = std::get_if<std::int64_t>(&it->second)) return static_cast<double>(*i);
  if (auto* t = std::get_if<std::string>(&it->second)) {
    try {
      return std::stod(*t);
    } catch (const std::exception&) {
    }
  }
  return std::nullopt;
}

std::optional<std::string> RunsRow::text(const std::string& column) const {
  auto it = values_.find(column);
  if (it == values_.end()) return std::nullopt;
  if (auto* t = std::get_if<std::string>(&it->second)) return *t;
  return std::nullopt;
}

namespace {

// What the run was and how it went, from the row's scalar columns (version 1's columns and later
// ones, each with its default when absent).
void read_run_facts(const RunsRow& row, stats::RunFacts& f) {
  f.url = row.text("URL").value_or("");
  f.method = row.text("METHOD").value_or("");
  if (const auto n = row.integer("N").value_or(0); n > 0)
    f.requested = static_cast<std::uint64_t>(n);
  f.concurrency = static_cast<unsigned>(row.integer("C").value_or(0));
  f.duration_limit_s = row.real("DURATION_LIMIT");
  f.rate = row.real("RATE");
  f.start_rate = row.real("START_RATE");
  f.started_unix_ns =
      row.integer("STARTED_NS").value_or(std::llround(row.real("STARTED").value_or(0) * 1e9));
  f.duration_s = row.real("DURATION").value_or(0);
  f.interrupted = row.integer("INTERRUPTED").value_or(0) != 0;
  f.stop_signal = row.text("STOP_SIGNAL").value_or("");
  f.dropped = static_cast<std::uint64_t>(row.integer("DROPPED").value_or(0));
  f.connections_opened = static_cast<std::uint64_t>(row.integer("CONNECTIONS").value_or(0));
  f.http2_refused = static_cast<std::uint64_t>(row.integer("HTTP2_REFUSED").value_or(0));
  f.h2c_http1_answers = static_cast<std::uint64_t>(row.integer("H2C_HTTP1_ANSWERS").value_or(0));
  f.h2c_closed_silently =
      static_cast<std::uint64_t>(row.integer("H2C_CLOSED_SILENTLY").value_or(0));
  f.latency_includes_failures = row.integer("LATENCY_INCLUDES_FAILURES").value_or(0) != 0;
  f.run_name = row.text("RUN_NAME").value_or("");
  f.protocol = row.text("PROTOCOL").value_or("HTTP/1.1");
  f.streams = static_cast<unsigned>(row.integer("STREAMS").value_or(1));
  f.pipeline = static_cast<unsigned>(row.integer("PIPELINE").value_or(1));
  if (const auto requested = row.integer("STREAMS_REQUESTED")) {
    f.streams_requested = static_cast<unsigned>(*requested);
  }
  f.shard = static_cast<unsigned>(row.integer("SHARD").value_or(0));
  f.shards = static_cast<unsigned>(row.integer("SHARDS").value_or(1));
  if (row.has("START_AT_NS")) f.start_at_ns = row.integer("START_AT_NS");
  f.start_late_s = row.real("START_LATE");
  f.max_redirects = static_cast<unsigned>(row.integer("MAX_REDIRECTS").value_or(0));
}

// What the requests were made from: the seed (ignored unless a whole decimal number), the data
// file, the templates and the script with its arguments (only the strings of a JSON array).
void read_run_inputs(const RunsRow& row, stats::RunFacts& f) {
  if (const auto seed = row.text("SEED")) {
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(seed->data(), seed->data() + seed->size(), value);
    if (error == std::errc() && end == seed->data() + seed->size()) f.seed = value;
  }
  f.data_file = row.text("DATA_FILE").value_or("");
  f.data_bytes = static_cast<std::uint64_t>(row.integer("DATA_BYTES").value_or(0));
  f.data_sha256 = row.text("DATA_SHA256").value_or("");
  f.data_order = row.text("DATA_ORDER").value_or("");
  f.templates = row.text("TEMPLATES").value_or("");
  f.script = row.text("SCRIPT").value_or("");
  f.script_sha256 = row.text("SCRIPT_SHA256").value_or("");
  if (auto args = row.text("SCRIPT_ARGS")) {
    const nlohmann::json parsed = nlohmann::json::parse(*args, nullptr, false);
    if (parsed.is_array()) {
      for (const auto& arg : parsed) {
        if (arg.is_string()) f.script_args.push_back(arg.get<std::string>());
      }
    }
  }
}

// The counts, the rate (from s.facts.duration_s, already read) and the timings' histograms.
void read_counts_and_timings(const RunsRow& row, stats::RunSummary& s) {
  s.requests = static_cast<std::uint64_t>(row.integer("REQUESTS").value_or(0));
  s.succeeded = static_cast<std::uint64_t>(row.integer("SUCCEEDED").value_or(0));
  s.failed = static_cast<std::uint64_t>(row.integer("FAILED").value_or(0));
  s.bytes = static_cast<std::uint64_t>(row.integer("BYTES").value_or(0));
  s.rps = stats::requests_per_second(s.requests, s.facts.duration_s);
  s.total = timing_from(row, "HIST_TOTAL");
  s.ttfb = timing_from(row, "HIST_TTFB");
  s.ttlb = timing_from(row, "HIST_TTLB");
  s.connect = timing_from(row, "HIST_CONNECT");
  s.wait = timing_from(row, "HIST_WAIT");
  s.service = timing_from(row, "HIST_SERVICE");
  s.waited = static_cast<std::uint64_t>(row.integer("WAITED").value_or(0));
  s.redirected = static_cast<std::uint64_t>(row.integer("REDIRECTED").value_or(0));
}

// The JSON columns of counts by status code, by error category (unknown names skipped) and by TLS
// reason (unknown names counted as other). Throws on damaged JSON.
void read_outcome_counts(const RunsRow& row, stats::RunSummary& s) {
  if (auto text = row.text("STATUS_COUNTS")) {
    const json counts = json::parse(*text);
    for (const auto& [code, count] : counts.items()) {
      s.status_codes[std::stoi(code)] = count.get<std::uint64_t>();
    }
  }
  if (auto text = row.text("ERROR_COUNTS")) {
    const json counts = json::parse(*text);
    for (const auto& [name, count] : counts.items()) {
      for (int i = 1; i < kErrorCategoryCount; ++i) {
        if (to_string(static_cast<ErrorCategory>(i)) == name) {
          s.errors[static_cast<std::size_t>(i)] = count.get<std::uint64_t>();
        }
      }
    }
  }
  if (auto text = row.text("TLS_REASONS")) {  // version 8
    const json counts = json::parse(*text);
    for (const auto& [name, count] : counts.items()) {
      const TlsReason reason = tls_reason_from_string(name);  // an unknown name: other
      const auto index =
          static_cast<std::size_t>(reason == TlsReason::none ? TlsReason::other : reason);
      s.tls_reasons[index] += count.get<std::uint64_t>();
    }
  }
}

// The --check tallies (also into s.facts.checks), the body cap and how many bodies it capped.
// Throws on damaged JSON.
void read_checks(const RunsRow& row, stats::RunSummary& s) {
  if (auto text = row.text("CHECKS")) {  // version 10
    for (const auto& c : json::parse(*text)) {
      s.checks.push_back({c.at("expression").get<std::string>(),
                          c.at("passed").get<std::uint64_t>(),
                          c.at("failed").get<std::uint64_t>()});
      s.facts.checks.push_back(s.checks.back().expression);
    }
  }
  if (auto cap = row.integer("BODY_CAP")) s.facts.body_cap = static_cast<std::uint64_t>(*cap);
  if (auto capped = row.integer("CHECKS_BODY_CAPPED")) {  // version 11
    s.body_capped = static_cast<std::uint64_t>(*capped);
  }
}

// The TIMELINE column: one [requests, failed, responses, total_ns_sum, total_ns_max] a second.
// Throws on damaged JSON.
void read_timeline(const RunsRow& row, stats::RunSummary& s) {
  if (auto text = row.text("TIMELINE")) {
    const json seconds = json::parse(*text);
    for (const auto& second : seconds) {
      stats::SecondStats st;
      st.requests = second.at(0).get<std::uint64_t>();
      st.failed = second.at(1).get<std::uint64_t>();
      st.responses = second.at(2).get<std::uint64_t>();
      st.total_ns_sum = second.at(3).get<std::int64_t>();
      st.total_ns_max = second.at(4).get<std::int64_t>();
      s.timeline.push_back(st);
    }
  }
}

// The THRESHOLDS column: the --fail-on verdicts. Throws on damaged JSON.
void read_thresholds(const RunsRow& row, stats::RunSummary& s) {
  if (auto text = row.text("THRESHOLDS")) {
    const json verdicts = json::parse(*text);
    for (const auto& v : verdicts) {
      stats::ThresholdVerdict verdict;
      verdict.expression = v.at("expression").get<std::string>();
      verdict.unit = v.at("unit").get<std::string>();
      if (!v.at("measured").is_null()) verdict.measured = v.at("measured").get<double>();
      verdict.limit = v.at("limit").get<double>();
      verdict.passed = v.at("passed").get<bool>();
      s.thresholds.push_back(verdict);
    }
  }
}

// The TARGETS column: the targets' names into s.facts.targets, and each target's own summary into
// s.targets when every target has one. Throws on damaged JSON or a damaged target's row.
void read_targets(const RunsRow& row, stats::RunSummary& s) {
  if (auto text = row.text("TARGETS")) {
    const json targets = json::parse(*text);
    bool summaries = !targets.empty();
    for (const auto& target : targets) {
      s.facts.targets.push_back(
          {target.at("method").get<std::string>(), target.at("url").get<std::string>()});
      summaries = summaries && target.contains("HIST_TOTAL");
    }
    // Every target's summary, or none (TARGETS written when the run began, never ended).
    if (summaries) {
      for (const auto& target : targets) {
        stats::RunSummary& own = s.targets.emplace_back(summary_from_row(target_row(row, target)));
        stats::apply_target_share(own.facts, s.targets.size() - 1, targets.size());
      }
    }
  }
}

}  // namespace

stats::RunSummary summary_from_row(const RunsRow& row) {
  stats::RunSummary s;
  read_run_facts(row, s.facts);
  read_run_inputs(row, s.facts);
  read_counts_and_timings(row, s);
  try {
    read_outcome_counts(row, s);
    read_checks(row, s);
    read_timeline(row, s);
    if (auto text = row.text("STAGES")) s.facts.stages = stages_from_json_text(*text);
    if (auto text = row.text("GENERATOR"))
      s.generator = generator_from(*text, s.service.figures.p50);
    read_thresholds(row, s);
    if (auto text = row.text("BASELINE")) s.baseline = comparison_from_json(json::parse(*text));
    read_targets(row, s);
  } catch (const std::exception& e) {
    throw std::invalid_argument(std::string("damaged run summary: ") + e.what());
  }
  return s;
}

}  // namespace ccload::store
