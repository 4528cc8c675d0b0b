#include "engine/engine.hpp"

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <cmath>
#include <optional>
#include <thread>

#include "engine/http2_session.hpp"
#include "engine/request_bytes.hpp"
#include "engine/worker.hpp"

namespace ccload::engine {

namespace asio = boost::asio;

namespace {

// How long requests in flight get to finish after a stop was requested.
constexpr auto kStopGrace = std::chrono::seconds(1);
constexpr auto kProgressInterval = std::chrono::seconds(1);

std::vector<asio::ip::tcp::endpoint> resolve(const net::Target& target) {
  asio::io_context io;
  asio::ip::tcp::resolver resolver(io);
  boost::system::error_code ec;
  auto results = resolver.resolve(target.host, std::to_string(target.port), ec);
  std::vector<asio::ip::tcp::endpoint> endpoints;
  if (!ec) {
    for (const auto& entry : results) endpoints.push_back(entry.endpoint());
  }
  return endpoints;
}

// When requests are due and how many slots there are: n; -z as an end time; with --rate, slot k
// due at k / rate, and with both, the ceil(rate x duration) slots due before the end; with
// --stages, the slots of the ramp (the run ends with its last stage).
void plan_schedule(SharedRun& run, const EngineConfig& config, Clock::time_point started) {
  run.started = started;
  run.slot_limit = config.requests;
  if (!config.stages.empty()) {
    run.schedule = Schedule::ramp(config.start_rate, config.stages)
                       .shard(config.shard_index, config.shard_count);
  } else if (config.rate > 0) {
    run.schedule = Schedule::constant(config.rate, config.duration_s);
  }
  const double duration_s = run.schedule.paced() ? run.schedule.duration_s() : config.duration_s;
  if (duration_s > 0) {
    run.end_by = started + std::chrono::duration_cast<Clock::duration>(
                               std::chrono::duration<double>(duration_s));
  }
  if (!run.schedule.paced()) return;
  run.timetable = Timetable<Clock>(&run.schedule, started);
  run.slot_limit = std::min(run.slot_limit, run.schedule.slot_count());
}

}  // namespace

unsigned worker_count(const EngineConfig& config) {
  unsigned threads = config.threads;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  return std::max(1u, std::min(threads, config.concurrency));
}

EngineResult run_load(const EngineConfig& config) {
  SharedRun run{
      .config = config, .request = build_request(config), .head_request = config.method == "HEAD"};
  if (config.http2) run.http2_request = build_http2_request(config);
  std::optional<asio::ssl::context> tls_context;
  if (config.target.tls) {
    net::TlsOptions tls = config.tls;
    if (config.http2) tls.alpn = {"h2"};
    tls_context.emplace(net::make_client_context(tls));
    run.tls_context = &*tls_context;
  }
  run.endpoints = resolve(config.target);

  FinishSignal signal;
  const unsigned workers_wanted = worker_count(config);
  std::vector<std::unique_ptr<Worker>> workers;
  for (unsigned i = 0; i < workers_wanted; ++i) {
    unsigned share =
        config.concurrency / workers_wanted + (i < config.concurrency % workers_wanted);
    workers.push_back(std::make_unique<Worker>(run, share, signal));
  }

  EngineResult result;
  result.protocol = config.http2 ? "HTTP/2" : "HTTP/1.1";
  result.streams = config.http2 ? config.streams : 1;
  using std::chrono::nanoseconds;
  const std::int64_t unix_now_ns =
      std::chrono::duration_cast<nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  const Clock::time_point started = Clock::now();
  run.unix_epoch_offset_ns =
      unix_now_ns - std::chrono::duration_cast<nanoseconds>(started.time_since_epoch()).count();
  result.started_unix_ns = unix_now_ns;
  plan_schedule(run, config, started);
  for (auto& worker : workers) worker->start();

  std::optional<Clock::time_point> stop_deadline;
  std::optional<Clock::time_point> stop_seen;
  bool forced = false;  // requests still in flight after the grace were abandoned
  Clock::time_point next_progress = started + kProgressInterval;
  {
    std::unique_lock lock(signal.mutex);
    while (signal.finished < workers.size()) {
      signal.changed.wait_for(lock, std::chrono::milliseconds(10));
      const Clock::time_point now = Clock::now();
      if (config.on_progress && now >= next_progress) {
        Progress progress;
        progress.elapsed_s = std::chrono::duration<double>(now - started).count();
        for (const auto& worker : workers) {
          progress.completed += worker->published_completed();
          progress.failed += worker->published_failed();
        }
        next_progress += kProgressInterval;
        lock.unlock();  // a slow terminal must not hold up the stop handling
        config.on_progress(progress);
        lock.lock();
      }
      if (!stop_deadline && config.stop != nullptr && config.stop->load()) {
        stop_seen = now;
        stop_deadline = now + kStopGrace;
      }
      if (stop_deadline && now >= *stop_deadline) {
        for (auto& worker : workers) worker->force_stop();
        forced = true;
        stop_deadline = Clock::time_point::max();
      }
    }
  }
  if (!stop_seen && config.stop != nullptr && config.stop->load()) stop_seen = Clock::now();
  Clock::time_point last = started;
  for (auto& worker : workers) {
    worker->join();
    result.stats.merge(worker->stats());
    last = std::max(last, worker->last_completion());
    result.connections_opened += worker->connections_opened();
    result.generator.loop_lag.merge(worker->monitor().lag());
    result.generator.workers.push_back(worker->monitor().load());
    result.http2_refused += worker->http2_refused();
    auto& kept = worker->kept();
    std::move(kept.begin(), kept.end(), std::back_inserter(result.kept));
  }
  // A stop interrupted the run when it abandoned requests in flight, or kept requests from being
  // sent: not when it came after the last slot was taken or the duration ended and everything in
  // flight completed within the grace.
  result.interrupted =
      forced || (stop_seen && result.stats.requests < run.slot_limit && *stop_seen < run.end_by);
  if (result.interrupted) last = Clock::now();
  result.duration_s = std::chrono::duration<double>(last - started).count();
  std::sort(result.kept.begin(), result.kept.end(),
            [](const Record& a, const Record& b) { return a.request_id < b.request_id; });
  return result;
}

}  // namespace ccload::engine
