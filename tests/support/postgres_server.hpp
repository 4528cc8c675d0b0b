#pragma once
// A real PostgreSQL 15 for tests: initdb into a temporary folder as the unprivileged `postgres`
// user (Debian's postgresql-15 package creates it), listening on 127.0.0.1 on a free port with
// password authentication, stopped and removed when destroyed.

#include <string>

namespace ccload::test {

class PostgresServer {
 public:
  // Starts the server. installed() is false when PostgreSQL 15 is not installed; available() is
  // false (with why()) when it is not installed or could not be started.
  PostgresServer();
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  bool installed() const { return installed_; }
  bool available() const { return started_; }
  const std::string& why() const { return why_; }

  static constexpr const char* kUser = "ccload";
  static constexpr const char* kPassword = "s3cret-Pa55";

  std::string host_port() const;  // "127.0.0.1:PORT"
  // postgresql://ccload:PASSWORD@127.0.0.1:PORT/DATABASE
  std::string url(const std::string& database = "postgres") const;
  // Runs SQL as the server's superuser in `database` (psql); returns its exit code.
  int psql(const std::string& sql, const std::string& database = "postgres") const;
  // Creates a fresh database owned by ccload and returns its URL.
  std::string create_database(const std::string& name) const;
  // Stops the server (fast shutdown: every connection is closed), and starts it again on the same
  // port with the same data. True when it worked.
  bool stop();
  bool start();

 private:
  std::string dir_;
  int port_ = 0;
  bool installed_ = false;
  bool started_ = false;
  std::string why_;
};

}  // namespace ccload::test
