// The command line: the seed's form rewritten to the modern one, then one CLI11 subcommand each
// (src/cli/*_options.cpp), --help and --version.

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>

#include "cli/command.hpp"
#include "cli/seed_form.hpp"
#include "cli/subcommands.hpp"

namespace ccload::cli {

namespace {

// CCLOAD_VERSION comes from project() in CMakeLists.txt.
constexpr const char* kVersionLine = "ccload " CCLOAD_VERSION;

std::string one_line(const CLI::Error& error, const std::string& command) {
  std::string text = error.what();
  std::replace(text.begin(), text.end(), '\n', ' ');
  return fmt::format("{}; see ccload {}--help", text, command.empty() ? "" : command + " ");
}

constexpr const char* kDescription =
    "ccload: an HTTP load tester.\n"
    "\n"
    "The seed's (PyLoad's) form works as written:\n"
    "  ccload -u URL -n 100 -c 10 -GET\n"
    "  ccload -u URL -n 20 -c 2 -POST -d '{\"title\": \"Test\"}'   (-PUT, -PATCH, -DELETE too)\n"
    "  ccload -history [-weekly | -monthly | -yearly]\n"
    "The modern form:\n"
    "  ccload run URL [URL...] [-n 200 | -z 30s] [-c 50] [--rate R] [-m METHOD] [-d JSON|@file]\n"
    "             [-H 'Name: value'] [--max-redirects 10] ...\n"
    "  ccload run -f targets.txt ...   (vegeta's format: METHOD URL, headers, @body; in turn)\n"
    "  ccload history [--weekly | --monthly | --yearly] [--limit N] [--url TEXT] [--run ID]\n"
    "                 [--json PATH|-] [--html PATH] [--tolerance 10%]   (trends as JSON, a page)\n"
    "  ccload serve [--host H] [--port P]   (the built-in target server)\n"
    "  ccload report [RUN|last] [--json PATH|-] [--html PATH] [--csv PATH]   (a stored run)\n"
    "  ccload compare A B [--tolerance 10%] [--force]   (B against A: regressed, improved, same)\n"
    "  ccload import FILE...   (store the fallback files a run wrote when its database failed)\n"
    "  Thresholds: ccload run URL --fail-on 'p95<200ms,errors<1%' (exit 3 when one fails)\n"
    "\n"
    "Configuration: PYLOAD_CONFIG, else ./config.env, else ./.env (DATABASE_URL, timeout,\n"
    "USERNAME, PASSWORD, LOGTAIL_URL, LOGTAIL_TOKEN, LOKI_URL); the environment wins over the "
    "file.\n"
    "Exit codes: 0 the run completed (whatever its failures); 1 the run could not be carried out\n"
    "or its results could not be stored; 2 bad usage or configuration (nothing was sent);\n"
    "3 a --fail-on threshold failed, or --fail-on-regression found a regression;\n"
    "130, 143, 129 stopped by SIGINT (Ctrl-C), SIGTERM, SIGHUP (after printing, storing and\n"
    "writing what completed; a second signal more than 1 s later quits at once).";

}  // namespace

Command parse_command_line(int argc, const char* const* argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  // The words after `--` are a script's arguments (wrk's `-s FILE URL -- ARGS`), never options.
  std::vector<std::string> script_args;
  if (auto dashes = std::find(args.begin(), args.end(), "--"); dashes != args.end()) {
    script_args.assign(dashes + 1, args.end());
    args.erase(dashes, args.end());
  }
  args = rewrite_seed_form(std::move(args));

  CLI::App app(kDescription, "ccload");
  app.set_version_flag("--version", kVersionLine);
  app.require_subcommand(1);
  app.fallthrough(false);

  RunOptions run(app);
  HistoryOptions history(app);
  ServeOptions serve(app);
  ReportOptions report(app);
  CompareOptions compare(app);
  ImportOptions import(app);

  // CLI11 takes its arguments in reverse order (it pops them from the back of the vector).
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    for (CLI::App* sub :
         {run.app(), history.app(), serve.app(), report.app(), compare.app(), import.app()}) {
      if (sub->parsed()) return InfoCommand{sub->help()};
    }
    return InfoCommand{app.help()};
  } catch (const CLI::CallForAllHelp&) {
    return InfoCommand{app.help("", CLI::AppFormatMode::All)};
  } catch (const CLI::CallForVersion&) {
    return InfoCommand{std::string(kVersionLine) + "\n"};
  } catch (const CLI::ParseError& error) {
    std::string command;
    for (CLI::App* sub :
         {run.app(), history.app(), serve.app(), report.app(), compare.app(), import.app()}) {
      if (sub->parsed()) command = sub->get_name();
    }
    throw UsageError(one_line(error, command));
  }

  if (run.app()->parsed()) {
    run.set_script_args(std::move(script_args));
    return run.finish();
  }
  if (!script_args.empty()) {
    throw UsageError("words after -- are a script's arguments, for ccload run -s FILE URL -- ARGS");
  }
  if (report.app()->parsed()) return report.finish();
  if (compare.app()->parsed()) return compare.finish();
  if (import.app()->parsed()) return import.finish();
  if (history.app()->parsed()) return history.finish();
  return serve.finish();
}

}  // namespace ccload::cli
