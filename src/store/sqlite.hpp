#pragma once
// A thin RAII wrapper over sqlite3: a connection, prepared statements, errors as exceptions
// (sql::Error with SQLite's primary result code).

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "store/sql_connection.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace ccload::store::sql {

// An SQLite database file.
class Database final : public Connection {
 public:
  enum class Mode { read_only, read_write, read_write_create };

  // Opens `path`. Throws Error. Only read_write_create creates a missing file.
  Database(const std::filesystem::path& path, Mode mode);
  ~Database() override;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  Dialect dialect() const override { return Dialect::sqlite; }
  void exec(const std::string& sql) override;  // one or more statements without results
  Statement prepare(std::string_view sql) override;
  bool has_table(const std::string& name) override;
  bool has_column(const std::string& table, const std::string& column) override;
  std::string describe() const override { return path_; }
  std::int64_t last_insert_rowid() const;
  void busy_timeout(int milliseconds);

  sqlite3* handle() const { return db_; }
  [[noreturn]] void fail(int code, std::string_view what) const;

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

}  // namespace ccload::store::sql
