#include "app/run_plan.hpp"

#include <algorithm>

#include "core/text.hpp"

namespace ccload::app {

RunPlan plan_run(const cli::RunCommand& command, const config::Settings& settings) {
  RunPlan plan;
  engine::EngineConfig& e = plan.engine;
  try {
    e.target = net::parse_target(command.url);
  } catch (const net::UrlError& error) {
    throw cli::UsageError(error.what());
  }
  e.method = command.method;
  e.body = command.body;
  if (!e.body.empty()) e.content_type = "application/json";
  e.headers = command.headers;
  const bool has_authorization =
      std::any_of(e.headers.begin(), e.headers.end(),
                  [](const auto& header) { return iequals(header.first, "Authorization"); });
  if (!settings.username.empty() && !settings.password.empty() && !has_authorization) {
    e.headers.emplace_back("Authorization",
                           "Basic " + base64(settings.username + ":" + settings.password));
  }
  e.requests = command.requests > 0 ? command.requests : UINT64_MAX;  // 0: -z ends the run
  e.duration_s = command.duration_s.value_or(0);
  e.rate = command.rate.value_or(0);
  e.stages = command.stages;
  e.start_rate = command.start_rate.value_or(0);
  e.concurrency = command.concurrency;
  e.threads = command.threads;
  e.timeout_s = command.timeout_s.value_or(settings.timeout_s);
  e.tls.verify = !command.insecure;
  e.tls.ca_file = command.cacert;
  e.keep_records = command.details ? UINT64_MAX : 20;

  stats::RunFacts& f = plan.facts;
  f.url = command.url;
  f.method = command.method;
  if (command.requests > 0) f.requested = command.requests;
  f.concurrency = command.concurrency;
  f.duration_limit_s = command.duration_s;
  f.rate = command.rate;
  f.stages = command.stages;
  f.start_rate = command.start_rate;

  if (!command.no_store) plan.database = command.database.value_or(settings.database_path);
  if (!settings.logtail_token.empty() || !settings.loki_url.empty()) {
    sinks::ShipperConfig ship;
    ship.logtail_url = settings.logtail_url;
    ship.logtail_token = settings.logtail_token;
    ship.loki_url = settings.loki_url;
    ship.flush_timeout_s = command.sink_timeout_s.value_or(10.0);
    ship.target_url = command.url;
    ship.method = command.method;
    plan.shipping = std::move(ship);
  }
  plan.outputs = {command.json_path, command.html_path, command.csv_path};
  plan.thresholds = command.thresholds;
  plan.baseline = command.baseline;
  plan.fail_on_regression = command.fail_on_regression;
  plan.tolerance = command.tolerance;
  plan.all_details = command.details;
  plan.progress = command.progress;
  return plan;
}

}  // namespace ccload::app
