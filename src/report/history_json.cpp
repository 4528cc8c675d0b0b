#include "report/history_json.hpp"

#include <cmath>

#include "report/time_text.hpp"

namespace ccload::report {

namespace {

nlohmann::json optional_number(const std::optional<double>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

// The figures and the trend mark every row has.
void add_trend(nlohmann::json& row, const store::detail::TrendLine& line) {
  row["mean_s"] = optional_number(line.mean_s);
  row["p50_s"] = optional_number(line.p50_s);
  row["p95_s"] = optional_number(line.p95_s);
  row["p99_s"] = optional_number(line.p99_s);
  row["max_s"] = optional_number(line.max_s);
  row["p95_change"] = optional_number(line.p95_change);
  row["regressed"] = line.regressed;
}

double failure_rate(std::uint64_t failed, std::uint64_t requests) {
  return requests ? static_cast<double>(failed) / static_cast<double>(requests) : 0.0;
}

const char* period_name(store::Period period) {
  switch (period) {
    case store::Period::weekly:
      return "weekly";
    case store::Period::monthly:
      return "monthly";
    case store::Period::yearly:
      return "yearly";
    case store::Period::none:
      break;
  }
  return "";
}

}  // namespace

nlohmann::json history_runs_json(const std::vector<store::detail::RunLine>& lines,
                                 double tolerance) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& l : lines) {
    nlohmann::json row;
    row["run_id"] = l.run_id ? nlohmann::json(l.run_id) : nlohmann::json(nullptr);
    if (l.pseudo()) row["day"] = l.day;
    if (!l.run_name.empty()) {  // --run-id; a distributed run is one row (run_id null)
      row["run_name"] = l.run_name;
      row["shards"] = l.shards;
      if (l.run_id == 0) row["shards_stored"] = l.shards_stored;
    }
    row["started"] = utc_iso(std::llround(l.started * 1e9));
    row["method"] = l.method;
    row["url"] = l.url;  // the first target's for a run of several
    row["target_count"] = l.targets.empty() ? std::size_t{1} : l.targets.size();
    if (!l.targets.empty()) {
      nlohmann::json targets = nlohmann::json::array();
      for (const auto& t : l.targets) targets.push_back({{"method", t.method}, {"url", t.url}});
      row["targets"] = std::move(targets);
    }
    row["requests"] = l.requests;
    row["failed"] = l.failed;
    row["failure_rate"] = failure_rate(l.failed, l.requests);
    add_trend(row, l);
    row["rps"] = optional_number(l.rps);
    row["interrupted"] = l.interrupted;
    row["unfinished"] = l.unfinished;
    row["thresholds_failed"] = l.thresholds_failed;
    rows.push_back(std::move(row));
  }
  return {{"period", nullptr}, {"tolerance", tolerance}, {"rows", std::move(rows)}};
}

nlohmann::json history_periods_json(const std::vector<store::detail::PeriodLine>& lines,
                                    store::Period period, double tolerance) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& l : lines) {
    nlohmann::json row;
    row["period"] = l.period;
    row["url"] = l.url;
    row["runs"] = l.runs;
    row["requests"] = l.requests;
    row["failed"] = l.failed;
    row["failure_rate"] = l.failure_rate();
    add_trend(row, l);
    row["wall_s"] = l.wall_s;
    row["rps"] = optional_number(l.rps());
    rows.push_back(std::move(row));
  }
  return {{"period", period_name(period)}, {"tolerance", tolerance}, {"rows", std::move(rows)}};
}

}  // namespace ccload::report
