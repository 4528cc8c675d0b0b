#pragma once
// `--metrics-remote-write URL`: the series of /metrics (metrics/metric_series.hpp) pushed every
// second with Prometheus' remote write protocol (a protobuf WriteRequest, snappy-compressed),
// through a SnapshotPoster (its own thread, a bounded queue).

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "metrics/labels.hpp"
#include "metrics/snapshot_poster.hpp"
#include "net/tls.hpp"
#include "stats/snapshot.hpp"

namespace ccload::metrics {

// The snappy-compressed WriteRequest of `snapshot`'s series, stamped with its time.
std::string remote_write_body(const stats::Snapshot& snapshot, const RunLabels& labels);

class RemoteWriter final : public PushedOutput {
 public:
  // Throws net::UrlError (one line, without the URL's password) when `url` is not an http(s) URL.
  // USER:PASSWORD@ in it is sent as Basic auth.
  RemoteWriter(const std::string& url, RunLabels labels, const net::TlsOptions& tls);

  // Before anything is sent: an empty write, within 5 s, to see that the receiver is there; then
  // the sending thread starts. The problem as one line, or none.
  std::optional<std::string> prepare() override;

 private:
  std::string url_;
  net::Target target_;
  net::TlsOptions tls_;
  sinks::HttpPoster::Headers headers_;  // the protocol's, and Basic auth from the URL
};

}  // namespace ccload::metrics
