#pragma once
// `--metrics-listen ADDRESS:PORT`: serves GET /metrics (the Prometheus text format) from its own
// thread, while the run lasts and for the linger after it. The engine's thread only swaps in the
// newest snapshot (publish): a scrape, slow or not, never touches the load.

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "metrics/labels.hpp"
#include "stats/snapshot.hpp"

namespace ccload::metrics {

class MetricsServer {
 public:
  // Binds and listens at once; throws std::runtime_error with one line (what, and how to fix it)
  // when it cannot: a malformed address, a port in use, an address not of this machine.
  MetricsServer(const std::string& host, std::uint16_t port, RunLabels labels);
  ~MetricsServer();  // stop()
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  std::uint16_t port() const { return port_; }  // the bound port (useful with port 0)
  void set_run(std::string run);                // the run label, once the run is stored
  // Thread-safe; the next scrape serves it.
  void publish(std::shared_ptr<const stats::Snapshot> snapshot);
  std::uint64_t scrapes() const;  // GET /metrics answered so far
  // Closes the listener and every connection, joins the thread. Idempotent.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::uint16_t port_ = 0;
};

}  // namespace ccload::metrics
