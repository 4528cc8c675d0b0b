#pragma once
// A run's request script (-s FILE, wrk's Lua API): loaded before anything is sent, its done()
// called once the report is written, with ccload's own figures.

#include <memory>
#include <optional>
#include <string>

#include "app/run_plan.hpp"
#include "script/lua_script.hpp"
#include "stats/run_summary.hpp"

namespace ccload::app {

// Loads plan.script_path for the plan's target and worker threads (setup(), init(args), a first
// request() to check it). A script whose request() gives several requests at once (wrk's
// pipeline.lua) pipelines them: over HTTP/1.1 the plan's --pipeline becomes at least that many.
// Null without a script; throws cli::UsageError (one line naming the file and line) when the
// script cannot be loaded.
std::unique_ptr<script::LuaRunScript> load_run_script(RunPlan& plan);

// wrk's done(summary, latency, requests) figures from the run's summary: microseconds and counts.
// wrk's error kinds: connect (resolve, connect, tls, client),
// read (read, protocol, redirect, script), write, status (responses of 400 and above, and failed
// checks), timeout.
script::DoneFigures done_figures(const stats::RunSummary& summary);

// Runs the script's done(); a failure is one line, returned.
std::optional<std::string> finish_run_script(script::LuaRunScript& script,
                                             const stats::RunSummary& summary);

}  // namespace ccload::app
