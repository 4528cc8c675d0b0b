// `ccload report` and `ccload compare`, which read stored runs: their options and their checks.

#include "cli/subcommands.hpp"
#include "cli/values.hpp"

namespace ccload::cli {

ReportOptions::ReportOptions(CLI::App& app) {
  app_ = app.add_subcommand(
      "report", "Render a stored run: the terminal report, or --json/--html/--csv files.");
  app_->add_option("run", report_.run, "A run id, last (default) or last~N");
  app_->add_option("--json", report_.json_path, "Write the JSON summary to PATH ('-' = stdout)");
  app_->add_option("--html", report_.html_path, "Write the report as an HTML page");
  app_->add_option("--csv", report_.csv_path, "Append the run's summary row to a CSV file");
  app_->add_option("--db", report_.database,
                   "SQLite database (default: DATABASE_URL, else load.db)");
  app_->add_option("--fail-on", fail_on_,
                   "Judge the stored run: exit 3 unless it meets EXPR (as with run)")
      ->allow_extra_args(false);
}

ReportCommand ReportOptions::finish() const {
  ReportCommand report = report_;
  report.thresholds = parse_fail_on(fail_on_);
  if (report.html_path == "-" || report.csv_path == "-") {
    throw UsageError("--html and --csv need a file path ('-' for stdout is only for --json)");
  }
  return report;
}

CompareOptions::CompareOptions(CLI::App& app) {
  app_ = app.add_subcommand(
      "compare", "Compare two stored runs: B against A, figure by figure, with a verdict.");
  app_->add_option("a", compare_.a, "The baseline: a run id, last or last~N")->required();
  app_->add_option("b", compare_.b, "The run to judge (default: last)");
  app_->add_option("--tolerance", tolerance_, "The relative change that counts (default 10%)");
  app_->add_flag("--force", compare_.force, "Compare runs of different URLs or methods");
  app_->add_flag("--fail-on-regression", compare_.fail_on_regression,
                 "Exit 3 when B regressed against A (for CI)");
  app_->add_option("--json", compare_.json_path, "Write the comparison as JSON ('-' = stdout)");
  app_->add_option("--db", compare_.database,
                   "SQLite database (default: DATABASE_URL, else load.db)");
}

CompareCommand CompareOptions::finish() const {
  CompareCommand compare = compare_;
  if (compare.b.empty()) compare.b = "last";
  if (!tolerance_.empty()) compare.tolerance = parse_tolerance(tolerance_);
  return compare;
}

}  // namespace ccload::cli
