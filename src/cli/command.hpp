#pragma once
// What the command line asks for, in either spelling (design.md, "What a user sees").

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "check/check.hpp"
#include "core/stage.hpp"
#include "core/target.hpp"
#include "request/data_set.hpp"
#include "request/row_order.hpp"
#include "stats/thresholds.hpp"
#include "store/history.hpp"

namespace ccload::cli {

// Bad command-line input: what() is one line naming the problem and the fix. Exit code 2.
struct UsageError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

// Watching a run while it lasts (issue 23): --metrics-listen, --metrics-linger, --influx.
struct WatchOptions {
  std::string metrics_host;        // --metrics-listen HOST:PORT; empty without
  std::uint16_t metrics_port = 0;  // 0: any free port
  // --metrics-linger: how long /metrics stays up after the run. Not given: until it was scraped
  // once after the end, at most kDefaultLinger, and only when it was scraped during the run.
  std::optional<double> metrics_linger_s;
  std::string influx_url;        // --influx URL (else INFLUX_URL); empty without
  std::string remote_write_url;  // --metrics-remote-write URL; empty without
  // --live / --no-live; none: live when stdout is a terminal that the JSON summary does not use.
  std::optional<bool> live;
  static constexpr double kDefaultLinger = 30;
};

struct RunCommand {
  WatchOptions watch;
  // The URLs given (`run URL1 URL2 ...` or `-u URL`), each sent `method`, `body` and `headers`;
  // or, with -f, the targets of the file (each with its own method, headers and body; -H adds to
  // every one). Never both; never neither.
  std::vector<std::string> urls;
  std::string targets_file;              // -f FILE, as given (empty without)
  std::vector<TargetSpec> file_targets;  // read from targets_file
  std::string method = "GET";            // upper case
  std::string body;  // -d (--body), already read from @file; a template when it has {{fields}}
  std::vector<std::pair<std::string, std::string>> headers;  // -H, in order
  unsigned max_redirects = 10;       // --max-redirects: hops followed per request (0 = none)
  std::uint64_t requests = 200;      // -n; 0 = no count (-z alone)
  std::optional<double> duration_s;  // -z: no request due after this
  std::optional<double> rate;        // --rate: requests/s, open model
  std::vector<Stage> stages;         // --stages: a ramping rate
  std::optional<double> start_rate;  // --start-rate: the ramp's start
  unsigned concurrency = 50;         // -c
  unsigned threads = 0;              // --threads; 0 = automatic
  std::optional<double> timeout_s;   // --timeout; unset = config file
  bool insecure = false;             // --insecure
  std::string cacert;                // --cacert
  bool http2 = false;     // --http2: HTTP/2 (ALPN h2 over https, prior knowledge over http)
  unsigned streams = 1;   // --streams: requests in flight per HTTP/2 connection
  unsigned pipeline = 1;  // --pipeline: requests written together per HTTP/1.1 connection
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
  std::vector<stats::Threshold> thresholds;  // --fail-on, in the order given
  std::optional<std::string> baseline;       // --baseline last|last-any|RUN: compare at the end
  bool baseline_required = false;            // --baseline-required: no baseline is exit 2
  bool fail_on_regression = false;           // --fail-on-regression: a regression is exit 3
  double tolerance = 0.10;                   // --tolerance, as a fraction (10% = 0.10)
  bool latency_includes_failures = false;    // --latency-includes-failures
  // A distributed run: this agent runs shard_index of shard_count equal shares (of -n, -c and
  // --rate), stored under run_name, starting at start_at (Unix ns) when given.
  unsigned shard_index = 0, shard_count = 1;
  std::string run_name;                     // --run-id
  std::optional<std::int64_t> start_at_ns;  // --start-at
  // Templates (issue 21). --data FILE: its rows, read once here (nothing else reads the file), its
  // path as given, size in bytes and SHA-256 (lower-case hex); empty and null without.
  std::string data_file;
  std::shared_ptr<const request::DataSet> data;
  std::uint64_t data_bytes = 0;
  std::string data_sha256;
  request::RowOrder data_order = request::RowOrder::sequential;  // --data-order
  // --seed: of the random fields and the random row order; drawn at random when not given.
  std::uint64_t seed = 0;
  bool seed_given = false;
  // -s FILE (--script): a request script in wrk's Lua API, as given; script_args are the words
  // after `--` (its init(args)). Empty without.
  // --check, compiled in the order given (null without); --body-cap: bytes of a body kept for the
  // checks and the script's response().
  std::shared_ptr<const std::vector<check::Check>> checks;
  std::size_t body_cap = 1024 * 1024;
  std::string script_path;
  std::string script_sha256;  // of the file as read when the command was checked
  std::vector<std::string> script_args;
};

// `ccload report [RUN|last] [--json PATH|-] [--html PATH] [--csv PATH] [--fail-on EXPR]`.
struct ReportCommand {
  std::string run = "last";  // a run id, last or last~N
  std::string json_path, html_path, csv_path;
  std::optional<std::string> database;       // --db
  std::vector<stats::Threshold> thresholds;  // --fail-on: judged on the stored run
};

// `ccload compare A B [--tolerance 10%] [--force] [--json PATH|-]`: B against A.
struct CompareCommand {
  std::string a, b;
  double tolerance = 0.10;
  bool force = false;               // compare runs of different URLs or methods
  bool fail_on_regression = false;  // --fail-on-regression: a regression of B is exit 3
  std::string json_path;
  std::optional<std::string> database;
};

// `ccload history [--weekly|--monthly|--yearly] [--json PATH|-] [--html PATH] [--tolerance 10%]`.
struct HistoryCommand {
  store::HistoryQuery query;            // --tolerance sets query.tolerance
  std::optional<std::string> database;  // --db
  std::string json_path;                // --json: the rows as JSON; "-" = stdout
  std::string html_path;                // --html: the history as a page with charts
};

// `ccload import FILE... [--db PATH|URL]`: fallback files read back into the database.
struct ImportCommand {
  std::vector<std::string> files;       // in the order given; at least one
  std::optional<std::string> database;  // --db
};

struct ServeCommand {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  unsigned threads = 0;
  std::string tls_cert, tls_key;
  std::string tls_client_ca;  // --tls-client-ca: require client certificates signed by it
  bool http1_only = false;    // --http1-only: never HTTP/2 (neither h2 by ALPN nor h2c)
};

// --help or --version: the text is printed to stdout and the exit code is 0.
struct InfoCommand {
  std::string text;
};

using Command = std::variant<RunCommand, HistoryCommand, ServeCommand, InfoCommand, ReportCommand,
                             CompareCommand, ImportCommand>;

// Parses argv (argv[0] is the program name). Throws UsageError.
Command parse_command_line(int argc, const char* const* argv);

// "5s", "200ms", "1.5" (seconds), "2m" -> seconds, 0 or more. Throws UsageError naming `what`;
// its message says that 0 means none only when `zero_means_none` (an option that refuses 0 checks
// its own range and says it).
double parse_duration(const std::string& text, const std::string& what,
                      bool zero_means_none = true);
// --stages "30s:100,1m:500,30s:0": DURATION:RATE pairs (each duration > 0, each rate >= 0 requests
// per second). Throws UsageError with one line.
std::vector<Stage> parse_stages(const std::string& text);

}  // namespace ccload::cli
