#include "app/run_plan.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/text.hpp"

namespace ccload::app {

namespace {

// Shard i of N: an exact share of n and c (the shares sum to them), R/N of the rate, slot k of
// the shard due at (k N + i) / R, so that the shards together keep one even schedule.
void apply_shard(const cli::RunCommand& command, RunPlan& plan) {
  const unsigned i = command.shard_index, count = command.shard_count;
  plan.facts.run_name = command.run_name;
  plan.facts.shard = i;
  plan.facts.shards = count;
  plan.facts.start_at_ns = command.start_at_ns;
  plan.start_at_ns = command.start_at_ns;
  if (count <= 1) return;
  auto share = [&](std::uint64_t total) { return total / count + (i < total % count ? 1 : 0); };
  if (command.requests > 0) {
    plan.engine.requests = share(command.requests);
    plan.facts.requested = plan.engine.requests;
  }
  plan.engine.concurrency = static_cast<unsigned>(share(command.concurrency));
  plan.facts.concurrency = plan.engine.concurrency;
  if (!command.stages.empty()) {  // every N-th slot of the one ramp, from slot i
    plan.engine.shard_index = i;
    plan.engine.shard_count = count;
  }
  if (command.rate) {
    plan.engine.rate = *command.rate / count;
    plan.facts.rate = plan.engine.rate;
    plan.shard_delay_s = static_cast<double>(i) / *command.rate;
    if (command.duration_s) plan.engine.duration_s = *command.duration_s - plan.shard_delay_s;
  }
}

// The targets the command names: its URLs, each sent the command's method, body and headers; or
// the targets file's, each with the command's -H headers added.
std::vector<TargetSpec> command_targets(const cli::RunCommand& command) {
  std::vector<TargetSpec> targets;
  if (!command.file_targets.empty()) {
    targets = command.file_targets;
    for (TargetSpec& target : targets) {
      target.headers.insert(target.headers.end(), command.headers.begin(), command.headers.end());
    }
    return targets;
  }
  for (const std::string& url : command.urls) {
    TargetSpec target;
    target.method = command.method;
    target.url = url;
    target.headers = command.headers;
    target.body = command.body;
    if (!target.body.empty()) target.content_type = "application/json";
    targets.push_back(std::move(target));
  }
  if (targets.empty()) throw cli::UsageError("no target: give a URL, or -f FILE");
  return targets;
}

}  // namespace

RunPlan plan_run(const cli::RunCommand& command, const config::Settings& settings) {
  RunPlan plan;
  engine::EngineConfig& e = plan.engine;
  e.targets = command_targets(command);
  for (TargetSpec& target : e.targets) {
    try {
      (void)net::parse_target(target.url);
    } catch (const net::UrlError& error) {
      throw cli::UsageError(error.what());
    }
    const bool has_authorization =
        std::any_of(target.headers.begin(), target.headers.end(),
                    [](const auto& header) { return iequals(header.first, "Authorization"); });
    if (!settings.username.empty() && !settings.password.empty() && !has_authorization) {
      target.headers.emplace_back("Authorization",
                                  "Basic " + base64(settings.username + ":" + settings.password));
    }
  }
  const std::size_t origins = engine::targets_by_origin(e.targets).size();
  if (command.concurrency < origins) {
    throw cli::UsageError(fmt::format(
        "-c {} is fewer than the {} origins (scheme, host and port) of the targets: give -c {} "
        "or more, since each origin needs a connection of its own",
        command.concurrency, origins, origins));
  }
  e.max_redirects = command.max_redirects;
  if (command.requests > 0) e.requests = command.requests;  // 0: -z or --stages end the run
  e.duration_s = command.duration_s;
  e.rate = command.rate;
  e.stages = command.stages;
  e.start_rate = command.start_rate;
  e.concurrency = command.concurrency;
  e.threads = command.threads;
  e.timeout_s = command.timeout_s.value_or(settings.timeout_s);
  e.tls.verify = !command.insecure;
  e.tls.ca_file = command.cacert;
  e.tls.cert_file = command.cert;
  e.tls.key_file = command.key;
  e.http2 = command.http2;
  e.streams = command.streams;
  e.keep_records = command.details ? UINT64_MAX : 20;

  stats::RunFacts& f = plan.facts;
  f.url = e.targets.front().url;
  f.method = e.targets.front().method;
  f.targets = target_names(e.targets);
  f.max_redirects = command.max_redirects;
  if (command.requests > 0) f.requested = command.requests;
  f.concurrency = command.concurrency;
  f.duration_limit_s = command.duration_s;
  f.rate = command.rate;
  f.protocol = command.http2 ? "HTTP/2" : "HTTP/1.1";
  f.streams = command.http2 ? command.streams : 1;
  f.stages = command.stages;
  f.start_rate = command.start_rate;

  if (!command.no_store) plan.database = command.database.value_or(settings.database_path);
  if (!settings.logtail_token.empty() || !settings.loki_url.empty()) {
    sinks::ShipperConfig ship;
    ship.logtail_url = settings.logtail_url;
    ship.logtail_token = settings.logtail_token;
    ship.loki_url = settings.loki_url;
    ship.flush_timeout_s = command.sink_timeout_s.value_or(10.0);
    ship.targets = f.targets;
    plan.shipping = std::move(ship);
  }
  plan.outputs = {command.json_path, command.html_path, command.csv_path};
  plan.thresholds = command.thresholds;
  plan.baseline = command.baseline;
  plan.baseline_required = command.baseline_required;
  plan.fail_on_regression = command.fail_on_regression;
  plan.tolerance = command.tolerance;
  plan.all_details = command.details;
  plan.progress = command.progress;
  apply_shard(command, plan);
  return plan;
}

}  // namespace ccload::app
