#include "report/live_view.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <string_view>

#include "report/terminal.hpp"

namespace ccload::report {

namespace {

constexpr std::array<std::string_view, 9> kEighths = {" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};

std::string duration_text(double s) {
  if (s >= 3600)
    return fmt::format("{}h{:02}m", static_cast<int>(s / 3600), static_cast<int>(s / 60) % 60);
  if (s >= 60) return fmt::format("{}m{:02}s", static_cast<int>(s / 60), static_cast<int>(s) % 60);
  return fmt::format("{:.1f} s", s);
}

std::string latency_text(const stats::TimingSummary& s, double value) {
  return s.count == 0 ? std::string("-") : value_text(value, "s");
}

std::string progress_bar(double fraction, int width, Charset charset) {
  fraction = std::clamp(fraction, 0.0, 1.0);
  const int inside = std::max(width - 2, 1);
  const int full = static_cast<int>(std::floor(fraction * inside));
  std::string bar = "[";
  for (int i = 0; i < inside; ++i) {
    if (charset == Charset::unicode) {
      bar += i < full ? "█" : "░";
    } else {
      bar += i < full ? '#' : '.';
    }
  }
  return bar + "]";
}

// "[████░░░░]  12.3 of 30.0 s (41%), 17.7 s left" or "... 1200 of 5000 requests (24%)".
std::string progress_line(const LiveRun& run, const stats::Snapshot* latest, double elapsed_s,
                          int width, Charset charset) {
  std::string tail;
  double fraction = 0;
  const std::uint64_t done = latest != nullptr ? latest->run.requests : 0;
  if (run.requested) {
    fraction =
        static_cast<double>(done) / static_cast<double>(std::max<std::uint64_t>(*run.requested, 1));
    tail = fmt::format("  {} of {} requests ({:.0f}%), {}", done, *run.requested, fraction * 100,
                       duration_text(elapsed_s));
  } else if (run.planned_s > 0) {
    fraction = elapsed_s / run.planned_s;
    tail = fmt::format("  {} of {} ({:.0f}%), {} left", duration_text(elapsed_s),
                       duration_text(run.planned_s), std::min(fraction, 1.0) * 100,
                       duration_text(std::max(run.planned_s - elapsed_s, 0.0)));
  } else {
    tail = fmt::format("  {}", duration_text(elapsed_s));
  }
  const int bar = std::clamp(width - display_width(tail), 10, 52);
  return progress_bar(fraction, bar, charset) + tail;
}

void add_figures(std::vector<std::string>& lines, const stats::Snapshot& s) {
  const stats::SnapshotPart& r = s.run;
  const double run_rate = s.elapsed_s > 0 ? static_cast<double>(r.requests) / s.elapsed_s : 0;
  lines.push_back(fmt::format("{:<14}{:>16}{:>16}", "", "last second", "run so far"));
  lines.push_back(fmt::format("{:<14}{:>16}{:>16.1f}", "Requests/s", r.second_requests, run_rate));
  const auto row = [&](const char* name, double second, double so_far) {
    lines.push_back(fmt::format("{:<14}{:>16}{:>16}", name, latency_text(r.second_total, second),
                                latency_text(r.total.summary, so_far)));
  };
  row("p50", r.second_total.p50, r.total.summary.p50);
  row("p90", r.second_total.p90, r.total.summary.p90);
  row("p99", r.second_total.p99, r.total.summary.p99);
  const double failed_share =
      r.requests > 0 ? 100.0 * static_cast<double>(r.failed) / static_cast<double>(r.requests) : 0;
  lines.push_back(fmt::format("{:<14}{:>16}{:>16}", "Failed", r.second_failed,
                              fmt::format("{} ({:.1f}%)", r.failed, failed_share)));
  std::string generator =
      fmt::format("In flight {}   Loop lag {}", s.in_flight, value_text(s.loop_lag_max_s, "s"));
  if (s.target_rate > 0) generator += fmt::format("   Target rate {:g}/s", s.target_rate);
  lines.push_back(generator);
}

std::string statuses_line(const stats::SnapshotPart& r) {
  std::string line = "Status codes:";
  if (r.statuses.empty()) line += " none yet";
  for (const auto& [status, count] : r.statuses) line += fmt::format("  {} x{}", status, count);
  std::string errors;
  for (int c = 1; c < kErrorCategoryCount; ++c) {
    const std::uint64_t count = r.errors[static_cast<std::size_t>(c)];
    if (count > 0)
      errors += fmt::format("  {} x{}", to_string(static_cast<ErrorCategory>(c)), count);
  }
  if (!errors.empty()) line += "   Errors:" + errors;
  return line;
}

// The run's latency by the fixed buckets (the same as the metrics outputs'), from the first to
// the last that holds any.
std::vector<std::string> histogram_lines(const stats::TimingFigures& total, int width,
                                         Charset charset) {
  std::vector<std::string> lines;
  if (total.count == 0) return lines;
  std::vector<std::pair<std::string, std::uint64_t>> rows;
  std::uint64_t before = 0;
  for (std::size_t b = 0; b < stats::kSnapshotBuckets.size(); ++b) {
    rows.emplace_back(fmt::format("<= {}", value_text(stats::kSnapshotBuckets[b], "s")),
                      total.at_or_below[b] - before);
    before = total.at_or_below[b];
  }
  rows.emplace_back("more", total.count - before);
  std::size_t first = 0, last = rows.size() - 1;
  while (first < last && rows[first].second == 0) ++first;
  while (last > first && rows[last].second == 0) --last;
  std::uint64_t most = 0;
  for (std::size_t i = first; i <= last; ++i) most = std::max(most, rows[i].second);
  const int bar_width = std::max(width - 24, 4);
  for (std::size_t i = first; i <= last; ++i) {
    const double share = static_cast<double>(rows[i].second) / static_cast<double>(total.count);
    const int length = most > 0
                           ? static_cast<int>(std::lround(static_cast<double>(rows[i].second) /
                                                          static_cast<double>(most) * bar_width))
                           : 0;
    std::string bar;
    for (int k = 0; k < length; ++k) bar += charset == Charset::unicode ? "█" : "#";
    lines.push_back(fmt::format("  {:<12}{:>5.1f}% {}", rows[i].first, share * 100, bar));
  }
  return lines;
}

}  // namespace

int display_width(const std::string& text) {
  int columns = 0;
  for (const char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++columns;
  }
  return columns;
}

std::string cut_to_width(const std::string& text, int width) {
  int columns = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      if (columns == width) return text.substr(0, i);
      ++columns;
    }
  }
  return text;
}

std::vector<std::string> bar_chart(const std::vector<double>& values, int rows, int width,
                                   Charset charset) {
  const std::size_t shown = std::min(values.size(), static_cast<std::size_t>(std::max(width, 0)));
  const auto from = values.end() - static_cast<std::ptrdiff_t>(shown);
  double most = 0;
  for (auto it = from; it != values.end(); ++it) most = std::max(most, *it);
  std::vector<std::string> lines(static_cast<std::size_t>(std::max(rows, 0)));
  for (auto it = from; it != values.end(); ++it) {
    // The bar's height in eighths of a row.
    const int eighths = most > 0 ? static_cast<int>(std::lround(*it / most * rows * 8)) : 0;
    for (int row = 0; row < rows; ++row) {
      const int level = std::clamp(eighths - (rows - 1 - row) * 8, 0, 8);
      std::string& line = lines[static_cast<std::size_t>(row)];
      if (charset == Charset::unicode) {
        line += kEighths[static_cast<std::size_t>(level)];
      } else {
        line += level >= 8 ? '#' : level > 0 ? '.' : ' ';
      }
    }
  }
  return lines;
}

std::vector<std::string> live_frame(const LiveRun& run, const stats::Snapshot* latest,
                                    const std::vector<LivePoint>& history, double elapsed_s,
                                    int width, int height, Charset charset) {
  width = std::max(width, 20);
  std::vector<std::string> lines;
  lines.push_back("ccload  " + run.title);
  lines.push_back(progress_line(run, latest, elapsed_s, width, charset));
  lines.emplace_back();
  if (latest == nullptr) {
    lines.push_back("Waiting for the first second to end...");
  } else {
    add_figures(lines, *latest);
    lines.push_back(statuses_line(latest->run));
  }
  // Then, as room allows: the charts (4 rows each), then the histogram.
  std::vector<std::string> charts;
  if (!history.empty()) {
    const int chart_width = width - 2;
    std::vector<double> rates, p99s;
    for (const LivePoint& p : history) {
      rates.push_back(p.rate);
      p99s.push_back(p.p99_s.value_or(0));
    }
    const auto shown = std::min<std::size_t>(history.size(), static_cast<std::size_t>(chart_width));
    const double top_rate =
        *std::max_element(rates.end() - static_cast<std::ptrdiff_t>(shown), rates.end());
    const double top_p99 =
        *std::max_element(p99s.end() - static_cast<std::ptrdiff_t>(shown), p99s.end());
    charts.emplace_back();
    charts.push_back(fmt::format("Requests per second, last {} s (top {:.0f})", shown, top_rate));
    for (auto& line : bar_chart(rates, 4, chart_width, charset)) charts.push_back("  " + line);
    charts.push_back(
        fmt::format("p99 latency per second, last {} s (top {})", shown, value_text(top_p99, "s")));
    for (auto& line : bar_chart(p99s, 4, chart_width, charset)) charts.push_back("  " + line);
  }
  std::vector<std::string> histogram;
  if (latest != nullptr && latest->run.total.count > 0) {
    histogram.emplace_back();
    histogram.push_back("Latency, run so far");
    for (auto& line : histogram_lines(latest->run.total, width, charset)) histogram.push_back(line);
  }
  const std::string footer = "q or Ctrl-C stops the run (what was measured is kept)";
  const auto room = [&] { return height - 2 - static_cast<int>(lines.size()); };
  if (static_cast<int>(charts.size()) <= room())
    lines.insert(lines.end(), charts.begin(), charts.end());
  if (static_cast<int>(histogram.size()) <= room()) {
    lines.insert(lines.end(), histogram.begin(), histogram.end());
  }
  lines.emplace_back();
  lines.push_back(footer);
  if (static_cast<int>(lines.size()) > height)
    lines.resize(static_cast<std::size_t>(std::max(height, 1)));
  for (auto& line : lines) line = cut_to_width(line, width);
  return lines;
}

}  // namespace ccload::report
