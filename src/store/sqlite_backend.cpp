// The SQLite backend: one file, WAL, 32 rows per INSERT statement, transactions of the writer's
// size (store/run_writer.cpp).

#include <sqlite3.h>

#include <array>
#include <optional>

#include "store/backend.hpp"
#include "store/postgres_backend.hpp"
#include "store/schema.hpp"
#include "store/sqlite.hpp"
#include "store/sqlite_rows.hpp"
#include "store/timestamp_text.hpp"

namespace ccload::store {

namespace {

// Rows per INSERT statement: one statement start, cursor and halt for many rows.
constexpr int kRowsPerInsert = 32;
constexpr int kColumnsPerRow = 16;

std::string insert_sql(int rows) {
  std::string sql =
      "INSERT INTO LOADTEST(TIMESTAMP, URL, STATUS, REQTYPE, RESPONSETIME, RUNID, RUNREQUEST, "
      "TTFB, TTLB, CONNECT, BYTES, ERROR, WAIT, TARGET, REDIRECTS, FINAL_URL) VALUES";
  for (int i = 0; i < rows; ++i)
    sql += i == 0 ? "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)" : ",(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
  return sql;
}

double seconds(std::int64_t ns) { return static_cast<double>(ns) / 1e9; }

class SqliteBackend final : public Backend {
 public:
  explicit SqliteBackend(std::string path) : path_(std::move(path)) {}

  std::int64_t begin_run(RunsRow identity, const RunIdentity& run) override {
    run_ = run;
    db_ = std::make_unique<sql::Database>(path_, sql::Database::Mode::read_write_create);
    schema::prepare_for_writing(*db_);
    {
      // Finalized before the INSERT: an open read would turn the write into SQLITE_BUSY_SNAPSHOT
      // when another process commits in between.
      auto last_row = db_->prepare("SELECT COALESCE(MAX(REQUESTID), 0) FROM LOADTEST");
      if (last_row.step()) identity.set("ROWS_AFTER", last_row.column_int(0));
    }
    timestamp_text_ = timestamp_is_text(*db_);
    insert_row(*db_, "RUNS", identity);
    run_id_ = db_->last_insert_rowid();
    insert_.emplace(db_->prepare(insert_sql(1)));
    insert_many_.emplace(db_->prepare(insert_sql(kRowsPerInsert)));
    // Bindings survive reset(): the run's constant columns are bound once, and a row's target
    // (URL, REQTYPE, TARGET) only when it differs from the one bound there before.
    for (int row = 0; row < kRowsPerInsert; ++row) {
      bind_run_columns(*insert_many_, row * kColumnsPerRow);
    }
    bind_run_columns(*insert_, 0);
    bound_many_.fill(kNoTarget);
    bound_one_ = kNoTarget;
    begin_.emplace(db_->prepare("BEGIN IMMEDIATE"));
    commit_.emplace(db_->prepare("COMMIT"));
    rollback_.emplace(db_->prepare("ROLLBACK"));
    return run_id_;
  }

  void begin() override { begin_->run(); }
  void commit() override { commit_->run(); }
  void rollback() noexcept override {
    try {
      if (rollback_) rollback_->run();
    } catch (const sql::Error&) {
    }
  }

  void insert(const std::vector<Record>& batch) override {
    std::size_t i = 0;
    for (; i + kRowsPerInsert <= batch.size(); i += kRowsPerInsert) {
      for (int row = 0; row < kRowsPerInsert; ++row) {
        const Record& r = batch[i + static_cast<std::size_t>(row)];
        bind_target(*insert_many_, row * kColumnsPerRow, r,
                    bound_many_[static_cast<std::size_t>(row)]);
        bind_row(*insert_many_, row * kColumnsPerRow, r,
                 timestamp_many_[static_cast<std::size_t>(row)]);
      }
      insert_many_->run();
    }
    for (; i < batch.size(); ++i) {
      bind_target(*insert_, 0, batch[i], bound_one_);
      bind_row(*insert_, 0, batch[i], timestamp_one_);
      insert_->run();
    }
  }

  void end_run(const RunsRow& summary) override {
    if (!db_ || run_id_ == 0) return;
    update_row(*db_, "RUNS", "RUNID", run_id_, summary);
  }

  std::string describe(const sql::Error& e) const override {
    const std::string& path = path_;
    switch (e.code()) {
      case SQLITE_CANTOPEN:
        return "cannot open the database " + path + " (" + e.what() +
               "); fix: create its folder or make it writable, or set DATABASE_URL to another path";
      case SQLITE_READONLY:
        return "the database " + path + " is read-only (" + e.what() +
               "); fix: make the file and its folder writable, or set DATABASE_URL to another path";
      case SQLITE_NOTADB:
        return path +
               " is not a SQLite database; fix: move it aside or set DATABASE_URL to another path";
      case SQLITE_FULL:
        return "the disk holding " + path +
               " is full; fix: free space or set DATABASE_URL to another disk";
      case SQLITE_BUSY:
      case SQLITE_LOCKED:
        return "the database " + path + " stayed locked by another process for more than " +
               std::to_string(schema::kBusyTimeoutMs / 1000) + " s; fix: retry when it is free";
      default:
        return "cannot write the database " + path + " (" + e.what() + ")";
    }
  }

  bool disk_full(const sql::Error& e) const override { return e.code() == SQLITE_FULL; }

  std::string local_folder() const override {
    return std::filesystem::path(path_).parent_path().string();
  }

  void close() override {
    insert_.reset();
    insert_many_.reset();
    begin_.reset();
    commit_.reset();
    rollback_.reset();
    db_.reset();
  }

 private:
  static constexpr std::size_t kNoTarget = static_cast<std::size_t>(-1);

  // The columns that are the same for every row of the run, for the row whose first parameter
  // follows `base`.
  void bind_run_columns(sql::Statement& statement, int base) { statement.bind(base + 6, run_id_); }

  // URL, REQTYPE and TARGET of the record's target, unless `bound` (the target bound at `base`
  // before) is the same. The texts are the backend's own (run_.targets): bound without a copy.
  void bind_target(sql::Statement& statement, int base, const Record& r, std::size_t& bound) {
    const std::size_t target = r.target < run_.targets.size() ? r.target : 0;
    const TargetName& name = run_.targets[target];
    if (!r.url.empty()) {  // a templated URL as it was sent: this row's own
      statement.bind_static(base + 2, r.url)
          .bind_static(base + 4, name.method)
          .bind(base + 14, static_cast<std::int64_t>(target));
      bound = kNoTarget;
      return;
    }
    if (target == bound) return;
    statement.bind_static(base + 2, name.url)
        .bind_static(base + 4, name.method)
        .bind(base + 14, static_cast<std::int64_t>(target));
    bound = target;
  }

  // `text`: where the row's timestamp is written when LOADTEST declares it TEXT (a PyLoad
  // database); it outlives the statement's step.
  void bind_row(sql::Statement& statement, int base, const Record& r,
                char (&text)[kTimestampTextSize]) const {
    if (timestamp_text_) {
      statement.bind_static(base + 1, timestamp_text(r.start_unix_ns, text));
    } else {
      statement.bind(base + 1, seconds(r.start_unix_ns));
    }
    statement.bind(base + 3, static_cast<std::int64_t>(r.status))
        .bind(base + 5, seconds(r.total_ns))
        .bind(base + 7, static_cast<std::int64_t>(r.request_id))
        .bind(base + 8, seconds(r.ttfb_ns))
        .bind(base + 9, seconds(r.ttlb_ns))
        .bind(base + 10, seconds(r.connect_ns))
        .bind(base + 11, static_cast<std::int64_t>(r.bytes));
    if (r.error == ErrorCategory::none) {
      statement.bind_null(base + 12);
    } else {
      statement.bind_static(base + 12, to_string(r.error));
    }
    statement.bind(base + 13, seconds(r.wait_ns))
        .bind(base + 15, static_cast<std::int64_t>(r.redirects));
    // The record outlives the statement's step (insert() runs it before returning).
    if (r.redirects > 0) {
      statement.bind_static(base + 16, r.final_url);
    } else {
      statement.bind_null(base + 16);
    }
  }

  std::string path_;
  RunIdentity run_;
  std::unique_ptr<sql::Database> db_;
  std::optional<sql::Statement> insert_, insert_many_, begin_, commit_, rollback_;
  // The target bound in each row of insert_many_, and in insert_ (kNoTarget: none yet).
  std::array<std::size_t, kRowsPerInsert> bound_many_{};
  std::size_t bound_one_ = kNoTarget;
  // LOADTEST.TIMESTAMP is declared TEXT (a PyLoad database): timestamps are bound as text, from
  // these buffers (one per row of insert_many_, one for insert_).
  bool timestamp_text_ = false;
  char timestamp_many_[kRowsPerInsert][kTimestampTextSize] = {};
  char timestamp_one_[kTimestampTextSize] = {};
  std::int64_t run_id_ = 0;
};

}  // namespace

std::unique_ptr<Backend> make_backend(const std::string& database) {
  if (is_postgres_url(database)) return make_postgres_backend(database);
  return std::make_unique<SqliteBackend>(database);
}

}  // namespace ccload::store
