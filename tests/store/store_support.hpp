#pragma once
// Helpers of the store tests: temporary folders, records, direct SQL, unprivileged children.

#include <grp.h>
#include <gtest/gtest.h>
#include <pwd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "core/record.hpp"
#include "stats/run_summary.hpp"
#include "store/run_writer.hpp"
#include "store/sqlite.hpp"

namespace ccload::store::test {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = fs::temp_directory_path() / ("ccload-store-" + std::to_string(rd()));
    fs::create_directories(path_);
    fs::permissions(path_, fs::perms::all);  // 0777: unprivileged children may use it
  }
  ~TempDir() {
    std::error_code ec;
    fs::permissions(path_, fs::perms::all, ec);
    for (auto& entry : fs::recursive_directory_iterator(path_, ec)) {
      fs::permissions(entry.path(), fs::perms::owner_all, fs::perm_options::add, ec);
    }
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  fs::path operator/(const std::string& name) const { return path_ / name; }

 private:
  fs::path path_;
};

inline std::int64_t unix_ns(std::int64_t seconds, std::int64_t ns = 0) {
  return seconds * 1'000'000'000 + ns;
}

inline Record make_record(std::uint64_t id, std::int64_t start_ns, std::int64_t total_ns,
                          std::uint16_t status = 200, ErrorCategory error = ErrorCategory::none) {
  Record r;
  r.request_id = id;
  r.start_unix_ns = start_ns;
  r.total_ns = total_ns;
  r.ttfb_ns = error == ErrorCategory::none ? total_ns / 2 : 0;
  r.ttlb_ns = error == ErrorCategory::none ? total_ns - 1000 : 0;
  r.connect_ns = id % 10 == 1 ? 250'000 : 0;
  r.bytes = error == ErrorCategory::none ? 100 + id % 7 : 0;
  r.status = status;
  r.error = error;
  return r;
}

// Finishes a writer as a run of `duration_s` that ended at `ended_unix_ns` with statistics `s`.
inline StoreOutcome finish_run(RunWriter& writer, const stats::RunStats& s,
                               std::int64_t ended_unix_ns, double duration_s,
                               bool interrupted = false) {
  stats::RunFacts facts;
  facts.duration_s = duration_s;
  facts.interrupted = interrupted;
  const stats::RunSummary summary = stats::summarize(s, facts);
  return writer.finish({ended_unix_ns, &summary});
}

inline std::int64_t query_int(const fs::path& db, const std::string& sql_text) {
  sql::Database d(db, sql::Database::Mode::read_only);
  auto stmt = d.prepare(sql_text);
  EXPECT_TRUE(stmt.step()) << sql_text;
  return stmt.column_int(0);
}

inline std::string query_text(const fs::path& db, const std::string& sql_text) {
  sql::Database d(db, sql::Database::Mode::read_only);
  auto stmt = d.prepare(sql_text);
  EXPECT_TRUE(stmt.step()) << sql_text;
  return stmt.column_text(0);
}

inline std::vector<std::string> read_lines(const fs::path& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The record lines of a fallback file: without its first line (the run) and its last (the run's
// end), which store/fallback_file.hpp describes.
inline std::vector<std::string> record_lines(const fs::path& path) {
  std::vector<std::string> lines;
  for (auto& line : read_lines(path)) {
    if (line.rfind("{\"ccload_fallback\"", 0) == 0 || line.rfind("{\"run_end\"", 0) == 0) continue;
    lines.push_back(std::move(line));
  }
  return lines;
}

// The seed's exact table, as PyLoad creates it.
inline constexpr const char* kSeedSchema =
    "CREATE TABLE LOADTEST(\n"
    "    REQUESTID INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,\n"
    "    TIMESTAMP TEXT NOT NULL,\n"
    "    URL TEXT NOT NULL,\n"
    "    STATUS INTEGER NOT NULL,\n"
    "    REQTYPE VARCHAR NOT NULL,\n"
    "    RESPONSETIME TEXT NOT NULL\n"
    ")";

// Runs `body` in a child process. As root, the child drops to an unprivileged user first, so file
// permissions apply to it. Returns the child's exit status (body's return value), or -1.
inline int run_in_child(const std::function<int()>& body, bool unprivileged) {
  const pid_t pid = ::fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    if (unprivileged && ::geteuid() == 0) {
      const passwd* nobody = ::getpwnam("nobody");
      const uid_t uid = nobody ? nobody->pw_uid : 65534;
      const gid_t gid = nobody ? nobody->pw_gid : 65534;
      if (::setgroups(0, nullptr) != 0 || ::setgid(gid) != 0 || ::setuid(uid) != 0) ::_exit(99);
    }
    int code = 98;
    try {
      code = body();
    } catch (...) {
    }
    ::_exit(code);
  }
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace ccload::store::test
