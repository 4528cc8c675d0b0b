#pragma once
// The load engine: sends `requests` requests (or requests for `duration_s`) over `concurrency`
// keep-alive connections, spread over worker threads (one io_context each), as fast as the
// connections allow or at a fixed `rate`, and measures every one of them.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/record.hpp"
#include "core/record_sink.hpp"
#include "core/request_script.hpp"
#include "core/run_plan.hpp"
#include "core/target.hpp"
#include "engine/schedule.hpp"
#include "net/tls.hpp"
#include "net/url.hpp"
#include "stats/generator.hpp"
#include "stats/run_stats.hpp"
#include "stats/snapshot.hpp"

namespace ccload::engine {

// The plan is what the engine reads (core/run_plan.hpp); the name EngineConfig stays for it.
using EngineConfig = core::RunPlan;

// What the run reports to and listens to while it lasts, passed beside the plan (never stored in
// it). Every member may be empty.
struct RunHooks {
  RecordSink* store = nullptr;     // receives every record, in batches
  RecordSink* failures = nullptr;  // receives failed records, in batches
  // When it becomes true: no new request is issued; requests in flight get up to one second.
  const std::atomic<bool>* stop = nullptr;
  // Called once for each second of the run, within about a watchdog tick (at most 110 ms) of its
  // end, and once more when the run is over (Snapshot::last), on the thread that called run_load.
  // It must not block: it holds up the next second's snapshot (never the load).
  std::function<void(std::shared_ptr<const stats::Snapshot>)> on_second;
  // The request script (-s), when the run has one: each worker gets its own (for_worker).
  core::RunScript* script = nullptr;
};

struct EngineResult {
  stats::RunStats stats;  // merged over workers
  // Per target, by index, merged over workers (empty for a run of one target, or of more than
  // kMaxTargetBreakdown).
  std::vector<stats::RunStats> target_stats;
  std::vector<Record> kept;  // the first keep_records records, by request id
  std::int64_t started_unix_ns = 0;
  double duration_s = 0;     // first request due -> last response (or stop)
  bool interrupted = false;  // stopped through RunHooks::stop
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
  // h2c (HTTP/2 over http) connections on which the server answered with an HTTP/1.x status line
  // where its HTTP/2 preface was due (every request on them failed as protocol), and those it
  // closed before sending any byte (their requests failed as read).
  std::uint64_t h2c_http1_answers = 0, h2c_closed_silently = 0;
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
unsigned worker_count(const core::RunPlan& plan);

// Runs the load. Transport and HTTP failures are recorded, never thrown. Throws only when the run
// cannot start at all (for example an unreadable --cacert file), with a one-line message.
EngineResult run_load(const core::RunPlan& plan, const RunHooks& hooks = {});

}  // namespace ccload::engine
