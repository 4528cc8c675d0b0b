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
  store::RunRef ref;
  try {
    store::StoredRuns runs(*database);
    ref = runs.resolve(command.run);
    summary = runs.load(ref);
  } catch (const store::RunNotFound& error) {
    print_error(error.what());
    return kExitUsage;
  } catch (const store::StoreError& error) {
    print_error(error.what());
    return kExitFailed;
  }
  if (summary.storage.stored) {  // else the stored run's own note says what is where
    const std::string shards = ref.run_id == 0 && !ref.run_name.empty()
                                   ? fmt::format(", {} shards", summary.facts.shards)
                                   : std::string();
    summary.notes.push_back(
        fmt::format("Stored in {} ({}{}).", summary.storage.database, ref.label(), shards));
  }
  if (!command.thresholds.empty())
    summary.thresholds = stats::evaluate(command.thresholds, summary);

  std::ostream& human = command.json_path == "-" ? std::cerr : std::cout;
  const bool written =
      write_outputs(summary, {command.json_path, command.html_path, command.csv_path}, human);
  if (!written) return kExitFailed;
  return summary.thresholds_failed() ? kExitThresholds : kExitOk;
}

int compare_stored_runs(const cli::CompareCommand& command) {
  const std::optional<std::string> database = choose_database(command.database);
  if (!database) return kExitUsage;
  stats::RunSummary a, b;
  std::string label_a, label_b;  // "run 7", "run checkout" or "PyLoad rows of 2024-01-01 (...)"
  try {
    store::StoredRuns runs(*database);
    const store::RunRef ref_a = runs.resolve(command.a), ref_b = runs.resolve(command.b);
    label_a = ref_a.label();
    label_b = ref_b.label();
    a = runs.load(ref_a, 0);
    b = runs.load(ref_b, 0);
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
  human << fmt::format("A: {}, {} {}, {} requests\nB: {}, {} {}, {} requests\n", label_a,
                       a.facts.method, a.facts.url, a.requests, label_b, b.facts.method,
                       b.facts.url, b.requests);
  report::print_comparison(human, comparison, label_a, label_b);
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
