#pragma once
// The seam between the store's SQL and the database that runs it: SQLite (embedded, the default)
// or PostgreSQL (many agents writing one run). A Connection prepares Statements; both present the
// same small interface (bind, step, read columns), errors as sql::Error. SQL written for both uses
// `?`, `?N` or `:NAME` placeholders (PostgreSQL's connection rewrites them to $N) and the
// dialect's helpers below for what differs.

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ccload::store::sql {

// A database failure: a code (SQLite's primary result code, or kPostgresError) and the message.
class Error : public std::runtime_error {
 public:
  Error(int code, const std::string& message) : std::runtime_error(message), code_(code) {}
  int code() const { return code_; }

 private:
  int code_;
};
inline constexpr int kPostgresError = -1;

enum class Dialect { sqlite, postgres };

// One prepared statement's implementation (see Statement for the contract).
class StatementImpl {
 public:
  virtual ~StatementImpl() = default;
  virtual void bind_int(int index, std::int64_t value) = 0;
  virtual void bind_double(int index, double value) = 0;
  // `copy`: false only when the text outlives every step() that uses it.
  virtual void bind_text(int index, std::string_view value, bool copy) = 0;
  virtual void bind_null(int index) = 0;
  virtual int parameter_index(const std::string& name) const = 0;
  virtual bool step() = 0;
  virtual void reset() = 0;
  virtual int column_count() const = 0;
  virtual std::string column_name(int column) const = 0;
  virtual bool is_null(int column) const = 0;
  virtual bool is_integer(int column) const = 0;
  virtual bool is_real(int column) const = 0;
  virtual std::int64_t column_int(int column) const = 0;
  virtual double column_double(int column) const = 0;
  virtual std::string column_text(int column) const = 0;
};

class Statement {
 public:
  explicit Statement(std::unique_ptr<StatementImpl> impl) : impl_(std::move(impl)) {}

  // Binding (1-based index). Text is copied unless bind_static is used, whose text must outlive
  // every step() that uses it.
  Statement& bind(int index, std::int64_t value) {
    impl_->bind_int(index, value);
    return *this;
  }
  Statement& bind(int index, double value) {
    impl_->bind_double(index, value);
    return *this;
  }
  Statement& bind(int index, std::string_view value) {
    impl_->bind_text(index, value, true);
    return *this;
  }
  Statement& bind_static(int index, std::string_view value) {
    impl_->bind_text(index, value, false);
    return *this;
  }
  Statement& bind_null(int index) {
    impl_->bind_null(index);
    return *this;
  }
  template <typename T>
  Statement& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind_null(index);
  }

  bool step() { return impl_->step(); }  // true when a row is available; throws Error
  void reset() { impl_->reset(); }       // keeps the bindings
  void run() {                           // step once, then reset
    step();
    reset();
  }

  // Named parameters (":NAME"): 0 when the statement has no such parameter.
  int parameter_index(const std::string& name) const { return impl_->parameter_index(name); }
  int column_count() const { return impl_->column_count(); }
  std::string column_name(int column) const { return impl_->column_name(column); }
  bool is_integer(int column) const { return impl_->is_integer(column); }
  bool is_real(int column) const { return impl_->is_real(column); }
  bool is_null(int column) const { return impl_->is_null(column); }
  std::int64_t column_int(int column) const { return impl_->column_int(column); }
  double column_double(int column) const { return impl_->column_double(column); }
  std::string column_text(int column) const { return impl_->column_text(column); }

 private:
  std::unique_ptr<StatementImpl> impl_;
};

class Connection {
 public:
  virtual ~Connection() = default;
  virtual Dialect dialect() const = 0;
  virtual void exec(const std::string& sql) = 0;  // one or more statements without results
  virtual Statement prepare(std::string_view sql) = 0;
  virtual bool has_table(const std::string& name) = 0;
  virtual bool has_column(const std::string& table, const std::string& column) = 0;
  // Where it is, for messages: a path, or postgresql://user@host:port/db (never a password).
  virtual std::string describe() const = 0;
};

// "instr(URL, ?) > 0" where the dialect has it: does `column` contain the bound text?
std::string contains_sql(const Connection& db, std::string_view column);

}  // namespace ccload::store::sql
