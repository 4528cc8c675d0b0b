#include "engine/engine.hpp"

#include <fmt/format.h>
#include <algorithm>

#include <boost/asio/ip/tcp.hpp>
#include <cmath>
#include <numeric>
#include <optional>
#include <thread>

#include "engine/http2_session.hpp"
#include "engine/redirect.hpp"
#include "engine/request_bytes.hpp"
#include "engine/snapshots.hpp"
#include "engine/worker.hpp"
#include "request/run_templates.hpp"

namespace ccload::engine {

namespace asio = boost::asio;

namespace {

// How long requests in flight get to finish after a stop was requested.
constexpr auto kStopGrace = std::chrono::seconds(1);

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
void plan_schedule(SharedRun& run, const core::RunPlan& config, Clock::time_point started) {
  run.started = started;
  run.slot_limit = config.requests.value_or(UINT64_MAX);
  if (!config.stages.empty()) {
    run.schedule = Schedule::ramp(config.start_rate.value_or(0), config.stages)
                       .shard(config.shard_index, config.shard_count);
  } else if (config.rate) {
    run.schedule = Schedule::constant(*config.rate, config.duration_s.value_or(0));
  }
  const double duration_s =
      run.schedule.paced() ? run.schedule.duration_s() : config.duration_s.value_or(0);
  if (duration_s > 0) {
    run.end_by = started + std::chrono::duration_cast<Clock::duration>(
                               std::chrono::duration<double>(duration_s));
  }
  if (!run.schedule.paced()) return;
  run.timetable = Timetable<Clock>(&run.schedule, started);
  run.slot_limit = std::min(run.slot_limit, run.schedule.slot_count());
}

// The targets prepared (request bytes, HTTP/2 fields) and their origins resolved, each with its
// share of the connections.
void prepare_targets(SharedRun& run, const core::RunPlan& config) {
  std::vector<std::vector<std::uint32_t>> groups = targets_by_origin(config.targets);
  if (config.concurrency < groups.size()) {
    throw std::invalid_argument(
        fmt::format("{} connections cannot serve {} origins: give -c {} or more",
                    config.concurrency, groups.size(), groups.size()));
  }
  std::vector<std::size_t> sizes;
  for (const auto& group : groups) sizes.push_back(group.size());
  const std::vector<unsigned> connections = spread_connections(config.concurrency, sizes);
  run.targets.resize(config.targets.size());
  for (std::size_t o = 0; o < groups.size(); ++o) {
    Origin& origin = run.origins.emplace_back();
    origin.lane = std::move(groups[o]);
    origin.connections = connections[o];
    for (const std::uint32_t t : origin.lane) {
      TargetRoute& route = run.targets[t];
      if (config.templates) {
        // Where a templated target goes is its URL filled with the first row (its origin is never
        // templated); its static parts are resolved ({{{{, {{env}}). A target with fields gets
        // its bytes from a request::RequestFiller per request instead.
        const request::TargetTemplates& templated = config.templates->targets[t];
        route.where = templated.where;
        if (templated.is_static) route.request = templated.static_request;
        if (config.http2) route.http2 = build_http2_request(templated.static_spec, route.where);
      } else {
        const TargetSpec& spec = config.targets[t];
        route.where = net::parse_target(spec.url);
        route.request = build_request(spec, route.where);
        if (config.http2) route.http2 = build_http2_request(spec, route.where);
      }
      route.head = config.targets[t].method == "HEAD";
      route.origin = static_cast<std::uint32_t>(o);
    }
    origin.address.where = run.targets[origin.lane.front()].where;
    origin.address.endpoints = resolve(origin.address.where);
  }
}

// Which origin each connection serves, interleaved (o0, o1, o0, o1, ...) so that every worker
// gets a mix, then cut into the workers' shares.
std::vector<std::vector<std::uint32_t>> assign_connections(const SharedRun& run, unsigned workers) {
  std::vector<std::uint32_t> order;
  std::vector<unsigned> left;
  for (const Origin& origin : run.origins) left.push_back(origin.connections);
  for (bool any = true; any;) {
    any = false;
    for (std::uint32_t o = 0; o < left.size(); ++o) {
      if (left[o] == 0) continue;
      --left[o];
      order.push_back(o);
      any = true;
    }
  }
  std::vector<std::vector<std::uint32_t>> shares(workers);
  std::size_t next = 0;
  const std::size_t total = order.size();
  for (unsigned i = 0; i < workers; ++i) {
    const std::size_t share = total / workers + (i < total % workers ? 1 : 0);
    shares[i].assign(order.begin() + static_cast<std::ptrdiff_t>(next),
                     order.begin() + static_cast<std::ptrdiff_t>(next + share));
    next += share;
  }
  return shares;
}

}  // namespace

std::vector<std::vector<std::uint32_t>> targets_by_origin(const std::vector<TargetSpec>& targets) {
  std::vector<net::Target> seen;
  std::vector<std::vector<std::uint32_t>> groups;
  for (std::uint32_t t = 0; t < targets.size(); ++t) {
    // The scheme and authority alone: a templated URL has its fields only after them.
    const std::string_view url = targets[t].url;
    const net::Target where = net::parse_target(url.substr(0, request::authority_size(url)));
    std::size_t o = 0;
    while (o < seen.size() && !same_origin(seen[o], where)) ++o;
    if (o == seen.size()) {
      seen.push_back(where);
      groups.emplace_back();
    }
    groups[o].push_back(t);
  }
  return groups;
}

std::vector<unsigned> spread_connections(unsigned c, const std::vector<std::size_t>& targets) {
  const std::size_t origins = targets.size();
  std::vector<unsigned> out(origins, 1);
  if (origins == 0 || c <= origins) return out;
  std::size_t total = 0;
  for (const std::size_t n : targets) total += n;
  // The c - origins connections beyond the first of each, by largest remainder.
  const std::uint64_t extra = c - origins;
  std::vector<std::pair<std::uint64_t, std::size_t>> remainders;  // (remainder, origin)
  std::uint64_t given = 0;
  for (std::size_t o = 0; o < origins; ++o) {
    const std::uint64_t exact = extra * targets[o];
    out[o] += static_cast<unsigned>(exact / total);
    given += exact / total;
    remainders.emplace_back(exact % total, o);
  }
  std::stable_sort(remainders.begin(), remainders.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t i = 0; given < extra; ++i, ++given) ++out[remainders[i].second];
  return out;
}

unsigned worker_count(const core::RunPlan& config) {
  unsigned threads = config.threads;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  return std::max(1u, std::min(threads, config.concurrency));
}

EngineResult run_load(const core::RunPlan& config, const RunHooks& hooks) {
  if (config.targets.empty()) throw std::invalid_argument("no target to send requests to");
  SharedRun run{.config = config, .hooks = hooks};
  prepare_targets(run, config);
  std::optional<asio::ssl::context> tls_context;
  // TLS for https targets (https redirect hops of a run without any make their own when needed).
  const bool any_tls = std::any_of(run.targets.begin(), run.targets.end(),
                                   [](const TargetRoute& t) { return t.where.tls; });
  if (any_tls) {
    net::TlsOptions tls = config.tls;
    if (config.http2) tls.alpn = {"h2"};
    tls_context.emplace(net::make_client_context(tls));
    run.tls_context = &*tls_context;
    for (Origin& origin : run.origins) origin.address.tls = run.tls_context;
  }

  FinishSignal signal;
  const unsigned connections =
      std::accumulate(run.origins.begin(), run.origins.end(), 0u,
                      [](unsigned sum, const Origin& origin) { return sum + origin.connections; });
  const unsigned workers_wanted = std::min(worker_count(config), connections);
  std::vector<std::unique_ptr<Worker>> workers;
  for (const auto& share : assign_connections(run, workers_wanted)) {
    workers.push_back(
        std::make_unique<Worker>(run, share, signal, static_cast<unsigned>(workers.size())));
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
  Snapshots snapshots(run, run.breakdown());
  {
    std::unique_lock lock(signal.mutex);
    while (signal.finished < workers.size()) {
      signal.changed.wait_for(lock, std::chrono::milliseconds(10));
      lock.unlock();  // a worker that finishes meanwhile must not wait for the lock
      snapshots.collect(workers);
      lock.lock();
      const Clock::time_point now = Clock::now();
      if (!stop_deadline && hooks.stop != nullptr && hooks.stop->load()) {
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
  if (!stop_seen && hooks.stop != nullptr && hooks.stop->load()) stop_seen = Clock::now();
  Clock::time_point last = started;
  for (auto& worker : workers) {
    worker->join();
    result.stats.merge(worker->stats());
    const auto& targets = worker->target_stats();
    if (result.target_stats.empty()) result.target_stats.resize(targets.size());
    for (std::size_t t = 0; t < targets.size(); ++t) result.target_stats[t].merge(targets[t]);
    last = std::max(last, worker->last_completion());
    result.connections_opened += worker->connections_opened();
    result.generator.loop_lag.merge(worker->monitor().lag());
    result.generator.workers.push_back(worker->monitor().load());
    result.http2_refused += worker->http2_refused();
    if (const auto limit = worker->server_streams()) {
      result.server_streams = std::min(result.server_streams.value_or(*limit), unsigned{*limit});
      result.streams = std::min(result.streams, unsigned{*limit});
    }
    result.h2c_http1_answers += worker->h2c_http1_answers();
    result.h2c_closed_silently += worker->h2c_closed_silently();
    result.dropped += worker->dropped();
    auto& kept = worker->kept();
    std::move(kept.begin(), kept.end(), std::back_inserter(result.kept));
  }
  // A stop that came after -z ended found paced slots that were due but not yet taken (the
  // connections were still busy): those were dropped too, not silently lost.
  if (run.paced() && stop_seen && *stop_seen >= run.end_by) {
    for (Origin& origin : run.origins) result.dropped += run.close_lane(origin);
  }
  // A stop interrupted the run when it abandoned requests in flight, or kept requests from being
  // sent: not when it came after the last slot was taken or the duration ended and everything in
  // flight completed within the grace.
  result.interrupted =
      forced || (stop_seen && result.stats.requests < run.slot_limit && *stop_seen < run.end_by);
  if (result.interrupted) last = Clock::now();
  result.duration_s = std::chrono::duration<double>(last - started).count();
  snapshots.finish(workers, result.duration_s);
  result.stats.timeline = snapshots.timeline();
  for (std::size_t t = 0; t < result.target_stats.size(); ++t) {
    result.target_stats[t].timeline = snapshots.target_timelines()[t];
  }
  std::sort(result.kept.begin(), result.kept.end(),
            [](const Record& a, const Record& b) { return a.request_id < b.request_id; });
  return result;
}

}  // namespace ccload::engine
