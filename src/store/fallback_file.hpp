#pragma once
// Where records go when the database cannot take them: one JSON object per line (NDJSON). The
// first line names the run, every line after it is one record, and the last (written when the
// run ended normally) holds the run's summary, so that `ccload import` can rebuild the run:
//   {"ccload_fallback":1,"run_key":"9f..","run_id":7,"database":"load.db","run":{"URL":..}}
//   {"run_id":0,"request_id":1,"timestamp":1795544018.185497,"url":"http://h/","method":"GET",
//    "status":200,"response_time":0.0123,"ttfb":0.011,"ttlb":0.012,"connect":0.0004,"wait":0,
//    "bytes":512,"error":"none","target":0,"redirects":0,"final_url":null}
// Times in seconds, timestamp in UTC epoch seconds (as in the database). url and method are the
// record's target's; target its 0-based index; final_url the last hop's URL when redirects > 0,
// else null (LOADTEST's columns).
//   {"run_end":{"REQUESTS":600,"HIST_TOTAL":"..",...}}
// "run" holds the RUNS columns written when the run began (store/runs_row.hpp identity_columns,
// with RUN_KEY, the id that finds the run again in a database), "run_end" those written when it
// ended (summary_columns); run_id is the RUNS row in `database` (0 when there was none); database
// is shown as in messages (a PostgreSQL URL without its password).

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "core/record.hpp"
#include "core/target.hpp"
#include "store/runs_row.hpp"

namespace ccload::store {

class FallbackFile {
 public:
  // Nothing is created until the first write(). `targets`: the run's, in order (never empty).
  FallbackFile(std::filesystem::path database, const std::vector<TargetName>& targets);
  ~FallbackFile();
  FallbackFile(const FallbackFile&) = delete;
  FallbackFile& operator=(const FallbackFile&) = delete;

  // The first line, written when the file is created: fallback_header_line(). Without it the
  // file holds the records alone (as before version 6).
  void set_header(std::string line) { header_ = std::move(line); }
  // Appends the run's end line (fallback_end_line()) when the file exists; false on a write error.
  bool write_end(const std::string& line);

  // The database's folder is on a full disk: try the temporary folder first.
  void prefer_temporary_folder() { prefer_temporary_ = true; }

  // Appends the records and flushes; returns false when they could not be written (they are
  // counted as lost).
  bool write(const std::vector<Record>& records, std::int64_t run_id);
  // Flushes and closes; returns false on a write error.
  bool close();

  const std::filesystem::path& path() const { return path_; }  // empty until opened
  std::uint64_t written() const { return written_; }
  std::uint64_t lost() const { return lost_; }
  const std::string& error() const { return error_; }

 private:
  bool open();

  std::filesystem::path database_;
  std::string header_;
  // Each target's url and method as JSON strings, by index.
  std::vector<std::pair<std::string, std::string>> target_json_;
  std::filesystem::path path_;
  std::FILE* file_ = nullptr;
  bool failed_ = false;
  bool prefer_temporary_ = false;
  std::uint64_t written_ = 0, lost_ = 0;
  std::string error_;
};

// The header and end lines (without their newline).
std::string fallback_header_line(const std::string& run_key, std::int64_t run_id,
                                 const std::string& database, const RunsRow& identity);
std::string fallback_end_line(const RunsRow& summary);

// A RUNS row as a JSON object's text (column -> null, number or text), and back. Throws
// std::invalid_argument when `object` is not an object of such values.
std::string runs_row_json_text(const RunsRow& row);
RunsRow runs_row_from_json_text(const std::string& object);

// A new random RUN_KEY: 32 hexadecimal digits.
std::string new_run_key();

}  // namespace ccload::store
