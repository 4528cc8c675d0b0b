#pragma once
// Where records go when the database cannot take them: one JSON object per line (NDJSON).
//   {"run_id":0,"request_id":1,"timestamp":1795544018.185497,"url":"http://h/","method":"GET",
//    "status":200,"response_time":0.0123,"ttfb":0.011,"ttlb":0.012,"connect":0.0004,"wait":0,
//    "bytes":512,"error":"none","target":0,"redirects":0,"final_url":null}
// Times in seconds, timestamp in UTC epoch seconds (as in the database). url and method are the
// record's target's; target its 0-based index; final_url the last hop's URL when redirects > 0,
// else null (LOADTEST's columns).

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "core/record.hpp"
#include "core/target.hpp"

namespace ccload::store {

class FallbackFile {
 public:
  // Nothing is created until the first write(). `targets`: the run's, in order (never empty).
  FallbackFile(std::filesystem::path database, const std::vector<TargetName>& targets);
  ~FallbackFile();
  FallbackFile(const FallbackFile&) = delete;
  FallbackFile& operator=(const FallbackFile&) = delete;

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
  // Each target's url and method as JSON strings, by index.
  std::vector<std::pair<std::string, std::string>> target_json_;
  std::filesystem::path path_;
  std::FILE* file_ = nullptr;
  bool failed_ = false;
  bool prefer_temporary_ = false;
  std::uint64_t written_ = 0, lost_ = 0;
  std::string error_;
};

}  // namespace ccload::store
