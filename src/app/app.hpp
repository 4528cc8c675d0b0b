#pragma once
// The commands behind main(): each returns the process exit code (see README, "Exit codes").

#include <ostream>
#include <string>

#include "cli/command.hpp"
#include "report/sparkline.hpp"

namespace ccload::app {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;      // the run could not be carried out, or not stored
inline constexpr int kExitUsage = 2;       // bad command line or configuration; nothing sent
inline constexpr int kExitThresholds = 3;  // a --fail-on threshold failed, or a regression
// Stopped by SIGINT, SIGTERM or SIGHUP: 128 + the signal's number (app/interrupt.hpp).

// Where `ccload history` writes besides the terminal, and how the terminal draws trends.
struct HistoryOutputs {
  std::string json_path;  // --json; "-" = `out`, and the table then goes to `err`
  std::string html_path;  // --html
  report::Charset charset = report::Charset::ascii;  // of the sparklines in the table
};

int run_load_test(const cli::RunCommand& command);
int show_history(const cli::HistoryCommand& command);
// The history of `database` on `out` (errors on `err`): 0, including a missing or empty database
// ("No load tests recorded yet in PATH", nothing created); 1 when it cannot be read; 2 for a --run
// that is not in it.
// With `outputs`, it also writes the JSON and the page (an empty history gives ones that say so);
// an output that cannot be written is 2 before anything is read, one written badly 1.
int print_history(const std::string& database, const store::HistoryQuery& query, std::ostream& out,
                  std::ostream& err, const HistoryOutputs& outputs);
int print_history(const std::string& database, const store::HistoryQuery& query, std::ostream& out,
                  std::ostream& err);
int show_report(const cli::ReportCommand& command);
int compare_stored_runs(const cli::CompareCommand& command);
int serve(const cli::ServeCommand& command);
// `ccload import`: 0 when every file is in the database (also when it already was); 2 for a
// missing or foreign file or a database that cannot be written (nothing imported from that file
// on); 1 when rows were stored but the run's summary could not be rebuilt.
int import_fallback_files(const cli::ImportCommand& command);

// "ccload: error: " + message, one line on stderr. Secrets never reach it.
void print_error(const std::string& message);

}  // namespace ccload::app
