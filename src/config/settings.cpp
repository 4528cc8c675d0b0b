#include "config/settings.hpp"

#include <sys/stat.h>

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <system_error>

#include "config/database_url.hpp"
#include "config/env_file.hpp"

namespace ccload::config {
namespace {

namespace fs = std::filesystem;

constexpr std::array<std::string_view, 8> kKeys = {"DATABASE_URL", "timeout",     "USERNAME",
                                                   "PASSWORD",     "LOGTAIL_URL", "LOGTAIL_TOKEN",
                                                   "LOKI_URL",     "INFLUX_URL"};

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

// The canonical key for a file key: exact match, or TIMEOUT for the seed's lower-case timeout.
std::optional<std::string_view> known_key(std::string_view key) {
  for (auto k : kKeys) {
    if (key == k) return k;
  }
  if (key == "TIMEOUT") return kKeys[1];
  return std::nullopt;
}

// Where a value came from, for messages: "path:line" or "environment variable NAME".
struct Origin {
  std::string where;
};

double parse_timeout(const std::string& value, const Origin& origin) {
  const std::string fix =
      "; fix: write the timeout in seconds, e.g. timeout=30 or timeout=2.5 (0 = no timeout)";
  double seconds = 0;
  const char* begin = value.data();
  const char* end = begin + value.size();
  auto [ptr, ec] = std::from_chars(begin, end, seconds);
  if (value.empty()) throw ConfigError(origin.where + ": timeout is empty" + fix);
  if (ec != std::errc() || ptr != end || !std::isfinite(seconds)) {
    throw ConfigError(origin.where + ": timeout=" + value + " is not a number of seconds" + fix);
  }
  if (seconds < 0) throw ConfigError(origin.where + ": timeout=" + value + " is negative" + fix);
  return seconds;
}

std::string parse_database(const std::string& value, const Origin& origin) {
  try {
    return database_path_from_url(value);
  } catch (const std::invalid_argument& e) {
    throw ConfigError(origin.where + ": " + e.what());
  }
}

void apply(Settings& settings, std::string_view key, const std::string& value,
           const Origin& origin) {
  if (key == "DATABASE_URL") {
    settings.database_path = parse_database(value, origin);
  } else if (key == "timeout") {
    settings.timeout_s = parse_timeout(value, origin);
  } else if (key == "USERNAME") {
    settings.username = value;
  } else if (key == "PASSWORD") {
    settings.password = value;
  } else if (key == "LOGTAIL_URL") {
    settings.logtail_url = value;
  } else if (key == "LOGTAIL_TOKEN") {
    settings.logtail_token = value;
  } else if (key == "LOKI_URL") {
    settings.loki_url = value;
  } else if (key == "INFLUX_URL") {
    settings.influx_url = value;
  }
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw ConfigError(path.string() + ": cannot read the configuration file (" +
                      std::generic_category().message(errno) +
                      "); fix: make it readable or point PYLOAD_CONFIG elsewhere");
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The configuration file to read, or an empty path when there is none.
fs::path find_file(const fs::path& cwd, const EnvLookup& getenv) {
  if (auto named = getenv("PYLOAD_CONFIG"); named && !named->empty()) {
    fs::path path = *named;
    if (path.is_relative()) path = cwd / path;
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) {
      throw ConfigError("PYLOAD_CONFIG=" + *named +
                        ": no such configuration file; fix: create it or unset PYLOAD_CONFIG");
    }
    return path;
  }
  for (const char* name : {"config.env", ".env"}) {
    std::error_code ec;
    if (fs::is_regular_file(cwd / name, ec)) return cwd / name;
  }
  return {};
}

std::string octal_mode(unsigned mode) {
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "%04o", mode & 07777u);
  return buffer;
}

}  // namespace

std::string database_path_from_url(std::string_view url) {
  const std::string fix =
      "fix: use a file path such as DATABASE_URL=load.db or sqlite:///abs/path.db";
  if (url.empty()) throw std::invalid_argument("DATABASE_URL is empty; " + fix);
  // A scheme is letters, digits, + - . before "://".
  const std::size_t colon = url.find("://");
  bool has_scheme = colon != std::string_view::npos && colon > 0 &&
                    std::isalpha(static_cast<unsigned char>(url[0]));
  for (std::size_t i = 0; has_scheme && i < colon; ++i) {
    const auto c = static_cast<unsigned char>(url[i]);
    if (!std::isalnum(c) && c != '+' && c != '-' && c != '.') has_scheme = false;
  }
  if (!has_scheme) return std::string(url);
  const std::string_view scheme = url.substr(0, colon);
  // PostgreSQL: the URL goes to libpq as it is (user, password, host, port, database and
  // parameters such as sslmode).
  if (iequals(scheme, "postgresql") || iequals(scheme, "postgres")) return std::string(url);
  if (!iequals(scheme, "sqlite")) {
    throw std::invalid_argument(
        "DATABASE_URL with scheme " + std::string(scheme) +
        ":// is not supported (SQLite or PostgreSQL); fix: use a file path such as "
        "DATABASE_URL=load.db, sqlite:///abs/path.db or postgresql://user:password@host/db");
  }
  std::string_view rest = url.substr(colon + 3);  // "/abs/path" (sqlite:///) or "relative"
  if (rest.empty() || rest == "/") {
    throw std::invalid_argument("DATABASE_URL names no file; " + fix);
  }
  return std::string(rest);
}

Settings load_settings(const fs::path& cwd, const EnvLookup& getenv) {
  Settings settings;
  std::map<std::string, std::string> from;  // USERNAME, PASSWORD: where the value was set
  settings.source = find_file(cwd, getenv);

  if (!settings.source.empty()) {
    const std::string file_name = settings.source.string();
    const EnvFile file = parse_env(read_file(settings.source));
    for (const auto& problem : file.problems) {
      settings.warnings.push_back(file_name + ":" + std::to_string(problem.line) +
                                  ": line ignored: " + problem.message);
    }
    bool holds_secret = false;
    std::string secret_key;
    for (const auto& entry : file.entries) {
      const Origin origin{file_name + ":" + std::to_string(entry.line)};
      const auto key = known_key(entry.key);
      if (!key) {
        std::string message = origin.where + ": unknown key " + entry.key + " (ignored)";
        if (entry.key == "PYLOAD_CONFIG") {
          message = origin.where +
                    ": PYLOAD_CONFIG has no effect inside a configuration file (ignored); set it "
                    "in the environment";
        } else {
          for (auto k : kKeys) {
            if (iequals(entry.key, k)) message += "; did you mean " + std::string(k) + "?";
          }
        }
        settings.warnings.push_back(std::move(message));
        continue;
      }
      if ((*key == "PASSWORD" || *key == "LOGTAIL_TOKEN") && !entry.value.empty() &&
          !holds_secret) {
        holds_secret = true;
        secret_key = std::string(*key);
      }
      if (getenv(std::string(*key))) continue;  // the real environment wins
      apply(settings, *key, entry.value, origin);
      if (*key == "USERNAME" || *key == "PASSWORD") from[std::string(*key)] = origin.where;
    }
    struct stat st {};
    if (holds_secret && ::stat(settings.source.c_str(), &st) == 0 &&
        (st.st_mode & (S_IRGRP | S_IROTH)) != 0) {
      settings.warnings.push_back(file_name + " holds " + secret_key +
                                  " and is readable by other users (mode " +
                                  octal_mode(st.st_mode) + "); fix: chmod 600 " + file_name);
    }
  }

  for (auto key : kKeys) {
    const std::string name(key);
    if (auto value = getenv(name)) {
      apply(settings, key, *value, Origin{"environment variable " + name});
      if (key == "USERNAME" || key == "PASSWORD") from[name] = "the environment";
    }
  }
  // Basic auth needs both; one alone is most likely a typo or a missing line (never the value).
  if (settings.username.empty() != settings.password.empty()) {
    const bool user = !settings.username.empty();
    const std::string set = user ? "USERNAME" : "PASSWORD", unset = user ? "PASSWORD" : "USERNAME";
    settings.warnings.push_back(set + " is set (in " + from[set] + ") but " + unset +
                                " is not: requests carry no HTTP Basic auth; fix: set " + unset +
                                " too, or remove " + set);
  }
  return settings;
}

EnvLookup process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    if (const char* value = std::getenv(name.c_str())) return std::string(value);
    return std::nullopt;
  };
}

}  // namespace ccload::config
