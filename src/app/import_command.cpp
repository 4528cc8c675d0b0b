// `ccload import FILE...`: every file read and checked first, then each stored, one line each.

#include <fmt/format.h>

#include <iostream>

#include "app/app.hpp"
#include "app/database_choice.hpp"
#include "store/fallback_import.hpp"
#include "store/stored_runs.hpp"

namespace ccload::app {

namespace {

std::string outcome_line(const store::FallbackContents& file, const store::ImportOutcome& out) {
  const std::string damaged =
      file.damaged == 0 ? "" : fmt::format(" ({} damaged lines skipped)", file.damaged);
  if (out.added == 0) {
    return fmt::format("Nothing to import from {}: its {} requests are already in run {} of {}{}.",
                       file.path.string(), out.already, out.run_id, out.database, damaged);
  }
  const std::string holds = out.requests > 0
                                ? fmt::format("{} of its {} requests", out.rows, out.requests)
                                : fmt::format("{} requests", out.rows);
  return fmt::format(
      "Imported {} requests from {} into {}run {} of {}: it now holds {}{}{}.", out.added,
      file.path.string(), out.new_run ? "a new " : "", out.run_id, out.database, holds,
      out.already > 0 ? fmt::format(" ({} were already there)", out.already) : "", damaged);
}

}  // namespace

int import_fallback_files(const cli::ImportCommand& command) {
  const std::optional<std::string> database = choose_database(command.database);
  if (!database) return kExitUsage;
  std::vector<store::FallbackContents> files;
  try {
    for (const std::string& path : command.files) files.push_back(store::read_fallback_file(path));
  } catch (const store::ImportFileError& error) {
    print_error(error.what());
    return kExitUsage;
  }
  for (const auto& file : files) {
    try {
      std::cout << outcome_line(file, store::import_fallback(*database, file)) << '\n';
    } catch (const store::ImportDatabaseError& error) {
      print_error(error.what());
      return kExitUsage;
    } catch (const store::StoreError& error) {
      print_error(error.what());
      return kExitFailed;
    }
  }
  return kExitOk;
}

}  // namespace ccload::app
