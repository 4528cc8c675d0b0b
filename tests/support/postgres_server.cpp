#include "support/postgres_server.hpp"

#include <pwd.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "support/process.hpp"
#include "support/recording_server.hpp"

namespace ccload::test {

namespace fs = std::filesystem;

namespace {

constexpr const char* kBin = "/usr/lib/postgresql/15/bin/";

std::vector<std::string> as_postgres(std::vector<std::string> command) {
  command.insert(command.begin(), {"/usr/sbin/runuser", "-u", "postgres", "--"});
  return command;
}

}  // namespace

PostgresServer::PostgresServer() {
  if (!fs::exists(std::string(kBin) + "initdb")) {
    why_ = "PostgreSQL 15 is not installed (scripts/install-deps.sh installs postgresql-15)";
    return;
  }
  installed_ = true;
  const passwd* user = ::getpwnam("postgres");
  if (user == nullptr) {
    why_ = "no postgres user";
    return;
  }
  std::random_device rd;
  dir_ = (fs::temp_directory_path() / ("ccload-pg-" + std::to_string(rd()))).string();
  fs::create_directories(dir_);
  if (::chown(dir_.c_str(), user->pw_uid, user->pw_gid) != 0) {
    why_ = "cannot give " + dir_ + " to postgres";
    return;
  }
  const std::string pwfile = dir_ + "/pw";
  std::ofstream(pwfile) << kPassword << "\n";
  [[maybe_unused]] const int owned = ::chown(pwfile.c_str(), user->pw_uid, user->pw_gid);
  ProcessOptions options;
  options.timeout = std::chrono::seconds(120);
  ProcessResult init = run_process(
      as_postgres({std::string(kBin) + "initdb", "-D", dir_ + "/data", "-U", kUser,
                   "--auth=scram-sha-256", "--pwfile=" + pwfile, "--no-sync", "-E", "UTF8"}),
      options);
  if (init.exit_code != 0) {
    why_ = "initdb failed: " + init.err;
    return;
  }
  for (int attempt = 0; attempt < 3 && !started_; ++attempt) {
    port_ = unused_port();
    start();
  }
}

bool PostgresServer::start() {
  ProcessOptions options;
  options.timeout = std::chrono::seconds(120);
  ProcessResult start = run_process(
      as_postgres({std::string(kBin) + "pg_ctl", "-D", dir_ + "/data", "-l", dir_ + "/log", "-w",
                   "-o",
                   "-p " + std::to_string(port_) + " -k " + dir_ +
                       " -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
                       "-c full_page_writes=off",
                   "start"}),
      options);
  started_ = start.exit_code == 0;
  if (!started_) why_ = "pg_ctl start failed: " + start.out + start.err;
  return started_;
}

bool PostgresServer::stop() {
  ProcessOptions options;
  options.timeout = std::chrono::seconds(120);
  const bool stopped = run_process(as_postgres({std::string(kBin) + "pg_ctl", "-D", dir_ + "/data",
                                                "-m", "fast", "-w", "stop"}),
                                   options)
                           .exit_code == 0;
  if (stopped) started_ = false;
  return stopped;
}

PostgresServer::~PostgresServer() {
  if (started_) {
    run_process(as_postgres(
        {std::string(kBin) + "pg_ctl", "-D", dir_ + "/data", "-m", "immediate", "-w", "stop"}));
  }
  std::error_code ec;
  if (!dir_.empty()) fs::remove_all(dir_, ec);
}

std::string PostgresServer::host_port() const { return "127.0.0.1:" + std::to_string(port_); }

std::string PostgresServer::url(const std::string& database) const {
  return std::string("postgresql://") + kUser + ":" + kPassword + "@" + host_port() + "/" +
         database;
}

int PostgresServer::psql(const std::string& sql, const std::string& database) const {
  ProcessOptions options;
  options.env["PGPASSWORD"] = kPassword;
  return run_process({"/usr/bin/psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p",
                      std::to_string(port_), "-U", kUser, "-d", database, "-c", sql},
                     options)
      .exit_code;
}

std::string PostgresServer::create_database(const std::string& name) const {
  psql("CREATE DATABASE " + name);
  return url(name);
}

}  // namespace ccload::test
