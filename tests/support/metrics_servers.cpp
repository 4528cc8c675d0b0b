#include "support/metrics_servers.hpp"

#include <signal.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "support/ports.hpp"

namespace ccload::test {

namespace {

// Polls `answers` every 100 ms for at most 30 s.
ProcessOptions in_folder(const std::string& cwd) {
  ProcessOptions options;
  options.cwd = cwd;
  return options;
}

template <class F>
bool wait_until(F&& answers) {
  for (int i = 0; i < 300; ++i) {
    if (answers()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

}  // namespace

PrometheusProcess::PrometheusProcess(std::uint16_t scrape_port) {
  port_ = free_port();
  std::ofstream(dir_ / "prometheus.yml") << "global:\n"
                                            "  scrape_interval: 1s\n"
                                            "  scrape_timeout: 900ms\n"
                                            "scrape_configs:\n"
                                            "  - job_name: ccload\n"
                                            "    static_configs:\n"
                                            "      - targets: ['127.0.0.1:"
                                         << scrape_port << "']\n";
  process_ = std::make_unique<BackgroundProcess>(
      std::vector<std::string>{"/usr/bin/prometheus",
                               "--config.file=" + (dir_ / "prometheus.yml").string(),
                               "--storage.tsdb.path=" + (dir_ / "data").string(),
                               "--web.listen-address=127.0.0.1:" + std::to_string(port_),
                               "--web.enable-remote-write-receiver"},
      in_folder(dir_.path().string()), dir_ / "prometheus");
  // Ready, and scraping: Prometheus applies its targets a few seconds after it starts (its scrape
  // manager's reload interval is 5 s), so wait for the first scrape attempt of the target (it
  // fails while nothing listens there yet).
  ready_ = wait_until([this] {
    const HttpAnswer targets = http_get(port_, "/api/v1/targets");
    return targets.status == 200 && targets.body.find("\"lastScrape\":\"20") != std::string::npos;
  });
}

std::optional<double> PrometheusProcess::query(const std::string& promql) const {
  const HttpAnswer answer = http_get(port_, "/api/v1/query?query=" + url_encode(promql));
  if (answer.status != 200) return std::nullopt;
  const nlohmann::json parsed = nlohmann::json::parse(answer.body, nullptr, false);
  if (parsed.is_discarded()) return std::nullopt;
  const nlohmann::json& result = parsed["data"]["result"];
  if (!result.is_array() || result.empty()) return std::nullopt;
  return std::stod(result[0]["value"][1].get<std::string>());
}

void PrometheusProcess::kill() {
  process_->signal(SIGKILL);
  (void)process_->wait();
}

InfluxProcess::InfluxProcess() {
  port_ = free_port();
  const std::uint16_t rpc = free_port();
  const std::string d = dir_.path().string();
  std::ofstream(dir_ / "influxdb.conf")
      << "reporting-disabled = true\n"
      << "bind-address = \"127.0.0.1:" << rpc << "\"\n"
      << "[meta]\n  dir = \"" << d << "/meta\"\n"
      << "[data]\n  dir = \"" << d << "/data\"\n"
      << "  wal-dir = \"" << d << "/wal\"\n"
      << "[http]\n  bind-address = \"127.0.0.1:" << port_ << "\"\n"
      << "[monitor]\n  store-enabled = false\n";
  process_ = std::make_unique<BackgroundProcess>(
      std::vector<std::string>{"/usr/bin/influxd", "-config", (dir_ / "influxdb.conf").string()},
      in_folder(d), dir_ / "influxd");
  ready_ = wait_until([this] { return http_get(port_, "/ping").status == 204; });
}

std::string InfluxProcess::url(const std::string& database) const {
  return "http://127.0.0.1:" + std::to_string(port_) + "/" + database;
}

nlohmann::json InfluxProcess::query(const std::string& database,
                                    const std::string& influxql) const {
  const HttpAnswer answer =
      http_get(port_, "/query?db=" + url_encode(database) + "&q=" + url_encode(influxql));
  return nlohmann::json::parse(answer.body, nullptr, false);
}

void InfluxProcess::kill() {
  process_->signal(SIGKILL);
  (void)process_->wait();
}

}  // namespace ccload::test
