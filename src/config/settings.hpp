#pragma once
// The seed's configuration: env-style files plus the real environment.
// File: PYLOAD_CONFIG if set (missing file = error), else ./config.env, else ./.env, else none.
// Real environment variables win over the file. Command-line flags (applied by the CLI) win over
// both.

#include <filesystem>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace ccload::config {

// A configuration problem the user must fix: one line naming the file, the line and the fix.
struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Settings {
  std::string database_path = "load.db";   // resolved from DATABASE_URL (path or sqlite:// URL)
  double timeout_s = 30;                   // per request; 0 = no timeout
  std::string username, password;          // HTTP Basic auth when both are non-empty
  std::string logtail_url, logtail_token;  // Betterstack; empty when unset
  std::string loki_url;                    // Grafana Loki push base URL; empty when unset
  std::string influx_url;  // INFLUX_URL: InfluxDB 1.x for the run's seconds (--influx overrides)
  std::filesystem::path source;       // the file read, empty when none
  std::vector<std::string> warnings;  // one line each: unknown keys, loose permissions
};

using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

// Reads the configuration as above. `cwd` is where config.env / .env are looked for.
// Throws ConfigError on a bad value or a missing PYLOAD_CONFIG file.
Settings load_settings(const std::filesystem::path& cwd, const EnvLookup& getenv);

// The process environment as an EnvLookup.
EnvLookup process_environment();

}  // namespace ccload::config
