#include "metrics/prometheus_text.hpp"

#include <fmt/format.h>

#include "metrics/metric_series.hpp"

namespace ccload::metrics {

std::string escape_label(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string prometheus_text(const stats::Snapshot& snapshot, const RunLabels& labels) {
  std::string text;
  for (const MetricFamily& family : metric_families(snapshot, labels)) {
    text += fmt::format("# HELP {} {}\n# TYPE {} {}\n", family.name, family.help, family.name,
                        family.type);
    for (const Series& series : family.series) {
      text += series.name;
      text += '{';
      for (std::size_t i = 0; i < series.labels.size(); ++i) {
        if (i > 0) text += ',';
        text +=
            fmt::format("{}=\"{}\"", series.labels[i].first, escape_label(series.labels[i].second));
      }
      text += fmt::format("}} {}\n", series.value);
    }
  }
  return text;
}

}  // namespace ccload::metrics
