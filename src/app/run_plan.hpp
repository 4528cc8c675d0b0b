#pragma once
// One plan per run: the command line and the configuration settled into what the engine sends,
// where the results go and how the run is judged. plan_run() is pure (no files are touched, no
// network), so every rule of precedence is unit-tested.

#include <optional>
#include <string>
#include <vector>

#include "cli/command.hpp"
#include "config/settings.hpp"
#include "engine/engine.hpp"
#include "request/template.hpp"
#include "sinks/failure_shipper.hpp"
#include "stats/run_summary.hpp"
#include "stats/thresholds.hpp"

namespace ccload::app {

struct OutputPaths {
  std::string json;  // "-" = stdout (the human report then goes to stderr)
  std::string html;
  std::string csv;
  // The terminal report's layout: request rows first, verdicts last (report::ReportLayout). Set
  // when the report goes to a terminal and the run was not written in the seed's form.
  bool verdicts_last = false;
};

struct RunPlan {
  // What the engine sends and how fast (immutable once planned); the sinks, stop flag and progress
  // callback are passed beside it when the run starts (engine::RunHooks).
  core::RunPlan engine;
  // What was asked, as every report states it (started, duration and counts are filled later).
  stats::RunFacts facts;
  std::optional<std::string> database;  // SQLite file for every request; none with --no-store
  std::optional<sinks::ShipperConfig> shipping;  // failed requests to Betterstack / Loki
  OutputPaths outputs;
  std::vector<stats::Threshold> thresholds;
  std::optional<std::string> baseline;  // a run spec: "last", "last-any" or an id
  bool baseline_required = false;       // no run for "last"/"last-any" is exit 2
  bool fail_on_regression = false;
  double tolerance = 0.10;
  bool all_details = false;
  bool progress = false;  // --progress: progress lines even when stderr is not a terminal
  // A distributed run: wait until start_at_ns (Unix ns), then shard_delay_s more (shard i of N at
  // a total rate R starts i/R later, so that the shards together keep one even schedule).
  std::optional<std::int64_t> start_at_ns;
  double shard_delay_s = 0;
  // -s FILE and its arguments (the words after `--`); loaded before the run (app/run_script.hpp).
  std::string script_path;
  std::vector<std::string> script_args;
  // --metrics-listen and --influx (INFLUX_URL from the configuration when --influx is not given).
  cli::WatchOptions watch;
  bool seed_form = false;  // written as `-u URL ... -GET`: the seed's report layout
};

// Throws cli::UsageError (a URL that cannot be used, a template that cannot be compiled or
// filled). `env` answers the templates' {{env NAME}} fields (read once, here).
RunPlan plan_run(const cli::RunCommand& command, const config::Settings& settings,
                 const request::EnvLookup& env = request::process_environment());

}  // namespace ccload::app
