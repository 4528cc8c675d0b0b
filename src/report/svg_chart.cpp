#include "report/svg_chart.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "report/html_report.hpp"

namespace ccload::report {

const char* const kPageStyle = R"(<style>
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:820px;padding:0 1rem;color:#1d2330}
h1{font-size:1.5rem;margin:0}h2{font-size:1.15rem;margin:2rem 0 .5rem}
.target{font-family:ui-monospace,monospace;word-break:break-all;margin:.25rem 0}
.meta{color:#5a6275;margin:0}
.cards{display:flex;flex-wrap:wrap;gap:.75rem;margin:1.25rem 0}
.cards div{border:1px solid #d8dce6;border-radius:8px;padding:.6rem .9rem;min-width:7.5rem}
.cards b{display:block;font-size:1.35rem}.cards span{color:#5a6275;font-size:.85rem}
.bad b{color:#b42318}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th,td{padding:.3rem .5rem;border-bottom:1px solid #e6e8ef;text-align:right}
th:first-child,td:first-child{text-align:left}
svg{width:100%;height:auto;font-size:11px;fill:#5a6275}.grid{stroke:#e6e8ef}
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

std::string legend_entry(int index, std::string_view colour, std::string_view name, int left,
                         int top) {
  return fmt::format(
      "<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"3\" fill=\"{}\"/><text x=\"{}\" "
      "y=\"{}\">{}</text>\n",
      left + 12, top + 10 + 16 * index, colour, left + 30, top + 14 + 16 * index, name);
}

namespace {

constexpr int kWidth = 760, kLeft = 64, kRight = 32, kTop = 16, kBottom = 40;
constexpr std::size_t kMaxLabels = 8;  // x labels shown at most (every k-th category)

}  // namespace

std::string category_chart(const CategoryChart& chart) {
  const std::size_t n = chart.categories.size();
  double top = 0;
  for (const auto& s : chart.series) {
    for (const auto& v : s.values) top = std::max(top, v.value_or(0));
  }
  top = nice_ceiling(top);
  const double plot_w = kWidth - kLeft - kRight, plot_h = chart.height - kTop - kBottom;
  // Each category owns an equal slot; its point sits in the slot's middle.
  const double slot = plot_w / static_cast<double>(std::max<std::size_t>(n, 1));
  auto px = [&](std::size_t i) { return kLeft + slot * (static_cast<double>(i) + 0.5); };
  auto py = [&](double v) { return kTop + plot_h * (1 - std::min(v, top) / top); };

  std::string svg = fmt::format("<svg viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{}\">\n",
                                kWidth, chart.height, html_escape(chart.label));
  for (int i = 0; i <= 4; ++i) {
    const double v = top * i / 4;
    svg += fmt::format(
        "<line class=\"grid\" x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\"/><text x=\"{}\" "
        "y=\"{:.1f}\" text-anchor=\"end\">{:g}{}{}</text>\n",
        kLeft, py(v), kWidth - kRight, py(v), kLeft - 6, py(v) + 4, v,
        chart.unit.empty() ? "" : " ", html_escape(chart.unit));
  }
  const std::size_t step = std::max<std::size_t>(1, (n + kMaxLabels - 1) / kMaxLabels);
  for (std::size_t i = 0; i < n; i += step) {
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", px(i),
                       chart.height - kBottom + 16, html_escape(chart.categories[i]));
  }
  int legend = 0;
  for (std::size_t k = 0; k < chart.series.size(); ++k) {
    const CategorySeries& s = chart.series[k];
    if (chart.bars && k == 0) {
      const double width = std::max(1.0, slot * 0.6);
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
        dots += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3\" fill=\"{}\"/>", px(i),
                            py(*s.values[i]), s.colour);
      }
      if (points.empty()) continue;
      svg += fmt::format(
          "<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"2\" points=\"{}\"/>\n{}\n",
          s.colour, points, dots);
    }
    if (chart.series.size() > 1) {  // one series is named by the chart's heading
      svg += legend_entry(legend++, s.colour, html_escape(s.name), kLeft, kTop);
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
  return svg + "</svg>\n";
}

}  // namespace ccload::report
