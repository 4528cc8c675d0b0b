#pragma once
// The JSON summary (`--json`, `ccload report --json`), documented in README.md. A pure function
// of the run's summary: a stored run renders the same object as the live run did.

#include <nlohmann/json.hpp>

#include "stats/comparison.hpp"
#include "stats/run_summary.hpp"

namespace ccload::report {

nlohmann::json summary_json(const stats::RunSummary& summary);

// A comparison of two runs: {"a": id, "b": id, "tolerance": 0.1, "latency_test": {...},
// "figures": [{"name", "unit", "a", "b", "change", "verdict"}], "regressed": bool}.
nlohmann::json comparison_json(const stats::RunComparison& comparison);

}  // namespace ccload::report
