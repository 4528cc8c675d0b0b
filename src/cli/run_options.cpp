// `ccload run` (and the seed's form, rewritten to it): its options, declared on the CLI11 app
// (run_options_finish.cpp checks them).

#include "cli/subcommands.hpp"

namespace ccload::cli {

RunOptions::RunOptions(CLI::App& app) {
  app_ = app.add_subcommand(
      "run", "Run a load test against one URL or several (or the targets of -f FILE).");
  app_->add_option("url", in_.url_positional,
                   "The URLs to test (http:// or https://); requests go to them in turn");
  app_->add_option("-u,--url", in_.url_option, "The URL to test (the seed's spelling)");
  app_->add_option("-f,--targets", in_.targets_file,
                   "A targets file in vegeta's format instead of URLs: 'METHOD URL' lines, "
                   "optional 'Name: value' header lines and an '@PATH' body line, targets "
                   "separated by blank lines");
  app_->add_option("--max-redirects", in_.max_redirects,
                   "Redirects followed per request (default 10; 0 = none: a 3xx is the "
                   "response)");
  app_->add_option("-n,--requests", in_.requests,
                   "Number of requests to send in total (default 200)");
  app_->add_option("-z,--duration", in_.duration,
                   "Send requests for this long instead of a number: 30s, 2m, 1.5 (seconds)");
  app_->add_option("--rate", in_.rate,
                   "Requests per second in total, on a fixed schedule (open model): latency "
                   "counts from each request's scheduled time (default: as fast as -c allows)");
  app_->add_option("--stages", in_.stages,
                   "A ramping rate instead of --rate, -n and -z: DURATION:RATE stages, such as "
                   "'30s:100,1m:500,30s:0'; over each stage the rate moves linearly to its "
                   "RATE (requests/s); the run lasts the sum of the stages");
  app_->add_option("--start-rate", in_.start_rate,
                   "Requests per second where --stages begins (default 0)");
  app_->add_option("-c,--concurrency", in_.concurrency,
                   "Concurrent connections, each with one request in flight (default 50)");
  app_->add_option("-m,--method", in_.method, "HTTP method (default GET)");
  app_->add_option("-d,--body", in_.data,
                   "JSON request body, or @FILE to read it from a file (sent with "
                   "Content-Type: application/json); may hold {{fields}} like the URL");
  app_->add_option("--data", in_.data_file,
                   "A data file whose rows fill the {{col NAME}} fields: FILE.csv (a header "
                   "line) or FILE.jsonl (one object a line)");
  app_->add_option("--data-order", in_.data_order,
                   "Which row each request takes: sequential (default), random, or once (each "
                   "row exactly once; the run ends when they are used up)");
  app_->add_option("--seed", in_.seed,
                   "Seed of the random fields ({{uuid}}, {{randint}}, {{randstr}}) and of "
                   "--data-order random, to repeat a run exactly (default: random, printed)");
  // Repeatable options take one value each time they are given, so that `-H 'A: b' URL` keeps
  // URL a URL (CLI11 would otherwise give every following word to the option).
  app_->add_option("-H,--header", in_.headers, "Extra header 'Name: value' (repeatable)")
      ->allow_extra_args(false);
  app_->add_option("--check", in_.checks,
                   "An assertion on every response (repeatable): status==N, status!=N, "
                   "body~REGEX, body!~REGEX, header.NAME~REGEX, json.PATH==VALUE, json.PATH "
                   "exists, size<=N (also <, >, >=, ==); a response failing one is a failure of "
                   "category check")
      ->allow_extra_args(false);
  app_->add_option("--body-cap", in_.body_cap,
                   "Bytes of a response body kept for --check and a script's response() "
                   "(default 1048576); a check reading a longer body fails");
  app_->add_option("--timeout", in_.timeout,
                   "Per-request timeout: 30, 1.5, 200ms, 5s; 0 = none (default: config "
                   "`timeout`, else 30s)");
  app_->add_flag("--insecure", run_.insecure, "Do not verify the server's TLS certificate");
  app_->add_option("--cacert", run_.cacert, "Trust this PEM CA bundle for https");
  app_->add_flag("--http2", run_.http2,
                 "HTTP/2: ALPN h2 over https, prior knowledge (h2c) over http");
  app_->add_option("--streams", in_.streams,
                   "Requests in flight per HTTP/2 connection (default 1; needs --http2)");
  app_->add_option("--pipeline", in_.pipeline,
                   "HTTP/1.1 pipelining: up to N requests written together per connection, "
                   "answered in order (default 1)");
  app_->add_option("--cert", run_.cert,
                   "Client certificate (PEM) to present when the server asks (needs --key)");
  app_->add_option("--key", run_.key, "Private key (PEM) of the --cert certificate");
  app_->add_option("--threads", in_.threads, "Worker threads (default: cores, at most -c)");
  app_->add_flag("--latency-includes-failures", run_.latency_includes_failures,
                 "Time failed requests (timeouts, resets, refused) into the latency percentiles "
                 "too, as k6 and vegeta do (default: only requests that got a response)");
  app_->add_flag(
      "--details", run_.details,
      "Show every request in the report (default: the first 20); keeps them all in memory");
  app_->add_option("--json", run_.json_path, "Write a JSON summary to PATH ('-' = stdout)");
  app_->add_option("--html", run_.html_path,
                   "Write the report as a self-contained HTML page with a latency chart");
  app_->add_option("--csv", run_.csv_path,
                   "Append the run's summary as one CSV row to PATH (the header is written "
                   "when the file is new)");
  app_->add_option("--db", run_.database,
                   "SQLite database for the results (default: DATABASE_URL, else load.db)");
  app_->add_flag("--no-store", run_.no_store, "Do not store the requests in the database");
  app_->add_option("--sink-timeout", in_.sink_timeout,
                   "Deadline for shipping failures at the end of the run (default 10s)");
  app_->add_flag("--progress", run_.progress,
                 "Print a progress line every second on stderr even when it is not a terminal "
                 "(on a terminal it is always shown)");
  app_->add_option("--fail-on", in_.fail_on,
                   "Fail the run (exit 3) unless it meets EXPR: p95<200ms, ttfb.p50<20ms, "
                   "errors<1%, rps>=1000, status.5xx==0 (repeatable; or separated by commas)")
      ->allow_extra_args(false);
  app_->add_option("--baseline", in_.baseline,
                   "Compare this run at its end with a stored run: last (the last run of the "
                   "same targets that passed its --fail-on thresholds), last-any (the last run of "
                   "them) or a run id; with none stored yet, this run sets the first baseline");
  app_->add_flag("--baseline-required", run_.baseline_required,
                 "With --baseline last|last-any: no earlier run is exit 2 (nothing sent)");
  app_->add_flag("--fail-on-regression", run_.fail_on_regression,
                 "With --baseline: a regression against it is exit 3");
  app_->add_option("--tolerance", in_.tolerance,
                   "With --baseline: the relative change that counts (default 10%)");
  app_->add_option("--shard", in_.shard,
                   "Run the i-th of N equal shares of the run (of -n, -c and --rate): i/N, or "
                   "auto/N from JOB_COMPLETION_INDEX (Kubernetes Indexed Jobs)");
  app_->add_option("--run-id", in_.run_name,
                   "Name of a distributed run, shared by its shards: ccload report NAME "
                   "merges them");
  app_->add_option("--start-at", in_.start_at,
                   "Start at this wall-clock time (RFC 3339, or +30s from now), so that agents "
                   "start together");
  app_->add_option("-s,--script", in_.script,
                   "A request script in wrk's Lua API (wrk's own scripts run unchanged); the "
                   "words after -- are its init(args)");
  add_watch_options(*app_, watch_);
  app_->add_flag("--seed-form", run_.seed_form)->group("");
}

}  // namespace ccload::cli
