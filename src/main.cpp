// ccload: parse the command line, dispatch, map errors to exit codes.

#include <fmt/format.h>
#include <signal.h>

#include <iostream>

#include "app/app.hpp"
#include "cli/command.hpp"

int main(int argc, char** argv) {
  using namespace ccload;
  // A closed pipe (`ccload ... | tee log` whose tee was stopped with it) is an EPIPE to carry on
  // past, not a death: the files and the database still get everything measured.
  signal(SIGPIPE, SIG_IGN);
  try {
    cli::Command command = cli::parse_command_line(argc, argv);
    if (auto* info = std::get_if<cli::InfoCommand>(&command)) {
      std::cout << info->text;
      if (!info->text.empty() && info->text.back() != '\n') std::cout << '\n';
      return app::kExitOk;
    }
    if (auto* run = std::get_if<cli::RunCommand>(&command)) return app::run_load_test(*run);
    if (auto* history = std::get_if<cli::HistoryCommand>(&command)) {
      return app::show_history(*history);
    }
    if (auto* report = std::get_if<cli::ReportCommand>(&command)) return app::show_report(*report);
    if (auto* compare = std::get_if<cli::CompareCommand>(&command)) {
      return app::compare_stored_runs(*compare);
    }
    if (auto* import = std::get_if<cli::ImportCommand>(&command)) {
      return app::import_fallback_files(*import);
    }
    return app::serve(std::get<cli::ServeCommand>(command));
  } catch (const cli::UsageError& error) {
    app::print_error(error.what());
    return app::kExitUsage;
  } catch (const std::exception& error) {
    app::print_error(error.what());
    return app::kExitFailed;
  }
}
