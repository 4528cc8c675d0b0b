#include "store/run_writer.hpp"

#include <atomic>
#include <chrono>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

#include "store/backend.hpp"
#include "store/fallback_file.hpp"
#include "store/postgres.hpp"
#include "store/runs_row.hpp"
#include "store/schema.hpp"
#include "store/sqlite.hpp"
#include "store/sqlite_rows.hpp"

namespace ccload::store {
namespace fs = std::filesystem;

namespace {

// Queue sizing. At 100k records/s the writer (several hundred thousand rows/s) keeps the queue
// near empty; the bound only matters when the disk stalls (another process holding the lock up to
// the 5 s busy timeout): 512k records (about 50 MB) cover that before submit() has to wait.
constexpr std::size_t kMaxQueuedRecords = std::size_t{1} << 19;
// The writer wakes when this many records are queued, or kMaxDelay after the first one arrived,
// and commits everything it took before it waits again: a record is committed at most kMaxDelay
// after it was queued (plus the time the writer takes over what came before it), while the run
// goes on. With the workers' flush by age (engine/worker.cpp) a record reaches the database about
// 250 ms after it completed at the latest, so a run killed with SIGKILL loses only its last
// moments.
constexpr std::size_t kWakeRecords = 8192;
constexpr auto kMaxDelay = std::chrono::milliseconds(50);
// Rows per transaction at most, so another writer of the same database never waits long.
constexpr std::size_t kRowsPerTransaction = 32768;
// How often finish() reports while it waits for the writer.
constexpr auto kDrainProgressInterval = std::chrono::seconds(1);
double seconds(std::int64_t ns) { return static_cast<double>(ns) / 1e9; }

}  // namespace

struct RunWriter::Impl {
  fs::path database;
  stats::RunFacts facts;
  std::int64_t started_unix_ns = 0;     // STARTED until the summary's
  std::string run_key = new_run_key();  // RUNS.RUN_KEY, and the fallback file's header

  // Database state: used by the constructor, then only by the writer thread, then by finish().
  std::unique_ptr<Backend> backend;
  std::int64_t run_id = 0;
  bool db_ok = false;
  std::string error;
  std::uint64_t rows_stored = 0;
  std::uint64_t records_seen = 0, records_failed = 0;
  FallbackFile fallback;

  // The queue.
  std::mutex mutex;
  std::condition_variable work_ready, room_ready;
  std::deque<std::vector<Record>> queue;
  std::size_t queued_records = 0;
  bool stopping = false;
  std::thread thread;
  std::uint64_t records_submitted = 0;            // under mutex
  std::atomic<std::uint64_t> records_handled{0};  // committed or sent to the fallback file
  bool writer_done = false;                       // under mutex: the thread has written everything
  std::condition_variable done;

  bool finished = false;
  StoreOutcome outcome;

  Impl(fs::path path, const stats::RunFacts& run)
      : database(std::move(path)),
        facts(run),
        started_unix_ns(run.started_unix_ns > 0 ? run.started_unix_ns : now_unix_ns()),
        backend(make_backend(database.string())),
        fallback(fs::path(backend->local_folder()) / "database", run_targets(facts)) {}

  static std::int64_t now_unix_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  void open() {
    RunsRow identity = identity_columns(facts, started_unix_ns);
    identity.set("RUN_KEY", run_key);
    try {
      run_id = backend->begin_run(identity, RunIdentity{run_targets(facts)});
      db_ok = true;
    } catch (const sql::Error& e) {
      failed(e);
      if (run_id == 0) backend->close();
    }
    fallback.set_header(
        fallback_header_line(run_key, run_id, redact_database_url(database.string()), identity));
  }

  void to_fallback(const std::deque<std::vector<Record>>& work, std::size_t from) {
    std::vector<Record> rest;
    for (std::size_t i = from; i < work.size(); ++i) {
      rest.insert(rest.end(), work[i].begin(), work[i].end());
    }
    fallback.write(rest, run_id);
    records_handled.fetch_add(rest.size(), std::memory_order_relaxed);
  }

  void failed(const sql::Error& e) {
    db_ok = false;
    error = backend->describe(e);
    if (backend->disk_full(e)) fallback.prefer_temporary_folder();
  }

  // Writes the batches in transactions of about kRowsPerTransaction rows. After a failure the
  // rolled-back transaction and everything after it go to the fallback file.
  void write(const std::deque<std::vector<Record>>& work) {
    for (const auto& batch : work) {
      records_seen += batch.size();
      for (const auto& r : batch) records_failed += r.succeeded() ? 0 : 1;
    }
    std::size_t i = 0;
    while (i < work.size()) {
      if (!db_ok) return to_fallback(work, i);
      const std::size_t first = i;
      std::size_t rows = 0;
      try {
        backend->begin();
        while (i < work.size() && rows < kRowsPerTransaction) {
          backend->insert(work[i]);
          rows += work[i].size();
          ++i;
        }
        backend->commit();
        rows_stored += rows;
        records_handled.fetch_add(rows, std::memory_order_relaxed);
      } catch (const sql::Error& e) {
        backend->rollback();
        failed(e);
        i = first;
      }
    }
  }

  void run() {
    std::unique_lock lock(mutex);
    for (;;) {
      work_ready.wait(lock, [&] { return stopping || !queue.empty(); });
      if (queue.empty()) return;  // stopping, and everything written
      work_ready.wait_for(lock, kMaxDelay,
                          [&] { return stopping || queued_records >= kWakeRecords; });
      std::deque<std::vector<Record>> work;
      work.swap(queue);
      queued_records = 0;
      lock.unlock();
      room_ready.notify_all();
      write(work);
      work.clear();
      lock.lock();
    }
  }

  void write_summary(const RunEnd& end) {
    try {
      RunsRow row;
      if (end.summary != nullptr) {
        row = summary_columns(*end.summary, end.ended_unix_ns);
      } else {
        row.set("ENDED", seconds(end.ended_unix_ns));
        row.set("REQUESTS", static_cast<std::int64_t>(records_seen));
        row.set("SUCCEEDED", static_cast<std::int64_t>(records_seen - records_failed));
        row.set("FAILED", static_cast<std::int64_t>(records_failed));
        row.set("INTERRUPTED", std::int64_t{1});
      }
      // The file, when there is one, holds the summary too: `ccload import` restores it.
      if (fallback.written() > 0) fallback.write_end(fallback_end_line(row));
      if (run_id == 0) return;
      row.set("ROWS_STORED", static_cast<std::int64_t>(rows_stored));
      if (fallback.written() > 0) {
        row.set("FALLBACK_FILE", fallback.path().string());
        row.set("FALLBACK_ROWS", static_cast<std::int64_t>(fallback.written()));
      }
      backend->end_run(row);
    } catch (const sql::Error& e) {
      if (error.empty()) error = backend->describe(e);
      db_ok = false;
    }
  }
};

RunWriter::RunWriter(fs::path database, const stats::RunFacts& facts)
    : impl_(std::make_unique<Impl>(std::move(database), facts)) {
  impl_->open();
  impl_->thread = std::thread([impl = impl_.get()] {
    impl->run();
    {
      std::lock_guard lock(impl->mutex);
      impl->writer_done = true;
    }
    impl->done.notify_all();
  });
}

std::unique_ptr<RunWriter> RunWriter::open(fs::path database, const stats::RunFacts& facts,
                                           std::string& problem) {
  auto writer = std::make_unique<RunWriter>(std::move(database), facts);
  if (writer->run_id() != 0) return writer;
  problem = writer->impl_->error;
  // Nothing was submitted: finishing writes nothing and creates no fallback file.
  RunEnd end;
  end.ended_unix_ns = Impl::now_unix_ns();
  writer->finish(end);
  return nullptr;
}

RunWriter::~RunWriter() {
  if (!impl_->finished) {
    RunEnd end;
    end.ended_unix_ns = Impl::now_unix_ns();
    finish(end);
  }
}

std::int64_t RunWriter::run_id() const { return impl_->run_id; }

void RunWriter::submit(std::vector<Record>&& batch) {
  if (batch.empty()) return;
  std::unique_lock lock(impl_->mutex);
  // Back-pressure, the last resort: only when the writer is far behind.
  impl_->room_ready.wait(lock, [&] {
    return impl_->queued_records == 0 || impl_->queued_records + batch.size() <= kMaxQueuedRecords;
  });
  impl_->queued_records += batch.size();
  impl_->records_submitted += batch.size();
  const bool wake = impl_->queue.empty() || impl_->queued_records >= kWakeRecords;
  impl_->queue.push_back(std::move(batch));
  lock.unlock();
  if (wake) impl_->work_ready.notify_one();
}

StoreOutcome RunWriter::finish(const RunEnd& end, const DrainProgress& on_progress) {
  Impl& m = *impl_;
  if (m.finished) return m.outcome;
  m.finished = true;
  {
    std::unique_lock lock(m.mutex);
    m.stopping = true;
    m.work_ready.notify_one();
    auto next = std::chrono::steady_clock::now() + kDrainProgressInterval;
    while (m.thread.joinable() && !m.done.wait_until(lock, next, [&] { return m.writer_done; })) {
      if (on_progress) {
        const std::uint64_t total = m.records_submitted;
        lock.unlock();
        on_progress(m.records_handled.load(std::memory_order_relaxed), total);
        lock.lock();
      }
      next += kDrainProgressInterval;
    }
  }
  if (m.thread.joinable()) m.thread.join();

  m.write_summary(end);
  const bool fallback_ok = m.fallback.close();

  StoreOutcome& out = m.outcome;
  out.run_id = m.run_id;
  out.rows_stored = m.rows_stored;
  out.ok = m.error.empty() && m.fallback.written() == 0 && m.fallback.lost() == 0;
  if (!out.ok) {
    out.error = m.error.empty() ? "some records could not be stored" : m.error;
    if (m.fallback.written() > 0) {
      out.fallback_path = m.fallback.path();
      out.fallback_rows = m.fallback.written();
      out.error += "; " + std::to_string(m.fallback.written()) + " records saved to " +
                   m.fallback.path().string();
    }
    if (m.fallback.lost() > 0 || !fallback_ok) {
      out.error += "; " + std::to_string(m.fallback.lost()) + " records lost: " +
                   (m.fallback.error().empty() ? "fallback file write failed" : m.fallback.error());
    }
  }
  // Release the database (and its statements) now rather than in the destructor.
  m.backend->close();
  return out;
}

}  // namespace ccload::store
