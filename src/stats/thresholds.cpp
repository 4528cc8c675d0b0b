#include "stats/thresholds.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "core/text.hpp"

namespace ccload::stats {

namespace {

constexpr const char* kFigures =
    "figures: [total.|ttfb.|ttlb.|connect.](mean|min|max|pN) with us/ms/s, errors, failed, "
    "succeeded, requests (a count, or with % a share), status.CODE or status.Nxx, "
    "error.CATEGORY, rps, checks or check.N (--check's passes: a count, or with % a share); for "
    "example p95<200ms, errors<1%, rps>=1000, checks>=99%";

[[noreturn]] void fail(std::string_view expression, std::string_view problem) {
  throw ThresholdError(
      printable(fmt::format("--fail-on '{}': {}; {}", expression, problem, kFigures)));
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

bool is_time_stat(std::string_view stat) {
  if (stat == "mean" || stat == "min" || stat == "max" || stat == "avg") return true;
  if (stat.size() < 2 || stat[0] != 'p') return false;
  double q = 0;
  auto [end, ec] = std::from_chars(stat.data() + 1, stat.data() + stat.size(), q);
  return ec == std::errc() && end == stat.data() + stat.size() && q > 0 && q <= 100;
}

// The quantile in (0, 1] of a "pN" stat.
double quantile_of(std::string_view stat) {
  double q = 0;
  std::from_chars(stat.data() + 1, stat.data() + stat.size(), q);
  return q / 100;
}

// "check.N": N, the 1-based place of a --check (1..64); nothing for any other figure.
std::optional<std::size_t> check_index(std::string_view figure) {
  if (!figure.starts_with("check.")) return std::nullopt;
  const std::string_view digits = figure.substr(6);
  std::size_t n = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (error != std::errc() || end != digits.data() + digits.size() || n == 0 || n > kMaxChecks) {
    return std::nullopt;
  }
  return n;
}

bool is_timing(std::string_view name) {
  return name == "total" || name == "ttfb" || name == "ttlb" || name == "connect";
}

// "p95" -> (total, p95); "ttfb.p99.9" -> (ttfb, p99.9); nothing when not a time figure.
std::optional<std::pair<std::string_view, std::string_view>> split_time_figure(
    std::string_view figure) {
  std::string_view timing = "total", stat = figure;
  if (const auto dot = figure.find('.');
      dot != std::string_view::npos && is_timing(figure.substr(0, dot))) {
    timing = figure.substr(0, dot);
    stat = figure.substr(dot + 1);
  }
  if (!is_time_stat(stat)) return std::nullopt;
  return std::pair{timing, stat};
}

std::optional<ErrorCategory> category_named(std::string_view name) {
  for (int i = 1; i < kErrorCategoryCount; ++i) {
    const auto category = static_cast<ErrorCategory>(i);
    if (to_string(category) == name) return category;
  }
  return std::nullopt;
}

// "200" or "5xx": a status code or class.
bool is_status_pattern(std::string_view text) {
  if (text.size() != 3 || text[0] < '1' || text[0] > '9') return false;
  const bool digits = std::isdigit(static_cast<unsigned char>(text[1])) &&
                      std::isdigit(static_cast<unsigned char>(text[2]));
  return digits || (text[1] == 'x' && text[2] == 'x');
}

const Timing& timing_named(const RunSummary& s, std::string_view name) {
  if (name == "ttfb") return s.ttfb;
  if (name == "ttlb") return s.ttlb;
  if (name == "connect") return s.connect;
  return s.total;
}

bool holds(double measured, Operator op, double limit) {
  switch (op) {
    case Operator::less:
      return measured < limit;
    case Operator::less_equal:
      return measured <= limit;
    case Operator::greater:
      return measured > limit;
    case Operator::greater_equal:
      return measured >= limit;
    case Operator::equal:
      return measured == limit;
    case Operator::not_equal:
      return measured != limit;
  }
  return false;
}

}  // namespace

Threshold parse_threshold(std::string_view text) {
  const std::string_view expression = trim(text);
  if (expression.empty()) fail(expression, "an empty threshold");

  const auto at = expression.find_first_of("<>=!");
  if (at == std::string_view::npos || at == 0) {
    fail(expression, "write FIGURE OPERATOR VALUE with an operator < <= > >= == !=");
  }
  std::string_view figure = trim(expression.substr(0, at));
  std::string_view rest = expression.substr(at);
  static constexpr std::pair<std::string_view, Operator> kOperators[] = {
      {"<=", Operator::less_equal}, {">=", Operator::greater_equal}, {"==", Operator::equal},
      {"!=", Operator::not_equal},  {"<", Operator::less},           {">", Operator::greater}};
  bool found = false;
  Operator op = Operator::less;
  for (const auto& [symbol, candidate] : kOperators) {
    if (rest.starts_with(symbol)) {
      op = candidate;
      rest.remove_prefix(symbol.size());
      found = true;
      break;
    }
  }
  if (!found) fail(expression, "the operator must be one of < <= > >= == !=");
  rest = trim(rest);

  double value = 0;
  auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), value);
  if (rest.empty() || ec != std::errc() || !std::isfinite(value) || value < 0) {
    fail(expression, "the value must be a number (0 or more) with its unit, e.g. 200ms or 1%");
  }
  const std::string_view unit = trim(std::string_view(end, rest.data() + rest.size() - end));
  // Built whole at each return, its strings constructed rather than assigned: GCC 12 at -O3
  // (the Release build) reports a false -Wrestrict for a literal assigned to a std::string.
  const auto made = [&](double limit, const char* unit_name) {
    return Threshold{std::string(expression), std::string(figure), op, limit, unit_name};
  };

  if (const auto time = split_time_figure(figure)) {
    double scale = 0;
    if (unit == "us") scale = 1e-6;
    if (unit == "ms") scale = 1e-3;
    if (unit == "s") scale = 1;
    if (scale == 0) fail(expression, "a time needs its unit us, ms or s, for example p95<200ms");
    return made(value * scale, "s");
  }

  const bool count_figure =
      figure == "errors" || figure == "failed" || figure == "succeeded" || figure == "requests" ||
      (figure.starts_with("status.") && is_status_pattern(figure.substr(7))) ||
      (figure.starts_with("error.") && category_named(figure.substr(6)));
  if (count_figure) {
    if (unit == "%") {
      if (value > 100) fail(expression, "a share is at most 100%");
      return made(value, "%");
    }
    if (!unit.empty()) fail(expression, "a count takes no unit, or % for a share of all requests");
    return made(value, "");
  }
  if (figure == "checks" || check_index(figure)) {
    if (unit == "%") {
      if (value > 100) fail(expression, "a share is at most 100%");
      return made(value, "%");
    }
    if (!unit.empty()) {
      fail(expression, "checks passed take no unit (a count), or % for their share");
    }
    return made(value, "");
  }
  if (figure == "rps") {
    if (!unit.empty() && unit != "/s") fail(expression, "rps takes no unit (requests per second)");
    return made(value, "req/s");
  }
  fail(expression, fmt::format("unknown figure '{}'", figure));
}

std::vector<Threshold> parse_thresholds(std::string_view list) {
  std::vector<Threshold> out;
  while (true) {
    const auto comma = list.find(',');
    out.push_back(parse_threshold(list.substr(0, comma)));
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return out;
}

ThresholdVerdict evaluate(const Threshold& t, const RunSummary& s) {
  ThresholdVerdict v;
  v.expression = t.expression;
  v.unit = t.unit;
  v.limit = t.limit;
  const std::string_view figure = t.figure;
  if (t.unit == "s") {
    const auto [timing, stat] = *split_time_figure(figure);
    const Timing& source = timing_named(s, timing);
    if (source.figures.count > 0) {
      const TimingSummary& f = source.figures;
      if (stat == "mean" || stat == "avg") {
        v.measured = f.mean;
      } else if (stat == "min") {
        v.measured = f.min;
      } else if (stat == "max") {
        v.measured = f.max;
      } else {
        // The summary's own figures where they exist (exact for runs rebuilt from rows).
        const double q = quantile_of(stat);
        if (q == 0.50)
          v.measured = f.p50;
        else if (q == 0.90)
          v.measured = f.p90;
        else if (q == 0.95)
          v.measured = f.p95;
        else if (q == 0.99)
          v.measured = f.p99;
        else if (q == 0.999)
          v.measured = f.p999;
        else
          v.measured = static_cast<double>(source.histogram.value_at_quantile(q)) / 1e9;
      }
    }
  } else if (t.unit == "req/s") {
    v.measured = s.rps;
  } else if (figure == "checks" || check_index(figure)) {
    // Passes: of every check (each evaluated once per checked response), or of check N.
    std::uint64_t passed = 0, all = 0;
    for (std::size_t i = 0; i < s.checks.size(); ++i) {
      if (const auto n = check_index(figure); n && *n != i + 1) continue;
      passed += s.checks[i].passed;
      all += s.checks[i].passed + s.checks[i].failed;
    }
    if (all > 0) {
      v.measured = t.unit == "%" ? 100.0 * static_cast<double>(passed) / static_cast<double>(all)
                                 : static_cast<double>(passed);
    }
  } else {
    std::uint64_t count = 0;
    if (figure == "errors" || figure == "failed") count = s.failed;
    if (figure == "succeeded") count = s.succeeded;
    if (figure == "requests") count = s.requests;
    if (figure.starts_with("status.")) {
      const std::string_view pattern = figure.substr(7);
      for (const auto& [code, n] : s.status_codes) {
        const std::string text = std::to_string(code);
        const bool match =
            pattern[1] == 'x' ? text.size() == 3 && text[0] == pattern[0] : text == pattern;
        if (match) count += n;
      }
    }
    if (figure.starts_with("error.")) {
      count = s.errors[static_cast<std::size_t>(*category_named(figure.substr(6)))];
    }
    if (t.unit == "%") {
      v.measured =
          s.requests ? 100.0 * static_cast<double>(count) / static_cast<double>(s.requests) : 0.0;
    } else {
      v.measured = static_cast<double>(count);
    }
  }
  v.passed = v.measured && holds(*v.measured, t.op, t.limit);
  return v;
}

std::vector<ThresholdVerdict> evaluate(const std::vector<Threshold>& thresholds,
                                       const RunSummary& summary) {
  std::vector<ThresholdVerdict> out;
  for (const auto& t : thresholds) out.push_back(evaluate(t, summary));
  return out;
}

}  // namespace ccload::stats
