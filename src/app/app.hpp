#pragma once
// The commands behind main(): each returns the process exit code (see README, "Exit codes").

#include "cli/command.hpp"

namespace ccload::app {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;  // the run could not be carried out, or not stored
inline constexpr int kExitUsage = 2;   // bad command line or configuration; nothing sent
inline constexpr int kExitInterrupted = 130;

int run_load_test(const cli::RunCommand& command);
int show_history(const cli::HistoryCommand& command);
int serve(const cli::ServeCommand& command);

}  // namespace ccload::app
