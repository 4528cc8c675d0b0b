#include "store/sqlite_rows.hpp"

#include <algorithm>
#include <cctype>

namespace ccload::store {

namespace {

void bind_value(sql::Statement& statement, int index, const Value& value) {
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          statement.bind_null(index);
        } else if constexpr (std::is_same_v<T, std::string>) {
          statement.bind(index, std::string_view(v));
        } else {
          statement.bind(index, v);
        }
      },
      value);
}

void bind_all(sql::Statement& statement, const RunsRow& row) {
  for (const auto& [column, value] : row.values()) {
    bind_value(statement, statement.parameter_index(":" + column), value);
  }
}

}  // namespace

std::int64_t insert_row(sql::Connection& db, const std::string& table, const RunsRow& row,
                        const std::string& key_column) {
  std::string columns, parameters;
  for (const auto& [column, value] : row.values()) {
    columns += (columns.empty() ? "" : ", ") + column;
    parameters += (parameters.empty() ? ":" : ", :") + column;
  }
  const bool returning = !key_column.empty() && db.dialect() == sql::Dialect::postgres;
  auto statement = db.prepare("INSERT INTO " + table + "(" + columns + ") VALUES(" + parameters +
                              ")" + (returning ? " RETURNING " + key_column : ""));
  bind_all(statement, row);
  if (returning) return statement.step() ? statement.column_int(0) : 0;
  statement.run();
  if (key_column.empty()) return 0;
  auto last = db.prepare("SELECT last_insert_rowid()");
  return last.step() ? last.column_int(0) : 0;
}

void update_row(sql::Connection& db, const std::string& table, const std::string& key_column,
                std::int64_t key, const RunsRow& row) {
  std::string assignments;
  for (const auto& [column, value] : row.values()) {
    assignments += (assignments.empty() ? "" : ", ") + column + " = :" + column;
  }
  auto statement =
      db.prepare("UPDATE " + table + " SET " + assignments + " WHERE " + key_column + " = :KEY_");
  bind_all(statement, row);
  statement.bind(statement.parameter_index(":KEY_"), key);
  statement.run();
}

RunsRow read_row(const sql::Statement& statement) {
  RunsRow row;
  for (int i = 0; i < statement.column_count(); ++i) {
    std::string name = statement.column_name(i);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    if (statement.is_null(i)) {
      row.set(name, std::monostate{});
    } else if (statement.is_integer(i)) {
      row.set(name, statement.column_int(i));
    } else if (statement.is_real(i)) {
      row.set(name, statement.column_double(i));
    } else {
      row.set(name, statement.column_text(i));
    }
  }
  return row;
}

}  // namespace ccload::store
