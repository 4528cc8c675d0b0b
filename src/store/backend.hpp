#pragma once
// The database a run is written to, behind one seam: the writer thread (RunWriter) batches and
// orders the work; a Backend writes it. SQLite is the embedded default; PostgreSQL takes many
// agents writing one run. Every method throws sql::Error; describe() turns one into a line with
// the fix.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/record.hpp"
#include "core/target.hpp"
#include "store/runs_row.hpp"
#include "store/sql_connection.hpp"

namespace ccload::store {

// The run's constant facts, for its rows.
struct RunIdentity {
  // Every target of the run, in order; never empty. A record's URL and REQTYPE are those of
  // targets[record.target] (targets[0] when the index is out of range). The strings live as long
  // as the backend: statements may bind them without copying.
  std::vector<TargetName> targets;
};

class Backend {
 public:
  virtual ~Backend() = default;
  // Opens the database (creating and migrating the tables) and inserts the run's RUNS row from
  // `identity` (ROWS_AFTER is added here); returns its RUNID.
  virtual std::int64_t begin_run(RunsRow identity, const RunIdentity& run) = 0;
  // One transaction of LOADTEST rows.
  virtual void begin() = 0;
  virtual void insert(const std::vector<Record>& batch) = 0;
  virtual void commit() = 0;
  virtual void rollback() noexcept = 0;
  // Writes the run's end (summary columns) into its RUNS row.
  virtual void end_run(const RunsRow& summary) = 0;
  // One line: what went wrong and how to fix it. Never holds a password.
  virtual std::string describe(const sql::Error& error) const = 0;
  // The disk holding the database is full (records then go to a fallback file elsewhere).
  virtual bool disk_full(const sql::Error& error) const = 0;
  // A local folder where a fallback file may go ("" = the working directory).
  virtual std::string local_folder() const = 0;
  // Releases the connection (after the last write).
  virtual void close() = 0;
};

// The backend for `database`: a postgresql:// or postgres:// URL, else a SQLite file path. Never
// connects here (begin_run does).
std::unique_ptr<Backend> make_backend(const std::string& database);

}  // namespace ccload::store
