#pragma once
// The options of `ccload run` for watching a run while it lasts: --metrics-listen,
// --metrics-public,
// --metrics-linger, --influx.

#include <CLI/CLI.hpp>
#include <string>

#include "cli/command.hpp"

namespace ccload::cli {

struct WatchInputs {
  std::string metrics_listen, metrics_linger, influx, remote_write;
  bool metrics_public = false;
  bool live = false, no_live = false;
};

void add_watch_options(CLI::App& app, WatchInputs& in);
// Throws UsageError (one line) for an address that is not HOST:PORT, one not of loopback without
// --metrics-public, an unreadable linger, --metrics-linger or --metrics-public without
// --metrics-listen.
WatchOptions read_watch_options(const WatchInputs& in);

}  // namespace ccload::cli
