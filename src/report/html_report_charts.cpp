#include "report/html_report_charts.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "report/svg_chart.hpp"
#include "report/time_text.hpp"

namespace ccload::report::detail {

namespace {

// The latency of each timing against its percentile, with the percentile axis stretched as
// -log10(1 - q) so that the tail (99%, 99.9%, ...) gets as much room as the body.
constexpr double kTailNines = 5;  // the axis ends at 99.999%
constexpr int kPoints = 120;
constexpr int kWidth = 760, kHeight = 300, kLeft = 64, kRight = 32, kTop = 16, kBottom = 40;

double quantile_at(double x) { return 1 - std::pow(10.0, -x); }

}  // namespace

// The highest latency the curves reach on the axis, in milliseconds (0 without a sample).
double curves_top_ms(const std::array<Curve, 3>& curves) {
  double top_ms = 0;
  for (const auto& curve : curves) {
    if (curve.histogram->count() == 0) continue;
    top_ms = std::max(
        top_ms,
        static_cast<double>(curve.histogram->value_at_quantile(quantile_at(kTailNines))) / 1e6);
  }
  return top_ms;
}

// `label`: the SVG's aria-label, escaped already. The latency axis goes up to a round value at or
// above `top_ms` (charts meant to be compared share it), or above the curves' own top without it.
std::string percentile_chart(const std::array<Curve, 3>& curves, std::string_view label,
                             std::optional<double> top) {
  const double top_ms = nice_ceiling(top.value_or(curves_top_ms(curves)));
  const double plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
  auto px = [&](double x) { return kLeft + plot_w * x / kTailNines; };
  auto py = [&](double ms) { return kTop + plot_h * (1 - std::min(ms, top_ms) / top_ms); };

  std::string svg = fmt::format(
      "<div class=\"chart\"><svg viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{}\">\n", kWidth,
      kHeight, label);
  for (int i = 0; i <= 4; ++i) {  // horizontal grid and the latency axis
    const double ms = top_ms * i / 4;
    svg += fmt::format(
        "<line class=\"grid\" x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\"/><text x=\"{}\" "
        "y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n",
        kLeft, py(ms), kWidth - kRight, py(ms), kLeft - 6, py(ms) + 4,
        duration_axis_text(ms / 1e3, top_ms / 1e3));
  }
  static constexpr const char* kLabels[] = {"0%", "90%", "99%", "99.9%", "99.99%", "99.999%"};
  for (int nines = 0; nines <= static_cast<int>(kTailNines); ++nines) {
    svg += fmt::format(
        "<line class=\"grid\" x1=\"{:.1f}\" y1=\"{}\" x2=\"{:.1f}\" y2=\"{}\"/><text x=\"{:.1f}\" "
        "y=\"{}\" text-anchor=\"middle\">{}</text>\n",
        px(nines), kTop, px(nines), kHeight - kBottom, px(nines), kHeight - kBottom + 16,
        kLabels[nines]);
  }
  svg += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">percentile</text>\n",
                     px(kTailNines / 2), kHeight - 4);
  int legend = 0;
  for (std::size_t k = 0; k < curves.size(); ++k) {  // widest first, the thinner drawn over it
    const Curve& curve = curves[k];
    if (curve.histogram->count() == 0) continue;
    const Stroke stroke = series_stroke(k, curve.colour);
    std::string points;
    for (int i = 0; i <= kPoints; ++i) {
      const double x = kTailNines * i / kPoints;
      const double ms =
          static_cast<double>(curve.histogram->value_at_quantile(quantile_at(x))) / 1e6;
      points += fmt::format("{}{:.1f},{:.1f}", i == 0 ? "" : " ", px(x), py(ms));
    }
    svg += fmt::format("<polyline class=\"series\" fill=\"none\" {} points=\"{}\"/>\n",
                       stroke_attributes(stroke), points);
    svg += legend_entry(legend, stroke, curve.name, kLeft, kTop);
    ++legend;
  }
  return svg + "</svg></div>\n";
}

namespace {

struct Series {
  const char* name;
  const char* colour;
  std::vector<double> values;  // one per second; negative = no value that second
  bool partial_last = false;   // the last value is scaled from a partial second: drawn dashed
};

// Lines over the seconds of the run, on a shared y axis from 0 to a round top; `times`: the values
// are seconds (labelled by duration_text), else counts.
std::string time_chart(const std::vector<Series>& series, bool times, const char* label) {
  std::size_t seconds = 0;
  double top = 0;
  for (const auto& s : series) {
    seconds = std::max(seconds, s.values.size());
    for (double v : s.values) top = std::max(top, v);
  }
  top = nice_ceiling(top);
  const double plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
  const double span = static_cast<double>(std::max<std::size_t>(seconds, 2) - 1);
  auto px = [&](double second) { return kLeft + plot_w * second / span; };
  auto py = [&](double v) { return kTop + plot_h * (1 - std::min(v, top) / top); };

  std::string svg = fmt::format(
      "<div class=\"chart\"><svg viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{}\">\n", kWidth,
      kHeight, label);
  for (int i = 0; i <= 4; ++i) {
    const double v = top * i / 4;
    svg += fmt::format(
        "<line class=\"grid\" x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\"/><text x=\"{}\" "
        "y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n",
        kLeft, py(v), kWidth - kRight, py(v), kLeft - 6, py(v) + 4,
        times ? duration_axis_text(v, top) : fmt::format("{:g}", v));
  }
  const std::size_t step = std::max<std::size_t>(1, (seconds + 5) / 6);
  for (std::size_t s = 0; s < seconds; s += step) {
    svg += fmt::format(
        "<line class=\"grid\" x1=\"{:.1f}\" y1=\"{}\" x2=\"{:.1f}\" y2=\"{}\"/><text x=\"{:.1f}\" "
        "y=\"{}\" text-anchor=\"middle\">{} s</text>\n",
        px(static_cast<double>(s)), kTop, px(static_cast<double>(s)), kHeight - kBottom,
        px(static_cast<double>(s)), kHeight - kBottom + 16, s);
  }
  svg +=
      fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">second of the run</text>\n",
                  px(span / 2), kHeight - 4);
  int legend = 0;
  for (std::size_t k = 0; k < series.size(); ++k) {  // widest first, the thinner drawn over it
    const Series& s = series[k];
    const Stroke stroke = series_stroke(k, s.colour);
    std::string points;
    std::size_t count = 0, only = 0;
    const std::size_t solid =
        s.partial_last && !s.values.empty() ? s.values.size() - 1 : s.values.size();
    for (std::size_t i = 0; i < solid; ++i) {
      if (s.values[i] < 0) continue;
      points += fmt::format("{}{:.1f},{:.1f}", points.empty() ? "" : " ",
                            px(static_cast<double>(i)), py(s.values[i]));
      ++count;
      only = i;
    }
    if (points.empty()) continue;
    svg += fmt::format("<polyline class=\"series\" fill=\"none\" {} points=\"{}\"/>\n",
                       stroke_attributes(stroke), points);
    if (count == 1) {  // a line of one point draws nothing: a dot shows it
      svg += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"{:g}\" fill=\"{}\"/>\n",
                         px(static_cast<double>(only)), py(s.values[only]), stroke.width + 1.5,
                         s.colour);
    }
    if (solid < s.values.size() && solid > 0 && s.values[solid - 1] >= 0) {
      svg += fmt::format(
          "<line class=\"partial\" stroke=\"{}\" stroke-width=\"{:g}\" stroke-dasharray=\"5 4\" "
          "stroke-opacity=\"0.6\" x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\"/>\n",
          s.colour, stroke.width, px(static_cast<double>(solid - 1)), py(s.values[solid - 1]),
          px(static_cast<double>(solid)), py(s.values[solid]));
    }
    svg += legend_entry(legend, stroke, s.name, kLeft, kTop);
    ++legend;
  }
  return svg + "</svg></div>\n";
}

// The requests of the last second scaled to a whole second when the run ended part-way into it
// (drawn dashed); left out when less than a fifth of it was run, where scaling would mislead.
constexpr double kPartialSecondMinimum = 0.2;

}  // namespace

std::string timeline_section(const std::vector<stats::SecondStats>& seconds, double duration_s) {
  if (seconds.size() < 2) return "";  // under two seconds there is no "over time"
  Series done{"completed", "#2f6fde", {}, {}}, failed{"failed", "#b42318", {}, {}};
  Series mean{"mean", "#2f6fde", {}, {}}, max{"max", "#8a91a3", {}, {}};
  for (const auto& s : seconds) {
    done.values.push_back(static_cast<double>(s.requests));
    failed.values.push_back(static_cast<double>(s.failed));
    const bool any = s.responses > 0;
    mean.values.push_back(
        any ? static_cast<double>(s.total_ns_sum) / 1e9 / static_cast<double>(s.responses) : -1);
    max.values.push_back(any ? static_cast<double>(s.total_ns_max) / 1e9 : -1);
  }
  // The last second is partial when the run ended inside it.
  std::string partial_note;
  const double covered = duration_s - static_cast<double>(seconds.size() - 1);
  if (covered > 0 && covered < 1) {
    if (covered >= kPartialSecondMinimum) {
      done.values.back() /= covered;
      failed.values.back() /= covered;
      done.partial_last = failed.partial_last = true;
      partial_note = fmt::format(
          "<p class=\"meta\">The last second ran {:.0f}% of a second: its counts are scaled to a "
          "whole second (dashed).</p>\n",
          covered * 100);
    } else {
      done.values.pop_back();
      failed.values.pop_back();
      mean.values.pop_back();
      max.values.pop_back();
      partial_note = fmt::format(
          "<p class=\"meta\">The last {} of the run are left out of these charts: a "
          "partial second.</p>\n",
          duration_text(covered));
    }
  }
  std::string html = "<h2>Requests completed per second</h2>\n";
  html += time_chart({done, failed}, false, "requests completed per second");
  html += "<h2>Total latency per second</h2>\n";
  html += time_chart({max, mean}, true, "total latency per second");
  return html + partial_note;
}

}  // namespace ccload::report::detail
