#pragma once
// `ccload history --html PATH`: the history as one self-contained page (inline CSS and SVG, no
// script, nothing fetched). Per URL: a chart of p50, p95 and p99 over the periods (or runs), the
// failure rate and the requests beneath it, then the table; regressions are marked on the chart
// and in the table. An empty history gives a page that says so.

#include <string>
#include <vector>

#include "store/history.hpp"
#include "store/history_data.hpp"

namespace ccload::report {

struct HistoryPageContext {
  std::string database;  // where the history was read, named on the page
  store::Period period = store::Period::none;
  double tolerance = 0.10;  // the p95 rise (a fraction) that counts as a regression
};

std::string history_runs_page(const std::vector<store::detail::RunLine>& newest_first,
                              const HistoryPageContext& context);
std::string history_periods_page(const std::vector<store::detail::PeriodLine>& newest_first,
                                 const HistoryPageContext& context);

}  // namespace ccload::report
