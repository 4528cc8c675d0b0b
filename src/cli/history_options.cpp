// `ccload history` (and the seed's `-history -weekly`): its options and their checks.

#include <fmt/format.h>

#include <cctype>

#include "cli/distributed.hpp"
#include "cli/subcommands.hpp"
#include "cli/values.hpp"

namespace ccload::cli {

HistoryOptions::HistoryOptions(CLI::App& app) {
  app_ = app.add_subcommand("history", "Show past runs, or trends per period.");
  auto* weekly_flag = app_->add_flag("--weekly", weekly_, "One line per ISO week and URL");
  auto* monthly_flag = app_->add_flag("--monthly", monthly_, "One line per month and URL");
  auto* yearly_flag = app_->add_flag("--yearly", yearly_, "One line per year and URL");
  weekly_flag->excludes(monthly_flag)->excludes(yearly_flag);
  monthly_flag->excludes(yearly_flag);
  app_->add_option("--limit", limit_, "Lines to show (default 20)");
  app_->add_option("--url", history_.query.url_contains, "Only URLs containing this text");
  app_->add_option("--run", run_id_,
                   "Show one run: its summary and its requests (or a distributed run's "
                   "--run-id: its shards merged)");
  app_->add_option("--db", history_.database,
                   "SQLite database (default: DATABASE_URL, else load.db)");
  app_->add_option("--json", history_.json_path, "Write the rows as JSON to PATH ('-' = stdout)");
  app_->add_option("--html", history_.html_path,
                   "Write the history as a self-contained page: per URL a chart of p50, "
                   "p95 and p99, the failure rate and the requests, and the table");
  app_->add_option("--tolerance", tolerance_,
                   "A p95 rise beyond this over the previous period (or run), confirmed by "
                   "the test of ccload compare, is marked as a regression (default 10%)");
}

HistoryCommand HistoryOptions::finish() const {
  HistoryCommand history = history_;
  history.query.period = weekly_    ? store::Period::weekly
                         : monthly_ ? store::Period::monthly
                         : yearly_  ? store::Period::yearly
                                    : store::Period::none;
  if (!limit_.empty()) {
    history.query.limit =
        static_cast<int>(parse_positive(limit_, "--limit", "lines to show", 1'000'000'000));
  }
  if (!run_id_.empty() && !std::isdigit(static_cast<unsigned char>(run_id_[0]))) {
    history.query.run_name = check_run_name(run_id_);  // a distributed run's --run-id
  } else if (!run_id_.empty()) {
    history.query.run_id = static_cast<std::int64_t>(
        parse_positive(run_id_, "--run", "a run id from ccload history", INT64_MAX));
  }
  if (!tolerance_.empty()) history.query.tolerance = parse_tolerance(tolerance_);
  if (history.html_path == "-") {
    throw UsageError("--html needs a file path ('-' for stdout is only for --json)");
  }
  if (history.query.run_id && (!history.json_path.empty() || !history.html_path.empty())) {
    throw UsageError(
        "--json and --html write the run list or the periods, not --run: drop --run, or use "
        "ccload report RUN --json PATH");
  }
  if (!history.json_path.empty() && history.json_path == history.html_path) {
    throw UsageError(fmt::format(
        "--json and --html name the same file '{}': give each its own path", history.html_path));
  }
  return history;
}

}  // namespace ccload::cli
