#include "report/report.hpp"

namespace ccload::report {

namespace {

nlohmann::json timing(const stats::Histogram& histogram) {
  stats::TimingSummary s = stats::summarize(histogram);
  return {{"count", s.count}, {"min", s.min}, {"max", s.max}, {"mean", s.mean}, {"p50", s.p50},
          {"p90", s.p90},     {"p95", s.p95}, {"p99", s.p99}, {"p999", s.p999}};
}

// One entry per second of the run, by completion time (seconds from the start).
nlohmann::json timeline_json(const stats::Timeline& timeline) {
  nlohmann::json out = nlohmann::json::array();
  const auto& seconds = timeline.seconds();
  for (std::size_t i = 0; i < seconds.size(); ++i) {
    const stats::SecondStats& s = seconds[i];
    const double mean = s.responses > 0 ? static_cast<double>(s.total_ns_sum) / 1e9 /
                                              static_cast<double>(s.responses)
                                        : 0;
    out.push_back(
        {{"second", i},
         {"requests", s.requests},
         {"failed", s.failed},
         {"total_mean_s", s.responses > 0 ? nlohmann::json(mean) : nlohmann::json(nullptr)},
         {"total_max_s", s.responses > 0 ? nlohmann::json(static_cast<double>(s.total_ns_max) / 1e9)
                                         : nlohmann::json(nullptr)}});
  }
  return out;
}

}  // namespace

nlohmann::json summary_json(const ReportInput& input) {
  const engine::EngineResult& result = *input.result;
  const stats::RunStats& stats = result.stats;
  nlohmann::json codes = nlohmann::json::object();
  for (const auto& [code, count] : stats.status_counts()) codes[std::to_string(code)] = count;
  nlohmann::json errors = nlohmann::json::object();
  for (int i = 1; i < kErrorCategoryCount; ++i) {
    if (stats.by_error[i] > 0)
      errors[std::string(to_string(static_cast<ErrorCategory>(i)))] = stats.by_error[i];
  }
  double rps = result.duration_s > 0 ? static_cast<double>(stats.requests) / result.duration_s : 0;
  return {
      {"url", input.url},
      {"method", input.method},
      {"concurrency", input.concurrency},
      {"duration_limit_s", input.duration_limit_s > 0 ? nlohmann::json(input.duration_limit_s)
                                                      : nlohmann::json(nullptr)},
      {"rate", input.rate > 0 ? nlohmann::json(input.rate) : nlohmann::json(nullptr)},
      {"requests",
       {{"requested",
         input.requested > 0 ? nlohmann::json(input.requested) : nlohmann::json(nullptr)},
        {"total", stats.requests},
        {"succeeded", stats.succeeded},
        {"failed", stats.failed}}},
      {"status_codes", codes},
      {"errors", errors},
      {"latency",
       {{"total", timing(stats.total)},
        {"ttfb", timing(stats.ttfb)},
        {"ttlb", timing(stats.ttlb)},
        {"connect", timing(stats.connect)}}},
      {"rps", rps},
      {"duration_s", result.duration_s},
      {"interrupted", result.interrupted},
      {"connections_opened", result.connections_opened},
      {"bytes", stats.bytes},
      {"timeline", timeline_json(stats.timeline)},
  };
}

}  // namespace ccload::report
