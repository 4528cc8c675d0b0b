#pragma once
// The one queue-and-flusher of the metrics outputs that push (InfluxDB, Prometheus remote write):
// a bounded queue of snapshots and a thread that formats each and POSTs it. The engine's thread
// only queues (push never blocks); a slow or dead server costs seconds of metrics, counted and
// said in one line at the end, never the load's time.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "metrics/labels.hpp"
#include "net/tls.hpp"
#include "net/url.hpp"
#include "sinks/http_poster.hpp"
#include "stats/snapshot.hpp"

namespace ccload::metrics {

class SnapshotPoster {
 public:
  // The body to POST for `snapshot`; `previous` is the one before it (null for the first).
  using Format = std::function<std::string(
      const stats::Snapshot& snapshot, const stats::Snapshot* previous, const RunLabels& labels)>;

  // `name`: how the lines name the server ("InfluxDB at http://..."), without credentials.
  // Throws std::runtime_error (one line) when the TLS context cannot be made.
  SnapshotPoster(std::string name, const net::Target& target, sinks::HttpPoster::Headers headers,
                 const net::TlsOptions& tls, RunLabels labels, Format format);
  ~SnapshotPoster();  // finish()
  SnapshotPoster(const SnapshotPoster&) = delete;
  SnapshotPoster& operator=(const SnapshotPoster&) = delete;

  void set_run(std::string run);  // the run label, before the first push
  // Queues a second; never blocks (a full queue drops the oldest, counted).
  void push(std::shared_ptr<const stats::Snapshot> snapshot);
  // Sends what is queued (at most 5 s more) and stops. The lines for the report's notes.
  std::vector<std::string> finish();

  static constexpr std::size_t kQueueLimit = 120;  // seconds waiting at most

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// An output that pushes every second through a SnapshotPoster (InfluxDB, remote write): each
// checks its server in prepare(), before anything is sent, and then makes its poster.
class PushedOutput {
 public:
  virtual ~PushedOutput() = default;
  // The problem as one line (the server cannot be reached, refuses, ...), or none.
  virtual std::optional<std::string> prepare() = 0;
  // The run label, before the first push.
  void set_run(const std::string& run) {
    labels_.run = run;
    if (poster_) poster_->set_run(run);
  }
  void push(std::shared_ptr<const stats::Snapshot> snapshot) {
    if (poster_) poster_->push(std::move(snapshot));
  }
  std::vector<std::string> finish() {  // see SnapshotPoster::finish
    return poster_ ? poster_->finish() : std::vector<std::string>{};
  }

 protected:
  explicit PushedOutput(RunLabels labels) : labels_(std::move(labels)) {}
  RunLabels labels_;
  std::unique_ptr<SnapshotPoster> poster_;  // made by prepare()
};

}  // namespace ccload::metrics
