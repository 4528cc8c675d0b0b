// `ccload history`: past runs or trends per period, in the terminal, as JSON and as a page.

#include <fmt/format.h>

#include <filesystem>
#include <iostream>

#include "app/app.hpp"
#include "app/database_choice.hpp"
#include "app/output_files.hpp"
#include "report/history_html.hpp"
#include "report/history_json.hpp"
#include "report/history_text.hpp"
#include "store/history_data.hpp"
#include "store/postgres.hpp"
#include "store/sqlite.hpp"
#include "store/stored_runs.hpp"

namespace ccload::app {

namespace {

// Why the outputs cannot be written, if they cannot: checked before the database is read.
std::optional<std::string> outputs_problem(const HistoryOutputs& outputs) {
  namespace fs = std::filesystem;
  if (outputs.json_path != "-") {
    if (auto problem = output_problem("--json", outputs.json_path)) return problem;
  }
  if (auto problem = output_problem("--html", outputs.html_path)) return problem;
  if (!outputs.json_path.empty() && !outputs.html_path.empty()) {
    std::error_code ec_json, ec_html;
    const fs::path json = fs::weakly_canonical(outputs.json_path, ec_json);
    const fs::path html = fs::weakly_canonical(outputs.html_path, ec_html);
    if (outputs.json_path == outputs.html_path || (!ec_json && !ec_html && json == html)) {
      return fmt::format("--json and --html name the same file '{}': give each its own path",
                         outputs.html_path);
    }
  }
  return std::nullopt;
}

// The history's rows in every form asked for. Returns false when a file could not be written.
template <class Line>
bool write_forms(const std::vector<Line>& lines, const std::string& database,
                 const store::HistoryQuery& query, const HistoryOutputs& outputs, std::ostream& out,
                 std::ostream& human) {
  nlohmann::json json;
  std::string page;
  const report::HistoryPageContext context{database, query.period, query.tolerance};
  if constexpr (std::is_same_v<Line, store::detail::RunLine>) {
    if (!outputs.json_path.empty()) json = report::history_runs_json(lines, query.tolerance);
    if (!outputs.html_path.empty()) page = report::history_runs_page(lines, context);
  } else {
    if (!outputs.json_path.empty()) {
      json = report::history_periods_json(lines, query.period, query.tolerance);
    }
    if (!outputs.html_path.empty()) page = report::history_periods_page(lines, context);
  }
  if (lines.empty() && !outputs.json_path.empty()) {
    json["message"] = fmt::format("No load tests recorded yet in {}", database);
  }
  bool ok = true;
  std::vector<std::string> written;
  if (outputs.json_path == "-") {
    out << json.dump(2) << std::endl;
  } else if (!outputs.json_path.empty()) {
    const bool done = write_file(outputs.json_path, json.dump(2) + "\n", "history JSON");
    if (done) written.push_back("the history JSON to " + outputs.json_path);
    ok = done && ok;
  }
  if (!outputs.html_path.empty()) {
    const bool done = write_file(outputs.html_path, page, "history page");
    if (done) written.push_back("the history page to " + outputs.html_path);
    ok = done && ok;
  }
  if (auto line = written_line(written)) human << *line << '\n';
  return ok;
}

}  // namespace

int print_history(const std::string& database, const store::HistoryQuery& query, std::ostream& out,
                  std::ostream& err) {
  return print_history(database, query, out, err, HistoryOutputs{});
}

int print_history(const std::string& database, const store::HistoryQuery& query, std::ostream& out,
                  std::ostream& err, const HistoryOutputs& outputs) {
  auto error = [&](const std::string& message, int code) {
    err << "ccload: error: " << message << '\n';
    return code;
  };
  if (auto problem = outputs_problem(outputs)) return error(*problem, kExitUsage);
  // With --json -, stdout holds the JSON alone and the table goes to stderr.
  std::ostream& human = outputs.json_path == "-" ? err : out;
  const auto write_ok = [&](bool written) { return written ? kExitOk : kExitFailed; };

  const std::string shown = store::redact_database_url(database);  // never the password
  std::optional<store::StoredRuns> runs;
  try {
    runs.emplace(database);
  } catch (const store::RunNotFound&) {
    human << "No load tests recorded yet in " << shown << "\n";
    if (query.period == store::Period::none) {
      return write_ok(
          write_forms(std::vector<store::detail::RunLine>{}, shown, query, outputs, out, human));
    }
    return write_ok(
        write_forms(std::vector<store::detail::PeriodLine>{}, shown, query, outputs, out, human));
  } catch (const store::StoreError& e) {
    return error(e.what(), kExitFailed);
  }
  try {
    const std::optional<store::RunRef> named =
        query.run_name.empty() ? std::nullopt
                               : std::optional<store::RunRef>(runs->resolve(query.run_name));
    if (named && named->run_id == 0) {  // a distributed run: its shards merged, rows per shard
      const stats::RunSummary summary = runs->load(*named, 0);
      report::print_run_view(human, summary, {}, 0);
      human << "(the requests are stored per shard: ccload history --run ID of a shard lists "
               "them)\n";
      return kExitOk;
    }
    if (query.run_id || named) {  // one run, by id or by the --run-id of a single machine's run
      const store::RunRef ref = named ? *named : runs->resolve(std::to_string(*query.run_id));
      const stats::RunSummary summary = runs->load(ref, 0);
      std::uint64_t total = 0;
      const auto rows =
          runs->requests(ref, query.limit > 0 ? static_cast<std::size_t>(query.limit) : 0, &total);
      report::print_run_view(human, summary, rows, total);
      return kExitOk;
    }
    const auto say_empty = [&] {
      if (query.url_contains.empty()) {
        human << "No load tests recorded yet in " << shown << "\n";
      } else {
        human << "No load tests of URLs containing \"" << query.url_contains << "\" in " << shown
              << "\n";
      }
    };
    if (query.period == store::Period::none) {
      const auto lines = store::detail::list_runs(runs->database(), query);
      if (lines.empty()) {
        say_empty();
      } else {
        report::print_runs(human, lines);
      }
      return write_ok(write_forms(lines, shown, query, outputs, out, human));
    }
    const auto lines = store::detail::list_periods(runs->database(), query);
    if (lines.empty()) {
      say_empty();
    } else {
      report::print_periods(human, lines, query.period, outputs.charset, query.tolerance);
    }
    return write_ok(write_forms(lines, shown, query, outputs, out, human));
  } catch (const store::RunNotFound& e) {
    return error(e.what(), kExitUsage);
  } catch (const store::StoreError& e) {
    return error(e.what(), kExitFailed);
  } catch (const store::sql::Error& e) {
    return error(fmt::format("cannot read the history in {}: {}", shown, e.what()), kExitFailed);
  }
}

int show_history(const cli::HistoryCommand& command) {
  const std::optional<std::string> database = choose_database(command.database);
  if (!database) return kExitUsage;
  HistoryOutputs outputs;
  outputs.json_path = command.json_path;
  outputs.html_path = command.html_path;
  outputs.charset = report::terminal_charset([](const char* name) { return std::getenv(name); });
  return print_history(*database, command.query, std::cout, std::cerr, outputs);
}

}  // namespace ccload::app
