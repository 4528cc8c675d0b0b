#include "app/run_watch.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "cli/command.hpp"

namespace ccload::app {

namespace {

metrics::RunLabels labels_of(const RunPlan& plan) {
  metrics::RunLabels labels;
  labels.run = plan.facts.run_name;
  labels.shard = fmt::format("{}/{}", plan.engine.shard_index + 1, plan.engine.shard_count);
  for (const TargetSpec& target : plan.engine.targets) labels.targets.push_back(target.url);
  return labels;
}

}  // namespace

RunWatch::RunWatch(const RunPlan& plan, report::StatusLine* status, bool live)
    : plan_(plan), status_(live ? nullptr : status) {
  // How long the run is planned to last: -z, or the sum of the stages.
  planned_s_ = plan.facts.duration_limit_s.value_or(0);
  for (const Stage& stage : plan.facts.stages) planned_s_ += stage.duration_s;
  const cli::WatchOptions& watch = plan.watch;
  if (!watch.metrics_host.empty()) {
    try {
      server_ = std::make_unique<metrics::MetricsServer>(watch.metrics_host, watch.metrics_port,
                                                         labels_of(plan));
    } catch (const std::exception& error) {
      throw cli::UsageError(error.what());
    }
  }
  try {
    if (!watch.influx_url.empty()) {
      pushed_.push_back(std::make_unique<metrics::InfluxWriter>(
          metrics::parse_influx_url(watch.influx_url), labels_of(plan), plan.engine.tls));
    }
    if (!watch.remote_write_url.empty()) {
      pushed_.push_back(std::make_unique<metrics::RemoteWriter>(watch.remote_write_url,
                                                                labels_of(plan), plan.engine.tls));
    }
  } catch (const std::exception& error) {
    throw cli::UsageError(error.what());
  }
  for (const auto& output : pushed_) {
    if (auto problem = output->prepare()) throw cli::UsageError(*problem);
  }
  if (live) {
    report::LiveRun view;
    view.title = fmt::format("{} {}  c={}  {}", plan.facts.method,
                             plan.engine.targets.size() == 1
                                 ? plan.engine.targets[0].url
                                 : fmt::format("{} targets", plan.engine.targets.size()),
                             plan.engine.concurrency, plan.engine.http2 ? "HTTP/2" : "HTTP/1.1");
    view.requested = plan.facts.requested;
    view.planned_s = planned_s_;
    live_ = std::make_unique<LiveTerminal>(std::move(view), report::terminal_charset(std::getenv));
  }
}

void RunWatch::set_run_id(std::int64_t run_id) {
  if (!plan_.facts.run_name.empty() || run_id == 0) return;
  if (server_) server_->set_run(std::to_string(run_id));
  for (const auto& output : pushed_) output->set_run(std::to_string(run_id));
}

void RunWatch::on_second(std::shared_ptr<const stats::Snapshot> snapshot) {
  if (status_ != nullptr && !snapshot->last) {
    status_->show(report::progress_line(snapshot->elapsed_s, snapshot->run.requests,
                                        snapshot->run.failed, plan_.facts.requested, planned_s_));
  }
  if (live_) live_->on_second(snapshot);
  for (const auto& output : pushed_) output->push(snapshot);
  if (server_) {
    server_->publish(snapshot);
    if (snapshot->last) scrapes_at_end_ = server_->scrapes();
  }
}

std::vector<std::string> RunWatch::finish() {
  if (live_) live_->close();
  std::vector<std::string> lines;
  for (const auto& output : pushed_) {
    for (auto& line : output->finish()) lines.push_back(std::move(line));
  }
  return lines;
}

void RunWatch::linger(const std::atomic<bool>& stop, std::ostream& human) {
  if (!server_) return;
  const std::optional<double>& given = plan_.watch.metrics_linger_s;
  // Not given: only a run that was scraped waits, for one more scrape (the final figures).
  const bool scraped = server_->scrapes() > 0;
  if (!given && !scraped) return;
  const double linger_s = given.value_or(cli::WatchOptions::kDefaultLinger);
  if (linger_s <= 0) return;
  human << fmt::format("Serving the final metrics at http://{}:{}/metrics {} (Ctrl-C ends it).\n",
                       plan_.watch.metrics_host.find(':') != std::string::npos
                           ? "[" + plan_.watch.metrics_host + "]"
                           : plan_.watch.metrics_host,
                       server_->port(),
                       given ? fmt::format("for {:g} s", linger_s)
                             : fmt::format("until scraped once more, at most {:g} s", linger_s))
        << std::flush;
  const auto until = std::chrono::steady_clock::now() +
                     std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                         std::chrono::duration<double>(linger_s));
  while (!stop.load() && std::chrono::steady_clock::now() < until) {
    if (!given && server_->scrapes() > scrapes_at_end_) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  server_->stop();
}

}  // namespace ccload::app
