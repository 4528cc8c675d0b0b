// deploy/grafana/ccload.json asks only for what ccload exports: every metric its queries name is
// one of metric_families()'s series, and every label they group by is one the series carry.

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "metrics/metric_series.hpp"

namespace ccload::metrics {
namespace {

nlohmann::json dashboard() {
  std::ifstream file(std::string(CCLOAD_TEST_DATA) + "/../../deploy/grafana/ccload.json");
  std::stringstream text;
  text << file.rdbuf();
  return nlohmann::json::parse(text.str());
}

void collect_exprs(const nlohmann::json& node, std::vector<std::string>& out) {
  if (node.is_object()) {
    for (const auto& [key, value] : node.items()) {
      if ((key == "expr" || key == "definition") && value.is_string()) {
        out.push_back(value.get<std::string>());
      } else {
        collect_exprs(value, out);
      }
    }
  } else if (node.is_array()) {
    for (const auto& item : node) collect_exprs(item, out);
  }
}

TEST(GrafanaDashboard, QueriesOnlyTheSeriesAndLabelsCcloadExports) {
  stats::Snapshot snapshot;
  snapshot.run.statuses = {{200, 1}};
  snapshot.run.errors[1] = 1;
  snapshot.run.wait = stats::TimingFigures{};
  std::set<std::string> names, labels = {"le", "quantile", "__name__"};
  for (const MetricFamily& family : metric_families(snapshot, RunLabels{"r", "1/1", {"u"}})) {
    names.insert(family.name);
    for (const Series& series : family.series) {
      names.insert(series.name);
      for (const auto& [label, value] : series.labels) labels.insert(label);
    }
  }
  const nlohmann::json board = dashboard();
  std::vector<std::string> exprs;
  collect_exprs(board, exprs);
  ASSERT_GE(exprs.size(), 15u);
  const std::regex metric(R"(ccload_[a-z_]+)"), grouping(R"(by \(([a-z_, ]+)\))");
  for (const std::string& expr : exprs) {
    for (std::sregex_iterator it(expr.begin(), expr.end(), metric), end; it != end; ++it) {
      EXPECT_TRUE(names.count(it->str()) == 1) << it->str() << " in " << expr;
    }
    for (std::sregex_iterator it(expr.begin(), expr.end(), grouping), end; it != end; ++it) {
      std::stringstream list((*it)[1].str());
      for (std::string label; std::getline(list, label, ',');) {
        label.erase(0, label.find_first_not_of(' '));
        EXPECT_TRUE(labels.count(label) == 1) << label << " in " << expr;
      }
    }
  }
  // One row per shard, and the failures from Loki.
  bool repeated = false, logs = false;
  for (const auto& panel : board["panels"]) {
    repeated = repeated || panel.value("repeat", "") == "shard";
    logs = logs || panel.value("type", "") == "logs";
  }
  EXPECT_TRUE(repeated);
  EXPECT_TRUE(logs);
}

}  // namespace
}  // namespace ccload::metrics
