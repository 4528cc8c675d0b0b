#pragma once
// The one summary of a run behind every output (terminal, JSON, CSV, HTML, history, RUNS,
// thresholds, comparisons). Computed once after a run from the merged statistics and the run's
// facts, or rebuilt from a stored run; the reports are pure functions of it.

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/record.hpp"
#include "core/stage.hpp"
#include "core/target.hpp"
#include "stats/generator.hpp"
#include "stats/histogram.hpp"
#include "stats/run_comparison.hpp"
#include "stats/run_stats.hpp"
#include "stats/timeline.hpp"

namespace ccload::stats {

// What was asked for and how the run went, besides its measurements.
struct RunFacts {
  // The run's first target (its only one, usually); in a target's own summary, that target.
  std::string url;
  std::string method;  // upper case
  // Every target of the run, in order (requests went to them in turn); empty when read from a
  // database older than several targets (then the run had one: url and method).
  std::vector<TargetName> targets;
  unsigned max_redirects = 0;              // --max-redirects: hops followed per request
  std::optional<std::uint64_t> requested;  // -n; none when -z bounded the run
  unsigned concurrency = 0;                // -c
  std::optional<double> duration_limit_s;  // -z, seconds
  std::optional<double> rate;              // --rate, requests per second
  std::vector<Stage> stages;               // --stages, in order (empty without)
  std::optional<double> start_rate;        // --start-rate with --stages, requests per second
  std::int64_t started_unix_ns = 0;        // wall clock when the first request was due
  double duration_s = 0;                   // first request due -> last response (or the stop)
  // Stopped before its end: by a signal (stop_signal), or its process died before writing its
  // end (cut_short, known only to a stored run).
  bool interrupted = false;
  // The signal that stopped the run: "SIGINT", "SIGTERM" or "SIGHUP"; empty when none did.
  std::string stop_signal;
  // Read back from a database: the run's process never wrote its end (killed, OOM, a drained
  // node); its figures are computed from the rows it had committed.
  bool cut_short = false;
  // Requests whose scheduled time came (--rate, --stages) but that could not be sent before -z
  // or the last stage ended: the server (or -c) could not keep up with the rate. Never sent,
  // never in `requests`.
  std::uint64_t dropped = 0;
  std::uint64_t connections_opened = 0;
  // --http2 over TLS: handshakes in which the server did not agree to HTTP/2 by ALPN (each one a
  // `tls` failure).
  std::uint64_t http2_refused = 0;
  // --http2 over http (h2c): connections on which the server answered in HTTP/1.x where its
  // HTTP/2 preface was due (their requests failed as protocol), and those it closed before
  // sending a byte (their requests failed as read).
  std::uint64_t h2c_http1_answers = 0, h2c_closed_silently = 0;
  std::string protocol = "HTTP/1.1";  // "HTTP/1.1" or "HTTP/2" (--http2)
  // Requests in flight per connection at most: --streams, or the server's
  // SETTINGS_MAX_CONCURRENT_STREAMS when that was lower (then streams_requested is --streams).
  unsigned streams = 1;
  // --pipeline: HTTP/1.1 requests written together per connection at most (1: none).
  unsigned pipeline = 1;
  std::optional<unsigned> streams_requested;
  // --latency-includes-failures: total and service time also cover the requests that failed
  // without a response (timed to their failure).
  bool latency_includes_failures = false;
  // A distributed run: this is shard `shard` of `shards`, all stored under `run_name`. A merged
  // run has shards > 1 and no shard of its own.
  std::string run_name;  // --run-id; empty when not named
  unsigned shard = 0, shards = 1;
  std::optional<std::int64_t> start_at_ns;  // --start-at, Unix ns
  std::optional<double> start_late_s;       // how late the first request was due, after start_at
  // A run with templates or a data file (issue 21); none and empty otherwise.
  std::optional<std::uint64_t> seed;  // --seed, or the one drawn for the run
  std::string data_file;              // --data, as given
  std::uint64_t data_bytes = 0;       // its size
  std::string data_sha256;            // its SHA-256, lower-case hex
  std::string data_order;             // "sequential", "random" or "once" (with --data)
  // The templated parts as given, JSON: [{"url": ..., "headers": {name: value}, "body": ...}], one
  // object per target in order, with only the parts that have fields (a header value without
  // fields is not kept: it may be a credential); empty when no part has one.
  std::string templates;
  // --check, as given, in order (empty without).
  std::vector<std::string> checks;
  std::uint64_t body_cap = 0;  // --body-cap: bytes of a body kept for checks (with --check)
  // A scripted run (-s FILE): the script's path as given, its SHA-256 (lower-case hex) and its
  // init() arguments (the words after `--`); empty otherwise.
  std::string script;
  std::string script_sha256;
  std::vector<std::string> script_args;
};

// One timing: the histogram (nanoseconds) and its figures (seconds). The figures come from the
// histogram, or are exact when the run was rebuilt from stored rows (a PyLoad database).
struct Timing {
  Histogram histogram;
  TimingSummary figures;
};

// One line of the report's request table.
struct DetailRow {
  std::uint64_t request_id = 0;  // 1-based within the run
  std::int64_t start_unix_ns = 0;
  std::string url, method;
  int status = 0;      // 0 for a transport error
  std::string error;   // the transport error's category, else empty
  double total_s = 0;  // due -> last byte
};

// Where the run's records went.
struct Storage {
  std::string database;     // empty when the run was not stored (--no-store)
  std::int64_t run_id = 0;  // RUNS row, 0 when none
  bool stored = false;      // every record reached the database
  std::string fallback;     // NDJSON file holding what the database did not take, if any
};

// The verdict of one --fail-on threshold on this run.
struct ThresholdVerdict {
  std::string expression;          // as written, e.g. "p95<200ms"
  std::string unit;                // of measured and limit: "s", "%", "" (a count) or "req/s"
  std::optional<double> measured;  // none when the figure has no sample (no response)
  double limit = 0;
  bool passed = false;
};

// One shard of a merged distributed run.
struct ShardLine {
  unsigned shard = 0;
  std::int64_t run_id = 0;
  std::uint64_t requests = 0, failed = 0;
  double duration_s = 0;
  std::optional<double> start_late_s;
  bool finished = true;  // false: its process never wrote its end (it died or is still running)
};

// One --check's tally over the requests whose checks were evaluated (a complete response).
struct CheckTally {
  std::string expression;  // as given
  std::uint64_t passed = 0, failed = 0;
  // The share that passed, 0..1 (1 when no response was checked).
  double pass_rate() const {
    return passed + failed == 0
               ? 1.0
               : static_cast<double>(passed) / static_cast<double>(passed + failed);
  }
};

struct RunSummary {
  RunFacts facts;
  std::uint64_t requests = 0, succeeded = 0, failed = 0;
  std::uint64_t bytes = 0;  // response body bytes received (Record::bytes)
  double rps = 0;           // requests_per_second(requests, facts.duration_s)

  // Every response by its status (any three digits, so none is lost), and every transport error
  // by category (index = ErrorCategory; index 0 unused). Their sum is `requests`.
  std::map<int, std::uint64_t> status_codes;
  std::array<std::uint64_t, kErrorCategoryCount> errors{};
  // The tls errors by reason (index = TlsReason; those without a reason under `other`, index 0
  // unused); their sum is errors[tls] (a run stored before schema version 8, or rebuilt from its
  // rows alone, knows no reasons: all zero).
  std::array<std::uint64_t, kTlsReasonCount> tls_reasons{};

  // total, first byte, last byte cover the requests that got a response (total also the failed
  // ones with facts.latency_includes_failures); connect the requests that opened a connection.
  Timing total, ttfb, ttlb, connect;
  // Every request: sent - scheduled (rate mode; zero without a rate). `service` = total - wait,
  // over the requests that got a response: what the server took, counted from the send.
  Timing wait, service;
  std::uint64_t waited = 0;  // requests that waited more than 1 ms for a connection

  GeneratorCheck generator;  // loop lag and CPU per worker, and the verdict (saturated, delayed)

  std::vector<SecondStats> timeline;  // by the second of the run in which requests completed

  std::vector<CheckTally> checks;  // --check, in the order given (empty without)
  // Responses whose checks failed because their body was longer than --body-cap (body_cap).
  std::uint64_t body_capped = 0;

  std::vector<DetailRow> details;  // the first requests, by id (every one with --details)
  bool all_details = false;        // `details` holds every request of the run

  Storage storage;
  std::vector<std::string> notes;  // where records and failures went, one line each
  std::vector<ThresholdVerdict> thresholds;
  // --baseline: this run (B) against the baseline run (A), judged when the run ended and stored
  // with it (RUNS.BASELINE); none without --baseline, or when this run set the first baseline.
  std::optional<RunComparison> baseline;
  std::vector<ShardLine> shard_lines;  // a merged distributed run: its shards, by index

  std::uint64_t redirected = 0;  // requests that followed at least one redirect
  // A run of several targets: one summary per target, in the run's order, each with the same
  // figures as the whole (its facts name the target; no details, storage, notes, shard lines or
  // nested targets). Empty for a run of one target.
  std::vector<RunSummary> targets;
  // A merged distributed run whose shards ran different targets: no figures per target.
  bool shard_targets_differ = false;

  std::size_t target_count() const { return facts.targets.empty() ? 1 : facts.targets.size(); }
  bool paced() const { return facts.rate.has_value() || !facts.stages.empty(); }
  double failure_rate() const {  // 0..1
    return requests ? static_cast<double>(failed) / static_cast<double>(requests) : 0.0;
  }
  bool thresholds_failed() const;
};

// The one definition of a run's rate: requests (completed or failed, never dropped) / duration_s
// (RunFacts: from the first request due to the last response, or the stop); 0 when the duration
// is 0.
double requests_per_second(std::uint64_t requests, double duration_s);

// The figures of each timing from its histogram, the counts, rate and timeline from `stats`, the
// generator check from `generator`.
RunSummary summarize(const RunStats& stats, RunFacts facts, const GeneratorLoad& generator = {});

// Every target of a run, in order (its one url and method when the list is empty).
std::vector<TargetName> targets_of(const RunFacts& facts);
// Runs of the same targets (methods and URLs, in the same order): comparable without --force.
bool same_targets(const RunFacts& a, const RunFacts& b);
// "GET http://h/x", or "3 targets (GET http://h/a, POST http://h/b, ...)", for messages.
std::string describe_targets(const RunFacts& facts);

// Makes a copy of a run's facts the facts of target `index` of `count`: its share of -n (n / count,
// the remainder to the first targets) and of --rate (rate / count), as round robin gives them.
void apply_target_share(RunFacts& facts, std::size_t index, std::size_t count);

// The requests per second the schedule asked for on average (--rate, or the stages' integral over
// their duration); none for a run that was not paced.
std::optional<double> target_rate(const RunFacts& facts);

// "85% of the service-time p50 (4.900 ms)": the loop-lag p99 against the latencies measured.
std::string lag_against_latency(const GeneratorCheck& g);

// The one list of plain sentences about what the figures mean and how far they can be trusted,
// rendered by every report (terminal, JSON "findings", HTML, `ccload report`): a pure function of
// the summary, so a stored run says what the live run said. HTTP/2 refused by ALPN, redirects an
// HTTP/2 run did not follow, a run of too many targets for figures per target, an agent that
// started late, a merged run with shards missing or of different targets, failures of the
// generator's own machine, a generator-limited run, requests that waited for a connection, an
// achieved rate below 95% of the target and why, and which latency counts from where.
std::vector<std::string> findings(const RunSummary& summary);

// The figures of one timing from exact samples (nanoseconds; reordered), with the histogram.
Timing timing_from_samples(std::vector<std::int64_t>& samples_ns);

}  // namespace ccload::stats
