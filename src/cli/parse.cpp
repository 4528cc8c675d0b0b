#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "cli/command.hpp"
#include "cli/distributed.hpp"
#include "cli/targets_file.hpp"
#include "net/url.hpp"

namespace ccload::cli {

namespace {

const std::set<std::string> kSubcommands = {"run", "history", "serve", "report", "compare"};
const std::vector<std::string> kMethods = {"GET",    "POST", "PUT",    "PATCH",
                                           "DELETE", "HEAD", "OPTIONS"};

// Record::target is 16 bits.
constexpr std::size_t kMaxTargets = 65'536;

// CCLOAD_VERSION comes from project() in CMakeLists.txt.
constexpr const char* kVersionLine = "ccload " CCLOAD_VERSION;

constexpr const char* kExample = "ccload -u http://127.0.0.1:8080/get -n 100 -c 10 -GET";

bool is_method_flag(const std::string& token) {
  return token.size() > 1 && token[0] == '-' &&
         std::find(kMethods.begin(), kMethods.end(), token.substr(1)) != kMethods.end();
}

bool contains(const std::vector<std::string>& args, const std::string& token) {
  return std::find(args.begin(), args.end(), token) != args.end();
}

// The seed's spelling (`-u URL -n 100 -c 10 -GET`, `-history -weekly`) rewritten to the modern one
// (`run -u URL ...`, `history --weekly`). Anything else is returned unchanged.
std::vector<std::string> rewrite_seed_form(std::vector<std::string> args) {
  if (!args.empty() && kSubcommands.count(args[0]) > 0) return args;
  // -f FILE stands in for -u URL and the method flag: the file names each target's method.
  const bool targets_file = contains(args, "-f");
  const bool url = contains(args, "-u") || targets_file;
  const bool history = contains(args, "-history");
  if (!url && !history) {
    if (args.empty()) {
      throw UsageError(fmt::format(
          "nothing to do: give -u URL to run a load test (for example: {}) or -history; see "
          "ccload --help",
          kExample));
    }
    bool asks_for_info = args[0] == "-h" || args[0] == "--help" || args[0] == "--version";
    if (!asks_for_info) {
      throw UsageError(fmt::format(
          "missing -u URL or -history: for example {}, or ccload -history; see ccload --help",
          kExample));
    }
    return args;
  }
  if (url && history) {
    throw UsageError(
        "-u and -history cannot be used together: run a load test with -u, or show the history "
        "with -history");
  }
  // The seed's README: a leading positional word (conventionally `ccload`) may stand first.
  if (!args.empty() && !args[0].empty() && args[0][0] != '-') args.erase(args.begin());

  std::vector<std::string> rewritten;
  if (history) {
    rewritten.push_back("history");
    for (const auto& token : args) {
      if (token == "-history") continue;
      if (token == "-weekly" || token == "-monthly" || token == "-yearly") {
        rewritten.push_back("-" + token);
      } else {
        rewritten.push_back(token);
      }
    }
    return rewritten;
  }
  rewritten = {"run", "--seed-form"};
  std::vector<std::string> methods;
  for (const auto& token : args) {
    if (is_method_flag(token)) {
      methods.push_back(token);
      rewritten.push_back("-m");
      rewritten.push_back(token.substr(1));
    } else {
      rewritten.push_back(token);
    }
  }
  if (methods.size() > 1) {
    throw UsageError(
        fmt::format("two HTTP methods given ({} and {}): choose one", methods[0], methods[1]));
  }
  if (!contains(args, "-n") && !contains(args, "-z")) {
    throw UsageError(fmt::format(
        "-n (the number of requests) is required with -u (or -z for a duration): for example {}",
        kExample));
  }
  if (!contains(args, "-c")) {
    throw UsageError(fmt::format(
        "-c (the number of concurrent requests) is required with -u: for example {}", kExample));
  }
  if (targets_file && !methods.empty()) {
    throw UsageError(fmt::format("{} with -f: the targets file names each target's method; drop {}",
                                 methods[0], methods[0]));
  }
  if (methods.empty() && !targets_file) {
    throw UsageError(fmt::format(
        "choose the HTTP method with -GET, -POST, -PUT, -PATCH or -DELETE: for example {}",
        kExample));
  }
  return rewritten;
}

std::uint64_t parse_positive(const std::string& text, const std::string& flag,
                             const std::string& meaning, std::uint64_t max) {
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value == 0 ||
      value > max) {
    throw UsageError(fmt::format("{} must be a whole number from 1 to {} ({}), not '{}'", flag, max,
                                 meaning, text));
  }
  return value;
}

// --rate: requests per second, a positive decimal (0.5 = one request every two seconds).
double parse_rate(const std::string& text) {
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() ||
      !std::isfinite(value) || value <= 0 || value > 10'000'000) {
    throw UsageError(fmt::format(
        "--rate must be requests per second, greater than 0 and at most 10000000 (for example "
        "--rate 500 or --rate 0.5), not '{}'",
        text));
  }
  return value;
}

}  // namespace

std::vector<Stage> parse_stages(const std::string& text) {
  const std::string example = "for example --stages '30s:100,1m:500,30s:0'";
  std::vector<Stage> stages;
  double total_s = 0;
  std::size_t from = 0;
  for (;;) {
    const std::size_t comma = text.find(',', from);
    const std::string item =
        text.substr(from, comma == std::string::npos ? std::string::npos : comma - from);
    const std::size_t colon = item.find(':');
    if (item.empty() || colon == std::string::npos) {
      throw UsageError(fmt::format(
          "--stages '{}' cannot be read: give DURATION:RATE stages separated by commas, {}", text,
          example));
    }
    const std::string duration = item.substr(0, colon), rate = item.substr(colon + 1);
    Stage stage;
    try {
      stage.duration_s = parse_duration(duration, "--stages duration");
    } catch (const UsageError&) {
      throw UsageError(
          fmt::format("--stages: '{}' is not a duration (30s, 1m, 500ms) in stage '{}', {}",
                      duration, item, example));
    }
    auto [end, ec] = std::from_chars(rate.data(), rate.data() + rate.size(), stage.target_rate);
    if (rate.empty() || ec != std::errc() || end != rate.data() + rate.size() ||
        !std::isfinite(stage.target_rate) || stage.target_rate > 10'000'000) {
      throw UsageError(
          fmt::format("--stages: '{}' is not a rate (requests per second) in stage '{}', {}", rate,
                      item, example));
    }
    if (stage.target_rate < 0) {
      throw UsageError(fmt::format(
          "--stages: stage '{}' has a negative rate; rates are requests per second, 0 or more",
          item));
    }
    if (stage.duration_s <= 0) {
      throw UsageError(
          fmt::format("--stages: stage '{}' lasts no time; give each stage a duration above 0, {}",
                      item, example));
    }
    total_s += stage.duration_s;
    stages.push_back(stage);
    if (comma == std::string::npos) break;
    from = comma + 1;
  }
  if (total_s <= 0 || total_s > 366.0 * 86400) {
    throw UsageError(
        fmt::format("--stages '{}' must last longer than 0 and at most a year in total", text));
  }
  return stages;
}

namespace {

std::string read_body(const std::string& data) {
  if (data.empty() || data[0] != '@') return data;
  std::string path = data.substr(1);
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    throw UsageError(fmt::format(
        "-d {}: cannot read the file '{}': check the path (use -d '{{...}}' for inline JSON)", data,
        path));
  }
  std::ostringstream content;
  content << file.rdbuf();
  return content.str();
}

void validate_json(const std::string& body) {
  try {
    nlohmann::json parsed = nlohmann::json::parse(body);
    (void)parsed;
  } catch (const nlohmann::json::parse_error& error) {
    std::string what = error.what();
    auto colon = what.find("parse error");
    if (colon != std::string::npos) what = what.substr(colon);
    throw UsageError(fmt::format(
        "-d is not valid JSON ({}): quote it in single quotes, e.g. -d '{{\"a\": 1}}'", what));
  }
}

std::pair<std::string, std::string> parse_header(const std::string& text) {
  auto colon = text.find(':');
  if (colon == std::string::npos || colon == 0) {
    throw UsageError(fmt::format(
        "-H '{}' is not a header: write it as 'Name: value', e.g. -H 'X-Api-Key: secret'", text));
  }
  std::string name = text.substr(0, colon);
  std::string value = text.substr(colon + 1);
  auto not_space = [](char c) { return c != ' ' && c != '\t'; };
  value.erase(value.begin(), std::find_if(value.begin(), value.end(), not_space));
  value.erase(std::find_if(value.rbegin(), value.rend(), not_space).base(), value.end());
  if (name.find_first_of(" \t\r\n") != std::string::npos ||
      value.find_first_of("\r\n") != std::string::npos) {
    throw UsageError(
        fmt::format("-H '{}': header names cannot contain spaces and values cannot "
                    "contain line breaks",
                    text));
  }
  return {name, value};
}

std::string upper(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

// Raw strings collected by CLI11 for `run`; validated into a RunCommand afterwards so every
// error is one line of our own.
struct RunInputs {
  std::vector<std::string> url_positional;
  std::string url_option, targets_file, max_redirects;
  std::string requests, concurrency, threads, timeout, sink_timeout, method, data, duration, rate;
  std::string stages, start_rate;
  std::string streams;
  std::vector<std::string> headers;
  std::vector<std::string> fail_on;
  std::string tolerance, baseline, shard, run_name, start_at;
};

std::vector<stats::Threshold> parse_fail_on(const std::vector<std::string>& values) {
  std::vector<stats::Threshold> out;
  try {
    for (const auto& value : values) {
      for (auto& threshold : stats::parse_thresholds(value)) out.push_back(std::move(threshold));
    }
  } catch (const stats::ThresholdError& error) {
    throw UsageError(error.what());
  }
  return out;
}

// --tolerance: a relative change in percent, "10%" or "10"; returned as a fraction.
double parse_tolerance(const std::string& text) {
  std::string_view digits = text;
  if (digits.ends_with('%')) digits.remove_suffix(1);
  double value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() ||
      !std::isfinite(value) || value < 0 || value > 1000) {
    throw UsageError(fmt::format(
        "--tolerance must be a percentage from 0 to 1000, for example --tolerance 10%, not '{}'",
        text));
  }
  return value / 100;
}

RunCommand finish_run(const RunInputs& in, RunCommand run) {
  if (!in.url_positional.empty() && !in.url_option.empty()) {
    throw UsageError(
        "URLs given both as words and with -u: give them one way (ccload run URL1 URL2)");
  }
  run.urls = in.url_positional;
  if (!in.url_option.empty()) run.urls.push_back(in.url_option);
  if (!in.targets_file.empty() && !run.urls.empty()) {
    throw UsageError(fmt::format(
        "-f {} and a URL both name the targets: put every target in the file, or drop -f",
        in.targets_file));
  }
  if (run.urls.empty() && in.targets_file.empty()) {
    throw UsageError(fmt::format(
        "missing the URL to test: for example {} (or -f FILE for a targets file)", kExample));
  }
  for (const auto& url : run.urls) {
    try {
      (void)net::parse_target(url);
    } catch (const net::UrlError& error) {
      throw UsageError(error.what());
    }
  }
  if (!in.targets_file.empty()) {
    if (!in.method.empty()) {
      throw UsageError(fmt::format(
          "-m {} with -f: the targets file names each target's method; drop -m", in.method));
    }
    if (!in.data.empty()) {
      throw UsageError(
          "-d with -f: give each target's body in the targets file (an @PATH line after its "
          "headers)");
    }
    run.targets_file = in.targets_file;
    run.file_targets = read_targets_file(in.targets_file);
    if (run.file_targets.size() > kMaxTargets) {
      throw UsageError(fmt::format("-f {}: {} targets, more than the {} one run can take",
                                   in.targets_file, run.file_targets.size(), kMaxTargets));
    }
  }
  if (run.urls.size() > kMaxTargets) {
    throw UsageError(fmt::format("{} URLs, more than the {} one run can take: use fewer",
                                 run.urls.size(), kMaxTargets));
  }
  if (!in.max_redirects.empty()) {
    if (in.max_redirects == "0") {
      run.max_redirects = 0;
    } else {
      run.max_redirects = static_cast<unsigned>(parse_positive(
          in.max_redirects, "--max-redirects", "redirects followed per request; 0 = none", 100));
    }
  }
  bool requests_given = !in.requests.empty();
  bool concurrency_given = !in.concurrency.empty();
  if (requests_given) {
    run.requests = parse_positive(in.requests, "-n", "the number of requests", 1'000'000'000'000);
  }
  if (!in.duration.empty()) {
    if (requests_given) {
      throw UsageError(
          "-n and -z both bound the run: give -n for a number of requests or -z for a duration");
    }
    run.duration_s = parse_duration(in.duration, "-z");
    if (*run.duration_s <= 0 || *run.duration_s > 366.0 * 86400) {
      throw UsageError(fmt::format(
          "-z {} must be a duration longer than 0 and at most a year, for example -z 30s",
          in.duration));
    }
    run.requests = 0;  // no count: the duration ends the run
  }
  if (!in.rate.empty()) run.rate = parse_rate(in.rate);
  if (!in.stages.empty()) {
    for (const auto& [given, flag] :
         {std::pair{requests_given, "-n"}, std::pair{!in.duration.empty(), "-z"},
          std::pair{!in.rate.empty(), "--rate"}}) {
      if (given) {
        throw UsageError(fmt::format(
            "--stages and {} both set the run's length or rate: the stages alone set both; drop {}",
            flag, flag));
      }
    }
    run.stages = parse_stages(in.stages);
    run.requests = 0;  // no count: the last stage ends the run
  }
  if (!in.start_rate.empty()) {
    if (run.stages.empty()) {
      throw UsageError(
          "--start-rate is where --stages begins: add --stages (for example --stages "
          "'30s:100,1m:500')");
    }
    double value = -1;
    const std::string& t = in.start_rate;
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
    if (t.empty() || ec != std::errc() || end != t.data() + t.size() || !std::isfinite(value) ||
        value < 0 || value > 10'000'000) {
      throw UsageError(fmt::format(
          "--start-rate must be requests per second, 0 or more (for example --start-rate 10), "
          "not '{}'",
          t));
    }
    run.start_rate = value;
  }
  if (concurrency_given) {
    run.concurrency = static_cast<unsigned>(
        parse_positive(in.concurrency, "-c", "the number of concurrent requests", 100'000));
  }
  if (run.requests > 0 && run.concurrency > run.requests) {
    if (concurrency_given) {
      throw UsageError(fmt::format(
          "-c {} is greater than -n {}: there cannot be more concurrent requests than requests; "
          "lower -c or raise -n",
          run.concurrency, run.requests));
    }
    run.concurrency = static_cast<unsigned>(run.requests);
  }
  if (!in.threads.empty()) {
    run.threads =
        static_cast<unsigned>(parse_positive(in.threads, "--threads", "worker threads", 1024));
  }
  if (!in.timeout.empty()) run.timeout_s = parse_duration(in.timeout, "--timeout");
  if (!in.sink_timeout.empty())
    run.sink_timeout_s = parse_duration(in.sink_timeout, "--sink-timeout");
  if (!in.method.empty()) {
    run.method = upper(in.method);
    if (run.method.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string::npos) {
      throw UsageError(
          fmt::format("-m '{}' is not an HTTP method: use GET, POST, PUT, PATCH, "
                      "DELETE, HEAD or OPTIONS",
                      in.method));
    }
  }
  if (!in.data.empty()) {
    run.body = read_body(in.data);
    validate_json(run.body);
  }
  for (const auto& header : in.headers) run.headers.push_back(parse_header(header));
  run.thresholds = parse_fail_on(in.fail_on);
  if (!in.tolerance.empty()) run.tolerance = parse_tolerance(in.tolerance);
  if (!in.baseline.empty()) run.baseline = in.baseline;
  if (run.fail_on_regression && !run.baseline) {
    throw UsageError(
        "--fail-on-regression needs a run to compare with: add --baseline last (or --baseline "
        "RUN)");
  }
  if (!in.shard.empty()) {
    const Shard shard =
        parse_shard(in.shard, [](const std::string& name) -> std::optional<std::string> {
          const char* value = std::getenv(name.c_str());
          return value ? std::optional<std::string>(value) : std::nullopt;
        });
    run.shard_index = shard.index;
    run.shard_count = shard.count;
    if (run.requests > 0 && run.requests < shard.count) {
      throw UsageError(fmt::format("-n {} cannot be shared by {} shards: give -n {} or more",
                                   run.requests, shard.count, shard.count));
    }
    if (run.concurrency < shard.count) {
      throw UsageError(fmt::format("-c {} cannot be shared by {} shards: give -c {} or more",
                                   run.concurrency, shard.count, shard.count));
    }
  }
  if (!in.run_name.empty()) run.run_name = check_run_name(in.run_name);
  if (run.shard_count > 1 && run.run_name.empty()) {
    throw UsageError(
        "--shard needs --run-id NAME, shared by every shard, so that ccload report NAME can merge "
        "them");
  }
  if (!in.start_at.empty()) {
    const auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    run.start_at_ns = parse_start_at(in.start_at, now);
  }
  if (run.baseline && run.no_store) {
    throw UsageError(
        "--baseline reads the stored history, which --no-store leaves out: drop --no-store");
  }
  if (run.insecure && !run.cacert.empty()) {
    throw UsageError(
        "--insecure and --cacert contradict each other: verify with --cacert FILE, "
        "or skip verification with --insecure");
  }
  if (!in.streams.empty()) {
    if (!run.http2) {
      throw UsageError(
          "--streams needs --http2: HTTP/1.1 carries one request at a time per connection");
    }
    run.streams = static_cast<unsigned>(
        parse_positive(in.streams, "--streams", "requests in flight per HTTP/2 connection", 1'000));
  }
  if (run.cert.empty() != run.key.empty()) {
    throw UsageError(
        "--cert and --key go together: give the client certificate and its private key (PEM "
        "files)");
  }
  return run;
}

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
    "  ccload run URL [-n 200 | -z 30s] [-c 50] [--rate R] [-m METHOD] [-d JSON|@file]\n"
    "             [-H 'Name: value'] ...\n"
    "  ccload history [--weekly | --monthly | --yearly] [--limit N] [--url TEXT] [--run ID]\n"
    "                 [--json PATH|-] [--html PATH] [--tolerance 10%]   (trends as JSON, a page)\n"
    "  ccload serve [--host H] [--port P]   (the built-in target server)\n"
    "  ccload report [RUN|last] [--json PATH|-] [--html PATH] [--csv PATH]   (a stored run)\n"
    "  ccload compare A B [--tolerance 10%] [--force]   (B against A: regressed, improved, same)\n"
    "  Thresholds: ccload run URL --fail-on 'p95<200ms,errors<1%' (exit 3 when one fails)\n"
    "\n"
    "Configuration: PYLOAD_CONFIG, else ./config.env, else ./.env (DATABASE_URL, timeout,\n"
    "USERNAME, PASSWORD, LOGTAIL_URL, LOGTAIL_TOKEN, LOKI_URL); the environment wins over the "
    "file.\n"
    "Exit codes: 0 the run completed (whatever its failures); 1 the run could not be carried out\n"
    "or its results could not be stored; 2 bad usage or configuration (nothing was sent);\n"
    "3 a --fail-on threshold failed, or --fail-on-regression found a regression;\n"
    "130 interrupted by Ctrl-C (after printing what completed).";

}  // namespace

Command parse_command_line(int argc, const char* const* argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  args = rewrite_seed_form(std::move(args));

  CLI::App app(kDescription, "ccload");
  app.set_version_flag("--version", kVersionLine);
  app.require_subcommand(1);
  app.fallthrough(false);

  RunCommand run;
  RunInputs inputs;
  CLI::App* run_app = app.add_subcommand(
      "run", "Run a load test against one URL or several (or the targets of -f FILE).");
  run_app->add_option("url", inputs.url_positional,
                      "The URLs to test (http:// or https://); requests go to them in turn");
  run_app->add_option("-u,--url", inputs.url_option, "The URL to test (the seed's spelling)");
  run_app->add_option("-f,--targets", inputs.targets_file,
                      "A targets file in vegeta's format instead of URLs: 'METHOD URL' lines, "
                      "optional 'Name: value' header lines and an '@PATH' body line, targets "
                      "separated by blank lines");
  run_app->add_option("--max-redirects", inputs.max_redirects,
                      "Redirects followed per request (default 10; 0 = none: a 3xx is the "
                      "response)");
  run_app->add_option("-n,--requests", inputs.requests,
                      "Number of requests to send in total (default 200)");
  run_app->add_option("-z,--duration", inputs.duration,
                      "Send requests for this long instead of a number: 30s, 2m, 1.5 (seconds)");
  run_app->add_option("--rate", inputs.rate,
                      "Requests per second in total, on a fixed schedule (open model): latency "
                      "counts from each request's scheduled time (default: as fast as -c allows)");
  run_app->add_option("--stages", inputs.stages,
                      "A ramping rate instead of --rate, -n and -z: DURATION:RATE stages, such as "
                      "'30s:100,1m:500,30s:0'; over each stage the rate moves linearly to its "
                      "RATE (requests/s); the run lasts the sum of the stages");
  run_app->add_option("--start-rate", inputs.start_rate,
                      "Requests per second where --stages begins (default 0)");
  run_app->add_option("-c,--concurrency", inputs.concurrency,
                      "Concurrent connections, each with one request in flight (default 50)");
  run_app->add_option("-m,--method", inputs.method, "HTTP method (default GET)");
  run_app->add_option("-d,--data", inputs.data,
                      "JSON request body, or @FILE to read it from a file (sent with "
                      "Content-Type: application/json)");
  run_app->add_option("-H,--header", inputs.headers, "Extra header 'Name: value' (repeatable)");
  run_app->add_option("--timeout", inputs.timeout,
                      "Per-request timeout: 30, 1.5, 200ms, 5s; 0 = none (default: config "
                      "`timeout`, else 30s)");
  run_app->add_flag("--insecure", run.insecure, "Do not verify the server's TLS certificate");
  run_app->add_option("--cacert", run.cacert, "Trust this PEM CA bundle for https");
  run_app->add_flag("--http2", run.http2,
                    "HTTP/2: ALPN h2 over https, prior knowledge (h2c) over http");
  run_app->add_option("--streams", inputs.streams,
                      "Requests in flight per HTTP/2 connection (default 1; needs --http2)");
  run_app->add_option("--cert", run.cert,
                      "Client certificate (PEM) to present when the server asks (needs --key)");
  run_app->add_option("--key", run.key, "Private key (PEM) of the --cert certificate");
  run_app->add_option("--threads", inputs.threads, "Worker threads (default: cores, at most -c)");
  run_app->add_flag(
      "--details", run.details,
      "Show every request in the report (default: the first 20); keeps them all in memory");
  run_app->add_option("--json", run.json_path, "Write a JSON summary to PATH ('-' = stdout)");
  run_app->add_option("--html", run.html_path,
                      "Write the report as a self-contained HTML page with a latency chart");
  run_app->add_option("--csv", run.csv_path,
                      "Append the run's summary as one CSV row to PATH (the header is written "
                      "when the file is new)");
  run_app->add_option("--db", run.database,
                      "SQLite database for the results (default: DATABASE_URL, else load.db)");
  run_app->add_flag("--no-store", run.no_store, "Do not store the requests in the database");
  run_app->add_option("--sink-timeout", inputs.sink_timeout,
                      "Deadline for shipping failures at the end of the run (default 10s)");
  run_app->add_flag("--progress", run.progress,
                    "Print a progress line every second on stderr even when it is not a terminal "
                    "(on a terminal it is always shown)");
  run_app->add_option("--fail-on", inputs.fail_on,
                      "Fail the run (exit 3) unless it meets EXPR: p95<200ms, ttfb.p50<20ms, "
                      "errors<1%, rps>=1000, status.5xx==0 (repeatable; or separated by commas)");
  run_app->add_option("--baseline", inputs.baseline,
                      "Compare this run at its end with a stored run: last (the last run of the "
                      "same URL and method) or a run id");
  run_app->add_flag("--fail-on-regression", run.fail_on_regression,
                    "With --baseline: a regression against it is exit 3");
  run_app->add_option("--tolerance", inputs.tolerance,
                      "With --baseline: the relative change that counts (default 10%)");
  run_app->add_option("--shard", inputs.shard,
                      "Run the i-th of N equal shares of the run (of -n, -c and --rate): i/N, or "
                      "auto/N from JOB_COMPLETION_INDEX (Kubernetes Indexed Jobs)");
  run_app->add_option("--run-id", inputs.run_name,
                      "Name of a distributed run, shared by its shards: ccload report NAME "
                      "merges them");
  run_app->add_option("--start-at", inputs.start_at,
                      "Start at this wall-clock time (RFC 3339, or +30s from now), so that agents "
                      "start together");
  run_app->add_flag("--seed-form", run.seed_form)->group("");

  HistoryCommand history;
  CLI::App* history_app = app.add_subcommand("history", "Show past runs, or trends per period.");
  bool weekly = false, monthly = false, yearly = false;
  auto* weekly_flag = history_app->add_flag("--weekly", weekly, "One line per ISO week and URL");
  auto* monthly_flag = history_app->add_flag("--monthly", monthly, "One line per month and URL");
  auto* yearly_flag = history_app->add_flag("--yearly", yearly, "One line per year and URL");
  weekly_flag->excludes(monthly_flag)->excludes(yearly_flag);
  monthly_flag->excludes(yearly_flag);
  std::string limit, run_id;
  history_app->add_option("--limit", limit, "Lines to show (default 20)");
  history_app->add_option("--url", history.query.url_contains, "Only URLs containing this text");
  history_app->add_option("--run", run_id,
                          "Show one run: its summary and its requests (or a distributed run's "
                          "--run-id: its shards merged)");
  history_app->add_option("--db", history.database,
                          "SQLite database (default: DATABASE_URL, else load.db)");
  history_app->add_option("--json", history.json_path,
                          "Write the rows as JSON to PATH ('-' = stdout)");
  history_app->add_option("--html", history.html_path,
                          "Write the history as a self-contained page: per URL a chart of p50, "
                          "p95 and p99, the failure rate and the requests, and the table");
  std::string history_tolerance;
  history_app->add_option("--tolerance", history_tolerance,
                          "A p95 rise beyond this over the previous period (or run), confirmed by "
                          "the test of ccload compare, is marked as a regression (default 10%)");

  ServeCommand serve;
  std::string port, serve_threads;
  CLI::App* serve_app = app.add_subcommand(
      "serve",
      "Run the built-in target server (/get, /status/CODE, /delay/MS, /bytes/N, /post, "
      "/anything, /flaky/N; faults: /reset, /close, /malformed, /trickle/MS, /hang, /headers/N).");
  serve_app->add_option("--host", serve.host, "Address to listen on (default 127.0.0.1)");
  serve_app->add_option("--port", port, "Port to listen on; 0 picks a free one (default 8080)");
  serve_app->add_option("--threads", serve_threads, "Threads (default: cores)");
  serve_app->add_option("--tls-cert", serve.tls_cert, "PEM certificate: serve https");
  serve_app->add_option("--tls-key", serve.tls_key, "PEM private key for --tls-cert");
  serve_app->add_option("--tls-client-ca", serve.tls_client_ca,
                        "Require a client certificate signed by a CA in this PEM file (https)");

  ReportCommand report;
  std::vector<std::string> report_fail_on;
  CLI::App* report_app = app.add_subcommand(
      "report", "Render a stored run: the terminal report, or --json/--html/--csv files.");
  report_app->add_option("run", report.run, "A run id, last (default) or last~N");
  report_app->add_option("--json", report.json_path,
                         "Write the JSON summary to PATH ('-' = stdout)");
  report_app->add_option("--html", report.html_path, "Write the report as an HTML page");
  report_app->add_option("--csv", report.csv_path, "Append the run's summary row to a CSV file");
  report_app->add_option("--db", report.database,
                         "SQLite database (default: DATABASE_URL, else load.db)");
  report_app->add_option("--fail-on", report_fail_on,
                         "Judge the stored run: exit 3 unless it meets EXPR (as with run)");

  CompareCommand compare;
  std::string compare_tolerance;
  CLI::App* compare_app = app.add_subcommand(
      "compare", "Compare two stored runs: B against A, figure by figure, with a verdict.");
  compare_app->add_option("a", compare.a, "The baseline: a run id, last or last~N")->required();
  compare_app->add_option("b", compare.b, "The run to judge (default: last)");
  compare_app->add_option("--tolerance", compare_tolerance,
                          "The relative change that counts (default 10%)");
  compare_app->add_flag("--force", compare.force, "Compare runs of different URLs or methods");
  compare_app->add_option("--json", compare.json_path,
                          "Write the comparison as JSON ('-' = stdout)");
  compare_app->add_option("--db", compare.database,
                          "SQLite database (default: DATABASE_URL, else load.db)");

  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    for (CLI::App* sub : {run_app, history_app, serve_app, report_app, compare_app}) {
      if (sub->parsed()) return InfoCommand{sub->help()};
    }
    return InfoCommand{app.help()};
  } catch (const CLI::CallForAllHelp&) {
    return InfoCommand{app.help("", CLI::AppFormatMode::All)};
  } catch (const CLI::CallForVersion&) {
    return InfoCommand{std::string(kVersionLine) + "\n"};
  } catch (const CLI::ParseError& error) {
    std::string command;
    for (CLI::App* sub : {run_app, history_app, serve_app, report_app, compare_app}) {
      if (sub->parsed()) command = sub->get_name();
    }
    throw UsageError(one_line(error, command));
  }

  if (run_app->parsed()) return finish_run(inputs, run);
  if (report_app->parsed()) {
    report.thresholds = parse_fail_on(report_fail_on);
    if (report.html_path == "-" || report.csv_path == "-") {
      throw UsageError("--html and --csv need a file path ('-' for stdout is only for --json)");
    }
    return report;
  }
  if (compare_app->parsed()) {
    if (compare.b.empty()) compare.b = "last";
    if (!compare_tolerance.empty()) compare.tolerance = parse_tolerance(compare_tolerance);
    return compare;
  }
  if (history_app->parsed()) {
    history.query.period = weekly    ? store::Period::weekly
                           : monthly ? store::Period::monthly
                           : yearly  ? store::Period::yearly
                                     : store::Period::none;
    if (!limit.empty()) {
      history.query.limit =
          static_cast<int>(parse_positive(limit, "--limit", "lines to show", 1'000'000'000));
    }
    if (!run_id.empty() && !std::isdigit(static_cast<unsigned char>(run_id[0]))) {
      history.query.run_name = check_run_name(run_id);  // a distributed run's --run-id
    } else if (!run_id.empty()) {
      history.query.run_id = static_cast<std::int64_t>(
          parse_positive(run_id, "--run", "a run id from ccload history", INT64_MAX));
    }
    if (!history_tolerance.empty()) history.query.tolerance = parse_tolerance(history_tolerance);
    if (history.html_path == "-") {
      throw UsageError("--html needs a file path ('-' for stdout is only for --json)");
    }
    if (history.query.run_id && (!history.json_path.empty() || !history.html_path.empty())) {
      throw UsageError(
          "--json and --html write the run list or the periods, not --run: drop --run, or use "
          "ccload report RUN --json PATH");
    }
    if (!history.json_path.empty() && history.json_path == history.html_path) {
      throw UsageError(fmt::format(
          "--json and --html name the same file '{}': give each its own path", history.html_path));
    }
    return history;
  }
  if (!port.empty()) {
    std::uint16_t value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size()) {
      throw UsageError(fmt::format("--port must be a number from 0 to 65535, not '{}'", port));
    }
    serve.port = value;
  }
  if (!serve_threads.empty()) {
    serve.threads =
        static_cast<unsigned>(parse_positive(serve_threads, "--threads", "threads", 1024));
  }
  if (serve.tls_cert.empty() != serve.tls_key.empty()) {
    throw UsageError("--tls-cert and --tls-key go together: give both PEM files to serve https");
  }
  if (!serve.tls_client_ca.empty() && serve.tls_cert.empty()) {
    throw UsageError("--tls-client-ca needs https: give --tls-cert and --tls-key as well");
  }
  return serve;
}

}  // namespace ccload::cli
