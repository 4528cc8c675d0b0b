#include "stats/comparison.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace ccload::stats {

namespace {

constexpr double kKsCoefficient = 1.628;  // c(alpha) for alpha = 0.01
constexpr double kZCritical = 2.576;      // two-sided alpha = 0.01

double relative_change(double a, double b) {
  if (a == b) return 0;
  if (a == 0) return std::numeric_limits<double>::infinity();
  return (b - a) / a;
}

// A change beyond the tolerance, in the direction that `higher_is_worse` calls worse or better,
// when `significant`.
Verdict judge(double change, double tolerance, bool higher_is_worse, bool significant) {
  if (!significant || std::fabs(change) <= tolerance) return Verdict::same;
  const bool worse = higher_is_worse ? change > 0 : change < 0;
  return worse ? Verdict::regressed : Verdict::improved;
}

// Two-proportion z-test: do failed_a / n_a and failed_b / n_b differ beyond noise?
bool proportions_differ(std::uint64_t failed_a, std::uint64_t n_a, std::uint64_t failed_b,
                        std::uint64_t n_b) {
  if (n_a == 0 || n_b == 0) return false;
  const double pa = static_cast<double>(failed_a) / static_cast<double>(n_a);
  const double pb = static_cast<double>(failed_b) / static_cast<double>(n_b);
  const double pooled = static_cast<double>(failed_a + failed_b) / static_cast<double>(n_a + n_b);
  const double se = std::sqrt(pooled * (1 - pooled) *
                              (1 / static_cast<double>(n_a) + 1 / static_cast<double>(n_b)));
  if (se == 0) return pa != pb;
  return std::fabs(pa - pb) / se > kZCritical;
}

}  // namespace

const char* to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::same:
      return "same";
    case Verdict::improved:
      return "improved";
    case Verdict::regressed:
      return "regressed";
  }
  return "same";
}

std::optional<Verdict> verdict_from(std::string_view word) {
  for (const Verdict v : {Verdict::same, Verdict::improved, Verdict::regressed}) {
    if (word == to_string(v)) return v;
  }
  return std::nullopt;
}

namespace {

std::string run_label(std::int64_t id, const std::string& name, const std::string& unstored) {
  if (id != 0)
    return name.empty() ? "run " + std::to_string(id)
                        : "run " + std::to_string(id) + " (" + name + ")";
  return name.empty() ? unstored : "run " + name;
}

}  // namespace

std::string RunComparison::label_a(const std::string& unstored) const {
  return run_label(run_a, name_a, unstored);
}
std::string RunComparison::label_b(const std::string& unstored) const {
  return run_label(run_b, name_b, unstored);
}

KsTest ks_test(const Histogram& a, const Histogram& b) {
  KsTest test;
  const auto n = a.count(), m = b.count();
  if (n == 0 || m == 0) return test;
  // Both histograms share one bucket layout: walk the union of their buckets in value order.
  std::map<std::int64_t, std::pair<std::uint64_t, std::uint64_t>> buckets;
  a.for_each_bucket([&](std::int64_t value, std::uint64_t count) { buckets[value].first = count; });
  b.for_each_bucket(
      [&](std::int64_t value, std::uint64_t count) { buckets[value].second = count; });
  std::uint64_t seen_a = 0, seen_b = 0;
  for (const auto& [value, counts] : buckets) {
    seen_a += counts.first;
    seen_b += counts.second;
    const double distance = std::fabs(static_cast<double>(seen_a) / static_cast<double>(n) -
                                      static_cast<double>(seen_b) / static_cast<double>(m));
    test.statistic = std::max(test.statistic, distance);
  }
  test.critical = kKsCoefficient * std::sqrt(static_cast<double>(n + m) /
                                             (static_cast<double>(n) * static_cast<double>(m)));
  test.differ = test.statistic > test.critical;
  return test;
}

bool RunComparison::regressed() const {
  return std::any_of(figures.begin(), figures.end(),
                     [](const FigureChange& f) { return f.verdict == Verdict::regressed; }) ||
         std::any_of(targets.begin(), targets.end(),
                     [](const RunComparison& t) { return t.regressed(); });
}

RunComparison compare_runs(const RunSummary& a, const RunSummary& b, double tolerance) {
  RunComparison out;
  out.run_a = a.storage.run_id;
  out.run_b = b.storage.run_id;
  out.name_a = a.facts.run_name;
  out.name_b = b.facts.run_name;
  out.tolerance = tolerance;
  out.latency = ks_test(a.total.histogram, b.total.histogram);
  const TimingSummary& fa = a.total.figures;
  const TimingSummary& fb = b.total.figures;
  const bool latencies = fa.count > 0 && fb.count > 0;
  const double kQuantiles[] = {0.50, 0.90, 0.99, 0.999, 0};  // 0: the mean
  const std::tuple<const char*, double, double> latency_figures[] = {{"p50", fa.p50, fb.p50},
                                                                     {"p90", fa.p90, fb.p90},
                                                                     {"p99", fa.p99, fb.p99},
                                                                     {"p99.9", fa.p999, fb.p999},
                                                                     {"mean", fa.mean, fb.mean}};
  for (std::size_t i = 0; i < std::size(latency_figures); ++i) {
    const auto& [name, va, vb] = latency_figures[i];
    FigureChange f{name, "s", va, vb, relative_change(va, vb), Verdict::same, latencies};
    const double tail = 1 - kQuantiles[i];
    if (kQuantiles[i] > 0 &&
        (static_cast<double>(fa.count) * tail < static_cast<double>(kMinTailSamples) ||
         static_cast<double>(fb.count) * tail < static_cast<double>(kMinTailSamples))) {
      f.judged = false;
    }
    if (f.judged) f.verdict = judge(f.change, tolerance, true, out.latency.differ);
    out.figures.push_back(f);
  }
  FigureChange rps{"rps",         "req/s", a.rps, b.rps, relative_change(a.rps, b.rps),
                   Verdict::same, true};
  rps.verdict = judge(rps.change, tolerance, false, a.rps > 0 && b.rps > 0);
  out.figures.push_back(rps);
  FigureChange failures{"failure rate",         "%", 100 * a.failure_rate(),
                        100 * b.failure_rate(), 0,   Verdict::same};
  failures.change = relative_change(failures.a, failures.b);
  failures.verdict = judge(failures.change, tolerance, true,
                           proportions_differ(a.failed, a.requests, b.failed, b.requests));
  out.figures.push_back(failures);
  if (a.targets.size() > 1 && a.targets.size() == b.targets.size() &&
      same_targets(a.facts, b.facts)) {
    for (std::size_t t = 0; t < a.targets.size(); ++t) {
      RunComparison& own =
          out.targets.emplace_back(compare_runs(a.targets[t], b.targets[t], tolerance));
      own.run_a = out.run_a;
      own.run_b = out.run_b;
      own.name_a = out.name_a;
      own.name_b = out.name_b;
      own.target = a.targets[t].facts.method + " " + a.targets[t].facts.url;
    }
  }
  return out;
}

}  // namespace ccload::stats
