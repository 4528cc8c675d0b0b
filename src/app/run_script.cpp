// -s FILE: the script loaded from the plan, and its done() fed with the run's figures.

#include "app/run_script.hpp"

#include "request/run_templates.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

#include "cli/command.hpp"
#include "engine/engine.hpp"
#include "net/url.hpp"

namespace ccload::app {

namespace {

// The distribution of a histogram of nanoseconds, in microseconds (wrk's latency unit).
script::DoneFigures::Distribution microseconds(const stats::Histogram& h) {
  script::DoneFigures::Distribution d;
  if (h.count() == 0) {
    d.percentile = [](double) { return 0.0; };
    return d;
  }
  d.min = static_cast<double>(h.min()) / 1e3;
  d.max = static_cast<double>(h.max()) / 1e3;
  d.mean = h.mean() / 1e3;
  double squares = 0;
  h.for_each_bucket([&](std::int64_t value_ns, std::uint64_t count) {
    const double off = static_cast<double>(value_ns) / 1e3 - d.mean;
    squares += off * off * static_cast<double>(count);
  });
  d.stdev = h.count() > 1 ? std::sqrt(squares / static_cast<double>(h.count() - 1)) : 0;
  d.percentile = [&h](double p) {
    return static_cast<double>(h.value_at_quantile(std::clamp(p, 0.0, 100.0) / 100.0)) / 1e3;
  };
  return d;
}

// Requests completed in each whole second of the run, as a distribution (wrk's requests).
script::DoneFigures::Distribution per_second(const std::vector<stats::SecondStats>& timeline) {
  auto counts = std::make_shared<std::vector<double>>();
  for (const auto& second : timeline) counts->push_back(static_cast<double>(second.requests));
  std::sort(counts->begin(), counts->end());
  script::DoneFigures::Distribution d;
  d.percentile = [counts](double p) {
    if (counts->empty()) return 0.0;
    const double rank = std::ceil(std::clamp(p, 0.0, 100.0) / 100.0 * counts->size());
    return (*counts)[static_cast<std::size_t>(std::max(rank, 1.0)) - 1];
  };
  if (counts->empty()) return d;
  d.min = counts->front();
  d.max = counts->back();
  double sum = 0;
  for (double c : *counts) sum += c;
  d.mean = sum / static_cast<double>(counts->size());
  double squares = 0;
  for (double c : *counts) squares += (c - d.mean) * (c - d.mean);
  d.stdev = counts->size() > 1 ? std::sqrt(squares / static_cast<double>(counts->size() - 1)) : 0;
  return d;
}

}  // namespace

std::unique_ptr<script::LuaRunScript> load_run_script(RunPlan& plan) {
  if (plan.script_path.empty()) return nullptr;
  const TargetSpec& target = plan.engine.targets.front();
  const net::Target url = net::parse_target(target.url);  // checked when planned
  script::ScriptSource source;
  source.path = plan.script_path;
  source.args = plan.script_args;
  source.scheme = url.tls ? "https" : "http";
  source.host = url.host;
  // The port as the URL gave it (the Host field then carries it), else none, as in wrk.
  const std::string port = std::to_string(url.port);
  if (url.host_header.ends_with(fmt::format(":{}", port))) source.port = port;
  source.method = target.method;
  source.request_path = url.request_target;
  source.headers = target.headers;
  if (!target.body.empty() && !target.content_type.empty()) {
    source.headers.emplace_back("Content-Type", target.content_type);
  }
  source.body = target.body;
  source.threads = engine::worker_count(plan.engine);
  if (plan.engine.templates) source.data = plan.engine.templates->data;
  std::string error;
  auto script = script::LuaRunScript::load(source, error);
  if (!script) throw cli::UsageError(fmt::format("-s {}: {}", plan.script_path, error));
  if (script->wants_responses()) {  // response(status, headers, body): capture them
    plan.engine.needs.headers = true;
    plan.engine.needs.body = true;
  }
  const unsigned per_call = script->requests_per_call();
  if (per_call > 1 && !plan.engine.http2 && plan.engine.pipeline < per_call) {
    plan.engine.pipeline = plan.facts.pipeline = per_call;
  }
  return script;
}

script::DoneFigures done_figures(const stats::RunSummary& s) {
  script::DoneFigures f;
  f.duration_us = static_cast<std::uint64_t>(std::llround(s.facts.duration_s * 1e6));
  f.requests = s.requests;
  f.bytes = s.bytes;
  const auto errors = [&](std::initializer_list<ErrorCategory> categories) {
    std::uint64_t sum = 0;
    for (ErrorCategory c : categories) sum += s.errors[static_cast<std::size_t>(c)];
    return sum;
  };
  f.connect_errors = errors(
      {ErrorCategory::resolve, ErrorCategory::connect, ErrorCategory::tls, ErrorCategory::client});
  f.read_errors = errors({ErrorCategory::read, ErrorCategory::protocol, ErrorCategory::redirect,
                          ErrorCategory::script});
  f.write_errors = errors({ErrorCategory::write});
  f.timeout_errors = errors({ErrorCategory::timeout});
  f.status_errors = errors({ErrorCategory::check});
  for (const auto& [status, count] : s.status_codes) {
    if (status >= 400) f.status_errors += count;
  }
  f.latency = microseconds(s.total.histogram);
  f.requests_per_second = per_second(s.timeline);
  return f;
}

std::optional<std::string> finish_run_script(script::LuaRunScript& script,
                                             const stats::RunSummary& summary) {
  if (!script.has_done()) return std::nullopt;
  std::string error;
  if (script.done(done_figures(summary), error)) return std::nullopt;
  return error;
}

}  // namespace ccload::app
