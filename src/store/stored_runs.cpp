#include "store/stored_runs.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "store/history_data.hpp"
#include "store/postgres.hpp"
#include "store/runs_row.hpp"
#include "store/schema.hpp"
#include "store/sqlite.hpp"

namespace ccload::store {

namespace fs = std::filesystem;

std::string RunRef::label() const {
  if (run_id != 0 && !run_name.empty()) return fmt::format("run {} ({})", run_id, run_name);
  if (!run_name.empty()) return fmt::format("run {}", run_name);
  if (run_id != 0) return fmt::format("run {}", run_id);
  return fmt::format("PyLoad rows of {}", day);  // the report names their method and URL
}

StoredRuns::StoredRuns(const fs::path& database) : path_(database) {
  if (is_postgres_url(database.string())) {
    try {
      auto pg = std::make_unique<sql::PgConnection>(database.string());
      shown_ = pg->describe();
      db_ = std::move(pg);
    } catch (const sql::Error& e) {
      throw StoreError(
          std::string(e.what()) +
          "; fix: check that the server runs and DATABASE_URL's host, user and password");
    }
    if (!db_->has_table("RUNS") && !db_->has_table("LOADTEST")) {
      throw RunNotFound(fmt::format("no load tests recorded yet in {}: run one first", shown_));
    }
    return;
  }
  shown_ = database.string();
  std::error_code ec;
  if (!fs::exists(database, ec)) {
    throw RunNotFound(fmt::format(
        "no load tests recorded yet in {}: run one first, or point --db at another database",
        database.string()));
  }
  try {
    // Read-write without create when allowed, so closing a WAL database checkpoints it as a
    // writer would; nothing is written.
    std::unique_ptr<sql::Database> sqlite;
    try {
      sqlite = std::make_unique<sql::Database>(database, sql::Database::Mode::read_write);
    } catch (const sql::Error&) {
      sqlite = std::make_unique<sql::Database>(database, sql::Database::Mode::read_only);
    }
    sqlite->busy_timeout(schema::kBusyTimeoutMs);
    sqlite->has_table("RUNS");  // surfaces "not a database"
    db_ = std::move(sqlite);
  } catch (const sql::Error& e) {
    if (e.code() == SQLITE_NOTADB) {
      throw StoreError(fmt::format(
          "{} is not a SQLite database: point DATABASE_URL or --db at a ccload or PyLoad database",
          database.string()));
    }
    throw StoreError(fmt::format("cannot read {}: {}", database.string(), e.what()));
  }
}

StoredRuns::~StoredRuns() = default;

RunRef StoredRuns::resolve(const std::string& spec) {
  HistoryQuery all;
  all.limit = 0;
  const std::vector<detail::RunLine> runs = detail::list_runs(*db_, all);
  auto ref_of = [](const detail::RunLine& line) {
    return RunRef{line.run_id, line.day, line.url, line.method, line.run_name};
  };
  const std::string newest = runs.empty()
                                 ? std::string("it holds no run yet")
                                 : fmt::format("the newest is {}", ref_of(runs.front()).label());
  if (spec == "last" || spec.starts_with("last~")) {
    std::size_t back = 0;
    if (spec != "last") {
      const char* begin = spec.data() + 5;
      const char* end = spec.data() + spec.size();
      auto [ptr, ec] = std::from_chars(begin, end, back);
      if (ec != std::errc() || ptr != end || begin == end) {
        throw RunNotFound(fmt::format(
            "'{}' is not a run: give a run id (ccload history lists them), last or last~N", spec));
      }
    }
    if (back >= runs.size()) {
      throw RunNotFound(fmt::format("there is no run {} in {}: it holds {} run{}; {}", spec, shown_,
                                    runs.size(), runs.size() == 1 ? "" : "s", newest));
    }
    return ref_of(runs[back]);
  }
  std::int64_t id = 0;
  auto [ptr, ec] = std::from_chars(spec.data(), spec.data() + spec.size(), id);
  const bool numeric = !spec.empty() && ec == std::errc() && ptr == spec.data() + spec.size();
  if (!numeric && db_->has_table("RUNS") && db_->has_column("RUNS", "RUN_NAME")) {
    // A distributed run's shards (SHARDS > 1) are merged; a name given to single-machine runs
    // names the newest of them.
    auto named = db_->prepare(
        "SELECT RUNID, COALESCE(SHARDS, 1) FROM RUNS WHERE RUN_NAME = ? ORDER BY STARTED DESC, "
        "RUNID DESC");
    named.bind(1, std::string_view(spec));
    std::optional<std::int64_t> newest_single;
    bool sharded = false;
    while (named.step()) {
      if (!newest_single) newest_single = named.column_int(0);
      sharded = sharded || named.column_int(1) > 1;
    }
    if (sharded) return RunRef{0, {}, {}, {}, spec};
    if (newest_single) return RunRef{*newest_single, {}, {}, {}, spec};
    throw RunNotFound(fmt::format("no run named '{}' in {}: {} (ccload history lists the runs)",
                                  spec, shown_, newest));
  }
  if (spec.empty() || ec != std::errc() || ptr != spec.data() + spec.size() || id <= 0) {
    throw RunNotFound(fmt::format(
        "'{}' is not a run: give a run id (ccload history lists them), last or last~N", spec));
  }
  if (db_->has_table("RUNS")) {
    auto find = db_->prepare("SELECT 1 FROM RUNS WHERE RUNID = ?");
    find.bind(1, id);
    if (find.step()) return RunRef{id, {}, {}, {}, {}};
  }
  throw RunNotFound(
      fmt::format("run {} is not in {}: {} (ccload history lists the runs)", id, shown_, newest));
}

namespace {

// Whether a RUNS.THRESHOLDS text (JSON [{"passed": bool, ...}], or none) has every verdict passed.
bool thresholds_passed(const sql::Statement& stmt, int column) {
  if (stmt.is_null(column)) return true;
  try {
    const nlohmann::json verdicts = nlohmann::json::parse(stmt.column_text(column));
    return std::all_of(verdicts.begin(), verdicts.end(),
                       [](const nlohmann::json& v) { return v.value("passed", true); });
  } catch (const nlohmann::json::exception&) {
    return false;  // a damaged verdict is no baseline to trust
  }
}

// The first row of `find` (RUNID, THRESHOLDS), newest first, whose thresholds passed if `passed`.
std::optional<RunRef> first_run(sql::Statement& find, bool passed) {
  while (find.step()) {
    if (!passed || thresholds_passed(find, 1)) return RunRef{find.column_int(0), {}, {}, {}, {}};
  }
  return std::nullopt;
}

}  // namespace

std::optional<RunRef> StoredRuns::last_of(const std::string& url, const std::string& method,
                                          bool passed) {
  if (!db_->has_table("RUNS")) return std::nullopt;
  // A run of several targets is no baseline of one of them (its URL is only its first target's).
  const bool counted = db_->has_column("RUNS", "TARGET_COUNT");
  const char* thresholds = db_->has_column("RUNS", "THRESHOLDS") ? "THRESHOLDS" : "NULL";
  auto find = db_->prepare(fmt::format(
      "SELECT RUNID, {} FROM RUNS WHERE URL = ? AND METHOD = ? AND HIST_TOTAL IS NOT NULL{} "
      "ORDER BY STARTED DESC, RUNID DESC",
      thresholds, counted ? " AND COALESCE(TARGET_COUNT, 1) = 1" : ""));
  find.bind(1, std::string_view(url)).bind(2, std::string_view(method));
  return first_run(find, passed);
}

std::optional<RunRef> StoredRuns::last_of(const std::vector<TargetName>& targets, bool passed) {
  if (targets.size() == 1) return last_of(targets.front().url, targets.front().method, passed);
  if (!db_->has_table("RUNS") || !db_->has_column("RUNS", "TARGET_URLS")) return std::nullopt;
  auto find = db_->prepare(
      "SELECT RUNID, THRESHOLDS FROM RUNS WHERE TARGET_URLS = ? AND TARGET_COUNT = ? AND "
      "HIST_TOTAL IS NOT NULL ORDER BY STARTED DESC, RUNID DESC");
  const std::string urls = target_urls_text(targets);
  find.bind(1, std::string_view(urls)).bind(2, static_cast<std::int64_t>(targets.size()));
  return first_run(find, passed);
}

}  // namespace ccload::store
