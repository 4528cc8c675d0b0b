#pragma once
// A RUNS row by column name, and how a run's summary maps onto it: what the writer stores at the
// end of a run, and what `report`, `compare` and history read back to rebuild the same summary.
// Backend-neutral: values are NULL, integers, reals or text.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "stats/run_summary.hpp"

namespace ccload::store {

using Value = std::variant<std::monostate, std::int64_t, double, std::string>;

class RunsRow {
 public:
  void set(const std::string& column, Value value) { values_[column] = std::move(value); }
  const std::map<std::string, Value>& values() const { return values_; }

  bool has(const std::string& column) const;  // present and not NULL
  std::optional<std::int64_t> integer(const std::string& column) const;
  std::optional<double> real(const std::string& column) const;  // integers convert
  std::optional<std::string> text(const std::string& column) const;

 private:
  std::map<std::string, Value> values_;  // by upper-case column name
};

// The STAGES column: JSON [[duration_s, target_rate], ...]; and back (throws
// std::invalid_argument when damaged).
std::string stages_json_text(const std::vector<Stage>& stages);
std::vector<Stage> stages_from_json_text(const std::string& text);

// The run's targets in order: facts.targets, or its one target (facts.method, facts.url) when that
// is empty. Never empty.
std::vector<TargetName> run_targets(const stats::RunFacts& facts);

// The TARGET_URLS column: every target's URL, one per line, in order.
std::string target_urls_text(const std::vector<TargetName>& targets);
// The targets named by a TARGETS column (its objects' "method" and "url"), in order. Throws
// std::invalid_argument when damaged.
std::vector<TargetName> target_names_from_json_text(const std::string& text);

// The columns written when a run begins (what was asked): URL, METHOD, N, C, DURATION_LIMIT, RATE,
// STAGES, START_RATE, RUN_NAME/SHARD/SHARDS, START_AT_NS, MAX_REDIRECTS, TARGET_COUNT,
// TARGET_URLS, and TARGETS (names only) when facts.targets is not empty; STARTED(_NS) is
// `started_unix_ns`. ROWS_AFTER is the backend's.
RunsRow identity_columns(const stats::RunFacts& facts, std::int64_t started_unix_ns);

// The columns written when a run ends: everything but the identity written when it began (RUNID,
// URL, METHOD, N, C, DURATION_LIMIT, RATE, ROWS_AFTER); STARTED is rewritten with the measured
// start. When facts.targets is not empty, TARGET_COUNT, TARGET_URLS and TARGETS, whose object for
// target i holds "method", "url" and, when summary.targets has one summary per target, the columns
// summary_columns gives for summary.targets[i].
RunsRow summary_columns(const stats::RunSummary& summary, std::int64_t ended_unix_ns);

// The summary of a finished run (one whose HIST_TOTAL is set), with its storage facts left for the
// caller: facts.targets from TARGETS, and summary.targets (each rebuilt from its target's columns
// and the run's identity columns) when TARGETS holds every target's summary columns. Throws
// std::invalid_argument when a stored histogram, count list or target list is damaged.
stats::RunSummary summary_from_row(const RunsRow& row);
// A RUNS row's values as a JSON object's members (column name -> null, number or text).
nlohmann::json runs_row_json(const RunsRow& row);

}  // namespace ccload::store
