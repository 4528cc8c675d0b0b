#pragma once
// The JSON summary (`--json`, `ccload report --json`), documented in README.md. A pure function
// of the run's summary: a stored run renders the same object as the live run did.

#include <array>
#include <nlohmann/json.hpp>
#include <string_view>

#include "stats/comparison.hpp"
#include "stats/run_summary.hpp"

namespace ccload::report {

// The whole run's object; for a run of several targets (summary.targets non-empty) it also holds
// "targets": one object per target, in the run's order, rendered by this same function from that
// target's summary (its "url" and "method" name it) minus kRunOnlyKeys. A run of one target has
// no "targets" key. "baseline" is comparison_json of summary.baseline (--baseline), when it has
// one. "redirected" counts the requests that followed at least one redirect,
// "max_redirects" is --max-redirects (both always present).
nlohmann::json summary_json(const stats::RunSummary& summary);

// The keys of the whole that a target's object leaves out, because they are the run's and not a
// target's: where the records were stored (database, run_id, stored, fallback); the distributed
// run (run_name, shard, shards, shard_count, start_at, start_late_s); the --fail-on verdicts,
// judged on the whole (thresholds, thresholds_passed), and the --baseline comparison (baseline);
// the load generator's own machine (generator); the sentences about the whole run, whose rate
// checks compare with the run's target rate (findings); the connections, which serve an origin and
// not a target (connections_opened); and the targets themselves (no nesting).
inline constexpr std::array<std::string_view, 17> kRunOnlyKeys = {
    "database",     "run_id",      "stored",
    "fallback",     "run_name",    "shard",
    "shards",       "shard_count", "start_at",
    "start_late_s", "thresholds",  "thresholds_passed",
    "generator",    "findings",    "connections_opened",
    "targets",      "baseline"};

// A comparison of two runs: {"a": id, "b": id (0: not stored, or a merged distributed run), plus
// "a_name" and "b_name" for runs named by --run-id, "tolerance": 0.1, "latency_test": {...},
// "figures": [{"name", "unit", "a", "b", "change", "verdict"}], "regressed": bool}.
nlohmann::json comparison_json(const stats::RunComparison& comparison);

}  // namespace ccload::report
