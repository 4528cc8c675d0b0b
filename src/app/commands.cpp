#include <iostream>

#include "app/app.hpp"
#include "config/settings.hpp"
#include "server/target_server.hpp"

namespace ccload::app {

int show_history(const cli::HistoryCommand& command) {
  std::string database;
  if (command.database) {
    database = *command.database;
  } else {
    try {
      config::Settings settings =
          config::load_settings(std::filesystem::current_path(), config::process_environment());
      for (const auto& warning : settings.warnings) {
        std::cerr << "ccload: warning: " << warning << '\n';
      }
      database = settings.database_path;
    } catch (const config::ConfigError& error) {
      std::cerr << "ccload: error: " << error.what() << '\n';
      return kExitUsage;
    }
  }
  return store::print_history(database, command.query, std::cout, std::cerr);
}

int serve(const cli::ServeCommand& command) {
  server::ServeConfig config;
  config.host = command.host;
  config.port = command.port;
  config.threads = command.threads;
  config.tls_cert = command.tls_cert;
  config.tls_key = command.tls_key;
  config.tls_client_ca = command.tls_client_ca;
  try {
    return server::serve_until_signal(config, std::cout);
  } catch (const std::exception& error) {
    std::cerr << "ccload: error: " << error.what() << '\n';
    return kExitFailed;
  }
}

}  // namespace ccload::app
