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

// The columns written when a run ends: everything but the identity written when it began (RUNID,
// URL, METHOD, N, C, DURATION_LIMIT, RATE, ROWS_AFTER); STARTED is rewritten with the measured
// start.
RunsRow summary_columns(const stats::RunSummary& summary, std::int64_t ended_unix_ns);

// The summary of a finished run (one whose HIST_TOTAL is set), with its storage facts left for the
// caller. Throws std::invalid_argument when a stored histogram or count list is damaged.
stats::RunSummary summary_from_row(const RunsRow& row);

}  // namespace ccload::store
