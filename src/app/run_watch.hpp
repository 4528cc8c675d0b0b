#pragma once
// A run's live outputs: the progress line, /metrics for Prometheus (--metrics-listen) and
// InfluxDB (--influx), all fed from the engine's per-second snapshots (RunHooks::on_second).
// Set up and checked before anything is sent; each output runs on its own thread, so none of
// them can slow the load.

#include <atomic>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "app/live_terminal.hpp"
#include "app/run_plan.hpp"
#include "metrics/influx_writer.hpp"
#include "metrics/metrics_server.hpp"
#include "metrics/remote_writer.hpp"
#include "report/progress.hpp"
#include "stats/snapshot.hpp"

namespace ccload::app {

class RunWatch {
 public:
  // Throws cli::UsageError (one line) when an output cannot be set up: an address that cannot be
  // bound, an InfluxDB that cannot be reached. `status`: the progress line's, null for none;
  // `live`: the live view instead of it (app/live_terminal.hpp).
  RunWatch(const RunPlan& plan, report::StatusLine* status, bool live);
  // The stored run's id: the series' run label when the run has no --run-id. Before the run.
  void set_run_id(std::int64_t run_id);

  // On the engine's thread, once a second; never blocks on I/O.
  void on_second(std::shared_ptr<const stats::Snapshot> snapshot);
  // After the run: the live view closed (the terminal is the report's again), InfluxDB's last
  // writes; the lines for the report's notes.
  std::vector<std::string> finish();
  // After the report: /metrics stays up for its linger (cli::WatchOptions), or until `stop`.
  void linger(const std::atomic<bool>& stop, std::ostream& human);

 private:
  const RunPlan& plan_;
  report::StatusLine* status_;  // null: no progress line
  double planned_s_ = 0;
  std::unique_ptr<LiveTerminal> live_;
  std::unique_ptr<metrics::MetricsServer> server_;
  std::vector<std::unique_ptr<metrics::PushedOutput>> pushed_;  // InfluxDB, remote write
  std::uint64_t scrapes_at_end_ = 0;
};

}  // namespace ccload::app
