#pragma once
// The load engine: sends `requests` requests (or requests for `duration_s`) over `concurrency`
// keep-alive connections, spread over worker threads (one io_context each), as fast as the
// connections allow or at a fixed `rate`, and measures every one of them.

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/record.hpp"
#include "core/record_sink.hpp"
#include "core/target.hpp"
#include "engine/schedule.hpp"
#include "net/tls.hpp"
#include "net/url.hpp"
#include "stats/generator.hpp"
#include "stats/run_stats.hpp"

namespace ccload::engine {

// How far a run has come, for a progress line.
struct Progress {
  double elapsed_s = 0;         // since the first request was due
  std::uint64_t completed = 0;  // requests completed (succeeded or failed), as of the last tick
  std::uint64_t failed = 0;
};

struct EngineConfig {
  // What is sent: request k (0-based) to targets[k mod T] (round robin: each target gets n / T,
  // the remainder to the first ones). URLs are checked before (net::parse_target must accept
  // them); at most 65,536 targets.
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
  // A shard of a distributed run with --stages: every shard_count-th slot of the ramp from
  // shard_index on (with --rate and -n the plan already holds this shard's share).
  unsigned shard_index = 0, shard_count = 1;
  // c: connections, never exceeded; spread over the targets' origins in proportion to their
  // number of targets, at least one each (so c must be at least the number of origins).
  unsigned concurrency = 1;
  unsigned threads = 0;   // workers; 0 = min(cores, c)
  double timeout_s = 30;  // per request; 0 = none
  net::TlsOptions tls;
  // HTTP/2 (nghttp2) instead of HTTP/1.1: by ALPN "h2" over https, with prior knowledge (h2c)
  // over http. Each connection then carries up to `streams` requests at once (c x streams in
  // flight at most); otherwise streams is 1.
  bool http2 = false;
  unsigned streams = 1;

  RecordSink* store = nullptr;     // receives every record, in batches (may be null)
  RecordSink* failures = nullptr;  // receives failed records, in batches (may be null)
  // Records with request_id <= keep_records are also returned in EngineResult::kept.
  std::uint64_t keep_records = 20;
  // When it becomes true: no new request is issued; requests in flight get up to one second.
  const std::atomic<bool>* stop = nullptr;
  // Called about once a second while the run lasts, on the thread that called run_load (may be
  // empty). Workers publish their counts once per watchdog tick, never per request.
  std::function<void(const Progress&)> on_progress;
};

struct EngineResult {
  stats::RunStats stats;  // merged over workers
  // Per target, by index, merged over workers (empty for a run of one target, or of more than
  // kMaxTargetBreakdown).
  std::vector<stats::RunStats> target_stats;
  std::vector<Record> kept;  // the first keep_records records, by request id
  std::int64_t started_unix_ns = 0;
  double duration_s = 0;     // first request due -> last response (or stop)
  bool interrupted = false;  // stopped through EngineConfig::stop
  std::uint64_t connections_opened = 0;
  stats::GeneratorLoad generator;     // loop lag and thread CPU of every worker
  std::string protocol = "HTTP/1.1";  // "HTTP/1.1" or "HTTP/2"
  // Requests in flight per connection at most: 1 over HTTP/1.1; over HTTP/2 --streams, or the
  // server's SETTINGS_MAX_CONCURRENT_STREAMS when that was lower (server_streams).
  unsigned streams = 1;
  // HTTP/2: the lowest SETTINGS_MAX_CONCURRENT_STREAMS below --streams a server announced (then
  // requests waited for a stream: that is in their wait, not in their first and last byte).
  std::optional<unsigned> server_streams;
  // TLS handshakes in which the server did not agree to HTTP/2 by ALPN (each a tls failure).
  std::uint64_t http2_refused = 0;
  // Paced runs: slots whose time came but that no connection could send before duration_s (or
  // the last stage) ended; never sent, not in `stats`. A run that reached its end without a stop
  // has stats.requests + dropped == the schedule's slot count (capped by n).
  std::uint64_t dropped = 0;
};

// The targets' origins (scheme, host, port), in order of first use, each with the indices of its
// targets (ascending). Every URL must be accepted by net::parse_target.
std::vector<std::vector<std::uint32_t>> targets_by_origin(const std::vector<TargetSpec>& targets);

// c connections spread over origins serving `targets` targets each: in proportion (largest
// remainder, ties to the first), at least one each. Needs c >= the number of origins.
std::vector<unsigned> spread_connections(unsigned c, const std::vector<std::size_t>& targets);

// The worker threads a run uses: --threads, else the number of cores; at most one per connection.
unsigned worker_count(const EngineConfig& config);

// Runs the load. Transport and HTTP failures are recorded, never thrown. Throws only when the run
// cannot start at all (for example an unreadable --cacert file), with a one-line message.
EngineResult run_load(const EngineConfig& config);

}  // namespace ccload::engine
