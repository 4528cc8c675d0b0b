#include "store/sqlite.hpp"

#include <sqlite3.h>

namespace ccload::store::sql {

namespace {

class SqliteStatement final : public StatementImpl {
 public:
  SqliteStatement(Database& db, std::string_view sql);
  ~SqliteStatement() override;
  void bind_int(int index, std::int64_t value) override;
  void bind_double(int index, double value) override;
  void bind_text(int index, std::string_view value, bool copy) override;
  void bind_null(int index) override;
  int parameter_index(const std::string& name) const override;
  bool step() override;
  void reset() override;
  int column_count() const override;
  std::string column_name(int column) const override;
  bool is_null(int column) const override;
  bool is_integer(int column) const override;
  bool is_real(int column) const override;
  std::int64_t column_int(int column) const override;
  double column_double(int column) const override;
  std::string column_text(int column) const override;

 private:
  Database* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace

std::string contains_sql(const Connection& db, std::string_view column) {
  return db.dialect() == Dialect::postgres ? "strpos(" + std::string(column) + ", ?) > 0"
                                           : "instr(" + std::string(column) + ", ?) > 0";
}

Database::Database(const std::filesystem::path& path, Mode mode) : path_(path.string()) {
  int flags = SQLITE_OPEN_NOMUTEX;
  switch (mode) {
    case Mode::read_only:
      flags |= SQLITE_OPEN_READONLY;
      break;
    case Mode::read_write:
      flags |= SQLITE_OPEN_READWRITE;
      break;
    case Mode::read_write_create:
      flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
      break;
  }
  const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    const std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close_v2(db_);
    db_ = nullptr;
    throw Error(rc & 0xff, message);
  }
  sqlite3_extended_result_codes(db_, 0);
}

Database::~Database() {
  if (db_) sqlite3_close_v2(db_);
}

void Database::fail(int code, std::string_view what) const {
  std::string message = sqlite3_errmsg(db_);
  if (!what.empty()) message = std::string(what) + ": " + message;
  throw Error(code & 0xff, message);
}

void Database::exec(const std::string& sql) {
  char* error = nullptr;
  const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
  if (rc != SQLITE_OK) {
    std::string message = error ? error : sqlite3_errstr(rc);
    sqlite3_free(error);
    throw Error(rc & 0xff, message);
  }
}

Statement Database::prepare(std::string_view sql) {
  return Statement(std::make_unique<SqliteStatement>(*this, sql));
}

std::int64_t Database::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

void Database::busy_timeout(int milliseconds) { sqlite3_busy_timeout(db_, milliseconds); }

bool Database::has_table(const std::string& name) {
  auto stmt =
      prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ? COLLATE NOCASE");
  stmt.bind(1, name);
  return stmt.step();
}

bool Database::has_column(const std::string& table, const std::string& column) {
  auto stmt = prepare("SELECT 1 FROM pragma_table_info(?) WHERE name = ? COLLATE NOCASE");
  stmt.bind(1, table).bind(2, column);
  return stmt.step();
}

SqliteStatement::SqliteStatement(Database& db, std::string_view sql) : db_(&db) {
  const int rc = sqlite3_prepare_v3(db.handle(), sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
  if (rc != SQLITE_OK) db.fail(rc, "");
}

SqliteStatement::~SqliteStatement() {
  if (stmt_) sqlite3_finalize(stmt_);
}

void SqliteStatement::bind_int(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
}

void SqliteStatement::bind_double(int index, double value) {
  sqlite3_bind_double(stmt_, index, value);
}

void SqliteStatement::bind_text(int index, std::string_view value, bool copy) {
  sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()),
                    copy ? SQLITE_TRANSIENT : SQLITE_STATIC);
}

void SqliteStatement::bind_null(int index) { sqlite3_bind_null(stmt_, index); }

bool SqliteStatement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  const std::string message = sqlite3_errmsg(db_->handle());
  sqlite3_reset(stmt_);
  throw Error(rc & 0xff, message);
}

void SqliteStatement::reset() { sqlite3_reset(stmt_); }

int SqliteStatement::parameter_index(const std::string& name) const {
  return sqlite3_bind_parameter_index(stmt_, name.c_str());
}

int SqliteStatement::column_count() const { return sqlite3_column_count(stmt_); }

std::string SqliteStatement::column_name(int column) const {
  const char* name = sqlite3_column_name(stmt_, column);
  return name ? name : "";
}

bool SqliteStatement::is_integer(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_INTEGER;
}

bool SqliteStatement::is_real(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_FLOAT;
}

bool SqliteStatement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::int64_t SqliteStatement::column_int(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

double SqliteStatement::column_double(int column) const {
  return sqlite3_column_double(stmt_, column);
}

std::string SqliteStatement::column_text(int column) const {
  const auto* text = sqlite3_column_text(stmt_, column);
  if (!text) return {};
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

}  // namespace ccload::store::sql
