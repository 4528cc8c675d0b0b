#pragma once
// Stores every request of a run in SQLite from a writer thread fed by a bounded queue.
// The engine hands batches through submit() and never waits on the disk.

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/record_sink.hpp"
#include "stats/run_summary.hpp"

namespace ccload::store {

struct RunEnd {
  std::int64_t ended_unix_ns = 0;
  // The run's summary, written into its RUNS row by column name (store/runs_row.hpp). Without
  // one (the run could not be carried out), only the counts of the records seen are written and
  // the run is marked interrupted.
  const stats::RunSummary* summary = nullptr;
};

struct StoreOutcome {
  bool ok = true;                 // every record reached the database
  std::int64_t run_id = 0;        // RUNS row id, 0 when the database could not be used
  std::uint64_t rows_stored = 0;  // LOADTEST rows written for this run
  std::string error;              // one line: what went wrong and how to fix it (empty when ok)
  std::filesystem::path fallback_path;  // where the records went instead (empty when ok)
  std::uint64_t fallback_rows = 0;      // records written there
};

class RunWriter final : public RecordSink {
 public:
  // Opens (creating and migrating) the database and inserts the run's RUNS row from what was asked
  // (`facts`: url, method, targets, max_redirects, requested, concurrency, duration_limit_s, rate,
  // stages, start_rate, run_name, shard, shards, start_at_ns; started_unix_ns when set, else now
  // is the STARTED written until the summary's). Each record's URL and method are those of
  // facts.targets[record.target] (url and method when targets is empty). Never throws: when the
  // database cannot be opened or written, records go to a fallback NDJSON file instead (whose
  // first line names the run, store/fallback_file.hpp).
  RunWriter(std::filesystem::path database, const stats::RunFacts& facts);
  // The same, as a step checked before anything is sent: opens, migrates and inserts the RUNS
  // row (SQLite's test write; PostgreSQL: connect, authenticate, migrate, insert). Null, with
  // `problem` set to one line naming the path or host/database (never a password) and the fix,
  // when that fails; nothing is left behind then.
  static std::unique_ptr<RunWriter> open(std::filesystem::path database,
                                         const stats::RunFacts& facts, std::string& problem);
  ~RunWriter() override;

  std::int64_t run_id() const;
  void submit(std::vector<Record>&& batch) override;

  // Called about once a second while finish() waits for the queue to drain: the records written
  // (or saved to the fallback file) so far, and all records submitted.
  using DrainProgress = std::function<void(std::uint64_t handled, std::uint64_t total)>;

  // Drains the queue, writes the run's summary into RUNS, joins the writer thread. Call once.
  // ROWS_STORED is the rows written; when some went to the fallback file, FALLBACK_FILE and
  // FALLBACK_ROWS name it, and the summary is also the file's last line.
  StoreOutcome finish(const RunEnd& end, const DrainProgress& on_progress = {});

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ccload::store
