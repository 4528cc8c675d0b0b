// `ccload run` (and the seed's `-u URL ... -GET`): plan the run, check what can be checked before
// sending, run the engine with its sinks, summarize once, then write every output from that one
// summary.

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <thread>

#include "app/app.hpp"
#include "app/interrupt.hpp"
#include "app/output_files.hpp"
#include "app/resources.hpp"
#include "app/run_plan.hpp"
#include "app/run_script.hpp"
#include "app/run_watch.hpp"
#include "net/tls.hpp"
#include "report/compare_text.hpp"
#include "report/csv_summary.hpp"
#include "report/json_summary.hpp"
#include "report/progress.hpp"
#include "report/terminal.hpp"
#include "sinks/policy.hpp"
#include "stats/comparison.hpp"
#include "store/postgres.hpp"
#include "store/run_writer.hpp"
#include "store/stored_runs.hpp"

namespace ccload::app {

namespace {

std::int64_t now_unix_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// What can be refused before anything is sent: an unreadable --cacert, output files that cannot
// be written. Creates nothing.
std::optional<std::string> problem_before_sending(const RunPlan& plan) {
  const std::string& cacert = plan.engine.tls.ca_file;
  if (!cacert.empty() && access(cacert.c_str(), R_OK) != 0) {
    return fmt::format("--cacert '{}' cannot be read: give the path of a PEM CA file", cacert);
  }
  if (!plan.engine.tls.cert_file.empty()) {
    // Readable PEM files, and a key that matches the certificate, before anything is sent.
    try {
      (void)net::make_client_context(plan.engine.tls);
    } catch (const std::exception& error) {
      return std::string(error.what());
    }
  }
  if (auto problem = output_problem("--html", plan.outputs.html)) return problem;
  if (auto problem = output_problem("--csv", plan.outputs.csv)) return problem;
  if (!plan.outputs.csv.empty()) return report::csv_header_problem(plan.outputs.csv);
  return std::nullopt;
}

// The stored run `--baseline` names, read before the run starts (so a missing one sends
// nothing). "last" is the last run of the same targets that passed its thresholds, "last-any" the
// last of them; when there is none the run sets the first baseline (a line on stderr, no
// comparison), unless --baseline-required. Throws cli::UsageError.
std::optional<stats::RunSummary> load_baseline(const RunPlan& plan) {
  if (!plan.baseline) return std::nullopt;
  const std::string& spec = *plan.baseline;
  const bool last = spec == "last" || spec == "last-any";
  const std::string database = store::redact_database_url(*plan.database);
  const std::string what = stats::describe_targets(plan.facts);
  const auto none = [&]() -> std::optional<stats::RunSummary> {
    const std::string which = spec == "last" ? " that passed its thresholds" : "";
    if (plan.baseline_required) {
      throw cli::UsageError(fmt::format(
          "--baseline {}: no earlier run of {}{} in {}; run it once without --baseline first "
          "(or drop --baseline-required)",
          spec, what, which, database));
    }
    std::cerr << fmt::format(
        "ccload: --baseline {}: no earlier run of {}{} in {}: this run sets the first baseline\n",
        spec, what, which, database);
    return std::nullopt;
  };
  try {
    store::StoredRuns runs(*plan.database);
    std::optional<store::RunRef> ref;
    if (last) {
      ref = runs.last_of(stats::targets_of(plan.facts), spec == "last");
      if (!ref) return none();
    } else {
      ref = runs.resolve(spec);
    }
    stats::RunSummary baseline = runs.load(*ref, 0);
    if (!stats::same_targets(baseline.facts, plan.facts)) {
      throw cli::UsageError(fmt::format(
          "--baseline {} is a run of {}, not of {}: give a run of the same targets (URLs and "
          "methods)",
          spec, stats::describe_targets(baseline.facts), what));
    }
    return baseline;
  } catch (const store::RunNotFound& error) {
    if (last) return none();
    throw cli::UsageError(fmt::format("--baseline: {}", error.what()));
  } catch (const store::StoreError& error) {
    throw cli::UsageError(fmt::format("--baseline: {}", error.what()));
  }
}

// When this agent's first request is due: --start-at, plus a shard's offset in the schedule.
std::int64_t planned_start_ns(const RunPlan& plan) {
  return *plan.start_at_ns + static_cast<std::int64_t>(plan.shard_delay_s * 1e9);
}

// Sleeps until the planned start (no coordinator: every agent waits for the same wall-clock
// moment). False when a stop signal came first.
bool wait_for_start(const RunPlan& plan, const std::atomic<bool>& stop) {
  const std::int64_t start = planned_start_ns(plan);
  while (!stop.load()) {
    const std::int64_t left = start - now_unix_ns();
    if (left <= 0) return true;
    std::this_thread::sleep_for(std::chrono::nanoseconds(std::min<std::int64_t>(left, 50'000'000)));
  }
  return false;
}

// The run as it happened: the engine's result and where its records went.
struct Execution {
  engine::EngineResult result;
  std::unique_ptr<store::RunWriter> writer;  // opened (and checked) before anything is sent
  std::optional<sinks::FailureShipper> shipper;
  bool started = true;  // false: the engine could not start (one line was printed)
};

void run_engine(const RunPlan& plan, Execution& run, core::RunScript* script,
                report::StatusLine& status, RunWatch& watch) {
  engine::RunHooks hooks;
  hooks.script = script;
  if (run.writer) hooks.store = run.writer.get();
  // Failed requests go to Betterstack and/or Loki from their own threads (never slowing the run).
  if (plan.shipping) {
    sinks::ShipperConfig ship = *plan.shipping;
    if (run.writer && run.writer->run_id() != 0) {
      ship.run_id = run.writer->run_id();
      ship.database = store::redact_database_url(*plan.database);
    }
    run.shipper.emplace(std::move(ship));
    hooks.failures = &*run.shipper;
  }
  hooks.stop = &install_interrupt_handler();
  if (plan.start_at_ns) (void)wait_for_start(plan, *hooks.stop);  // a stop is handled below
  hooks.on_second = [&watch](std::shared_ptr<const stats::Snapshot> snapshot) {
    watch.on_second(std::move(snapshot));
  };
  if (hooks.stop->load()) {  // a signal while waiting for --start-at: nothing was sent
    run.result.interrupted = true;
    run.result.started_unix_ns = now_unix_ns();
    status.clear();
    return;
  }
  try {
    run.result = engine::run_load(plan.engine, hooks);
  } catch (const std::exception& error) {
    print_error(fmt::format("the load test could not start: {}", error.what()));
    run.started = false;
  }
  status.clear();
}

// One summary per target of a run of several, each with the facts of the whole but its own URL,
// method and share of -n.
std::vector<stats::RunSummary> target_summaries(const RunPlan& plan, const stats::RunFacts& whole,
                                                const std::vector<stats::RunStats>& stats) {
  std::vector<stats::RunSummary> out;
  const std::size_t count = stats.size();
  for (std::size_t t = 0; t < count; ++t) {
    stats::RunFacts facts = whole;
    facts.url = plan.engine.targets[t].url;
    facts.method = plan.engine.targets[t].method;
    facts.targets.clear();
    facts.connections_opened = 0;  // connections serve an origin, not a target
    facts.http2_refused = facts.h2c_http1_answers = facts.h2c_closed_silently = 0;
    stats::apply_target_share(facts, t, count);
    out.push_back(stats::summarize(stats[t], std::move(facts)));
  }
  return out;
}

// The one summary of the run: statistics, facts, the first requests and the thresholds' verdicts.
stats::RunSummary summarize_run(const RunPlan& plan, const Execution& run) {
  stats::RunFacts facts = plan.facts;
  facts.started_unix_ns = run.result.started_unix_ns;
  facts.duration_s = run.result.duration_s;
  facts.interrupted = run.result.interrupted;
  // Named whenever a signal came (the exit code says it too), also after the load was sent.
  if (stop_signal_number() != 0) facts.stop_signal = signal_name(stop_signal_number());
  facts.dropped = run.result.dropped;
  facts.connections_opened = run.result.connections_opened;
  facts.http2_refused = run.result.http2_refused;
  facts.h2c_http1_answers = run.result.h2c_http1_answers;
  facts.h2c_closed_silently = run.result.h2c_closed_silently;
  facts.protocol = run.result.protocol;
  facts.streams = run.result.streams;
  if (run.result.server_streams) facts.streams_requested = plan.engine.streams;
  // None when a signal came before --start-at (nothing was due, so nothing was late).
  if (plan.start_at_ns && run.result.started_unix_ns >= planned_start_ns(plan)) {
    facts.start_late_s =
        static_cast<double>(run.result.started_unix_ns - planned_start_ns(plan)) / 1e9;
  }
  stats::RunSummary summary = stats::summarize(run.result.stats, facts, run.result.generator);
  summary.targets = target_summaries(plan, facts, run.result.target_stats);
  const std::size_t shown =
      plan.all_details ? run.result.kept.size() : std::min<std::size_t>(run.result.kept.size(), 20);
  for (std::size_t i = 0; i < shown; ++i) {
    const Record& r = run.result.kept[i];
    const TargetSpec& target = plan.engine.targets[r.target];
    summary.details.push_back(
        // The URL sent: a template's filled, a script's own (else the target's).
        {r.request_id, r.start_unix_ns, r.url.empty() ? target.url : r.url, target.method,
         r.error == ErrorCategory::none ? r.status : 0,
         r.error == ErrorCategory::none ? "" : std::string(to_string(r.error)),
         static_cast<double>(r.total_ns) / 1e9});
  }
  summary.all_details = plan.all_details;
  summary.thresholds = stats::evaluate(plan.thresholds, summary);
  return summary;
}

// "run 12", "run 12, named nightly" or "run 12, shard 2/3 of checkout": how `report` finds it.
std::string stored_run_label(const stats::RunFacts& facts, std::int64_t run_id) {
  if (facts.run_name.empty()) return fmt::format("run {}", run_id);
  if (facts.shards > 1) {
    return fmt::format("run {}, shard {}/{} of {}", run_id, facts.shard, facts.shards,
                       facts.run_name);
  }
  return fmt::format("run {}, named {}", run_id, facts.run_name);
}

// Sets the run's ids (run_b) in a comparison and its targets' comparisons.
void set_run_b(stats::RunComparison& comparison, std::int64_t run_id) {
  comparison.run_b = run_id;
  for (auto& target : comparison.targets) set_run_b(target, run_id);
}

// Judges the run against its --baseline, stores the summary with the run (after its
// records, with the comparison) and notes where everything went. Returns the store's error when
// the records could not all be stored.
std::optional<std::string> finish_sinks(const RunPlan& plan, Execution& run,
                                        const std::optional<stats::RunSummary>& baseline,
                                        stats::RunSummary& summary, report::StatusLine& status,
                                        bool status_wanted) {
  std::optional<std::string> store_error;
  if (baseline && run.started) {
    summary.baseline = stats::compare_runs(*baseline, summary, plan.tolerance);
    if (run.writer) set_run_b(*summary.baseline, run.writer->run_id());
  }
  if (run.writer) {
    const std::string database = store::redact_database_url(*plan.database);
    // A store still draining after the load (a slow or locked disk) says how far it has come.
    store::RunWriter::DrainProgress on_drain;
    if (status_wanted) {
      on_drain = [&](std::uint64_t handled, std::uint64_t total) {
        status.show(report::storing_line(handled, total, database));
      };
    }
    const store::StoreOutcome outcome =
        run.writer->finish({now_unix_ns(), run.started ? &summary : nullptr}, on_drain);
    status.clear();
    summary.storage = {database, outcome.run_id, outcome.ok, outcome.fallback_path.string()};
    if (outcome.ok) {
      summary.notes.push_back(fmt::format("Every request is stored in {} ({}).", database,
                                          stored_run_label(summary.facts, outcome.run_id)));
    } else {
      summary.notes.push_back(
          outcome.fallback_path.empty()
              ? fmt::format("The requests could not all be stored in {} (see the error below).",
                            database)
              : fmt::format("{} requests are stored in {} ({}); the other {} are in {}: "
                            "`ccload import {}` stores them there.",
                            outcome.rows_stored, database,
                            stored_run_label(summary.facts, outcome.run_id), outcome.fallback_rows,
                            outcome.fallback_path.string(), outcome.fallback_path.string()));
      store_error = outcome.error;
    }
  } else {
    summary.notes.push_back("The requests were not stored (--no-store).");
  }
  if (run.shipper) {
    for (auto& line : run.shipper->finish(summary.failed)) summary.notes.push_back(std::move(line));
  } else if (summary.failed > 0) {
    summary.notes.push_back(sinks::not_configured_line(summary.failed));
  }
  return store_error;
}

}  // namespace

int run_load_test(const cli::RunCommand& command) {
  config::Settings settings;
  try {
    settings =
        config::load_settings(std::filesystem::current_path(), config::process_environment());
  } catch (const config::ConfigError& error) {
    print_error(error.what());
    return kExitUsage;
  }
  for (const auto& warning : settings.warnings) std::cerr << "ccload: warning: " << warning << '\n';

  RunPlan plan = plan_run(command, settings);
  // -s FILE: loaded (setup, init, a first request) before anything is sent; may deepen --pipeline.
  const std::unique_ptr<script::LuaRunScript> script = load_run_script(plan);
  if (auto problem = problem_before_sending(plan)) {
    print_error(*problem);
    return kExitUsage;
  }
  // Every connection needs a descriptor: refuse a run that would fail on ccload's side.
  const DescriptorLimit descriptors = raise_descriptor_limit();
  if (auto problem = descriptor_problem(plan.engine.concurrency, engine::worker_count(plan.engine),
                                        descriptors)) {
    print_error(*problem);
    return kExitUsage;
  }
  const std::optional<stats::RunSummary> baseline = load_baseline(plan);
  // The JSON summary to stdout moves the human report to stderr.
  std::ostream& human = plan.outputs.json == "-" ? std::cerr : std::cout;
  const bool terminal = isatty(STDERR_FILENO) == 1;
  const bool status_wanted = terminal || plan.progress;
  report::StatusLine status(terminal);
  // The live view: asked for, or stdout is a terminal the JSON summary leaves free.
  const bool stdout_terminal = isatty(STDOUT_FILENO) == 1;
  // On a terminal the report ends with its verdicts (the seed's form keeps the seed's layout).
  plan.outputs.verdicts_last =
      !plan.seed_form && isatty(plan.outputs.json == "-" ? STDERR_FILENO : STDOUT_FILENO) == 1;
  bool live = plan.watch.live.value_or(stdout_terminal && plan.outputs.json != "-");
  if (live && !stdout_terminal) {
    std::cerr << "ccload: warning: --live draws on a terminal and stdout is not one: showing the "
                 "progress line instead\n";
    live = false;
  }
  // --metrics-listen bound and InfluxDB reached before anything is sent (or stored).
  RunWatch watch(plan, status_wanted ? &status : nullptr, live);
  // From here on a signal is a graceful stop (opening the database may wait on its lock).
  (void)install_interrupt_handler();
  Execution run;
  if (plan.database) {  // opened, migrated and written once before anything is sent
    std::string problem;
    run.writer = store::RunWriter::open(*plan.database, plan.facts, problem);
    if (!run.writer) {
      print_error(problem);
      return kExitUsage;
    }
  }
  if (run.writer) watch.set_run_id(run.writer->run_id());
  human << "Running....\n" << std::flush;
  run_engine(plan, run, script.get(), status, watch);
  stats::RunSummary summary = summarize_run(plan, run);
  for (auto& line : watch.finish()) summary.notes.push_back(std::move(line));
  const std::optional<std::string> store_error =
      finish_sinks(plan, run, baseline, summary, status, status_wanted);
  if (!run.started) return kExitFailed;

  const bool written = write_outputs(summary, plan.outputs, human, store_error);
  // The script's done() prints after the report, as under wrk (its failure is one line, exit 1).
  std::optional<std::string> script_error;
  if (script) {
    human << std::flush;
    script_error = finish_run_script(*script, summary);
    std::fflush(stdout);
    if (script_error) print_error(fmt::format("-s {}: {}", plan.script_path, *script_error));
  }

  human << std::flush;
  watch.linger(install_interrupt_handler(), human);
  // A stop signal (also one that came after the load, while storing): 128 + its number, once
  // everything was written.
  if (const int signal = stop_signal_number(); signal != 0) return exit_code_of_signal(signal);
  if (store_error || !written || script_error) return kExitFailed;
  if (summary.thresholds_failed()) return kExitThresholds;
  if (summary.baseline && summary.baseline->regressed() && plan.fail_on_regression) {
    return kExitThresholds;
  }
  return kExitOk;
}

}  // namespace ccload::app
