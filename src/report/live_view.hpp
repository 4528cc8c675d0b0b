#pragma once
// The live view of a run (--live): what a terminal shows while the run lasts, drawn from the
// per-second snapshots. A pure function of its inputs, so it is tested without a terminal; the
// drawing itself (app/live_terminal.hpp) only positions its lines.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "report/sparkline.hpp"
#include "stats/snapshot.hpp"

namespace ccload::report {

// What the view knows of the run besides its snapshots.
struct LiveRun {
  std::string title;                       // "GET http://127.0.0.1:8080/  c=10  HTTP/1.1"
  std::optional<std::uint64_t> requested;  // -n
  double planned_s = 0;                    // -z or the stages' sum; 0 without
};

// One second of the run's history, for the charts.
struct LivePoint {
  double rate = 0;              // requests completed in the second
  std::optional<double> p99_s;  // its p99 latency, none without responses
};

// The lines of one frame, each at most `width` columns, at most `height` of them (the least
// useful parts are left out first on a small terminal). `latest` may be null before the first
// second ends; `elapsed_s` is the time now, for the progress bar.
std::vector<std::string> live_frame(const LiveRun& run, const stats::Snapshot* latest,
                                    const std::vector<LivePoint>& history, double elapsed_s,
                                    int width, int height, Charset charset);

// A bar chart `rows` high of the last `width` values (older ones are dropped), scaled from 0 to
// their maximum: Unicode eighth blocks, or '#' and '.' in ASCII.
std::vector<std::string> bar_chart(const std::vector<double>& values, int rows, int width,
                                   Charset charset);

// Columns `text` takes on a terminal (UTF-8: one per code point).
int display_width(const std::string& text);
// `text` cut to at most `width` columns.
std::string cut_to_width(const std::string& text, int width);

}  // namespace ccload::report
