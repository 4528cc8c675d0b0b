#pragma once
// What the command line asks for, in either spelling (design.md, "What a user sees").

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "store/history.hpp"

namespace ccload::cli {

// Bad command-line input: what() is one line naming the problem and the fix. Exit code 2.
struct UsageError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

struct RunCommand {
  std::string url;
  std::string method = "GET";                                // upper case
  std::string body;                                          // -d, already read from @file
  std::vector<std::pair<std::string, std::string>> headers;  // -H, in order
  std::uint64_t requests = 200;                              // -n; 0 = no count (-z alone)
  std::optional<double> duration_s;                          // -z: no request due after this
  std::optional<double> rate;                                // --rate: requests/s, open model
  unsigned concurrency = 50;                                 // -c
  unsigned threads = 0;                                      // --threads; 0 = automatic
  std::optional<double> timeout_s;                           // --timeout; unset = config file
  bool insecure = false;                                     // --insecure
  std::string cacert;                                        // --cacert
  bool http2 = false;     // --http2: HTTP/2 (ALPN h2 over https, prior knowledge over http)
  unsigned streams = 1;   // --streams: requests in flight per HTTP/2 connection
  std::string cert, key;  // --cert, --key: client certificate and its key (PEM), both or neither
  bool details = false;   // --details
  std::string json_path;  // --json; "-" = stdout
  std::string csv_path;   // --csv: one row appended per run
  std::string html_path;  // --html: the report as a page
  std::optional<std::string> database;   // --db
  bool no_store = false;                 // --no-store
  std::optional<double> sink_timeout_s;  // --sink-timeout
  bool seed_form = false;                // written as `-u URL ... -GET`
  bool progress = false;  // --progress: a progress line every second even when stderr is no tty
};

struct HistoryCommand {
  store::HistoryQuery query;
  std::optional<std::string> database;  // --db
};

struct ServeCommand {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  unsigned threads = 0;
  std::string tls_cert, tls_key;
  std::string tls_client_ca;  // --tls-client-ca: require client certificates signed by it
};

// --help or --version: the text is printed to stdout and the exit code is 0.
struct InfoCommand {
  std::string text;
};

using Command = std::variant<RunCommand, HistoryCommand, ServeCommand, InfoCommand>;

// Parses argv (argv[0] is the program name). Throws UsageError.
Command parse_command_line(int argc, const char* const* argv);

// "5s", "200ms", "1.5" (seconds), "2m" -> seconds. Throws UsageError naming `what`.
double parse_duration(const std::string& text, const std::string& what);

}  // namespace ccload::cli
