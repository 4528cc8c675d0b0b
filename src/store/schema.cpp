#include "store/schema.hpp"

#include <string>

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <string_view>
#include <thread>
#include <vector>

namespace ccload::store::schema {
namespace {

struct Column {
  std::string_view name;
  std::string_view declaration;
};

// The seed's columns. TIMESTAMP and RESPONSETIME are TEXT in the seed; a new database stores them
// as numbers (see schema.hpp).
constexpr std::string_view kCreateLoadtest =
    "CREATE TABLE IF NOT EXISTS LOADTEST(\n"
    "    REQUESTID INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,\n"
    "    TIMESTAMP REAL NOT NULL,\n"
    "    URL TEXT NOT NULL,\n"
    "    STATUS INTEGER NOT NULL,\n"
    "    REQTYPE VARCHAR NOT NULL,\n"
    "    RESPONSETIME REAL NOT NULL\n"
    ")";

// Added to LOADTEST when missing (all nullable, so PyLoad's own INSERTs keep working).
const std::vector<Column> kLoadtestAdded = {
    {"RUNID", "INTEGER"},       // RUNS.RUNID; NULL for PyLoad's rows
    {"RUNREQUEST", "INTEGER"},  // 1-based request number within the run
    {"TTFB", "REAL"},           // seconds
    {"TTLB", "REAL"},           // seconds
    {"CONNECT", "REAL"},        // seconds
    {"BYTES", "INTEGER"},       // response body bytes received (core/record.hpp)
    {"ERROR", "TEXT"},          // transport error category (resolve, connect, tls, timeout, ...)
    // Version 4.
    {"WAIT", "REAL"},  // seconds past its scheduled time the request waited for a connection
    // Version 5: several targets and redirects. URL and REQTYPE are the request's target's.
    {"TARGET", "INTEGER"},     // 0-based index of the request's target in the run's list
    {"REDIRECTS", "INTEGER"},  // redirect hops followed (0: the target answered itself)
    {"FINAL_URL", "TEXT"},     // the last hop's URL when REDIRECTS > 0, else NULL
};

constexpr std::string_view kCreateRuns =
    "CREATE TABLE IF NOT EXISTS RUNS(\n"
    "    RUNID INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,\n"
    "    STARTED REAL NOT NULL,\n"  // UTC epoch seconds
    "    URL TEXT NOT NULL,\n"
    "    METHOD TEXT NOT NULL,\n"
    "    N INTEGER NOT NULL,\n"
    "    C INTEGER NOT NULL\n"
    ")";

// Added to RUNS when missing; written by the run's summary at its end (NULL until then).
const std::vector<Column> kRunsAdded = {
    {"ENDED", "REAL"},  // UTC epoch seconds
    {"DURATION", "REAL"},
    {"REQUESTS", "INTEGER"},
    {"SUCCEEDED", "INTEGER"},
    {"FAILED", "INTEGER"},
    {"BYTES", "INTEGER"},  // response body bytes (core/record.hpp)
    {"RPS", "REAL"},
    {"TOTAL_MIN", "REAL"},  // seconds, from the merged histograms
    {"TOTAL_MEAN", "REAL"},
    {"TOTAL_P50", "REAL"},
    {"TOTAL_P90", "REAL"},
    {"TOTAL_P95", "REAL"},
    {"TOTAL_P99", "REAL"},
    {"TOTAL_P999", "REAL"},
    {"TOTAL_MAX", "REAL"},
    {"TTFB_MEAN", "REAL"},
    {"TTFB_P95", "REAL"},
    {"TTLB_MEAN", "REAL"},
    {"TTLB_P95", "REAL"},
    {"CONNECT_MEAN", "REAL"},
    {"CONNECT_P95", "REAL"},
    {"STATUS_COUNTS", "TEXT"},  // JSON object: {"200": 98, "500": 2}
    {"ERROR_COUNTS", "TEXT"},   // JSON object: {"connect": 3}
    {"HIST_TOTAL", "TEXT"},     // stats::Histogram::serialize()
    {"HIST_TTFB", "TEXT"},
    {"HIST_TTLB", "TEXT"},
    {"HIST_CONNECT", "TEXT"},
    {"INTERRUPTED", "INTEGER NOT NULL DEFAULT 0"},
    {"ROWS_STORED", "INTEGER"},  // LOADTEST rows written for the run
    // Every LOADTEST row of the run has a REQUESTID greater than this (the largest REQUESTID when
    // the run began; AUTOINCREMENT never goes back). Queries of one run's rows scan from here by
    // rowid: an index on RUNID would double the cost of every insert.
    {"ROWS_AFTER", "INTEGER"},
    // How the run was bounded and paced, when not by N alone (N is 0 when -z bounded it).
    {"DURATION_LIMIT", "REAL"},  // seconds (-z)
    {"RATE", "REAL"},            // requests per second (--rate)
    // Version 3: what rebuilds the run's whole summary (`ccload report`, `compare`).
    {"STARTED_NS", "INTEGER"},   // STARTED in nanoseconds since the Unix epoch, exact
    {"CONNECTIONS", "INTEGER"},  // connections opened
    {"TIMELINE", "TEXT"},        // JSON [[requests, failed, responses, total_ns_sum, total_ns_max]]
                                 // per second of the run, by completion time
    {"THRESHOLDS", "TEXT"},      // JSON [{"expression","unit","measured","limit","passed"}] of
                                 // --fail-on; NULL when none were given
    // Version 4: a shard of a distributed run (--run-id NAME --shard i/N --start-at TIME).
    {"RUN_NAME", "TEXT"},        // the distributed run's name; NULL for a run of its own
    {"SHARD", "INTEGER"},        // i of --shard i/N
    {"SHARDS", "INTEGER"},       // N
    {"START_AT_NS", "INTEGER"},  // --start-at, Unix ns
    {"START_LATE", "REAL"},      // seconds from START_AT_NS to when the first request was due
    {"PROTOCOL", "TEXT"},        // "HTTP/1.1" or "HTTP/2" (NULL before version 4: HTTP/1.1)
    {"STREAMS", "INTEGER"},      // --streams: requests in flight per HTTP/2 connection
    // Also version 4: waits, the generator watching itself, ramping rates.
    {"WAIT_MEAN", "REAL"},  // seconds: sent - scheduled, over every request
    {"WAIT_P95", "REAL"},
    {"HIST_WAIT", "TEXT"},
    {"HIST_SERVICE", "TEXT"},  // total - wait, over the requests that got a response
    {"WAITED", "INTEGER"},     // requests that waited more than 1 ms for a connection
    {"GENERATOR", "TEXT"},     // JSON {"loop_lag": Histogram::serialize(), "workers": [[cpu_s,
                               // wall_s, saturated_s(, waited_s)], ...]}
    {"GENERATOR_LIMITED", "INTEGER"},  // 1: saturated or delayed; 0: neither; NULL: not measured
    {"STAGES", "TEXT"},                // JSON [[duration_s, target_rate], ...] of --stages
    {"START_RATE", "REAL"},            // requests per second (--start-rate)
    // Version 5: several targets and redirects.
    {"TARGET_COUNT", "INTEGER"},  // targets of the run (1 for one; NULL before version 5: 1)
    // Every target's URL, one per line, in order (what `history --url` matches).
    {"TARGET_URLS", "TEXT"},
    // JSON [{"method", "url", plus that target's summary columns (summary_columns) once the run
    // ended}, ...], one object per target in order; NULL for a run of one target.
    {"TARGETS", "TEXT"},
    {"REDIRECTED", "INTEGER"},     // requests that followed at least one redirect
    {"MAX_REDIRECTS", "INTEGER"},  // --max-redirects: hops followed per request at most
    // Version 6: how a run stopped.
    {"STOP_SIGNAL", "TEXT"},  // "SIGINT", "SIGTERM" or "SIGHUP" that stopped it; NULL: none did
    {"DROPPED", "INTEGER"},   // paced requests due before -z ended that could not be sent by then
    // Also version 6: a run whose rows did not all reach the database (store/fallback_file.hpp).
    {"RUN_KEY", "TEXT"},           // random id naming the run in its fallback file (`import`)
    {"FALLBACK_FILE", "TEXT"},     // the fallback file holding the rows not stored, if any
    {"FALLBACK_ROWS", "INTEGER"},  // how many rows that file holds
    // Version 7: templates and data files (issue 21); NULL for a run without either.
    {"SEED", "TEXT"},           // --seed (or the one drawn), decimal: 64 bits unsigned
    {"DATA_FILE", "TEXT"},      // --data, the path as given
    {"DATA_BYTES", "INTEGER"},  // its size
    {"DATA_SHA256", "TEXT"},    // its SHA-256, lower-case hex
    {"DATA_ORDER", "TEXT"},     // --data-order: "sequential", "random" or "once"
    // JSON [{"url", "headers": {name: value}, "body"}] per target, only the parts with fields, as
    // given (a header value without fields is never stored)
    {"TEMPLATES", "TEXT"},
    // Version 8: what every report of the run says the same (README, "Every output says the
    // same").
    {"HTTP2_REFUSED", "INTEGER"},  // --http2 TLS handshakes whose server refused h2 by ALPN
    // --streams when the server allowed fewer (then STREAMS is the server's limit); else NULL
    {"STREAMS_REQUESTED", "INTEGER"},
    // The --baseline comparison, judged when the run ended: JSON (runs_row.cpp); NULL without.
    {"BASELINE", "TEXT"},
    // 1: --latency-includes-failures (total and service time cover failed requests too); 0 or
    // NULL: only the requests that got a response.
    {"LATENCY_INCLUDES_FAILURES", "INTEGER"},
    // Version 8 too: why TLS failed, and h2c to a server without HTTP/2.
    {"TLS_REASONS", "TEXT"},  // JSON object: the tls errors by reason, {"expired": 3}
    // --http2 over http: connections answered in HTTP/1.x where the HTTP/2 preface was due, and
    // those the server closed before sending a byte
    {"H2C_HTTP1_ANSWERS", "INTEGER"},
    {"H2C_CLOSED_SILENTLY", "INTEGER"},
    // Version 9: --pipeline, HTTP/1.1 requests written together per connection (NULL: 1).
    {"PIPELINE", "INTEGER"},
    // Version 10: the request script (-s), NULL without one.
    {"SCRIPT", "TEXT"},         // its path, as given
    {"SCRIPT_SHA256", "TEXT"},  // its SHA-256 when the run was planned, lower-case hex
    {"SCRIPT_ARGS", "TEXT"},    // JSON array of its init() arguments (the words after --)
    // Version 10 too: --check's tallies, JSON [{"expression", "passed", "failed"}] in order.
    {"CHECKS", "TEXT"},
    // Version 11: --body-cap, and the responses whose checks failed on a body longer than it.
    {"BODY_CAP", "INTEGER"},
    {"CHECKS_BODY_CAPPED", "INTEGER"},
};

constexpr std::string_view kIndexes =
    "CREATE INDEX IF NOT EXISTS RUNS_STARTED ON RUNS(STARTED);\n"
    "CREATE INDEX IF NOT EXISTS RUNS_RUN_NAME ON RUNS(RUN_NAME);\n";

void add_missing(sql::Database& db, std::string_view table, const std::vector<Column>& columns) {
  for (const auto& column : columns) {
    if (db.has_column(std::string(table), std::string(column.name))) continue;
    db.exec("ALTER TABLE " + std::string(table) + " ADD COLUMN " + std::string(column.name) + " " +
            std::string(column.declaration));
  }
}

int user_version(sql::Database& db) {
  auto stmt = db.prepare("PRAGMA user_version");
  return stmt.step() ? static_cast<int>(stmt.column_int(0)) : 0;
}

// A new, empty database file (SQLite writes nothing to it until the first transaction).
bool empty_file(sql::Database& db) {
  auto stmt = db.prepare("PRAGMA page_count");
  return stmt.step() && stmt.column_int(0) == 0;
}

// A table of today's columns in one CREATE (a new database needs no ALTER TABLE for each column
// added since the seed): `create` without its closing parenthesis, then the added columns, in
// the order a migrated database has them.
std::string create_whole(std::string_view create, const std::vector<Column>& added) {
  std::string sql(create.substr(0, create.rfind(')')));
  while (!sql.empty() && (sql.back() == '\n' || sql.back() == ' ')) sql.pop_back();
  for (const auto& column : added) {
    sql += ",\n    " + std::string(column.name) + " " + std::string(column.declaration);
  }
  return sql + "\n)";
}

// Switching a database to WAL needs an exclusive lock, and SQLite answers SQLITE_BUSY at once,
// without calling the busy handler, while another connection holds a shared lock: that happens
// when two ccload processes create the same database together. Retry up to the busy timeout.
void enable_wal(sql::Database& db) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(kBusyTimeoutMs);
  for (;;) {
    try {
      db.exec("PRAGMA journal_mode=WAL");
      return;
    } catch (const sql::Error& e) {
      if (e.code() != SQLITE_BUSY || std::chrono::steady_clock::now() >= deadline) throw;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

}  // namespace

std::string create_statements() {
  std::string sql = std::string(kCreateLoadtest) + ";\n";
  for (const auto& c : kLoadtestAdded) {
    sql += "ALTER TABLE LOADTEST ADD COLUMN " + std::string(c.name) + " " +
           std::string(c.declaration) + ";\n";
  }
  sql += std::string(kCreateRuns) + ";\n";
  for (const auto& c : kRunsAdded) {
    sql += "ALTER TABLE RUNS ADD COLUMN " + std::string(c.name) + " " + std::string(c.declaration) +
           ";\n";
  }
  return sql + std::string(kIndexes);
}

namespace {

// A SQLite declaration in PostgreSQL's types: whole numbers are 64-bit, reals double precision.
std::string postgres_type(std::string_view declaration) {
  std::string out(declaration);
  auto replace = [&](std::string_view from, std::string_view to) {
    if (out.rfind(from, 0) == 0) out = std::string(to) + out.substr(from.size());
  };
  replace("INTEGER", "BIGINT");
  replace("REAL", "DOUBLE PRECISION");
  return out;
}

// PostgreSQL: the same tables and columns, created or completed under an advisory lock, so that
// agents starting together migrate once.
void prepare_postgres(sql::Connection& db) {
  db.exec("BEGIN");
  try {
    db.exec("SELECT pg_advisory_xact_lock(727274)");  // ccload's schema lock
    db.exec(
        "CREATE TABLE IF NOT EXISTS LOADTEST(REQUESTID BIGSERIAL PRIMARY KEY, TIMESTAMP DOUBLE "
        "PRECISION NOT NULL, URL TEXT NOT NULL, STATUS INTEGER NOT NULL, REQTYPE VARCHAR NOT "
        "NULL, RESPONSETIME DOUBLE PRECISION NOT NULL)");
    for (const auto& c : kLoadtestAdded) {
      db.exec("ALTER TABLE LOADTEST ADD COLUMN IF NOT EXISTS " + std::string(c.name) + " " +
              postgres_type(c.declaration));
    }
    db.exec(
        "CREATE TABLE IF NOT EXISTS RUNS(RUNID BIGSERIAL PRIMARY KEY, STARTED DOUBLE PRECISION "
        "NOT NULL, URL TEXT NOT NULL, METHOD TEXT NOT NULL, N BIGINT NOT NULL, C BIGINT NOT NULL)");
    for (const auto& c : kRunsAdded) {
      db.exec("ALTER TABLE RUNS ADD COLUMN IF NOT EXISTS " + std::string(c.name) + " " +
              postgres_type(c.declaration));
    }
    db.exec(std::string(kIndexes));
    // Unlike SQLite, PostgreSQL keeps a RUNID index cheap, and many agents share the table.
    db.exec("CREATE INDEX IF NOT EXISTS LOADTEST_RUNID ON LOADTEST(RUNID)");
    db.exec("COMMIT");
  } catch (...) {
    try {
      db.exec("ROLLBACK");
    } catch (const sql::Error&) {
    }
    throw;
  }
}

}  // namespace

void prepare_for_writing(sql::Connection& connection) {
  if (connection.dialect() == sql::Dialect::postgres) return prepare_postgres(connection);
  auto& db = static_cast<sql::Database&>(connection);
  db.busy_timeout(kBusyTimeoutMs);
  // Reading the schema first surfaces "file is not a database" before anything is written.
  const int version = user_version(db);
  // A new file is made without fsync (switching to WAL and creating the tables cost about 8 ms
  // of syncs before the first request otherwise): it holds no result yet, and the run's own
  // writes are synced as any run's are (synchronous=NORMAL, set once it is made). A crash in
  // those milliseconds can at worst leave an unusable new file, which the next run names.
  const bool fresh = empty_file(db);
  db.exec(fresh ? "PRAGMA synchronous=OFF" : "PRAGMA synchronous=NORMAL");
  enable_wal(db);
  if (version >= kVersion) return;

  // One migration at a time, even with two ccload processes starting together.
  db.exec("BEGIN IMMEDIATE");
  try {
    if (user_version(db) < kVersion) {
      if (fresh) {
        db.exec(create_whole(kCreateLoadtest, kLoadtestAdded));
        db.exec(create_whole(kCreateRuns, kRunsAdded));
      } else {  // an older database (or the seed's): what it lacks is added
        db.exec(std::string(kCreateLoadtest));
        add_missing(db, "LOADTEST", kLoadtestAdded);
        db.exec(std::string(kCreateRuns));
        add_missing(db, "RUNS", kRunsAdded);
      }
      db.exec(std::string(kIndexes));
      db.exec("PRAGMA user_version=" + std::to_string(kVersion));
    }
    db.exec("COMMIT");
    if (fresh) db.exec("PRAGMA synchronous=NORMAL");
  } catch (...) {
    try {
      db.exec("ROLLBACK");
    } catch (const sql::Error&) {
    }
    throw;
  }
}

bool bookkeeping_runs_column(std::string_view name) {
  for (const std::string_view own :
       {"RUNID", "ROWS_AFTER", "RUN_KEY", "ROWS_STORED", "FALLBACK_FILE", "FALLBACK_ROWS"}) {
    if (name == own) return true;
  }
  return false;
}

bool importable_runs_column(std::string_view name) {
  if (bookkeeping_runs_column(name)) return false;
  for (const std::string_view base : {"STARTED", "URL", "METHOD", "N", "C"}) {
    if (name == base) return true;
  }
  return std::any_of(kRunsAdded.begin(), kRunsAdded.end(),
                     [&](const Column& column) { return column.name == name; });
}

}  // namespace ccload::store::schema
