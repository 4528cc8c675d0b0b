#pragma once
// One class per subcommand: the constructor declares its options on the CLI11 app (each value as
// the raw text given), finish() checks them into the command, throwing UsageError with one line
// of our own for anything wrong. An object must stay where it was made: CLI11 writes into it.

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "cli/command.hpp"
#include "cli/watch_options.hpp"

namespace ccload::cli {

class RunOptions {
 public:
  explicit RunOptions(CLI::App& app);
  CLI::App* app() const { return app_; }
  // The words after `--` on the command line: the script's arguments (-s).
  void set_script_args(std::vector<std::string> args) { script_args_ = std::move(args); }
  RunCommand finish() const;

 private:
  struct Inputs {
    std::vector<std::string> url_positional;
    std::string url_option, targets_file, max_redirects;
    std::string requests, concurrency, threads, timeout, sink_timeout, method, data, duration, rate;
    std::string stages, start_rate;
    std::string streams;
    std::string pipeline;
    std::vector<std::string> headers;
    std::vector<std::string> fail_on;
    std::string tolerance, baseline, shard, run_name, start_at;
    std::string data_file, data_order, seed;
    std::string script;
    std::vector<std::string> checks;
    std::string body_cap;
  };

  // finish()'s steps, in its order (run_options_finish.cpp): each checks its options into `run`.
  static void read_targets(const Inputs& in, RunCommand& run);
  static void read_length(const Inputs& in, RunCommand& run);
  static void read_concurrency(const Inputs& in, RunCommand& run);
  static void read_request(const Inputs& in, RunCommand& run);
  static void read_verdicts(const Inputs& in, RunCommand& run);
  static void read_sharing(const Inputs& in, RunCommand& run);
  static void read_connection(const Inputs& in, RunCommand& run);

  CLI::App* app_ = nullptr;
  Inputs in_;
  WatchInputs watch_;
  RunCommand run_;
  std::vector<std::string> script_args_;
};

class HistoryOptions {
 public:
  explicit HistoryOptions(CLI::App& app);
  CLI::App* app() const { return app_; }
  HistoryCommand finish() const;

 private:
  CLI::App* app_ = nullptr;
  HistoryCommand history_;
  bool weekly_ = false, monthly_ = false, yearly_ = false;
  std::string limit_, run_id_, tolerance_;
};

class ReportOptions {
 public:
  explicit ReportOptions(CLI::App& app);
  CLI::App* app() const { return app_; }
  ReportCommand finish() const;

 private:
  CLI::App* app_ = nullptr;
  ReportCommand report_;
  std::vector<std::string> fail_on_;
};

class CompareOptions {
 public:
  explicit CompareOptions(CLI::App& app);
  CLI::App* app() const { return app_; }
  CompareCommand finish() const;

 private:
  CLI::App* app_ = nullptr;
  CompareCommand compare_;
  std::string tolerance_;
};

class ImportOptions {
 public:
  explicit ImportOptions(CLI::App& app);
  CLI::App* app() const { return app_; }
  ImportCommand finish() const { return import_; }

 private:
  CLI::App* app_ = nullptr;
  ImportCommand import_;
};

class ServeOptions {
 public:
  explicit ServeOptions(CLI::App& app);
  CLI::App* app() const { return app_; }
  ServeCommand finish() const;

 private:
  CLI::App* app_ = nullptr;
  ServeCommand serve_;
  std::string port_, threads_;
};

}  // namespace ccload::cli
