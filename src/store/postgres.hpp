#pragma once
// PostgreSQL through libpq, behind the same sql::Connection seam as SQLite: many agents writing
// one run into one database (DATABASE_URL=postgresql://user:password@host:5432/db, also
// postgres://, with libpq's parameters such as ?sslmode=require passed through).

#include <string>
#include <string_view>

#include "store/sql_connection.hpp"

struct pg_conn;

namespace ccload::store {

// DATABASE_URL (or --db) names PostgreSQL: postgresql:// or postgres://.
bool is_postgres_url(std::string_view url);

// The URL as it may be shown: the password replaced by *** (postgresql://user:***@host/db).
// Anything that is not a PostgreSQL URL is returned unchanged.
std::string redact_database_url(std::string_view url);

namespace sql {

class PgConnection final : public Connection {
 public:
  // Connects. Throws sql::Error naming host and database (never the password) when it cannot.
  explicit PgConnection(const std::string& url);
  ~PgConnection() override;
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  Dialect dialect() const override { return Dialect::postgres; }
  void exec(const std::string& sql) override;
  Statement prepare(std::string_view sql) override;
  bool has_table(const std::string& name) override;
  bool has_column(const std::string& table, const std::string& column) override;
  std::string describe() const override { return shown_; }

  // COPY table(columns) FROM STDIN with `rows` in COPY's text format (tab-separated, \N for NULL,
  // one line per row). Throws sql::Error.
  void copy_in(const std::string& table_and_columns, const std::string& rows);

  pg_conn* handle() const { return conn_; }
  [[noreturn]] void fail(std::string_view what) const;

 private:
  pg_conn* conn_ = nullptr;
  std::string shown_;  // redacted URL for messages
};

}  // namespace sql
}  // namespace ccload::store
