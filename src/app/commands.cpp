// `ccload history` and `ccload serve`, and what every command shares.

#include <fmt/format.h>

#include <iostream>

#include "app/app.hpp"
#include "app/database_choice.hpp"
#include "config/settings.hpp"
#include "report/history_text.hpp"
#include "server/target_server.hpp"
#include "store/postgres.hpp"
#include "store/sqlite.hpp"
#include "store/stored_runs.hpp"

namespace ccload::app {

void print_error(const std::string& message) { std::cerr << "ccload: error: " << message << '\n'; }

std::optional<std::string> choose_database(const std::optional<std::string>& flag) {
  if (flag) return *flag;
  try {
    config::Settings settings =
        config::load_settings(std::filesystem::current_path(), config::process_environment());
    for (const auto& warning : settings.warnings) {
      std::cerr << "ccload: warning: " << warning << '\n';
    }
    return settings.database_path;
  } catch (const config::ConfigError& error) {
    print_error(error.what());
    return std::nullopt;
  }
}

int print_history(const std::string& database, const store::HistoryQuery& query, std::ostream& out,
                  std::ostream& err) {
  auto error = [&](const std::string& message, int code) {
    err << "ccload: error: " << message << '\n';
    return code;
  };
  const std::string shown = store::redact_database_url(database);
  std::optional<store::StoredRuns> runs;
  try {
    runs.emplace(database);
  } catch (const store::RunNotFound&) {
    out << "No load tests recorded yet in " << shown << "\n";
    return kExitOk;
  } catch (const store::StoreError& e) {
    return error(e.what(), kExitFailed);
  }
  try {
    if (!query.run_name.empty()) {  // a distributed run: its shards merged, rows per shard
      const stats::RunSummary summary = runs->load(runs->resolve(query.run_name), 0);
      report::print_run_view(out, summary, {}, 0);
      out << "(the requests are stored per shard: ccload history --run ID of a shard lists them)\n";
      return kExitOk;
    }
    if (query.run_id) {
      const store::RunRef ref = runs->resolve(std::to_string(*query.run_id));
      const stats::RunSummary summary = runs->load(ref, 0);
      std::uint64_t total = 0;
      const auto rows =
          runs->requests(ref, query.limit > 0 ? static_cast<std::size_t>(query.limit) : 0, &total);
      report::print_run_view(out, summary, rows, total);
      return kExitOk;
    }
    const auto empty = [&] {
      if (query.url_contains.empty()) {
        out << "No load tests recorded yet in " << shown << "\n";
      } else {
        out << "No load tests of URLs containing \"" << query.url_contains << "\" in " << shown
            << "\n";
      }
      return kExitOk;
    };
    if (query.period == store::Period::none) {
      const auto lines = store::detail::list_runs(runs->database(), query);
      if (lines.empty()) return empty();
      report::print_runs(out, lines);
    } else {
      const auto lines = store::detail::list_periods(runs->database(), query);
      if (lines.empty()) return empty();
      report::print_periods(out, lines, query.period);
    }
    return kExitOk;
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
  return print_history(*database, command.query, std::cout, std::cerr);
}

int serve(const cli::ServeCommand& command) {
  server::ServeConfig config;
  config.host = command.host;
  config.port = command.port;
  config.threads = command.threads;
  config.tls_cert = command.tls_cert;
  config.tls_key = command.tls_key;
  try {
    return server::serve_until_signal(config, std::cout);
  } catch (const std::exception& error) {
    print_error(error.what());
    return kExitFailed;
  }
}

}  // namespace ccload::app
