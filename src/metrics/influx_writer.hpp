#pragma once
// `--influx URL` (or INFLUX_URL): each second of the run written to InfluxDB 1.x in the line
// protocol (metrics/influx_lines.hpp), from its own thread behind a bounded queue. The engine's
// thread only queues a snapshot (push never blocks); a slow or dead InfluxDB costs points, counted
// and said in one line at the end, never the load's time.

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "metrics/labels.hpp"
#include "net/tls.hpp"
#include "net/url.hpp"
#include "stats/snapshot.hpp"

namespace ccload::metrics {

// http[s]://[USER:PASSWORD@]HOST[:PORT]/DATABASE, k6's form.
struct InfluxTarget {
  net::Target server;  // its request_target is /write?db=DATABASE&precision=ns
  std::string database;
  std::string authorization;  // "Basic ..." when the URL has credentials (never shown)
  std::string shown;          // the URL without its credentials, for messages
};
// Throws net::UrlError (one line, naming the URL without credentials) when it is not that form.
InfluxTarget parse_influx_url(const std::string& url);

class InfluxWriter {
 public:
  InfluxWriter(InfluxTarget target, RunLabels labels, const net::TlsOptions& tls);
  ~InfluxWriter();
  InfluxWriter(const InfluxWriter&) = delete;
  InfluxWriter& operator=(const InfluxWriter&) = delete;

  // Before anything is sent: makes sure the database exists (CREATE DATABASE, which InfluxDB 1.x
  // answers alike whether it existed or not), within 5 s. The problem as one line, or none.
  std::optional<std::string> prepare();
  void set_run(std::string run);  // the run label, before the first push
  // Queues a second for writing; never blocks (a full queue drops the oldest, counted).
  void push(std::shared_ptr<const stats::Snapshot> snapshot);
  // Writes what is queued (at most 5 s more) and stops. The lines the report notes: what was
  // written where, and what was lost, if anything.
  std::vector<std::string> finish();

 private:
  void run_thread();

  static constexpr std::size_t kQueueLimit = 120;  // seconds waiting at most
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ccload::metrics
