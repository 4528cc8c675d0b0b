#pragma once
// Stored runs read back as summaries, for `ccload report`, `ccload compare`, `--baseline` and
// `history --run`: the same RunSummary the live run had, rebuilt from its RUNS row (or, for runs
// without one — PyLoad's rows, a run whose process was killed — from its LOADTEST rows, with
// exact percentiles). Reads only; never creates or migrates the database.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "stats/run_summary.hpp"

namespace ccload::store {

namespace sql {
class Connection;
}

// The database or the run cannot be read; what() is one line naming the problem and the fix.
struct StoreError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// The run asked for is not in the database (a usage error: exit 2).
struct RunNotFound : StoreError {
  using StoreError::StoreError;
};

// A run in the database: a RUNS row, or (run_id 0) PyLoad's rows of one local day, URL and method.
// Or (run_name set, run_id 0) the shards of a distributed run, merged; a run of one machine named
// by --run-id has both.
struct RunRef {
  std::int64_t run_id = 0;
  std::string day, url, method;  // a pseudo-run's key
  std::string run_name;          // --run-id
  // "run 7", "run 7 (nightly)", "run checkout-1" (merged), or "PyLoad rows of 2026-03-02".
  std::string label() const;
};

// One stored request (a LOADTEST row) of a run.
struct StoredRequest {
  std::uint64_t request_id = 0;  // within the run (REQUESTID for PyLoad's rows)
  double timestamp = 0;          // UTC epoch seconds
  int status = 0;
  std::optional<double> total_s, ttfb_s, ttlb_s, connect_s;
  std::int64_t bytes = 0;
  std::string error;
  std::string url, method;  // its target's (method upper case)
  std::size_t target = 0;   // its target's 0-based index in the run's list (0 before version 5)
  unsigned redirects = 0;   // redirect hops followed
  std::string final_url;    // the last hop's URL when redirects > 0, else empty
};

class StoredRuns {
 public:
  // Opens `database` (a SQLite path, or a postgresql:// URL) for reading. Throws RunNotFound when
  // it holds no load test yet, StoreError when it cannot be read (not a database, unreachable).
  explicit StoredRuns(const std::filesystem::path& database);
  ~StoredRuns();
  StoredRuns(const StoredRuns&) = delete;
  StoredRuns& operator=(const StoredRuns&) = delete;

  // "last" (the newest run), "last~N" (N runs before it), a run id, or a --run-id name: a
  // distributed run's (its shards merged), else the newest run of one machine of that name.
  // Throws RunNotFound naming the newest run.
  RunRef resolve(const std::string& spec);
  // The newest finished run of `url` and `method` alone (a run of several targets is none), if any;
  // with `passed`, the newest whose --fail-on thresholds all passed (a run without any passes).
  std::optional<RunRef> last_of(const std::string& url, const std::string& method,
                                bool passed = false);
  // The newest finished run of exactly these targets (URLs in this order; the caller checks the
  // methods with stats::same_targets), for --baseline last of a run of several; `passed` as above.
  std::optional<RunRef> last_of(const std::vector<TargetName>& targets, bool passed = false);

  // The run's summary with its storage facts and first `detail_rows` requests. A run whose process
  // never wrote its end (killed) is cut short (facts.cut_short, and interrupted): its figures come
  // from its stored rows, its clock from --start-at when it had one, and it keeps its shard. Throws
  // StoreError when its stored summary is damaged.
  stats::RunSummary load(const RunRef& run, std::size_t detail_rows = 20);
  // The run's stored requests in order, at most `limit` (all when 0); `total` gets their count.
  std::vector<StoredRequest> requests(const RunRef& run, std::size_t limit, std::uint64_t* total);

  sql::Connection& database() { return *db_; }

 private:
  stats::RunSummary load_merged(const std::string& run_name);

  std::filesystem::path path_;
  std::string shown_;  // the database for messages: a path, or a URL without its password
  std::unique_ptr<sql::Connection> db_;
};

}  // namespace ccload::store
