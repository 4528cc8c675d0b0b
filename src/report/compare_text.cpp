#include "report/compare_text.hpp"

#include <fmt/format.h>

#include <cmath>

#include "report/terminal.hpp"

namespace ccload::report {

namespace {

// The figures' table and the distribution test's line.
void print_figures(std::ostream& out, const stats::RunComparison& c, const std::string& a_label,
                   const std::string& b_label) {
  out << fmt::format("  {:<14}{:>16}{:>16}{:>10}  {}\n", "figure", a_label, b_label, "change",
                     "verdict");
  for (const auto& f : c.figures) {
    std::string change = "-";
    if (std::isinf(f.change)) {
      change = "new";
    } else if (f.a != 0 || f.b != 0) {
      change = fmt::format("{:+.1f}%", f.change * 100);
    }
    out << fmt::format("  {:<14}{:>16}{:>16}{:>10}  {}\n", f.name, value_text(f.a, f.unit),
                       value_text(f.b, f.unit), change,
                       f.judged ? stats::to_string(f.verdict) : "same (too few samples to judge)");
  }
  out << fmt::format(
      "Latency distributions {} (two-sample Kolmogorov-Smirnov on total time: D = {:.4f}, "
      "critical {:.4f} at alpha 0.01).\n",
      c.latency.differ ? "differ beyond noise" : "do not differ beyond noise", c.latency.statistic,
      c.latency.critical);
}

}  // namespace

void print_comparison(std::ostream& out, const stats::RunComparison& c, const std::string& a_label,
                      const std::string& b_label) {
  out << fmt::format("\nComparison: {} against {} (tolerance {:g}%)\n", b_label, a_label,
                     c.tolerance * 100);
  out << "------------------------------------------------------------\n";
  print_figures(out, c, a_label, b_label);
  for (std::size_t t = 0; t < c.targets.size(); ++t) {
    const stats::RunComparison& own = c.targets[t];
    out << fmt::format("\nTarget {}: {}: {}\n", t + 1, own.target,
                       own.regressed() ? "regressed" : "no regression");
    print_figures(out, own, a_label, b_label);
  }
  out << (c.regressed() ? "Verdict: regressed.\n" : "Verdict: no regression.\n");
}

}  // namespace ccload::report
