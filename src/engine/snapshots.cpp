#include "engine/snapshots.hpp"

#include <algorithm>

#include "engine/worker.hpp"

namespace ccload::engine {

Snapshots::Snapshots(const SharedRun& run, std::size_t targets)
    : run_(run), target_so_far_(targets), target_timelines_(targets) {
  // The flags the workers' statistics have (Worker::run_thread).
  const auto set = [&run](stats::RunStats& s) {
    s.record_waits = run.paced() || run.config.http2;
    s.latency_includes_failures = run.config.latency_includes_failures;
  };
  set(so_far_);
  for (auto& target : target_so_far_) set(target);
}

void Snapshots::take(const std::vector<std::unique_ptr<Worker>>& workers) {
  for (const auto& worker : workers) {
    worker->seconds().drain(
        [this](const stats::RunSecond& second) { pending(second.second).merge(second); });
  }
}

stats::RunSecond& Snapshots::pending(std::uint64_t second) {
  const auto found = pending_.find(second);
  if (found != pending_.end()) return found->second;
  if (spare_.empty()) return pending_[second];
  auto node = std::move(spare_.back());
  spare_.pop_back();
  node.key() = second;
  node.mapped().clear();
  return pending_.insert(std::move(node)).position->second;
}

void Snapshots::release(std::map<std::uint64_t, stats::RunSecond>::iterator second) {
  spare_.push_back(pending_.extract(second));
}

void Snapshots::collect(const std::vector<std::unique_ptr<Worker>>& workers) {
  std::uint64_t complete = SecondHandoff::kFinished;
  for (const auto& worker : workers) complete = std::min(complete, worker->seconds().watermark());
  take(workers);
  if (complete == SecondHandoff::kFinished) return;  // finish() sends the rest
  for (; next_ < complete; ++next_) {
    const auto found = pending_.find(next_);
    if (found == pending_.end()) {
      emit(next_, empty_, false, static_cast<double>(next_ + 1));
    } else {
      emit(next_, found->second, false, static_cast<double>(next_ + 1));
      release(found);
    }
  }
}

void Snapshots::finish(const std::vector<std::unique_ptr<Worker>>& workers, double duration_s) {
  take(workers);
  const std::uint64_t end = pending_.empty() ? next_ : pending_.rbegin()->first;
  for (; next_ <= end; ++next_) {
    const bool last = next_ == end;
    const double elapsed_s = last ? duration_s : static_cast<double>(next_ + 1);
    const auto found = pending_.find(next_);
    emit(next_, found == pending_.end() ? empty_ : found->second, last, elapsed_s);
  }
  pending_.clear();
}

void Snapshots::emit(std::uint64_t second, const stats::RunSecond& figures, bool last,
                     double elapsed_s) {
  so_far_.merge(figures.all.stats);
  if (figures.all.line.requests > 0) timeline_.add(second, figures.all.line);
  for (std::size_t t = 0; t < figures.targets.size() && t < target_so_far_.size(); ++t) {
    target_so_far_[t].merge(figures.targets[t].stats);
    if (figures.targets[t].line.requests > 0) {
      target_timelines_[t].add(second, figures.targets[t].line);
    }
  }
  if (!run_.hooks.on_second) return;
  auto snapshot = std::make_shared<stats::Snapshot>();
  snapshot->second = second;
  snapshot->elapsed_s = elapsed_s;
  snapshot->last = last;
  snapshot->unix_ns = run_.unix_epoch_offset_ns + nanoseconds(run_.started.time_since_epoch()) +
                      static_cast<std::int64_t>(elapsed_s * 1e9);
  snapshot->in_flight = last ? 0 : figures.in_flight;
  snapshot->loop_lag_max_s = static_cast<double>(figures.loop_lag_max_ns) / 1e9;
  if (run_.paced()) snapshot->target_rate = run_.schedule.rate_at(static_cast<double>(second));
  snapshot->run = stats::snapshot_part(figures.all, so_far_);
  static const stats::IntervalStats kNone{};
  for (std::size_t t = 0; t < target_so_far_.size(); ++t) {
    snapshot->targets.push_back(stats::snapshot_part(
        t < figures.targets.size() ? figures.targets[t] : kNone, target_so_far_[t]));
  }
  run_.hooks.on_second(std::move(snapshot));
}

}  // namespace ccload::engine
