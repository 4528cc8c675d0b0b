#include "engine/worker.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "engine/connection.hpp"
#include "net/listen_address.hpp"

namespace ccload::engine {

namespace asio = boost::asio;

namespace {

// Records go to the sinks in batches of this many (fewer at the end of the run).
constexpr std::size_t kBatchSize = 1024;
// A record waits in a worker's store batch at most this long plus one watchdog tick (at most
// 100 ms), and then the writer commits it within its own delay (run_writer.cpp): a record is in
// the database about 250 ms after it completed at the latest, so a killed run loses only that.
constexpr auto kStoreFlushAge = std::chrono::milliseconds(100);
// Failed records wait at most this long in a worker before they reach the failure sink.
constexpr auto kFailureFlushInterval = std::chrono::milliseconds(250);

// How often a worker checks its connections' deadlines: a small fraction of the timeout.
Clock::duration watchdog_tick(double timeout_s) {
  using namespace std::chrono_literals;
  if (timeout_s <= 0) return 100ms;
  auto fraction =
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(timeout_s / 50));
  return std::clamp<Clock::duration>(fraction, 1ms, 100ms);
}

}  // namespace

Worker::Worker(SharedRun& run, const std::vector<std::uint32_t>& origins, FinishSignal& signal,
               unsigned index)
    : run_(run),
      signal_(signal),
      index_(index),
      tick_(watchdog_tick(run.config.timeout_s)),
      seconds_(run.breakdown()) {
  connections_.reserve(origins.size());
  for (const std::uint32_t origin : origins) {
    connections_.push_back(make_connection(*this, run_, run_.origins[origin]));
  }
  if (run_.hooks.store != nullptr) store_batch_.reserve(kBatchSize);
  target_stats_.resize(run_.breakdown());
}

Worker::~Worker() {
  if (thread_.joinable()) thread_.join();
  // Abandoned coroutines (after force_stop) reference the connections: destroy them first.
  io_.stop();
  connections_.clear();
}

void Worker::start() {
  thread_ = std::thread([this] { run_thread(); });
}

void Worker::force_stop() { force_stop_.store(true, std::memory_order_relaxed); }

void Worker::join() {
  if (thread_.joinable()) thread_.join();
}

std::optional<Address> Worker::scripted_address(const std::string& addr) const {
  if (addr.empty() || run_.origins.empty()) return std::nullopt;
  const auto endpoint = net::numeric_endpoint(addr);
  if (!endpoint) return std::nullopt;              // LuaRunScript::load refused it before the run
  Address address = run_.origins.front().address;  // its TLS name and Host stay the URL's
  address.endpoints = {*endpoint};
  return address;
}

void Worker::run_thread() {
  // The schedule is planned before the workers start. Over HTTP/2 a request may wait for a
  // stream the server allows, in any mode.
  stats_.record_waits = run_.paced() || run_.config.http2;
  stats_.latency_includes_failures = run_.config.latency_includes_failures;
  for (auto& target : target_stats_) {
    target.record_waits = stats_.record_waits;
    target.latency_includes_failures = stats_.latency_includes_failures;
  }
  seconds_.begin(stats_.record_waits, stats_.latency_includes_failures);
  if (run_.hooks.script != nullptr) {
    script_ = run_.hooks.script->for_worker(index_);
    scripted_address_ = scripted_address(script_->address());
  }
  active_connections_ = static_cast<unsigned>(connections_.size());
  last_failure_flush_ = Clock::now();
  for (auto& connection : connections_) {
    asio::co_spawn(io_.get_executor(), connection->run(), asio::detached);
  }
  schedule_watchdog();
  if (active_connections_ > 0) monitor_.start();
  io_.run();
  monitor_.stop();
  finish_seconds();
  flush_store();
  flush_failures();
  std::lock_guard lock(signal_.mutex);
  ++signal_.finished;
  signal_.changed.notify_all();
}

void Worker::schedule_watchdog() {
  if (active_connections_ == 0) return;
  watchdog_.expires_after(tick_);
  watchdog_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    if (force_stop_.load(std::memory_order_relaxed)) {
      io_.stop();
      return;
    }
    const Clock::time_point now = Clock::now();
    // A second without completions is handed over too, within a tick of its end.
    if (const std::uint64_t second = second_of(now); second > seconds_.current().second) {
      roll_second(second);
    }
    const bool stopping = run_.stopping();
    for (auto& connection : connections_) {
      connection->expire_if_due(now);
      if (stopping) connection->stop_waiting();
    }
    if (!failure_batch_.empty() && now - last_failure_flush_ >= kFailureFlushInterval) {
      flush_failures();
    }
    if (!store_batch_.empty() && now - store_batch_oldest_ >= kStoreFlushAge) flush_store();
    schedule_watchdog();
  });
}

void Worker::on_connection_done() {
  if (--active_connections_ == 0) {
    watchdog_.cancel();
    monitor_.stop();
  }
}

std::uint64_t Worker::second_of(Clock::time_point instant) const {
  const auto second = std::chrono::duration_cast<std::chrono::seconds>(instant - run_.started);
  return static_cast<std::uint64_t>(std::max<std::int64_t>(second.count(), 0));
}

void Worker::close_second() {
  stats::RunSecond& current = seconds_.current();
  stats_.merge(current.all.stats);
  for (std::size_t t = 0; t < target_stats_.size(); ++t) {
    target_stats_[t].merge(current.targets[t].stats);
  }
  current.loop_lag_max_ns = monitor_.take_max_lag();
  current.in_flight = started_ - stats_.requests;
}

void Worker::roll_second(std::uint64_t next) {
  close_second();
  seconds_.roll(next);
}

void Worker::finish_seconds() {
  close_second();
  seconds_.finish();
}

void Worker::on_record(Record&& record, Clock::time_point finished) {
  last_completion_ = finished;
  // Counted in the second it completed in (a record that completed just before the second this
  // worker is in, such as one failed at its deadline, counts in the current one).
  if (const std::uint64_t second = second_of(finished); second > seconds_.current().second) {
    roll_second(second);
  }
  stats::RunSecond& current = seconds_.current();
  current.all.add(record);
  if (!current.targets.empty()) current.targets[record.target].add(record);
  if (record.request_id <= run_.config.keep_records) kept_.push_back(record);
  if (run_.hooks.failures != nullptr && !record.succeeded()) failure_batch_.push_back(record);
  if (run_.hooks.store != nullptr) {
    if (store_batch_.empty()) store_batch_oldest_ = finished;
    store_batch_.push_back(std::move(record));
    if (store_batch_.size() >= kBatchSize) flush_store();
  }
}

void Worker::flush_store() {
  if (store_batch_.empty() || run_.hooks.store == nullptr) return;
  run_.hooks.store->submit(std::move(store_batch_));
  store_batch_ = {};
  store_batch_.reserve(kBatchSize);
}

void Worker::flush_failures() {
  last_failure_flush_ = Clock::now();
  if (failure_batch_.empty() || run_.hooks.failures == nullptr) return;
  run_.hooks.failures->submit(std::move(failure_batch_));
  failure_batch_ = {};
}

}  // namespace ccload::engine
