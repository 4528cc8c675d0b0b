#pragma once
// Debian's Prometheus (2.42) and InfluxDB (1.6) in child processes with a temporary configuration
// and data folder, on loopback ports of their own, for the tests of ccload's metrics outputs.
// Each constructor waits until the server answers (at most 30 s; a test that gets no answer
// fails). Stopped with SIGKILL when destroyed (their data is thrown away with the folder).

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "support/background_process.hpp"
#include "support/ccload_run.hpp"

namespace ccload::test {

class PrometheusProcess {
 public:
  // Scrapes 127.0.0.1:`scrape_port`/metrics every second; accepts remote write. Ready once it has
  // tried its first scrape.
  explicit PrometheusProcess(std::uint16_t scrape_port);
  std::uint16_t port() const { return port_; }
  bool ready() const { return ready_; }
  // An instant query of the HTTP API: the value of its first result, none when it has none.
  std::optional<double> query(const std::string& promql) const;
  void kill();  // SIGKILL now (a dead Prometheus)

 private:
  TempDir dir_;
  std::uint16_t port_ = 0;
  std::unique_ptr<BackgroundProcess> process_;
  bool ready_ = false;
};

class InfluxProcess {
 public:
  InfluxProcess();
  std::uint16_t port() const { return port_; }
  bool ready() const { return ready_; }
  std::string url(const std::string& database) const;  // http://127.0.0.1:PORT/DATABASE
  // InfluxQL on `database`: the parsed answer of /query.
  nlohmann::json query(const std::string& database, const std::string& influxql) const;
  void kill();

 private:
  TempDir dir_;
  std::uint16_t port_ = 0;
  std::unique_ptr<BackgroundProcess> process_;
  bool ready_ = false;
};

}  // namespace ccload::test
