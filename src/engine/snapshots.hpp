#pragma once
// The run's seconds, put together once, on the engine's thread: each second that every worker
// has handed over (engine/second_handoff.hpp) is merged, added to the run's timeline and to the
// run so far, and sent to RunHooks::on_second as a stats::Snapshot. The live view, the metrics
// outputs and the stored timeline all come from here.

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "stats/interval.hpp"
#include "stats/run_stats.hpp"
#include "stats/snapshot.hpp"
#include "stats/timeline.hpp"

namespace ccload::engine {

struct SharedRun;
class Worker;

class Snapshots {
 public:
  // `targets`: the size of the per-target breakdown (0 for none).
  Snapshots(const SharedRun& run, std::size_t targets);

  // Takes what the workers handed over and sends on every second they are all past.
  void collect(const std::vector<std::unique_ptr<Worker>>& workers);
  // After the workers ended: sends what is left, the last snapshot with `last` set and the
  // run's duration as its elapsed time.
  void finish(const std::vector<std::unique_ptr<Worker>>& workers, double duration_s);

  const stats::Timeline& timeline() const { return timeline_; }
  const std::vector<stats::Timeline>& target_timelines() const { return target_timelines_; }

 private:
  void take(const std::vector<std::unique_ptr<Worker>>& workers);
  void emit(std::uint64_t second, const stats::RunSecond& figures, bool last, double elapsed_s);
  // The pending entry of `second`, made from a spare one when there is one: the histograms of a
  // RunSecond are allocated once, not every second.
  stats::RunSecond& pending(std::uint64_t second);
  void release(std::map<std::uint64_t, stats::RunSecond>::iterator second);

  const SharedRun& run_;
  std::map<std::uint64_t, stats::RunSecond> pending_;  // merged so far, not yet sent on
  std::vector<std::map<std::uint64_t, stats::RunSecond>::node_type> spare_;  // sent on, reusable
  const stats::RunSecond empty_{};  // a second in which nothing was measured
  std::uint64_t next_ = 0;          // the next second to send on
  stats::RunStats so_far_;
  std::vector<stats::RunStats> target_so_far_;
  stats::Timeline timeline_;
  std::vector<stats::Timeline> target_timelines_;
};

}  // namespace ccload::engine
