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
#include "core/stage.hpp"
#include "stats/run_summary.hpp"

namespace ccload::store {

struct RunInfo {
  std::string url;
  std::string method;                      // upper case
  std::uint64_t requests = 0;              // n asked for
  unsigned concurrency = 0;                // c
  std::int64_t started_unix_ns = 0;        // wall clock
  std::optional<double> duration_limit_s;  // -z, when given (then requests is 0)
  std::optional<double> rate;              // --rate, when given
  // A shard of a distributed run (--run-id, --shard, --start-at); run_name empty otherwise.
  std::string run_name;
  unsigned shard = 0, shards = 1;
  std::optional<std::int64_t> start_at_ns;
  std::vector<Stage> stages;         // --stages, when given
  std::optional<double> start_rate;  // --start-rate, when given
};

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
};

class RunWriter final : public RecordSink {
 public:
  // Opens (creating and migrating) the database and inserts the run's RUNS row. Never throws: when
  // the database cannot be opened or written, records go to a fallback NDJSON file instead.
  RunWriter(std::filesystem::path database, RunInfo info);
  ~RunWriter() override;

  std::int64_t run_id() const;
  void submit(std::vector<Record>&& batch) override;

  // Called about once a second while finish() waits for the queue to drain: the records written
  // (or saved to the fallback file) so far, and all records submitted.
  using DrainProgress = std::function<void(std::uint64_t handled, std::uint64_t total)>;

  // Drains the queue, writes the run's summary into RUNS, joins the writer thread. Call once.
  StoreOutcome finish(const RunEnd& end, const DrainProgress& on_progress = {});

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ccload::store
