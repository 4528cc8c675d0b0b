#pragma once
// `ccload -history` and `ccload history`: past runs and trends per calendar period.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>

namespace ccload::store {

enum class Period { none, weekly, monthly, yearly };

struct HistoryQuery {
  Period period = Period::none;
  int limit = 20;                      // rows shown (runs, periods, or request rows of --run)
  std::string url_contains;            // filter; empty = all
  std::optional<std::int64_t> run_id;  // show one run's summary and its request rows
};

// Prints the history of `database` to `out`. Returns the exit code: 0 (including an empty or
// missing database, which prints "No load tests recorded yet in PATH" and creates no file),
// 1 when the file is not a usable SQLite database (one line on `err`).
int print_history(const std::filesystem::path& database, const HistoryQuery& query,
                  std::ostream& out, std::ostream& err);

}  // namespace ccload::store
