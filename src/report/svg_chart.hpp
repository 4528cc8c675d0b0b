#pragma once
// What the HTML pages (the run report, the history page) share: the page style and the pieces of
// their inline SVG charts. Pure text builders; coordinates in SVG user units of a viewBox.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ccload::report {

// The <style> element of every page (ends with a newline). Tables sit in a `div.scroll` and charts
// in a `div.chart`, which scroll sideways inside the page when wider than it (table_open(); a
// chart keeps at least 560 px on a narrow screen, where its text is made larger to stay
// readable). Cells do not wrap; a page's own rules may let a URL cell wrap at its <wbr>s.
extern const char* const kPageStyle;

// "<div class=\"scroll\"><table{ attributes}>": a table that scrolls inside the page when it is
// wider than it; kTableClose ends both.
std::string table_open(std::string_view attributes = "");
inline constexpr const char* kTableClose = "</table></div>\n";

// How a series is drawn, so that curves lying on one another stay told apart: a width (the
// widest is drawn first, the thinner over it), a dash pattern and a point marker.
enum class Marker { none, circle, square, diamond };
struct Stroke {
  std::string colour;  // CSS colour
  double width = 2;
  std::string dash;  // SVG stroke-dasharray, empty for solid
  Marker marker = Marker::none;
};
// The `index`-th of a chart's series (0-based): widths falling from 3.5, solid, dashed, dotted.
Stroke series_stroke(std::size_t index, std::string_view colour, Marker marker = Marker::none);
// The stroke's attributes for a <polyline> or <line>: stroke, stroke-width and dash.
std::string stroke_attributes(const Stroke& stroke);
// A marker at (x, y), empty for Marker::none.
std::string marker_svg(const Stroke& stroke, double x, double y);

// A round axis top at or above `value` (1, 2 or 5 times a power of ten); 1 for value <= 0.
double nice_ceiling(double value);

// The legend entry `index` (0 = first, one below the other) of a chart whose plot starts at
// (`left`, `top`): a short line drawn as `stroke` (with its marker) and the escaped-already `name`.
std::string legend_entry(int index, const Stroke& stroke, std::string_view name, int left, int top);

// A line chart over named categories (periods, runs) on a y axis from 0 to a round top, in a
// `div.chart`. Values
// may be missing (no point there). Left to right the categories are evenly spaced, or placed by
// `positions` (a time axis: gaps between them keep their width).
struct CategorySeries {
  std::string name;                           // in the legend (plain text: escaped here)
  std::string colour;                         // CSS colour
  std::vector<std::optional<double>> values;  // one per category
  Marker marker = Marker::none;
};
struct CategoryChart {
  std::string label;                    // the SVG's aria-label (plain text)
  std::string unit;                     // after the axis numbers: "%", or empty
  bool time = false;                    // the values are seconds, labelled by duration_text
  std::vector<std::string> categories;  // x labels, left to right (plain text)
  // Where each category sits on the x axis, in any unit (Unix seconds), ascending; empty: evenly.
  // `span` is how much of the axis one category covers (a period's length; 0 for instants): the
  // axis reaches half a span beyond the first and last, and a bar is 60% of a span wide.
  std::vector<double> positions;
  double span = 0;
  // Ticks of the x axis when positioned: every period from the first to the last, with or without
  // a point (their positions, and labels; a label may be empty). Empty: the categories' labels.
  std::vector<double> tick_positions;
  std::vector<std::string> tick_labels;
  std::vector<CategorySeries> series;
  bool bars = false;  // draw the first series as bars (counts) instead of a line
  // Categories whose point of series `marked_series` gets a regression mark (a red ring and a
  // triangle above it, with a title); empty: none.
  std::vector<bool> marked;
  std::size_t marked_series = 0;
  int height = 300;
};
std::string category_chart(const CategoryChart& chart);

}  // namespace ccload::report
