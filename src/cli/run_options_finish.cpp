// `ccload run` (and the seed's form, rewritten to it): the checks of its options (declared in
// run_options.cpp) into the command.

#include <fmt/format.h>

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>

#include "cli/data_file.hpp"
#include "cli/distributed.hpp"
#include "cli/seed_form.hpp"
#include "cli/subcommands.hpp"
#include "cli/targets_file.hpp"
#include "cli/values.hpp"
#include "net/url.hpp"
#include "request/run_templates.hpp"

namespace ccload::cli {

namespace {

// Record::target is 16 bits.
constexpr std::size_t kMaxTargets = 65'536;

// --check (each compiled once, in the order given) and --body-cap.
void read_checks(const std::vector<std::string>& texts, const std::string& body_cap,
                 RunCommand& run) {
  if (texts.size() > kMaxChecks) {
    throw UsageError(fmt::format("{} --check options, more than the {} one run can take",
                                 texts.size(), kMaxChecks));
  }
  if (!texts.empty()) {
    auto checks = std::make_shared<std::vector<check::Check>>();
    for (const std::string& text : texts) {
      std::string error;
      std::optional<check::Check> parsed = check::parse_check(text, error);
      if (!parsed) throw UsageError(error);
      checks->push_back(std::move(*parsed));
    }
    run.checks = std::move(checks);
  }
  if (!body_cap.empty()) {
    run.body_cap = static_cast<std::size_t>(parse_positive(
        body_cap, "--body-cap", "bytes of a response body kept for checks", 1ull << 30));
  }
}

// -s FILE and the words after `--`: a readable script for one target (wrk's `wrk` table describes
// one); --data's rows reach it as ccload.data(i).
void check_script(const std::string& path, const std::vector<std::string>& args, RunCommand& run) {
  if (path.empty()) {
    if (!args.empty()) {
      throw UsageError(fmt::format(
          "the words after -- ('{}') are a script's arguments: add -s FILE, or drop them",
          args.front()));
    }
    return;
  }
  std::ifstream file(path);
  if (!file) {
    throw UsageError(
        fmt::format("-s {}: the script cannot be read: give the path of a Lua file", path));
  }
  if (!run.targets_file.empty() || run.urls.size() != 1) {
    throw UsageError(fmt::format(
        "-s {} drives one URL (its wrk table describes one target): give exactly one URL, "
        "without -f",
        path));
  }
  if (request::has_fields(run.urls.front()) || request::has_fields(run.body)) {
    throw UsageError(fmt::format(
        "-s {} builds the requests: template fields ({{{{...}}}}) are not filled for a script; "
        "build the value in the script's request()",
        path));
  }
  run.script_path = path;
  run.script_sha256 = file_digest(path).second;
  run.script_args = args;
}

// -z: a duration longer than 0 and at most a year, in seconds.
double parse_run_duration(const std::string& z) {
  double seconds = 0;
  // A negative duration is out of -z's range, not unreadable: the range's message says so.
  if (z.size() > 1 && z[0] == '-') {
    try {
      seconds = -parse_duration(z.substr(1), "-z", false);
    } catch (const UsageError&) {
      seconds = parse_duration(z, "-z", false);  // unreadable: says so, quoting it whole
    }
  } else {
    seconds = parse_duration(z, "-z", false);
  }
  if (seconds <= 0 || seconds > 366.0 * 86400) {
    throw UsageError(fmt::format(
        "-z {} must be a duration longer than 0 and at most a year, for example -z 30s", z));
  }
  return seconds;
}

// --start-rate: requests per second, 0 to 10 million.
double parse_start_rate(const std::string& t) {
  double value = -1;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
  if (t.empty() || ec != std::errc() || end != t.data() + t.size() || !std::isfinite(value) ||
      value < 0 || value > 10'000'000) {
    throw UsageError(fmt::format(
        "--start-rate must be requests per second, 0 or more (for example --start-rate 10), "
        "not '{}'",
        t));
  }
  return value;
}

}  // namespace

// The targets: URLs as words or -u, or -f FILE; each URL parsed (a template once filled, in
// app::plan_run); --max-redirects.
void RunOptions::read_targets(const Inputs& in, RunCommand& run) {
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
    if (url.starts_with('/')) {
      throw UsageError(fmt::format(
          "the URL '{}' is a path without a host: write the whole URL, as in http://HOST[:PORT]{}",
          url, url));
    }
    if (request::has_fields(url)) continue;  // a template: checked filled (app::plan_run)
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
}

// How long the run is and how fast: -n, -z, --rate, --stages, --start-rate; --data's options
// (with --data-order once, the rows are the requests).
void RunOptions::read_length(const Inputs& in, RunCommand& run) {
  const bool requests_given = !in.requests.empty();
  if (requests_given) {
    run.requests = parse_positive(in.requests, "-n", "the number of requests", 1'000'000'000'000);
  }
  if (!in.duration.empty()) {
    if (requests_given) {
      throw UsageError(
          "-n and -z both bound the run: give -n for a number of requests or -z for a duration");
    }
    run.duration_s = parse_run_duration(in.duration);
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
    run.start_rate = parse_start_rate(in.start_rate);
  }
  read_data_options(in.data_file, in.data_order, in.seed, run);
  if (run.data_order == request::RowOrder::once) {
    // Each row once: the run's n is the rows, and more is refused (before the -c check below).
    const std::uint64_t rows = run.data->rows();
    if (requests_given) {
      if (auto problem = request::once_requests_problem(run.requests, rows, run.data_file)) {
        throw UsageError(*problem);
      }
    } else {
      run.requests = rows;
    }
  }
}

// -c (at most -n), --threads, --timeout, --sink-timeout.
void RunOptions::read_concurrency(const Inputs& in, RunCommand& run) {
  const bool concurrency_given = !in.concurrency.empty();
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
}

// What each request is: -m, -d (JSON unless templated), -H.
void RunOptions::read_request(const Inputs& in, RunCommand& run) {
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
    // A templated body is checked once filled with the first row (app::plan_run).
    if (!request::has_fields(run.body)) validate_json(run.body);
  }
  for (const auto& header : in.headers) run.headers.push_back(parse_header(header));
}

// What decides the exit code: --fail-on, --check, --tolerance, --baseline and its options.
void RunOptions::read_verdicts(const Inputs& in, RunCommand& run) {
  run.thresholds = parse_fail_on(in.fail_on);
  read_checks(in.checks, in.body_cap, run);
  // A threshold on checks needs them: `checks` any --check, `check.N` the N-th.
  const std::size_t check_count = run.checks ? run.checks->size() : 0;
  for (const stats::Threshold& t : run.thresholds) {
    if (t.figure != "checks" && !t.figure.starts_with("check.")) continue;
    const std::size_t wanted = t.figure == "checks" ? 1 : std::stoul(t.figure.substr(6));
    if (wanted > check_count) {
      throw UsageError(fmt::format(
          "--fail-on {} counts --check results, and the run has {} --check: add the check it "
          "names (check.N is the N-th --check, from 1)",
          t.expression, check_count));
    }
  }
  if (!in.tolerance.empty()) run.tolerance = parse_tolerance(in.tolerance);
  if (!in.baseline.empty()) run.baseline = in.baseline;
  if (run.baseline_required && !run.baseline) {
    throw UsageError(
        "--baseline-required needs a baseline: add --baseline last (or --baseline RUN)");
  }
  if (run.fail_on_regression && !run.baseline) {
    throw UsageError(
        "--fail-on-regression needs a run to compare with: add --baseline last (or --baseline "
        "RUN)");
  }
}

// A run in parts or at a time: --shard (n and c shared), --run-id, --start-at.
void RunOptions::read_sharing(const Inputs& in, RunCommand& run) {
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
}

// How connections are made, and options that contradict each other there: --no-store with
// --baseline, --insecure with --cacert, --streams (HTTP/2), --pipeline (HTTP/1.1), --cert/--key.
void RunOptions::read_connection(const Inputs& in, RunCommand& run) {
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
          "--streams needs --http2: HTTP/1.1 carries one request at a time per connection "
          "(or several with --pipeline N)");
    }
    run.streams = static_cast<unsigned>(
        parse_positive(in.streams, "--streams", "requests in flight per HTTP/2 connection", 1'000));
  }
  if (!in.pipeline.empty()) {
    if (run.http2) {
      throw UsageError(
          "--pipeline is HTTP/1.1's: over HTTP/2 a connection carries several requests with "
          "--streams N");
    }
    run.pipeline = static_cast<unsigned>(parse_positive(
        in.pipeline, "--pipeline", "requests written together per connection", 1'024));
  }
  if (run.cert.empty() != run.key.empty()) {
    throw UsageError(
        "--cert and --key go together: give the client certificate and its private key (PEM "
        "files)");
  }
}

RunCommand RunOptions::finish() const {
  RunCommand run = run_;
  read_targets(in_, run);
  read_length(in_, run);
  read_concurrency(in_, run);
  read_request(in_, run);
  read_verdicts(in_, run);
  read_sharing(in_, run);
  read_connection(in_, run);
  check_script(in_.script, script_args_, run);
  run.watch = read_watch_options(watch_);
  return run;
}

}  // namespace ccload::cli
