#include <fmt/format.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

#include "app/app.hpp"
#include "app/interrupt.hpp"
#include "config/settings.hpp"
#include "engine/engine.hpp"
#include "report/report.hpp"
#include "sinks/failure_shipper.hpp"
#include "sinks/policy.hpp"
#include "store/run_writer.hpp"

namespace ccload::app {

namespace {

std::string base64(const std::string& text) {
  std::string encoded(4 * ((text.size() + 2) / 3) + 1, '\0');
  int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                               reinterpret_cast<const unsigned char*>(text.data()),
                               static_cast<int>(text.size()));
  encoded.resize(static_cast<std::size_t>(length));
  return encoded;
}

bool has_header(const engine::EngineConfig& config, std::string_view name) {
  for (const auto& [header, value] : config.headers) {
    if (header.size() == name.size() &&
        std::equal(header.begin(), header.end(), name.begin(),
                   [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
      return true;
    }
  }
  return false;
}

std::int64_t now_unix_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Why `path` cannot receive an output file of this run (`flag` is --csv or --html), if it cannot.
// Checked before anything is sent, without creating anything: an existing path must be a
// writable regular file; a new one needs a writable folder.
std::optional<std::string> output_problem(const std::string& flag, const std::string& path) {
  namespace fs = std::filesystem;
  if (path == "-") {
    return fmt::format("{} needs a file path ('-' for stdout is only for --json)", flag);
  }
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (fs::exists(status)) {
    if (!fs::is_regular_file(status)) {
      return fmt::format("{} '{}' is not a regular file: give the path of a file", flag, path);
    }
    if (access(path.c_str(), W_OK) != 0) {
      return fmt::format("{} '{}' cannot be written: make it writable or give another path", flag,
                         path);
    }
    return std::nullopt;
  }
  fs::path folder = fs::path(path).parent_path();
  if (folder.empty()) folder = ".";
  if (!fs::is_directory(folder, ec) || access(folder.c_str(), W_OK | X_OK) != 0) {
    return fmt::format("{} '{}' cannot be written: check that its folder exists and is writable",
                       flag, path);
  }
  return std::nullopt;
}

// A --csv file with content must start with ccload's header (a byte-order mark and a CR are
// ignored), so rows never land under other columns. Only called for a regular file.
std::optional<std::string> csv_header_problem(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::file_size(path, ec) == 0 || ec) return std::nullopt;
  std::ifstream existing(path);
  std::string first;
  std::getline(existing, first);
  if (first.rfind("\xEF\xBB\xBF", 0) == 0) first.erase(0, 3);
  if (!first.empty() && first.back() == '\r') first.pop_back();
  if (first == report::csv_header()) return std::nullopt;
  return fmt::format(
      "--csv '{}' holds other data (its first line is not ccload's header, or is from an older "
      "version): give a new file",
      path);
}

// One status line on stderr (progress, storing): on a terminal it rewrites itself and clear()
// erases it before the report; elsewhere (--progress into a pipe or a log) each line stays.
class StatusLine {
 public:
  explicit StatusLine(bool terminal) : terminal_(terminal) {}
  void show(const std::string& line) {
    std::cerr << (terminal_ ? "\r\033[K" + line : line + "\n") << std::flush;
    shown_ = true;
  }
  void clear() {
    if (terminal_ && shown_) std::cerr << "\r\033[K" << std::flush;
    shown_ = false;
  }

 private:
  bool terminal_;
  bool shown_ = false;
};

}  // namespace

int run_load_test(const cli::RunCommand& command) {
  config::Settings settings;
  try {
    settings =
        config::load_settings(std::filesystem::current_path(), config::process_environment());
  } catch (const config::ConfigError& error) {
    std::cerr << "ccload: error: " << error.what() << '\n';
    return kExitUsage;
  }
  for (const auto& warning : settings.warnings) std::cerr << "ccload: warning: " << warning << '\n';

  engine::EngineConfig config;
  try {
    config.target = net::parse_target(command.url);
  } catch (const net::UrlError& error) {
    std::cerr << "ccload: error: " << error.what() << '\n';
    return kExitUsage;
  }
  config.method = command.method;
  config.body = command.body;
  if (!config.body.empty()) config.content_type = "application/json";
  config.headers = command.headers;
  if (!settings.username.empty() && !settings.password.empty() &&
      !has_header(config, "Authorization")) {
    config.headers.emplace_back("Authorization",
                                "Basic " + base64(settings.username + ":" + settings.password));
  }
  config.requests = command.requests > 0 ? command.requests : UINT64_MAX;  // 0: -z ends the run
  config.duration_s = command.duration_s.value_or(0);
  config.rate = command.rate.value_or(0);
  config.concurrency = command.concurrency;
  config.threads = command.threads;
  config.timeout_s = command.timeout_s.value_or(settings.timeout_s);
  config.tls.verify = !command.insecure;
  config.tls.ca_file = command.cacert;
  if (!command.cacert.empty() && access(command.cacert.c_str(), R_OK) != 0) {
    std::cerr << fmt::format(
        "ccload: error: --cacert '{}' cannot be read: give the path of a PEM CA file\n",
        command.cacert);
    return kExitUsage;
  }
  config.http2 = command.http2;
  config.streams = command.streams;
  config.tls.cert_file = command.cert;
  config.tls.key_file = command.key;
  if (!command.cert.empty()) {
    // Checked before anything is sent: readable PEM files, and the key matches the certificate.
    try {
      (void)net::make_client_context(config.tls);
    } catch (const std::exception& error) {
      std::cerr << "ccload: error: " << error.what() << '\n';
      return kExitUsage;
    }
  }
  config.keep_records = command.details ? UINT64_MAX : 20;
  for (const auto& [flag, path] :
       {std::pair<std::string, const std::string&>{"--html", command.html_path},
        std::pair<std::string, const std::string&>{"--csv", command.csv_path}}) {
    if (path.empty()) continue;
    auto problem = output_problem(flag, path);
    if (!problem && flag == "--csv") problem = csv_header_problem(path);
    if (problem) {
      std::cerr << "ccload: error: " << *problem << '\n';
      return kExitUsage;
    }
  }

  // The JSON summary to stdout moves the human report to stderr.
  std::ostream& human = command.json_path == "-" ? std::cerr : std::cout;

  std::optional<store::RunWriter> writer;
  const std::string database = command.database.value_or(settings.database_path);
  if (!command.no_store) {
    writer.emplace(
        database, store::RunInfo{command.url, command.method, command.requests, command.concurrency,
                                 now_unix_ns(), command.duration_s, command.rate});
    config.store = &*writer;
  }

  // Failed requests go to Betterstack and/or Loki from their own threads (never slowing the run).
  std::optional<sinks::FailureShipper> shipper;
  if (!settings.logtail_token.empty() || !settings.loki_url.empty()) {
    sinks::ShipperConfig ship;
    ship.logtail_url = settings.logtail_url;
    ship.logtail_token = settings.logtail_token;
    ship.loki_url = settings.loki_url;
    ship.flush_timeout_s = command.sink_timeout_s.value_or(10.0);
    ship.target_url = command.url;
    ship.method = command.method;
    if (writer && writer->run_id() != 0) {
      ship.run_id = writer->run_id();
      ship.database = database;
    }
    shipper.emplace(std::move(ship));
    config.failures = &*shipper;
  }

  config.stop = &install_interrupt_handler();
  // Progress lines: always on a terminal, elsewhere with --progress.
  const bool terminal = isatty(STDERR_FILENO) == 1;
  const bool status_wanted = terminal || command.progress;
  StatusLine status(terminal);
  if (status_wanted) {
    config.on_progress = [&command, &status](const engine::Progress& progress) {
      status.show(
          report::progress_line(progress, command.requests, command.duration_s.value_or(0)));
    };
  }
  human << "Running....\n" << std::flush;
  engine::EngineResult result;
  try {
    result = engine::run_load(config);
  } catch (const std::exception& error) {
    std::cerr << "ccload: error: the load test could not start: " << error.what() << '\n';
    if (writer) writer->finish({now_unix_ns(), 0, false, &result.stats});
    return kExitFailed;
  }

  status.clear();

  report::ReportInput input;
  if (result.protocol != "HTTP/1.1") {
    input.notes.push_back(fmt::format("Protocol: {}, up to {} requests in flight per connection.",
                                      result.protocol, result.streams));
  }
  if (result.http2_refused > 0) {
    input.notes.push_back(fmt::format(
        "The server did not agree to HTTP/2 (ALPN h2) in {} TLS handshakes: those requests failed "
        "as tls. Run without --http2 to test it over HTTP/1.1.",
        result.http2_refused));
  }
  input.url = command.url;
  input.method = command.method;
  input.requested = command.requests;
  input.concurrency = command.concurrency;
  input.duration_limit_s = command.duration_s.value_or(0);
  input.rate = command.rate.value_or(0);
  input.result = &result;
  input.all_details = command.details;

  int exit_code = result.interrupted ? kExitInterrupted : kExitOk;
  std::optional<store::StoreOutcome> stored;
  if (writer) {
    // A store still draining after the load (a slow or locked disk) says how far it has come.
    store::RunWriter::DrainProgress on_drain;
    if (status_wanted) {
      on_drain = [&](std::uint64_t handled, std::uint64_t total) {
        status.show(report::storing_line(handled, total, database));
      };
    }
    stored = writer->finish({now_unix_ns(), result.duration_s, result.interrupted, &result.stats},
                            on_drain);
    status.clear();
    if (stored->ok) {
      input.notes.push_back(
          fmt::format("Every request is stored in {} (run {}).", database, stored->run_id));
    } else {
      input.notes.push_back(
          stored->fallback_path.empty()
              ? fmt::format("The requests could not all be stored in {} (see the error below).",
                            database)
              : fmt::format("The requests could not be stored in {}: they are in {}.", database,
                            stored->fallback_path.string()));
      if (exit_code == kExitOk) exit_code = kExitFailed;
    }
  } else {
    input.notes.push_back("The requests were not stored (--no-store).");
  }
  if (shipper) {
    for (auto& line : shipper->finish(result.stats.failed)) input.notes.push_back(std::move(line));
  } else if (result.stats.failed > 0) {
    input.notes.push_back(sinks::not_configured_line(result.stats.failed));
  }

  report::print_report(human, input);
  human.flush();
  if (stored && !stored->ok) std::cerr << "ccload: error: " << stored->error << '\n';

  if (!command.json_path.empty()) {
    nlohmann::json summary = report::summary_json(input);
    summary["protocol"] = result.protocol;
    if (stored) {
      summary["database"] = database;
      summary["run_id"] = stored->run_id;
      summary["stored"] = stored->ok;
      if (!stored->fallback_path.empty()) summary["fallback"] = stored->fallback_path.string();
    }
    if (command.json_path == "-") {
      std::cout << summary.dump(2) << std::endl;
    } else {
      std::ofstream file(command.json_path);
      file << summary.dump(2) << '\n';
      if (!file) {
        std::cerr << fmt::format("ccload: error: cannot write the JSON summary to '{}'\n",
                                 command.json_path);
        if (exit_code == kExitOk) exit_code = kExitFailed;
      }
    }
  }
  if (!command.html_path.empty()) {
    std::ofstream file(command.html_path);
    file << report::html_report(input);
    if (!file) {
      std::cerr << fmt::format("ccload: error: cannot write the HTML report to '{}'\n",
                               command.html_path);
      if (exit_code == kExitOk) exit_code = kExitFailed;
    }
  }
  if (!command.csv_path.empty()) {
    std::error_code size_error;
    const bool fresh = std::filesystem::file_size(command.csv_path, size_error) == 0 || size_error;
    std::ofstream file(command.csv_path, std::ios::app);
    if (fresh) file << report::csv_header() << '\n';
    file << report::csv_row(input) << '\n';
    if (!file) {
      std::cerr << fmt::format("ccload: error: cannot append the CSV row to '{}'\n",
                               command.csv_path);
      if (exit_code == kExitOk) exit_code = kExitFailed;
    }
  }
  return exit_code;
}

}  // namespace ccload::app
