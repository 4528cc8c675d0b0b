// `ccload serve`, and what every command shares.

#include <fmt/format.h>

#include <iostream>

#include "app/app.hpp"
#include "app/database_choice.hpp"
#include "config/settings.hpp"
#include "server/target_server.hpp"

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

int serve(const cli::ServeCommand& command) {
  server::ServeConfig config;
  config.host = command.host;
  config.port = command.port;
  config.threads = command.threads;
  config.tls_cert = command.tls_cert;
  config.tls_key = command.tls_key;
  config.tls_client_ca = command.tls_client_ca;
  config.http1_only = command.http1_only;
  try {
    return server::serve_until_signal(config, std::cout);
  } catch (const std::exception& error) {
    print_error(error.what());
    return kExitFailed;
  }
}

}  // namespace ccload::app
