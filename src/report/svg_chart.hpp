#pragma once
// What the HTML pages (the run report, the history page) share: the page style and the pieces of
// their inline SVG charts. Pure text builders; coordinates in SVG user units of a viewBox.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ccload::report {

// The <style> element of every page (ends with a newline).
extern const char* const kPageStyle;

// A round axis top at or above `value` (1, 2 or 5 times a power of ten); 1 for value <= 0.
double nice_ceiling(double value);

// The legend entry `index` (0 = first, one below the other) of a chart whose plot starts at
// (`left`, `top`): a short bar of `colour` and the escaped-already `name`.
std::string legend_entry(int index, std::string_view colour, std::string_view name, int left,
                         int top);

// A line chart over named categories (periods, runs), evenly spaced left to right, on a y axis
// from 0 to a round top. Values may be missing (no point there).
struct CategorySeries {
  std::string name;                           // in the legend (plain text: escaped here)
  std::string colour;                         // CSS colour
  std::vector<std::optional<double>> values;  // one per category
};
struct CategoryChart {
  std::string label;                    // the SVG's aria-label (plain text)
  std::string unit;                     // after the axis numbers: "ms", "%", or empty
  std::vector<std::string> categories;  // x labels, left to right (plain text)
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
