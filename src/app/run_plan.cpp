#include "app/run_plan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "cli/values.hpp"
#include "core/text.hpp"
#include "request/run_templates.hpp"

namespace ccload::app {

namespace {

// Shard i of N: an exact share of n and c (the shares sum to them), R/N of the rate, slot k of
// the shard due at (k N + i) / R, so that the shards together keep one even schedule.
void apply_shard(const cli::RunCommand& command, RunPlan& plan) {
  const unsigned i = command.shard_index, count = command.shard_count;
  core::RunPlan& e = plan.engine;
  e.shard_index = i;
  e.shard_count = count;
  plan.start_at_ns = command.start_at_ns;
  if (count <= 1) return;
  auto share = [&](std::uint64_t total) { return total / count + (i < total % count ? 1 : 0); };
  if (command.requests > 0) e.requests = share(command.requests);
  e.concurrency = static_cast<unsigned>(share(command.concurrency));
  if (command.rate) {
    e.rate = *command.rate / count;
    plan.shard_delay_s = static_cast<double>(i) / *command.rate;
    if (command.duration_s) e.duration_s = *command.duration_s - plan.shard_delay_s;
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

bool any_fields(const std::vector<TargetSpec>& targets) {
  return std::any_of(targets.begin(), targets.end(), [](const TargetSpec& target) {
    return request::has_fields(target.url) || request::has_fields(target.body) ||
           std::any_of(target.headers.begin(), target.headers.end(),
                       [](const auto& header) { return request::has_fields(header.second); });
  });
}

// The templated parts as given (RunFacts::templates): only parts with fields.
std::string templates_json(const std::vector<TargetSpec>& targets) {
  nlohmann::json all = nlohmann::json::array();
  for (const TargetSpec& target : targets) {
    nlohmann::json one = nlohmann::json::object();
    if (request::has_fields(target.url)) one["url"] = target.url;
    for (const auto& [name, value] : target.headers) {
      if (request::has_fields(value)) one["headers"][name] = value;
    }
    if (request::has_fields(target.body)) one["body"] = target.body;
    all.push_back(std::move(one));
  }
  return all.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// The templates compiled (a bad field, a missing column, a URL invalid once filled are
// UsageError), with the -d body checked as JSON once filled with the first row.
void compile_templates(const cli::RunCommand& command, const request::EnvLookup& env,
                       core::RunPlan& e) {
  try {
    e.templates = request::compile_templates(e.targets, command.data, command.data_file,
                                             command.data_order, env, command.seed);
  } catch (const request::TemplateError& error) {
    throw cli::UsageError(error.what());
  } catch (const net::UrlError& error) {
    throw cli::UsageError(error.what());
  }
  if (!command.body.empty() && request::has_fields(command.body)) {
    try {
      cli::validate_json(e.templates->targets.front().first_body);
    } catch (const cli::UsageError& error) {
      throw cli::UsageError(fmt::format(
          "{} (this is -d filled with the first row: put the fields of text values inside "
          "quotes, as in \"{{{{col name}}}}\")",
          error.what()));
    }
  }
}

// What every report states about the plan (started, duration and counts are filled later).
stats::RunFacts planned_facts(const cli::RunCommand& command, const RunPlan& plan) {
  const core::RunPlan& e = plan.engine;
  stats::RunFacts f;
  f.url = e.targets.front().url;
  f.method = e.targets.front().method;
  f.targets = target_names(e.targets);
  f.max_redirects = e.max_redirects;
  f.requested = e.requests;
  f.concurrency = e.concurrency;
  f.duration_limit_s = command.duration_s;  // as asked (a shard's engine limit is offset)
  f.rate = e.rate;
  f.protocol = e.http2 ? "HTTP/2" : "HTTP/1.1";
  f.streams = e.http2 ? e.streams : 1;
  f.pipeline = e.pipeline;
  f.latency_includes_failures = e.latency_includes_failures;
  f.stages = e.stages;
  f.start_rate = e.start_rate;
  f.run_name = command.run_name;
  f.shard = e.shard_index;
  f.shards = e.shard_count;
  f.start_at_ns = command.start_at_ns;
  if (e.templates) {
    f.seed = e.seed;
    f.data_file = command.data_file;
    f.data_bytes = command.data_bytes;
    f.data_sha256 = command.data_sha256;
    if (command.data) f.data_order = request::row_order_name(command.data_order);
    if (any_fields(e.targets)) f.templates = templates_json(e.targets);
  }
  if (command.checks) {
    for (const check::Check& c : *command.checks) f.checks.push_back(c.expr);
    f.body_cap = command.body_cap;
  }
  f.script = command.script_path;
  f.script_sha256 = command.script_sha256;
  f.script_args = command.script_args;
  return f;
}

}  // namespace

RunPlan plan_run(const cli::RunCommand& command, const config::Settings& settings,
                 const request::EnvLookup& env) {
  RunPlan plan;
  core::RunPlan& e = plan.engine;
  e.targets = command_targets(command);
  for (TargetSpec& target : e.targets) {
    if (!request::has_fields(target.url)) {  // a template is checked filled, below
      try {
        (void)net::parse_target(target.url);
      } catch (const net::UrlError& error) {
        throw cli::UsageError(error.what());
      }
    }
    const bool has_authorization =
        std::any_of(target.headers.begin(), target.headers.end(),
                    [](const auto& header) { return iequals(header.first, "Authorization"); });
    if (!settings.username.empty() && !settings.password.empty() && !has_authorization) {
      target.headers.emplace_back("Authorization",
                                  "Basic " + base64(settings.username + ":" + settings.password));
    }
  }
  if (command.data || any_fields(e.targets)) compile_templates(command, env, e);
  e.seed = command.seed;
  const std::size_t origins = engine::targets_by_origin(e.targets).size();
  if (command.concurrency < origins) {
    throw cli::UsageError(fmt::format(
        "-c {} is fewer than the {} origins (scheme, host and port) of the targets: give -c {} "
        "or more, since each origin needs a connection of its own",
        command.concurrency, origins, origins));
  }
  e.max_redirects = command.max_redirects;
  e.needs.body_cap = command.body_cap;
  if (command.checks) {
    e.checks = command.checks;
    e.needs = check::needs_of(*command.checks, e.needs);
  }
  if (command.requests > 0) e.requests = command.requests;  // 0: -z or --stages end the run
  e.duration_s = command.duration_s;
  e.rate = command.rate;
  e.stages = command.stages;
  e.start_rate = command.start_rate;
  e.concurrency = command.concurrency;
  e.threads = command.threads;
  e.timeout_s = command.timeout_s.value_or(settings.timeout_s);
  e.latency_includes_failures = command.latency_includes_failures;
  e.tls.verify = !command.insecure;
  e.tls.ca_file = command.cacert;
  e.tls.cert_file = command.cert;
  e.tls.key_file = command.key;
  e.http2 = command.http2;
  e.streams = command.streams;
  e.pipeline = command.pipeline;
  e.keep_records = command.details ? UINT64_MAX : 20;
  apply_shard(command, plan);
  plan.facts = planned_facts(command, plan);

  if (!command.no_store) plan.database = command.database.value_or(settings.database_path);
  if (!settings.logtail_token.empty() || !settings.loki_url.empty()) {
    sinks::ShipperConfig ship;
    ship.logtail_url = settings.logtail_url;
    ship.logtail_token = settings.logtail_token;
    ship.loki_url = settings.loki_url;
    ship.flush_timeout_s = command.sink_timeout_s.value_or(10.0);
    ship.targets = plan.facts.targets;
    ship.checks = plan.facts.checks;
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
  plan.watch = command.watch;
  plan.seed_form = command.seed_form;
  if (plan.watch.influx_url.empty()) plan.watch.influx_url = settings.influx_url;
  plan.script_path = command.script_path;
  plan.script_args = command.script_args;
  return plan;
}

}  // namespace ccload::app
