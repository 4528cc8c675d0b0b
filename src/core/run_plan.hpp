#pragma once
// One immutable description of a run: what the engine sends, to where, how fast and for how long.
// Built once (app::plan_run) before anything is sent and read by every worker during the run; it
// holds no run-time hooks (progress, the record sinks, the stop signal: engine::RunHooks are
// passed beside it).

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "core/server_response.hpp"
#include "core/stage.hpp"
#include "core/target.hpp"
#include "core/tls_options.hpp"

namespace ccload::request {
struct RunTemplates;  // request/run_templates.hpp
}

namespace ccload::check {
struct Check;  // check/check.hpp
}

namespace ccload::core {

struct RunPlan {
  // What is sent: request k (0-based) to targets[k mod T] (round robin: each target gets n / T,
  // the remainder to the first ones). URLs are checked before (net::parse_target must accept
  // them); at most 65,536 targets. A templated URL is its template here (with its fields).
  std::vector<TargetSpec> targets;
  // Redirects (301, 302, 303, 307, 308 with a Location) followed per request; 0 = none (a 3xx is
  // the response). More hops, or a loop, fail the request as `redirect`.
  unsigned max_redirects = 10;
  // What is absent is nullopt, here as in stats::RunFacts (never 0 or UINT64_MAX).
  // n: exactly this many are sent, unless duration_s ends the run first; none: unbounded.
  std::optional<std::uint64_t> requests;
  // Seconds after the start past which no request is sent (none = no limit). Requests in flight
  // then complete (within the timeout). With a rate, requests due before then that could not be
  // sent by then are dropped (EngineResult::dropped).
  std::optional<double> duration_s;
  // Requests per second in total (none = closed model: each connection sends its next request as
  // soon as the previous one completed). With a rate, request k is due at start + k / rate whether
  // or not a connection is free then (open model), and its `total` counts from that scheduled
  // time, so a stalled server shows in the latency instead of slowing the schedule (no
  // coordinated omission).
  std::optional<double> rate;
  // A ramping rate instead (--stages; then rate, requests and duration_s are none): the rate
  // moves linearly through each stage, from start_rate (requests per second; none = 0) at the
  // start; the run ends with the last stage.
  std::vector<Stage> stages;
  std::optional<double> start_rate;
  // A shard of a distributed run: shard_index of shard_count. With --stages every shard_count-th
  // slot of the ramp from shard_index on (with --rate and -n the plan already holds this shard's
  // share); with --data-order once, the shard's rows (request/row_order.hpp).
  unsigned shard_index = 0, shard_count = 1;
  // c: connections, never exceeded; spread over the targets' origins in proportion to their
  // number of targets, at least one each (so c must be at least the number of origins).
  unsigned concurrency = 1;
  unsigned threads = 0;   // workers; 0 = min(cores, c)
  double timeout_s = 30;  // per request; 0 = none
  // --latency-includes-failures: requests that failed without a response (timeouts, resets,
  // refused connections, ...) are timed into the total and service histograms too.
  bool latency_includes_failures = false;
  TlsOptions tls;
  // HTTP/2 (nghttp2) instead of HTTP/1.1: by ALPN "h2" over https, with prior knowledge (h2c)
  // over http. Each connection then carries up to `streams` requests at once (c x streams in
  // flight at most); otherwise streams is 1.
  bool http2 = false;
  unsigned streams = 1;
  // --pipeline (HTTP/1.1): requests written together on a connection, their responses read in
  // order (wrk's pipeline.lua); 1 sends one request at a time.
  unsigned pipeline = 1;
  // What the sessions capture of each response, for the script's response() (and checks):
  // nothing by default, so a run without them parses as it always did.
  ResponseNeeds needs;
  // --check: evaluated in order on every complete response (a redirect's last hop); null
  // without.
  std::shared_ptr<const std::vector<check::Check>> checks;
  // Records with request_id <= keep_records are also returned in EngineResult::kept.
  std::uint64_t keep_records = 20;

  // The targets' compiled templates, the data file's rows and the row order (issue 21), parallel
  // to `targets`; null when no target has a field and no --data was given (every request of a
  // target is then the same bytes).
  std::shared_ptr<const request::RunTemplates> templates;
  // --seed: the random fields and the random row order draw from per-worker generators seeded by
  // (seed, worker index), so the same seed sends the same requests again.
  std::uint64_t seed = 0;
};

}  // namespace ccload::core
