#include "store/fallback_import.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <unordered_set>

#include "core/text.hpp"
#include "store/backend.hpp"
#include "store/fallback_file.hpp"
#include "store/loadtest_sql.hpp"
#include "store/postgres.hpp"
#include "store/schema.hpp"
#include "store/sqlite.hpp"
#include "store/sqlite_rows.hpp"
#include "store/stored_runs.hpp"
#include "store/timestamp_text.hpp"

namespace ccload::store {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string not_a_fallback_file(const fs::path& path, const std::string& why) {
  return fmt::format(
      "{} is not a ccload fallback file ({}): give a ccload-fallback-*.ndjson file that a run "
      "wrote when its database failed",
      path.string(), why);
}

// A record line; false when it is not one.
bool parse_row(const json& j, FallbackRow& row) {
  if (!j.is_object() || !j.contains("request_id") || !j.contains("timestamp") ||
      !j.contains("url") || !j.contains("method") || !j.contains("status")) {
    return false;
  }
  try {
    row.request_id = j.at("request_id").get<std::int64_t>();
    row.timestamp = j.at("timestamp").get<double>();
    row.url = j.at("url").get<std::string>();
    row.method = j.at("method").get<std::string>();
    row.status = j.at("status").get<std::int64_t>();
    row.response_time = j.value("response_time", 0.0);
    row.ttfb = j.value("ttfb", 0.0);
    row.ttlb = j.value("ttlb", 0.0);
    row.connect = j.value("connect", 0.0);
    row.wait = j.value("wait", 0.0);
    row.bytes = j.value("bytes", std::int64_t{0});
    row.error = j.value("error", std::string("none"));
    if (row.error == "none") row.error.clear();
    row.target = j.value("target", std::int64_t{0});
    row.redirects = j.value("redirects", std::int64_t{0});
    row.final_url.reset();
    if (j.contains("final_url") && j.at("final_url").is_string()) {
      row.final_url = j.at("final_url").get<std::string>();
    }
  } catch (const json::exception&) {
    return false;
  }
  return row.request_id > 0;
}

// The beginning of a run known only from its records (a file written before version 6).
RunsRow identity_from_rows(const std::vector<FallbackRow>& rows) {
  stats::RunFacts facts;
  std::map<std::int64_t, TargetName> targets;
  double first = rows.front().timestamp;
  for (const auto& r : rows) {
    targets.emplace(r.target, TargetName{r.method, r.url});
    first = std::min(first, r.timestamp);
  }
  facts.url = targets.begin()->second.url;
  facts.method = targets.begin()->second.method;
  if (targets.size() > 1) {
    for (const auto& [index, name] : targets) facts.targets.push_back(name);
  }
  facts.requested = rows.size();
  return identity_columns(facts, std::llround(first * 1e9));
}

std::int64_t first_int(sql::Connection& db, const std::string& query, std::int64_t id) {
  auto statement = db.prepare(query);
  statement.bind(1, id);
  return statement.step() && !statement.is_null(0) ? statement.column_int(0) : 0;
}

std::unique_ptr<sql::Connection> open_for_writing(const std::string& database) {
  std::unique_ptr<sql::Connection> db;
  if (is_postgres_url(database)) {
    db = std::make_unique<sql::PgConnection>(database);
  } else {
    db = std::make_unique<sql::Database>(database, sql::Database::Mode::read_write_create);
  }
  schema::prepare_for_writing(*db);
  return db;
}

// The run's RUNS row in `db`, 0 when it has none yet.
std::int64_t find_run(sql::Connection& db, const FallbackContents& file) {
  auto by_key = db.prepare("SELECT RUNID FROM RUNS WHERE RUN_KEY = ?");
  by_key.bind(1, std::string_view(file.run_key));
  if (by_key.step()) return by_key.column_int(0);
  // A file with a header names its run by its key alone: its RUNID may be another database's.
  if (!file.run_key.starts_with("file:")) return 0;
  if (file.run_id == 0 || !file.identity.has("URL")) return 0;
  // An old file's run: its RUNS row if it has the same first target and no key of its own.
  auto by_id = db.prepare(
      "SELECT RUNID FROM RUNS WHERE RUNID = ? AND URL = ? AND METHOD = ? AND RUN_KEY "
      "IS NULL");
  const std::string url = *file.identity.text("URL");
  const std::string method = file.identity.text("METHOD").value_or("GET");
  by_id.bind(1, file.run_id).bind(2, std::string_view(url)).bind(3, std::string_view(method));
  return by_id.step() ? by_id.column_int(0) : 0;
}

void insert_rows(sql::Connection& db, std::int64_t run_id, const FallbackContents& file,
                 ImportOutcome& out) {
  std::unordered_set<std::int64_t> present;
  {
    auto existing = db.prepare("SELECT RUNREQUEST FROM LOADTEST WHERE " + sql_text::kRunRows);
    existing.bind(1, run_id);
    while (existing.step()) present.insert(existing.column_int(0));
  }
  auto insert = db.prepare(
      "INSERT INTO LOADTEST(TIMESTAMP, URL, STATUS, REQTYPE, RESPONSETIME, RUNID, RUNREQUEST, "
      "TTFB, TTLB, CONNECT, BYTES, ERROR, WAIT, TARGET, REDIRECTS, FINAL_URL) "
      "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  const bool timestamp_as_text = timestamp_is_text(db);  // a PyLoad database keeps TEXT
  char text[kTimestampTextSize];
  for (const FallbackRow& r : file.rows) {
    if (!present.insert(r.request_id).second) {
      ++out.already;
      continue;
    }
    if (timestamp_as_text) {
      insert.bind(1, timestamp_text(std::llround(r.timestamp * 1e9), text));
    } else {
      insert.bind(1, r.timestamp);
    }
    insert.bind(2, std::string_view(r.url))
        .bind(3, r.status)
        .bind(4, std::string_view(r.method))
        .bind(5, r.response_time)
        .bind(6, run_id)
        .bind(7, r.request_id)
        .bind(8, r.ttfb)
        .bind(9, r.ttlb)
        .bind(10, r.connect)
        .bind(11, r.bytes);
    if (r.error.empty()) {
      insert.bind_null(12);
    } else {
      insert.bind(12, std::string_view(r.error));
    }
    insert.bind(13, r.wait).bind(14, r.target).bind(15, r.redirects);
    if (r.redirects > 0 && r.final_url) {
      insert.bind(16, std::string_view(*r.final_url));
    } else {
      insert.bind_null(16);
    }
    insert.run();
    ++out.added;
  }
}

// Everything but the summary: one transaction, so a failure leaves the database as it was.
void store_rows(sql::Connection& db, const FallbackContents& file, ImportOutcome& out) {
  db.exec(db.dialect() == sql::Dialect::sqlite ? "BEGIN IMMEDIATE" : "BEGIN");
  try {
    out.run_id = find_run(db, file);
    if (out.run_id == 0) {
      RunsRow identity = file.identity;
      identity.set("RUN_KEY", file.run_key);
      auto last = db.prepare("SELECT COALESCE(MAX(REQUESTID), 0) FROM LOADTEST");
      identity.set("ROWS_AFTER", last.step() ? last.column_int(0) : std::int64_t{0});
      out.run_id = insert_row(db, "RUNS", identity, "RUNID");
      out.new_run = true;
    }
    insert_rows(db, out.run_id, file, out);
    out.rows = static_cast<std::uint64_t>(
        first_int(db, "SELECT COUNT(*) FROM LOADTEST WHERE " + sql_text::kRunRows, out.run_id));
    RunsRow update;
    const bool summarized =
        first_int(db, "SELECT COUNT(*) FROM RUNS WHERE RUNID = ? AND HIST_TOTAL IS NOT NULL",
                  out.run_id) > 0;
    if (!summarized && file.end) update = *file.end;
    update.set("ROWS_STORED", static_cast<std::int64_t>(out.rows));
    // The file's rows are in: the row no longer points at it.
    update.set("FALLBACK_FILE", std::monostate{});
    update.set("FALLBACK_ROWS", std::monostate{});
    update_row(db, "RUNS", "RUNID", out.run_id, update);
    db.exec("COMMIT");
  } catch (...) {
    try {
      db.exec("ROLLBACK");
    } catch (const sql::Error&) {
    }
    throw;
  }
}

// The RUNS columns a file's header or end line sets, checked against the schema: a damaged or
// crafted file can neither name a column that does not exist nor set the row's bookkeeping (the
// import sets RUNID, RUN_KEY, ROWS_AFTER, ROWS_STORED and FALLBACK_* itself).
RunsRow checked_runs_columns(const fs::path& path, const RunsRow& row, std::string_view line) {
  RunsRow out;
  for (const auto& [name, value] : row.values()) {
    if (schema::importable_runs_column(name)) {
      out.set(name, value);
    } else if (!schema::bookkeeping_runs_column(name)) {
      throw ImportFileError(not_a_fallback_file(
          path, fmt::format("its {} line sets {}, which is not a column of a run", line,
                            printable(name))));
    }
  }
  return out;
}

}  // namespace

FallbackContents read_fallback_file(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    throw ImportFileError(fmt::format(
        "{}: no such file; give the path of a fallback file (ccload-fallback-*.ndjson) that a run "
        "named",
        path.string()));
  }
  if (fs::is_directory(path, ec)) {
    throw ImportFileError(not_a_fallback_file(path, "it is a folder"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw ImportFileError(fmt::format("{} cannot be read ({}): make it readable", path.string(),
                                      std::strerror(errno)));
  }
  FallbackContents out;
  out.path = path;
  std::string line;
  bool first = true;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const json j = json::parse(line, nullptr, false);
    if (first) {
      first = false;
      if (j.is_object() && j.contains("ccload_fallback")) {
        try {
          out.run_key = j.at("run_key").get<std::string>();
          out.run_id = j.value("run_id", std::int64_t{0});
          out.identity =
              checked_runs_columns(path, runs_row_from_json_text(j.at("run").dump()), "first");
        } catch (const std::exception& error) {
          throw ImportFileError(
              not_a_fallback_file(path, std::string("damaged first line: ") + error.what()));
        }
        if (out.run_key.empty() || !out.identity.has("URL")) {
          throw ImportFileError(not_a_fallback_file(path, "its first line names no run"));
        }
        continue;
      }
      FallbackRow row;
      if (!parse_row(j, row)) {
        throw ImportFileError(not_a_fallback_file(path, "its first line is not one of a run"));
      }
      // A file written before version 6: records only.
      out.run_id = j.value("run_id", std::int64_t{0});
      out.run_key = "file:" + path.filename().string();
      out.rows.push_back(std::move(row));
      continue;
    }
    if (j.is_object() && j.contains("run_end")) {
      RunsRow end;
      try {
        end = runs_row_from_json_text(j.at("run_end").dump());
      } catch (const std::exception&) {
        ++out.damaged;
        continue;
      }
      out.end = checked_runs_columns(path, std::move(end), "last");
      continue;
    }
    FallbackRow row;
    if (parse_row(j, row)) {
      out.rows.push_back(std::move(row));
    } else {
      ++out.damaged;
    }
  }
  if (first) throw ImportFileError(not_a_fallback_file(path, "it is empty"));
  if (out.identity.values().empty()) {
    if (out.rows.empty()) throw ImportFileError(not_a_fallback_file(path, "it holds no record"));
    out.identity = identity_from_rows(out.rows);
  }
  return out;
}

ImportOutcome import_fallback(const std::string& database, const FallbackContents& file) {
  ImportOutcome out;
  out.database = redact_database_url(database);
  const auto described = [&](const sql::Error& error) {
    return fmt::format("{}; nothing was imported from {}", make_backend(database)->describe(error),
                       file.path.string());
  };
  std::unique_ptr<sql::Connection> db;
  try {
    db = open_for_writing(database);
    store_rows(*db, file, out);
  } catch (const sql::Error& error) {
    throw ImportDatabaseError(described(error));
  }
  // A run that never wrote its end, and a file without one: the summary from its rows.
  const bool summarized = first_int(*db,
                                    "SELECT COUNT(*) FROM RUNS WHERE RUNID = ? AND HIST_TOTAL IS "
                                    "NOT NULL",
                                    out.run_id) > 0;
  if (!summarized && out.rows > 0) {
    stats::RunSummary summary;
    {
      StoredRuns runs(database);
      summary = runs.load(RunRef{out.run_id, {}, {}, {}, {}}, 0);
    }
    const std::int64_t ended =
        summary.facts.started_unix_ns + std::llround(summary.facts.duration_s * 1e9);
    RunsRow row = summary_columns(summary, ended);
    row.set("ROWS_STORED", static_cast<std::int64_t>(out.rows));
    try {
      update_row(*db, "RUNS", "RUNID", out.run_id, row);
    } catch (const sql::Error& error) {
      throw StoreError(fmt::format("{}: the rows of run {} are stored, its summary is not",
                                   make_backend(database)->describe(error), out.run_id));
    }
  }
  out.requests = static_cast<std::uint64_t>(
      first_int(*db, "SELECT COALESCE(REQUESTS, 0) FROM RUNS WHERE RUNID = ?", out.run_id));
  return out;
}

}  // namespace ccload::store
