#include "store/postgres_backend.hpp"

#include <fmt/format.h>
#include "store/libpq.hpp"

#include <charconv>
#include <utility>
#include <vector>

#include "store/schema.hpp"
#include "store/sqlite_rows.hpp"

namespace ccload::store {

namespace {

// A number in COPY's text format: the shortest text that reads back as the same double.
void append_number(std::string& out, double value) {
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  (void)ec;
  out.append(buffer, end);
}

void append_number(std::string& out, std::int64_t value) {
  char buffer[24];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  (void)ec;
  out.append(buffer, end);
}

// Text in COPY's text format: backslash, tab, newline and carriage return escaped.
void append_text(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        out += c;
    }
  }
}

double seconds(std::int64_t ns) { return static_cast<double>(ns) / 1e9; }

class PostgresBackend final : public Backend {
 public:
  explicit PostgresBackend(std::string url)
      : url_(std::move(url)), shown_(redact_database_url(url_)) {}

  std::int64_t begin_run(RunsRow identity, const RunIdentity& run) override {
    run_ = run;
    db_ = std::make_unique<sql::PgConnection>(url_);
    schema::prepare_for_writing(*db_);
    auto last_row = db_->prepare("SELECT COALESCE(MAX(REQUESTID), 0) FROM LOADTEST");
    if (last_row.step()) identity.set("ROWS_AFTER", last_row.column_int(0));
    run_id_ = insert_row(*db_, "RUNS", identity, "RUNID");
    // Each target's URL and method, escaped for COPY once.
    target_text_.clear();
    for (const TargetName& target : run_.targets) {
      std::string url, method;
      append_text(url, target.url);
      append_text(method, target.method);
      target_text_.emplace_back(std::move(url), std::move(method));
    }
    return run_id_;
  }

  void begin() override { db_->exec("BEGIN"); }
  void commit() override { db_->exec("COMMIT"); }
  void rollback() noexcept override {
    try {
      if (db_) db_->exec("ROLLBACK");
    } catch (const sql::Error&) {
    }
  }

  void insert(const std::vector<Record>& batch) override {
    rows_.clear();
    for (const Record& r : batch) {
      const std::size_t target = r.target < target_text_.size() ? r.target : 0;
      const auto& [url_text, method_text] = target_text_[target];
      append_number(rows_, seconds(r.start_unix_ns));
      rows_ += '\t';
      if (r.url.empty()) {
        rows_ += url_text;
      } else {
        append_text(rows_, r.url);  // a templated URL as it was sent
      }
      rows_ += '\t';
      append_number(rows_, static_cast<std::int64_t>(r.status));
      rows_ += '\t';
      rows_ += method_text;
      rows_ += '\t';
      append_number(rows_, seconds(r.total_ns));
      rows_ += '\t';
      append_number(rows_, run_id_);
      rows_ += '\t';
      append_number(rows_, static_cast<std::int64_t>(r.request_id));
      rows_ += '\t';
      append_number(rows_, seconds(r.ttfb_ns));
      rows_ += '\t';
      append_number(rows_, seconds(r.ttlb_ns));
      rows_ += '\t';
      append_number(rows_, seconds(r.connect_ns));
      rows_ += '\t';
      append_number(rows_, static_cast<std::int64_t>(r.bytes));
      rows_ += '\t';
      if (r.error == ErrorCategory::none) {
        rows_ += "\\N";
      } else {
        rows_ += to_string(r.error);
      }
      rows_ += '\t';
      append_number(rows_, seconds(r.wait_ns));
      rows_ += '\t';
      append_number(rows_, static_cast<std::int64_t>(target));
      rows_ += '\t';
      append_number(rows_, static_cast<std::int64_t>(r.redirects));
      rows_ += '\t';
      if (r.redirects > 0) {
        append_text(rows_, r.final_url);
      } else {
        rows_ += "\\N";
      }
      rows_ += '\n';
    }
    db_->copy_in(
        "LOADTEST(TIMESTAMP, URL, STATUS, REQTYPE, RESPONSETIME, RUNID, RUNREQUEST, TTFB, TTLB, "
        "CONNECT, BYTES, ERROR, WAIT, TARGET, REDIRECTS, FINAL_URL)",
        rows_);
  }

  // A server that went away during the run (restarted, failed over) may be back: the summary is
  // worth one new connection.
  void end_run(const RunsRow& summary) override {
    if (!db_ || run_id_ == 0) return;
    try {
      update_row(*db_, "RUNS", "RUNID", run_id_, summary);
    } catch (const sql::Error&) {
      if (libpq().status(db_->handle()) == CONNECTION_OK) throw;
      db_ = std::make_unique<sql::PgConnection>(url_);
      update_row(*db_, "RUNS", "RUNID", run_id_, summary);
    }
  }

  std::string describe(const sql::Error& e) const override {
    std::string message = e.what();
    // libpq's own messages name host and database, never the password; the URL is redacted.
    if (message.rfind("cannot connect", 0) == 0) {
      return message +
             "; fix: check that the server runs and DATABASE_URL's host, user and "
             "password";
    }
    return fmt::format("cannot write the PostgreSQL database {} ({})", shown_, message);
  }

  bool disk_full(const sql::Error&) const override { return false; }
  std::string local_folder() const override { return ""; }
  void close() override { db_.reset(); }

 private:
  std::string url_, shown_;
  RunIdentity run_;
  std::unique_ptr<sql::PgConnection> db_;
  std::int64_t run_id_ = 0;
  // Each target's URL and method in COPY's text format, by index.
  std::vector<std::pair<std::string, std::string>> target_text_;
  std::string rows_;  // reused for every batch
};

}  // namespace

std::unique_ptr<Backend> make_postgres_backend(const std::string& url) {
  return std::make_unique<PostgresBackend>(url);
}

}  // namespace ccload::store
