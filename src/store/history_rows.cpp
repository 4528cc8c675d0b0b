#include "store/history_rows.hpp"

#include <cmath>

namespace ccload::store::detail {

namespace {

// Nearest-rank quantile of unsorted samples (the Histogram's definition, exactly).
double exact_quantile(std::vector<std::int64_t>& ns, double q) {
  if (ns.empty()) return 0;
  const auto rank = static_cast<std::size_t>(stats::nearest_rank(q, ns.size()));
  std::nth_element(ns.begin(), ns.begin() + static_cast<std::ptrdiff_t>(rank - 1), ns.end());
  return static_cast<double>(ns[rank - 1]) / 1e9;
}

double mean_of(const std::vector<std::int64_t>& ns) {
  long double sum = 0;
  for (auto v : ns) sum += static_cast<long double>(v);
  return static_cast<double>(sum / static_cast<long double>(ns.size()) / 1e9L);
}

}  // namespace

Layout inspect(sql::Connection& db) {
  Layout layout;
  layout.loadtest = db.has_table("LOADTEST");
  layout.runid = layout.loadtest && db.has_column("LOADTEST", "RUNID");
  layout.runs = db.has_table("RUNS");
  layout.thresholds = layout.runs && db.has_column("RUNS", "THRESHOLDS");
  layout.generator = layout.runs && db.has_column("RUNS", "GENERATOR_LIMITED");
  layout.protocol = layout.runs && db.has_column("RUNS", "PROTOCOL");
  layout.targets = layout.runs && db.has_column("RUNS", "TARGET_URLS");
  return layout;
}

std::int64_t to_ns(double seconds) { return std::llround(seconds * 1e9); }

// The line's figures from a histogram of total times (ns); `encoded` is its serialization, kept.
void set_figures(TrendLine& line, const stats::Histogram& histogram, std::string encoded) {
  if (histogram.count() > 0) {
    auto seconds = [&](double q) {
      return static_cast<double>(histogram.value_at_quantile(q)) / 1e9;
    };
    line.mean_s = histogram.mean() / 1e9;
    line.p50_s = seconds(0.50);
    line.p95_s = seconds(0.95);
    line.p99_s = seconds(0.99);
    line.max_s = static_cast<double>(histogram.max()) / 1e9;
  }
  line.total_histogram = std::move(encoded);
}

// The line's figures exactly from the total times (ns) of its rows; its histogram from them too.
void set_exact_figures(TrendLine& line, std::vector<std::int64_t>& ns) {
  stats::Histogram histogram;
  for (auto v : ns) histogram.record(v);
  line.total_histogram = histogram.serialize();
  if (ns.empty()) return;
  line.mean_s = mean_of(ns);
  line.max_s = static_cast<double>(*std::max_element(ns.begin(), ns.end())) / 1e9;
  line.p50_s = exact_quantile(ns, 0.50);
  line.p95_s = exact_quantile(ns, 0.95);
  line.p99_s = exact_quantile(ns, 0.99);
}

std::string url_filter(const sql::Connection& db, const HistoryQuery& q) {
  return q.url_contains.empty() ? std::string() : " AND " + sql::contains_sql(db, "URL");
}

// RUNS rows whose URL, or one of whose targets' URLs, contains the query's text. TARGET_URLS holds
// the URLs one per line (a URL holds no line break), so a match inside it is a match inside one
// URL, never in a method, a histogram or across two URLs: a text holding a line break is matched
// against URL alone (which holds none, so nothing matches).
std::string runs_url_filter(const sql::Connection& db, const Layout& layout,
                            const HistoryQuery& q) {
  if (q.url_contains.empty()) return {};
  const bool one_line = q.url_contains.find('\n') == std::string::npos;
  return " AND " +
         sql::contains_sql(db, layout.targets && one_line ? "COALESCE(TARGET_URLS, URL)" : "URL");
}

// "3 targets: GET http://a/, POST http://b/, GET http://c/": what a run of several targets is
// compared with.
std::string series_of(const std::vector<TargetName>& targets) {
  std::string out = fmt::format("{} targets:", targets.size());
  for (std::size_t i = 0; i < targets.size(); ++i) {
    out += fmt::format("{} {} {}", i == 0 ? "" : ",", targets[i].method, targets[i].url);
  }
  return out;
}

}  // namespace ccload::store::detail
