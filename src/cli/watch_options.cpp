#include "cli/watch_options.hpp"

#include <fmt/format.h>

#include "net/listen_address.hpp"
#include "net/url.hpp"

namespace ccload::cli {

void add_watch_options(CLI::App& app, WatchInputs& in) {
  app.add_flag("--live", in.live,
               "Show the run live on the terminal: rate, percentiles, charts, status codes (the "
               "default when stdout is a terminal)");
  app.add_flag("--no-live", in.no_live, "Show one progress line instead of the live view");
  app.add_option("--metrics-listen", in.metrics_listen,
                 "Serve the run's metrics for Prometheus at http://HOST:PORT/metrics while it "
                 "lasts (for example 127.0.0.1:9464)");
  app.add_flag("--metrics-public", in.metrics_public,
               "Let --metrics-listen use an address other machines reach (not only loopback)");
  app.add_option("--metrics-linger", in.metrics_linger,
                 "Keep /metrics up this long after the run (default: until scraped once more, at "
                 "most 30s)");
  app.add_option("--metrics-remote-write", in.remote_write,
                 "Push the metrics every second with Prometheus remote write to URL (for example "
                 "http://127.0.0.1:9090/api/v1/write)");
  app.add_option(
      "--influx", in.influx,
      "Write each second of the run to InfluxDB 1.x: http://[USER:PASSWORD@]HOST:8086/DB "
      "(default: INFLUX_URL)");
}

WatchOptions read_watch_options(const WatchInputs& in) {
  WatchOptions watch;
  if (in.metrics_listen.empty()) {
    if (in.metrics_public || !in.metrics_linger.empty()) {
      throw UsageError(
          fmt::format("{} is about --metrics-listen: add --metrics-listen HOST:PORT, or drop it",
                      in.metrics_public ? "--metrics-public" : "--metrics-linger"));
    }
  } else {
    try {
      std::tie(watch.metrics_host, watch.metrics_port) =
          net::parse_listen_address(in.metrics_listen);
    } catch (const net::UrlError& error) {
      throw UsageError(error.what());
    }
    if (!in.metrics_public && !net::is_loopback_host(watch.metrics_host)) {
      throw UsageError(fmt::format(
          "--metrics-listen {} is not a loopback address: every machine that reaches it could read "
          "the run's metrics; add --metrics-public if that is meant, or listen on 127.0.0.1",
          in.metrics_listen));
    }
    if (!in.metrics_linger.empty()) {
      watch.metrics_linger_s = parse_duration(in.metrics_linger, "--metrics-linger");
    }
  }
  if (!in.influx.empty()) watch.influx_url = in.influx;
  if (!in.remote_write.empty()) watch.remote_write_url = in.remote_write;  // checked by the app
  if (in.live && in.no_live) {
    throw UsageError("--live and --no-live contradict each other: give one of them");
  }
  if (in.live) watch.live = true;
  if (in.no_live) watch.live = false;
  return watch;
}

}  // namespace ccload::cli
