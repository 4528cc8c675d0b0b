// ccload: parse the command line, dispatch, map errors to exit codes.

#include <fmt/format.h>

#include <iostream>

#include "app/app.hpp"
#include "cli/command.hpp"

int main(int argc, char** argv) {
  using namespace ccload;
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
    return app::serve(std::get<cli::ServeCommand>(command));
  } catch (const cli::UsageError& error) {
    std::cerr << "ccload: error: " << error.what() << '\n';
    return app::kExitUsage;
  } catch (const std::exception& error) {
    std::cerr << "ccload: error: " << error.what() << '\n';
    return app::kExitFailed;
  }
}
