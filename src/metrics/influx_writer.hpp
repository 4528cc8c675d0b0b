#pragma once
// `--influx URL` (or INFLUX_URL): each second of the run written to InfluxDB 1.x in the line
// protocol (metrics/influx_lines.hpp), through a SnapshotPoster (its own thread, a bounded queue).

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "metrics/labels.hpp"
#include "metrics/snapshot_poster.hpp"
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

class InfluxWriter final : public PushedOutput {
 public:
  InfluxWriter(InfluxTarget target, RunLabels labels, const net::TlsOptions& tls);

  // Before anything is sent: makes sure the database exists (CREATE DATABASE, which InfluxDB 1.x
  // answers alike whether it existed or not), within 5 s, then starts the writing thread. The
  // problem as one line, or none.
  std::optional<std::string> prepare() override;

 private:
  InfluxTarget target_;
  net::TlsOptions tls_;
};

}  // namespace ccload::metrics
