#pragma once
// A thin RAII wrapper over sqlite3: a connection, prepared statements, errors as exceptions.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace ccload::store::sql {

// An SQLite failure: the primary result code (SQLITE_BUSY, SQLITE_FULL, ...) and the message.
class Error : public std::runtime_error {
 public:
  Error(int code, const std::string& message) : std::runtime_error(message), code_(code) {}
  int code() const { return code_; }

 private:
  int code_;
};

class Statement;

class Database {
 public:
  enum class Mode { read_only, read_write, read_write_create };

  // Opens `path`. Throws Error. Only read_write_create creates a missing file.
  Database(const std::filesystem::path& path, Mode mode);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  void exec(const std::string& sql);  // one or more statements without results
  Statement prepare(std::string_view sql);
  std::int64_t last_insert_rowid() const;
  void busy_timeout(int milliseconds);
  bool has_table(const std::string& name);
  bool has_column(const std::string& table, const std::string& column);

  sqlite3* handle() const { return db_; }
  [[noreturn]] void fail(int code, std::string_view what) const;

 private:
  sqlite3* db_ = nullptr;
};

class Statement {
 public:
  Statement(Database& db, std::string_view sql);
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;

  // Binding (1-based index). Text is copied (SQLITE_TRANSIENT) unless bind_static is used, whose
  // text must outlive every step() that uses it.
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view value);
  Statement& bind_static(int index, std::string_view value);
  Statement& bind_null(int index);
  template <typename T>
  Statement& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind_null(index);
  }

  bool step();   // true when a row is available; throws Error
  void reset();  // keeps the bindings
  void run() {   // step once, then reset
    step();
    reset();
  }

  // Named parameters (":NAME"): 0 when the statement has no such parameter.
  int parameter_index(const std::string& name) const;
  int column_count() const;
  std::string column_name(int column) const;
  bool is_integer(int column) const;
  bool is_real(int column) const;

  bool is_null(int column) const;
  std::int64_t column_int(int column) const;
  double column_double(int column) const;
  std::string column_text(int column) const;

 private:
  Database* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace ccload::store::sql
