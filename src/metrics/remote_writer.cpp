#include "metrics/remote_writer.hpp"

#include <fmt/format.h>
#include <snappy.h>

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include <algorithm>
#include <chrono>

#include "core/text.hpp"
#include "metrics/metric_series.hpp"
#include "metrics/remote_write.pb.h"

namespace ccload::metrics {

namespace {

const sinks::HttpPoster::Headers kHeaders = {{"Content-Type", "application/x-protobuf"},
                                             {"Content-Encoding", "snappy"},
                                             {"X-Prometheus-Remote-Write-Version", "0.1.0"}};

std::string compressed(const remote_write::WriteRequest& request) {
  std::string serialized;
  request.SerializeToString(&serialized);
  std::string out;
  snappy::Compress(serialized.data(), serialized.size(), &out);
  return out;
}

}  // namespace

std::string remote_write_body(const stats::Snapshot& snapshot, const RunLabels& labels) {
  remote_write::WriteRequest request;
  const std::int64_t timestamp_ms = snapshot.unix_ns / 1'000'000;
  for (const MetricFamily& family : metric_families(snapshot, labels)) {
    for (const Series& series : family.series) {
      Labels sorted = series.labels;
      sorted.emplace_back("__name__", series.name);
      std::sort(sorted.begin(), sorted.end());
      remote_write::TimeSeries* out = request.add_timeseries();
      for (const auto& [name, value] : sorted) {
        if (value.empty()) continue;  // an empty label is no label in Prometheus
        remote_write::Label* label = out->add_labels();
        label->set_name(name);
        label->set_value(value);
      }
      remote_write::Sample* sample = out->add_samples();
      sample->set_value(series.value);
      sample->set_timestamp(timestamp_ms);
    }
  }
  return compressed(request);
}

RemoteWriter::RemoteWriter(const std::string& url, RunLabels labels, const net::TlsOptions& tls)
    : PushedOutput(std::move(labels)),
      url_(net::redact_password(url)),
      tls_(tls),
      headers_(kHeaders) {
  const auto bad = [this](const std::string& why) {
    return net::UrlError(
        fmt::format("--metrics-remote-write {}: {}: give the receiver's URL, such as "
                    "http://127.0.0.1:9090/api/v1/write (credentials as USER:PASSWORD@HOST)",
                    url_, why));
  };
  const auto parsed = boost::urls::parse_uri(url);
  if (!parsed) throw bad("not a URL");
  boost::urls::url plain(*parsed);
  if (parsed->has_userinfo()) {
    // Basic auth, as Mimir, Cortex and Grafana Cloud's receivers ask.
    headers_.emplace_back("Authorization", "Basic " + base64(std::string(parsed->user()) + ":" +
                                                             std::string(parsed->password())));
    plain.remove_userinfo();
  }
  try {
    target_ = net::parse_target(std::string(plain.buffer()));
  } catch (const net::UrlError& error) {
    throw bad(error.what());  // about the URL without its credentials
  }
}

std::optional<std::string> RemoteWriter::prepare() {
  try {
    sinks::HttpPoster probe(target_, tls_, headers_);
    const sinks::PostResult result =
        probe.post(compressed(remote_write::WriteRequest{}),
                   std::chrono::steady_clock::now() + std::chrono::seconds(5));
    if (result.status == 0) {
      return fmt::format(
          "--metrics-remote-write {}: the receiver cannot be reached ({}): start it, or fix the "
          "URL",
          url_, result.error);
    }
    if (result.status == 404) {
      return fmt::format(
          "--metrics-remote-write {}: HTTP 404: is remote write received there (Prometheus: "
          "--web.enable-remote-write-receiver, path /api/v1/write)?",
          url_);
    }
    if (result.status >= 300) {
      return fmt::format("--metrics-remote-write {}: the receiver answered HTTP {} to a write",
                         url_, result.status);
    }
    poster_ = std::make_unique<SnapshotPoster>(
        "Prometheus remote write at " + url_, target_, headers_, tls_, labels_,
        [](const stats::Snapshot& snapshot, const stats::Snapshot*, const RunLabels& labels) {
          return remote_write_body(snapshot, labels);
        });
  } catch (const std::exception& error) {
    return fmt::format("--metrics-remote-write {}: {}", url_, error.what());
  }
  return std::nullopt;
}

}  // namespace ccload::metrics
