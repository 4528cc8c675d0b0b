#pragma once
// The history in the terminal: the run list, the per-period table and one run's view. Pure
// functions of the data the store's history queries return.

#include <cstdint>
#include <ostream>
#include <vector>

#include "report/sparkline.hpp"
#include "stats/run_summary.hpp"
#include "store/history.hpp"
#include "store/history_data.hpp"
#include "store/stored_runs.hpp"

namespace ccload::report {

void print_runs(std::ostream& out, const std::vector<store::detail::RunLine>& lines);
// One line per period and URL, newest first, each with a sparkline of the URL's recent p95 and
// its regression mark (a p95 rise beyond `tolerance`, a fraction, that the KS test confirms).
void print_periods(std::ostream& out, const std::vector<store::detail::PeriodLine>& lines,
                   store::Period period, Charset charset, double tolerance);

// "WEEK", "MONTH", "YEAR" (table titles); "week", "month", "year" (in sentences).
const char* period_title(store::Period period);
const char* period_noun(store::Period period);

// `history --run ID`: the run's summary in a few lines, then its stored requests (`total` of
// them in all; `rows` are the first ones).
void print_run_view(std::ostream& out, const stats::RunSummary& summary,
                    const std::vector<store::StoredRequest>& rows, std::uint64_t total);

}  // namespace ccload::report
