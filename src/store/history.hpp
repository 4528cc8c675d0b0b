#pragma once
// What `ccload -history` and `ccload history` ask for: past runs, or trends per calendar period.
// The queries are in store/history_data.hpp; the printing in report/history_text.hpp.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace ccload::store {

enum class Period { none, weekly, monthly, yearly };

struct HistoryQuery {
  Period period = Period::none;
  int limit = 20;                      // rows shown (runs, periods, or request rows of --run)
  std::string url_contains;            // filter; empty = all
  std::optional<std::int64_t> run_id;  // show one run's summary and its request rows
  std::string run_name;                // show a distributed run's shards merged
  double tolerance = 0.10;  // a p95 rise beyond this fraction (and significant) is a regression
};

}  // namespace ccload::store
