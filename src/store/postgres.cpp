#include "store/postgres.hpp"

#include <fmt/format.h>
#include "store/libpq.hpp"

#include <cctype>
#include <charconv>
#include <cstdlib>
#include <map>
#include <vector>

namespace ccload::store {

bool is_postgres_url(std::string_view url) {
  auto starts = [&](std::string_view prefix) {
    if (url.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(url[i])) != prefix[i]) return false;
    }
    return true;
  };
  return starts("postgresql://") || starts("postgres://");
}

std::string redact_database_url(std::string_view url) {
  if (!is_postgres_url(url)) return std::string(url);
  const auto scheme_end = url.find("://") + 3;
  const auto at = url.find('@', scheme_end);
  if (at == std::string_view::npos) return std::string(url);
  const std::string_view userinfo = url.substr(scheme_end, at - scheme_end);
  const auto colon = userinfo.find(':');
  if (colon == std::string_view::npos) return std::string(url);
  return std::string(url.substr(0, scheme_end)) + std::string(userinfo.substr(0, colon)) + ":***" +
         std::string(url.substr(at));
}

namespace sql {

namespace {

// libpq's message on one line: its line breaks and tabs ("...failed: Connection refused\n\tIs
// the server running...", "ERROR:  ...\nDETAIL:  ...") and every run of blanks become one space,
// with none at either end.
std::string one_line(std::string_view message) {
  std::string out;
  bool blank = false;
  for (char c : message) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      blank = !out.empty();
      continue;
    }
    if (blank) out += ' ';
    blank = false;
    out += c;
  }
  return out;
}

// OIDs of the result types read as numbers (pg_type.h).
constexpr Oid kInt8 = 20, kInt2 = 21, kInt4 = 23, kFloat4 = 700, kFloat8 = 701, kNumeric = 1700,
              kBool = 16;

// `?`, `?N` and `:NAME` placeholders as PostgreSQL's $N; `names` gets each :NAME's number.
std::string rewrite_placeholders(std::string_view sql, std::map<std::string, int>& names,
                                 int& count) {
  std::string out;
  bool quoted = false;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (c == '\'') quoted = !quoted;
    if (quoted) {
      out += c;
      continue;
    }
    if (c == '?') {
      std::size_t j = i + 1;
      while (j < sql.size() && std::isdigit(static_cast<unsigned char>(sql[j]))) ++j;
      int number = 0;
      if (j > i + 1) {
        std::from_chars(sql.data() + i + 1, sql.data() + j, number);
      } else {
        number = ++count;
      }
      count = std::max(count, number);
      out += '$';
      out += std::to_string(number);
      i = j - 1;
    } else if (c == ':' && i + 1 < sql.size() &&
               (std::isalpha(static_cast<unsigned char>(sql[i + 1])) || sql[i + 1] == '_') &&
               (i == 0 || sql[i - 1] != ':')) {
      std::size_t j = i + 1;
      while (j < sql.size() &&
             (std::isalnum(static_cast<unsigned char>(sql[j])) || sql[j] == '_')) {
        ++j;
      }
      const std::string name(sql.substr(i, j - i));
      auto [it, inserted] = names.try_emplace(name, count + 1);
      if (inserted) ++count;
      out += '$';
      out += std::to_string(it->second);
      i = j - 1;
    } else {
      out += c;
    }
  }
  return out;
}

class PgStatement final : public StatementImpl {
 public:
  PgStatement(PgConnection& db, std::string_view sql) : db_(&db) {
    sql_ = rewrite_placeholders(sql, names_, count_);
    values_.resize(static_cast<std::size_t>(count_));
  }
  ~PgStatement() override { clear(); }

  void bind_int(int index, std::int64_t value) override { set(index, std::to_string(value)); }
  void bind_double(int index, double value) override {
    // Shortest text that reads back as the same double.
    char buffer[32];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    (void)ec;
    set(index, std::string(buffer, end));
  }
  void bind_text(int index, std::string_view value, bool) override {
    set(index, std::string(value));
  }
  void bind_null(int index) override { set(index, std::nullopt); }
  int parameter_index(const std::string& name) const override {
    auto it = names_.find(name);
    return it == names_.end() ? 0 : it->second;
  }

  bool step() override {
    if (!result_) {
      std::vector<const char*> params;
      for (const auto& v : values_) params.push_back(v ? v->c_str() : nullptr);
      result_ = libpq().execParams(db_->handle(), sql_.c_str(), static_cast<int>(params.size()),
                                   nullptr, params.data(), nullptr, nullptr, 0);
      const ExecStatusType status = libpq().resultStatus(result_);
      if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
        const std::string message = libpq().resultErrorMessage(result_);
        clear();
        throw Error(kPostgresError, one_line(message));
      }
      row_ = -1;
    }
    ++row_;
    return row_ < libpq().ntuples(result_);
  }
  void reset() override { clear(); }

  int column_count() const override { return result_ ? libpq().nfields(result_) : 0; }
  std::string column_name(int column) const override { return libpq().fname(result_, column); }
  bool is_null(int column) const override { return libpq().getisnull(result_, row_, column) == 1; }
  bool is_integer(int column) const override {
    const Oid type = libpq().ftype(result_, column);
    return !is_null(column) && (type == kInt8 || type == kInt4 || type == kInt2 || type == kBool);
  }
  bool is_real(int column) const override {
    const Oid type = libpq().ftype(result_, column);
    return !is_null(column) && (type == kFloat8 || type == kFloat4 || type == kNumeric);
  }
  std::int64_t column_int(int column) const override {
    if (is_null(column)) return 0;
    const char* text = libpq().getvalue(result_, row_, column);
    if (libpq().ftype(result_, column) == kBool) return text[0] == 't' ? 1 : 0;
    if (is_real(column)) return static_cast<std::int64_t>(std::strtod(text, nullptr));
    return std::strtoll(text, nullptr, 10);
  }
  double column_double(int column) const override {
    if (is_null(column)) return 0;
    return std::strtod(libpq().getvalue(result_, row_, column), nullptr);
  }
  std::string column_text(int column) const override {
    if (is_null(column)) return {};
    return std::string(libpq().getvalue(result_, row_, column),
                       static_cast<std::size_t>(libpq().getlength(result_, row_, column)));
  }

 private:
  void set(int index, std::optional<std::string> value) {
    if (index < 1 || index > count_) return;
    values_[static_cast<std::size_t>(index - 1)] = std::move(value);
  }
  void clear() {
    if (result_) libpq().clear(result_);
    result_ = nullptr;
  }

  PgConnection* db_;
  std::string sql_;
  std::map<std::string, int> names_;
  int count_ = 0;
  std::vector<std::optional<std::string>> values_;
  PGresult* result_ = nullptr;
  int row_ = -1;
};

}  // namespace

PgConnection::PgConnection(const std::string& url) : shown_(redact_database_url(url)) {
  conn_ = libpq().connectdb(url.c_str());
  if (libpq().status(conn_) != CONNECTION_OK) {
    // Copied before PQfinish frees them.
    const std::string host =
        libpq().host(conn_) && *libpq().host(conn_) ? libpq().host(conn_) : "localhost";
    const std::string db = libpq().db(conn_) ? libpq().db(conn_) : "?";
    const std::string message = one_line(libpq().errorMessage(conn_));
    libpq().finish(conn_);
    conn_ = nullptr;
    throw Error(kPostgresError, fmt::format("cannot connect to PostgreSQL database '{}' on {} ({})",
                                            db, host, message));
  }
  libpq().setNoticeProcessor(
      conn_, [](void*, const char*) {}, nullptr);  // "already exists" notices
}

PgConnection::~PgConnection() {
  if (conn_) libpq().finish(conn_);
}

void PgConnection::fail(std::string_view what) const {
  const std::string message = one_line(libpq().errorMessage(conn_));
  throw Error(kPostgresError, what.empty() ? message : std::string(what) + ": " + message);
}

void PgConnection::exec(const std::string& sql) {
  PGresult* result = libpq().exec(conn_, sql.c_str());
  const ExecStatusType status = libpq().resultStatus(result);
  const std::string message = one_line(libpq().resultErrorMessage(result));
  libpq().clear(result);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    throw Error(kPostgresError, message);
  }
}

Statement PgConnection::prepare(std::string_view sql) {
  return Statement(std::make_unique<PgStatement>(*this, sql));
}

bool PgConnection::has_table(const std::string& name) {
  auto stmt = prepare(
      "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND "
      "lower(table_name) = lower(?)");
  stmt.bind(1, std::string_view(name));
  return stmt.step();
}

bool PgConnection::has_column(const std::string& table, const std::string& column) {
  auto stmt = prepare(
      "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND "
      "lower(table_name) = lower(?) AND lower(column_name) = lower(?)");
  stmt.bind(1, std::string_view(table)).bind(2, std::string_view(column));
  return stmt.step();
}

void PgConnection::copy_in(const std::string& table_and_columns, const std::string& rows) {
  PGresult* result = libpq().exec(conn_, ("COPY " + table_and_columns + " FROM STDIN").c_str());
  const bool ready = libpq().resultStatus(result) == PGRES_COPY_IN;
  libpq().clear(result);
  if (!ready) fail("COPY");
  if (libpq().putCopyData(conn_, rows.data(), static_cast<int>(rows.size())) != 1 ||
      libpq().putCopyEnd(conn_, nullptr) != 1) {
    fail("COPY");
  }
  bool failed = false;
  std::string message;
  while (PGresult* r = libpq().getResult(conn_)) {
    if (libpq().resultStatus(r) != PGRES_COMMAND_OK) {
      failed = true;
      message = one_line(libpq().resultErrorMessage(r));
    }
    libpq().clear(r);
  }
  if (failed) throw Error(kPostgresError, "COPY: " + message);
}

}  // namespace sql
}  // namespace ccload::store
