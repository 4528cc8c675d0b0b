// `ccload report` and `ccload compare`: stored runs rendered and judged by the same code as a live
// run (the summary is rebuilt from the database).

#include <fmt/format.h>

#include <fstream>
#include <iostream>

#include "app/app.hpp"
#include "app/database_choice.hpp"
#include "app/output_files.hpp"
#include "report/compare_text.hpp"
#include "report/csv_summary.hpp"
#include "report/json_summary.hpp"
#include "stats/comparison.hpp"
#include "store/stored_runs.hpp"

namespace ccload::app {

int show_report(const cli::ReportCommand& command) {
  const std::optional<std::string> database = choose_database(command.database);
  if (!database) return kExitUsage;
  if (auto problem = output_problem("--html", command.html_path)) {
    print_error(*problem);
    return kExitUsage;
  }
  if (auto problem = output_problem("--csv", command.csv_path)) {
    print_error(*problem);
    return kExitUsage;
  }
  if (!command.csv_path.empty()) {
    if (auto problem = report::csv_header_problem(command.csv_path)) {
      print_error(*problem);
      return kExitUsage;
    }
  }
  stats::RunSummary summary;
  try {
    store::StoredRuns runs(*database);
    summary = runs.load(runs.resolve(command.run));
  } catch (const store::RunNotFound& error) {
    print_error(error.what());
    return kExitUsage;
  } catch (const store::StoreError& error) {
    print_error(error.what());
    return kExitFailed;
  }
  if (summary.storage.stored) {  // else the stored run's own note says what is where
    summary.notes.push_back(
        fmt::format("Stored in {} (run {}).", summary.storage.database, summary.storage.run_id));
  }
  if (!command.thresholds.empty())
    summary.thresholds = stats::evaluate(command.thresholds, summary);

  std::ostream& human = command.json_path == "-" ? std::cerr : std::cout;
  const bool written = write_outputs(
      summary, std::nullopt, {command.json_path, command.html_path, command.csv_path}, human);
  if (!written) return kExitFailed;
  return summary.thresholds_failed() ? kExitThresholds : kExitOk;
}

int compare_stored_runs(const cli::CompareCommand& command) {
  const std::optional<std::string> database = choose_database(command.database);
  if (!database) return kExitUsage;
  stats::RunSummary a, b;
  try {
    store::StoredRuns runs(*database);
    a = runs.load(runs.resolve(command.a), 0);
    b = runs.load(runs.resolve(command.b), 0);
  } catch (const store::RunNotFound& error) {
    print_error(error.what());
    return kExitUsage;
  } catch (const store::StoreError& error) {
    print_error(error.what());
    return kExitFailed;
  }
  if (!stats::same_targets(a.facts, b.facts) && !command.force) {
    print_error(fmt::format(
        "{} ({}) and {} ({}) tested different URLs or methods: add --force to compare them "
        "anyway",
        command.a, stats::describe_targets(a.facts), command.b, stats::describe_targets(b.facts)));
    return kExitUsage;
  }
  const stats::RunComparison comparison = stats::compare_runs(a, b, command.tolerance);
  std::ostream& human = command.json_path == "-" ? std::cerr : std::cout;
  human << fmt::format("A: run {}, {} {}, {} requests\nB: run {}, {} {}, {} requests\n",
                       a.storage.run_id, a.facts.method, a.facts.url, a.requests, b.storage.run_id,
                       b.facts.method, b.facts.url, b.requests);
  report::print_comparison(human, comparison, fmt::format("run {}", a.storage.run_id),
                           fmt::format("run {}", b.storage.run_id));
  if (command.json_path == "-") {
    std::cout << report::comparison_json(comparison).dump(2) << std::endl;
  } else if (!command.json_path.empty()) {
    std::ofstream file(command.json_path);
    file << report::comparison_json(comparison).dump(2) << '\n';
    file.close();
    if (!file) {
      print_error(fmt::format("cannot write the comparison to '{}'", command.json_path));
      return kExitFailed;
    }
  }
  if (command.fail_on_regression && comparison.regressed()) return kExitThresholds;
  return kExitOk;
}

}  // namespace ccload::app
