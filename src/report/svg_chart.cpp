#include "report/svg_chart.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "report/html_report.hpp"
#include "report/time_text.hpp"

namespace ccload::report {

const char* const kPageStyle = R"(<style>
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1080px;padding:0 1rem;color:#1d2330}
h1{font-size:1.5rem;margin:0}h2{font-size:1.15rem;margin:2rem 0 .5rem}
.target{font-family:ui-monospace,monospace;overflow-wrap:anywhere;margin:.25rem 0}
.meta{color:#5a6275;margin:0}
.cards{display:flex;flex-wrap:wrap;gap:.75rem;margin:1.25rem 0}
.cards div{border:1px solid #d8dce6;border-radius:8px;padding:.6rem .9rem;min-width:7.5rem}
.cards b{display:block;font-size:1.35rem}.cards span{color:#5a6275;font-size:.85rem}
.bad b{color:#b42318}
.scroll,.chart{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th,td{padding:.3rem .5rem;border-bottom:1px solid #e6e8ef;text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left}
svg{width:100%;height:auto;font-size:11px;fill:#5a6275}.grid{stroke:#e6e8ef}
@media (max-width:640px){.chart svg{min-width:560px;font-size:14px}}
.fail td{color:#b42318;font-weight:600}
.interrupted{background:#fff4e5;border:1px solid #f5b451;border-radius:8px;padding:.5rem .8rem}
footer{margin-top:2rem;color:#8a91a3;font-size:.8rem}
</style>
)";

double nice_ceiling(double value) {
  if (value <= 0) return 1;
  const double magnitude = std::pow(10.0, std::floor(std::log10(value)));
  for (double step : {1.0, 2.0, 5.0, 10.0}) {
    if (value <= step * magnitude) return step * magnitude;
  }
  return 10 * magnitude;
}

std::string table_open(std::string_view attributes) {
  return fmt::format("<div class=\"scroll\"><table{}{}>\n", attributes.empty() ? "" : " ",
                     attributes);
}

Stroke series_stroke(std::size_t index, std::string_view colour, Marker marker) {
  static constexpr double kWidths[] = {3.5, 2.25, 1.5};
  static constexpr const char* kDashes[] = {"", "8 4", "2 3"};
  const std::size_t i = std::min<std::size_t>(index, 2);
  return Stroke{std::string(colour), kWidths[i], kDashes[i], marker};
}

std::string stroke_attributes(const Stroke& stroke) {
  return fmt::format(
      "stroke=\"{}\" stroke-width=\"{:g}\"{}", stroke.colour, stroke.width,
      stroke.dash.empty() ? "" : fmt::format(" stroke-dasharray=\"{}\"", stroke.dash));
}

std::string marker_svg(const Stroke& stroke, double x, double y) {
  switch (stroke.marker) {
    case Marker::none:
      return "";
    case Marker::circle:
      return fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3\" fill=\"{}\"/>", x, y,
                         stroke.colour);
    case Marker::square:
      return fmt::format(
          "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"7\" height=\"7\" fill=\"white\" "
          "stroke=\"{}\" stroke-width=\"1.5\"/>",
          x - 3.5, y - 3.5, stroke.colour);
    case Marker::diamond:
      return fmt::format(
          "<path d=\"M{:.1f} {:.1f}l5 5l-5 5l-5 -5z\" fill=\"none\" stroke=\"{}\" "
          "stroke-width=\"1.5\"/>",
          x, y - 5, stroke.colour);
  }
  return "";
}

std::string legend_entry(int index, const Stroke& stroke, std::string_view name, int left,
                         int top) {
  const double y = top + 11.5 + 16 * index;
  return fmt::format(
      "<g class=\"legend\"><line x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\" {}/>{}<text "
      "x=\"{}\" y=\"{}\">{}</text></g>\n",
      left + 8, y, left + 30, y, stroke_attributes(stroke), marker_svg(stroke, left + 19, y),
      left + 36, top + 15 + 16 * index, name);
}

namespace {

constexpr int kWidth = 760, kLeft = 64, kRight = 32, kTop = 16, kBottom = 40;
constexpr std::size_t kMaxLabels = 8;  // x labels shown at most when evenly spaced
constexpr double kLabelGap = 84;  // x labels at least this far apart (user units) on a time axis

// Where the categories sit left to right, in user units, and how wide a bar is.
struct XAxis {
  std::vector<double> x;
  double bar_width = 1;
  // Maps a position (the unit of CategoryChart::positions) to user units; identity when even.
  double lo = 0, hi = 1;
  bool positioned = false;
  double at(double position) const {
    return kLeft + (kWidth - kLeft - kRight) * (position - lo) / (hi - lo);
  }
};

XAxis x_axis(const CategoryChart& chart) {
  const std::size_t n = chart.categories.size();
  const double plot_w = kWidth - kLeft - kRight;
  XAxis axis;
  if (chart.positions.size() != n || n == 0) {
    // Each category owns an equal slot; its point sits in the slot's middle.
    const double slot = plot_w / static_cast<double>(std::max<std::size_t>(n, 1));
    for (std::size_t i = 0; i < n; ++i)
      axis.x.push_back(kLeft + slot * (static_cast<double>(i) + 0.5));
    axis.bar_width = std::max(1.0, slot * 0.6);
    return axis;
  }
  axis.positioned = true;
  const auto [lowest, highest] =
      std::minmax_element(chart.positions.begin(), chart.positions.end());
  axis.lo = *lowest - chart.span / 2;
  axis.hi = *highest + chart.span / 2;
  if (chart.span <= 0) {  // instants: a margin of 4% of the range on either side
    const double margin = std::max((axis.hi - axis.lo) * 0.04, 1.0);
    axis.lo -= margin;
    axis.hi += margin;
  }
  for (double p : chart.positions) axis.x.push_back(axis.at(p));
  if (chart.span > 0) {
    axis.bar_width = std::clamp(0.6 * plot_w * chart.span / (axis.hi - axis.lo), 2.0, 48.0);
  } else {
    double closest = plot_w;
    for (std::size_t i = 1; i < n; ++i) closest = std::min(closest, axis.x[i] - axis.x[i - 1]);
    axis.bar_width = std::clamp(0.6 * closest, 6.0, 14.0);  // close runs' bars may overlap
  }
  return axis;
}

}  // namespace

std::string category_chart(const CategoryChart& chart) {
  const std::size_t n = chart.categories.size();
  double top = 0;
  for (const auto& s : chart.series) {
    for (const auto& v : s.values) top = std::max(top, v.value_or(0));
  }
  top = nice_ceiling(top);
  const double plot_h = chart.height - kTop - kBottom;
  const XAxis axis = x_axis(chart);
  auto px = [&](std::size_t i) { return axis.x[i]; };
  auto py = [&](double v) { return kTop + plot_h * (1 - std::min(v, top) / top); };
  const double axis_y = chart.height - kBottom;

  std::string svg = fmt::format(
      "<div class=\"chart\"><svg viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{}\">\n", kWidth,
      chart.height, html_escape(chart.label));
  for (int i = 0; i <= 4; ++i) {
    const double v = top * i / 4;
    const std::string value = chart.time ? duration_axis_text(v, top)
                                         : fmt::format("{:g}{}{}", v, chart.unit.empty() ? "" : " ",
                                                       html_escape(chart.unit));
    svg += fmt::format(
        "<line class=\"grid\" x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\"/><text x=\"{}\" "
        "y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n",
        kLeft, py(v), kWidth - kRight, py(v), kLeft - 6, py(v) + 4, value);
  }
  if (axis.positioned && !chart.tick_positions.empty()) {
    // A tick for every period, with or without a point; labels as far apart as they fit.
    double last_label = -kLabelGap;
    for (std::size_t i = 0; i < chart.tick_positions.size(); ++i) {
      const double x = axis.at(chart.tick_positions[i]);
      if (x < kLeft - 0.5 || x > kWidth - kRight + 0.5) continue;  // outside the plot
      svg += fmt::format(
          "<line class=\"tick\" x1=\"{:.1f}\" y1=\"{}\" x2=\"{:.1f}\" y2=\"{}\" "
          "stroke=\"#c3c8d4\"/>",
          x, axis_y, x, axis_y + 5);
      const std::string& label = i < chart.tick_labels.size() ? chart.tick_labels[i] : "";
      if (!label.empty() && x - last_label >= kLabelGap) {
        svg += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{}</text>", x,
                           axis_y + 17, html_escape(label));
        last_label = x;
      }
    }
    svg += "\n";
  } else if (axis.positioned) {
    double last_label = -kLabelGap;
    for (std::size_t i = 0; i < n; ++i) {
      if (px(i) - last_label < kLabelGap) continue;
      svg += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", px(i),
                         axis_y + 16, html_escape(chart.categories[i]));
      last_label = px(i);
    }
  } else {
    const std::size_t step = std::max<std::size_t>(1, (n + kMaxLabels - 1) / kMaxLabels);
    for (std::size_t i = 0; i < n; i += step) {
      svg += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", px(i),
                         axis_y + 16, html_escape(chart.categories[i]));
    }
  }
  int legend = 0;
  for (std::size_t k = 0; k < chart.series.size(); ++k) {
    const CategorySeries& s = chart.series[k];
    const Stroke stroke = series_stroke(k, s.colour, s.marker);
    if (chart.bars && k == 0) {
      const double width = axis.bar_width;
      for (std::size_t i = 0; i < std::min(n, s.values.size()); ++i) {
        if (!s.values[i]) continue;
        svg += fmt::format(
            "<rect class=\"bar\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" "
            "fill=\"{}\"><title>{}: {:g}</title></rect>\n",
            px(i) - width / 2, py(*s.values[i]), width, py(0) - py(*s.values[i]), s.colour,
            html_escape(chart.categories[i]), *s.values[i]);
      }
    } else {
      std::string points, dots;
      for (std::size_t i = 0; i < std::min(n, s.values.size()); ++i) {
        if (!s.values[i]) continue;
        points +=
            fmt::format("{}{:.1f},{:.1f}", points.empty() ? "" : " ", px(i), py(*s.values[i]));
        dots += marker_svg(
            stroke.marker == Marker::none ? Stroke{s.colour, 0, "", Marker::circle} : stroke, px(i),
            py(*s.values[i]));
      }
      if (points.empty()) continue;
      svg += fmt::format("<polyline class=\"series\" fill=\"none\" {} points=\"{}\"/>\n{}\n",
                         stroke_attributes(stroke), points, dots);
    }
    if (chart.series.size() > 1) {  // one series is named by the chart's heading
      svg += legend_entry(legend++, stroke, html_escape(s.name), kLeft, kTop);
    }
  }
  if (chart.marked_series < chart.series.size()) {
    const CategorySeries& s = chart.series[chart.marked_series];
    for (std::size_t i = 0; i < std::min({n, chart.marked.size(), s.values.size()}); ++i) {
      if (!chart.marked[i] || !s.values[i]) continue;
      const double x = px(i), y = py(*s.values[i]);
      svg += fmt::format(
          "<g class=\"regression\"><title>{}: {} regressed</title><circle cx=\"{:.1f}\" "
          "cy=\"{:.1f}\" r=\"7\" fill=\"none\" stroke=\"#b42318\" stroke-width=\"2\"/><path "
          "d=\"M{:.1f} {:.1f}l6 10h-12z\" fill=\"#b42318\"/></g>\n",
          html_escape(chart.categories[i]), html_escape(s.name), x, y, x, y - 22);
    }
  }
  return svg + "</svg></div>\n";
}

}  // namespace ccload::report
