#pragma once
// `ccload import`: fallback files (store/fallback_file.hpp) read back into a database. A file is
// read and checked whole before anything is written; its run is found again by RUN_KEY (the run
// began in this database and only some rows went to the file) or stored as a new run; rows
// already there (by their request number within the run) are skipped, so importing a file twice
// adds nothing the second time. The run's summary is the stored one, else the file's last line,
// else rebuilt from the run's rows; ROWS_STORED is the rows the database then holds.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "store/runs_row.hpp"

namespace ccload::store {

// The file is missing, unreadable, or not a fallback file: what() is one line (exit 2).
struct ImportFileError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// The database cannot be opened or written (nothing was imported): one line naming it, never a
// password (exit 2).
struct ImportDatabaseError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// One record line: LOADTEST's columns (times in seconds, error empty for none).
struct FallbackRow {
  std::int64_t request_id = 0;
  double timestamp = 0, response_time = 0, ttfb = 0, ttlb = 0, connect = 0, wait = 0;
  std::string url, method, error;
  std::int64_t status = 0, bytes = 0, target = 0, redirects = 0;
  std::optional<std::string> final_url;
};

struct FallbackContents {
  std::filesystem::path path;
  // The run: RUN_KEY (for a file written before version 6, one made from the file's name), its
  // RUNS row in the database it was written for (0 when none) and the columns of its beginning
  // (for an old file, rebuilt from its records).
  std::string run_key;
  std::int64_t run_id = 0;
  RunsRow identity;
  std::optional<RunsRow> end;  // the summary columns, when the run ended normally
  std::vector<FallbackRow> rows;
  std::uint64_t damaged = 0;  // lines that could not be read (a run killed in mid-line)
};

// Throws ImportFileError.
FallbackContents read_fallback_file(const std::filesystem::path& path);

struct ImportOutcome {
  std::int64_t run_id = 0;
  bool new_run = false;        // the RUNS row was made by this import
  std::uint64_t added = 0;     // rows inserted
  std::uint64_t already = 0;   // rows of the file already in the database (skipped)
  std::uint64_t rows = 0;      // the run's rows in the database now
  std::uint64_t requests = 0;  // the run's requests (its summary's), 0 when unknown
  std::string database;        // as shown in messages
};

// `database`: a SQLite path (created when missing) or a postgresql:// URL. Throws
// ImportDatabaseError; StoreError when the run's summary cannot be rebuilt from its rows (the rows
// are then stored).
ImportOutcome import_fallback(const std::string& database, const FallbackContents& file);

}  // namespace ccload::store
