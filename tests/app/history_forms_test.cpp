// `ccload history --json / --html` and the trend column: the figures of every form recomputed here
// from the stored values, the regression mark, PyLoad's databases, empty histories, bad outputs.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app/app.hpp"
#include "store/history.hpp"
#include "store/history_support.hpp"
#include "store/store_support.hpp"
#include "support/local_time.hpp"

namespace ccload::store::test {
namespace {

// Local time is UTC here, so weeks can be computed by hand.
class HistoryForms : public ::testing::Test {
 protected:
  ccload::test::LocalTimeIsUtc utc_;  // local time is UTC in these tests

  struct Result {
    int code = -1;
    std::string out, err;
  };
  Result history(HistoryQuery q, app::HistoryOutputs outputs, const fs::path& db) {
    std::ostringstream out, err;
    Result r;
    r.code = app::print_history(db.string(), q, out, err, outputs);
    r.out = out.str();
    r.err = err.str();
    return r;
  }
  static nlohmann::json read_json(const fs::path& path) {
    std::ifstream in(path);
    return nlohmann::json::parse(in);
  }
  static std::string read_text(const fs::path& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  TempDir dir_;
};

double nearest_rank(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(v.size()) - 1e-9));
  return v[std::max<std::size_t>(rank, 1) - 1];
}

// `count` spread values around `base` seconds (in ns), the same shape for every base.
std::vector<std::int64_t> spread(int count, double base) {
  std::vector<std::int64_t> out;
  for (int i = 0; i < count; ++i)
    out.push_back(std::llround(base * (1 + (i * 37 % 101) / 25.0) * 1e9));
  return out;
}

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST_F(HistoryForms, WeeklyJsonHasOneRowPerWeekAndUrlWithTheRowsPercentiles) {
  const fs::path db = dir_ / "load.db";
  struct Spec {
    std::string url;
    std::int64_t when;
    int count;
    double base;
  };
  // 2026-03-02, -09 and -16 are Mondays: weeks 2026-W10, W11, W12.
  const std::vector<Spec> specs = {
      {"http://a/", utc(2026, 3, 2), 200, 0.010},  {"http://a/", utc(2026, 3, 4), 300, 0.012},
      {"http://a/", utc(2026, 3, 10), 250, 0.011}, {"http://a/", utc(2026, 3, 18), 150, 0.010},
      {"http://b/", utc(2026, 3, 3), 120, 0.200},  {"http://b/", utc(2026, 3, 17), 80, 0.210},
  };
  struct Expected {
    int runs = 0;
    std::uint64_t requests = 0, failed = 0;
    std::vector<double> latencies;
  };
  std::map<std::pair<std::string, std::string>, Expected> expected;
  auto week = [](std::int64_t t) {
    return t < utc(2026, 3, 9, 0) ? "2026-W10" : t < utc(2026, 3, 16, 0) ? "2026-W11" : "2026-W12";
  };
  for (const Spec& s : specs) {
    const auto totals = spread(s.count, s.base);
    std::vector<int> statuses;
    Expected& e = expected[{week(s.when), s.url}];
    ++e.runs;
    for (int i = 0; i < s.count; ++i) {
      const int status = i % 13 == 0 ? 503 : (i % 31 == 0 ? 0 : 200);
      statuses.push_back(status);
      ++e.requests;
      if (status != 200) ++e.failed;
      if (status > 0) e.latencies.push_back(static_cast<double>(totals[i]) / 1e9);
    }
    store_run(db, s.url, s.when, totals, statuses);
  }

  HistoryQuery q;
  q.period = Period::weekly;
  const fs::path json_path = dir_ / "weekly.json";
  const Result r = history(q, {json_path.string(), "", report::Charset::unicode}, db);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("WEEK", 0), 0u) << r.out;
  const nlohmann::json json = read_json(json_path);
  EXPECT_EQ(json["period"], "weekly");
  EXPECT_DOUBLE_EQ(json["tolerance"].get<double>(), 0.10);
  ASSERT_EQ(json["rows"].size(), expected.size()) << json.dump(1);
  std::string previous_period = "9999";
  for (const auto& row : json["rows"]) {
    const std::string period = row["period"], url = row["url"];
    SCOPED_TRACE(period + " " + url);
    EXPECT_LE(period, previous_period) << "newest first";
    previous_period = period;
    const auto it = expected.find({period, url});
    ASSERT_NE(it, expected.end());
    const Expected& e = it->second;
    EXPECT_EQ(row["runs"], e.runs);
    EXPECT_EQ(row["requests"], e.requests);
    EXPECT_EQ(row["failed"], e.failed);
    EXPECT_DOUBLE_EQ(row["failure_rate"].get<double>(),
                     static_cast<double>(e.failed) / static_cast<double>(e.requests));
    for (auto [key, q] : {std::pair{"p50_s", 0.50}, {"p95_s", 0.95}, {"p99_s", 0.99}}) {
      const double want = nearest_rank(e.latencies, q);
      EXPECT_NEAR(row[key].get<double>(), want, want * 1e-3) << key;
    }
    const double max = *std::max_element(e.latencies.begin(), e.latencies.end());
    EXPECT_NEAR(row["max_s"].get<double>(), max, max * 1e-3);
    double sum = 0;
    for (double v : e.latencies) sum += v;
    EXPECT_NEAR(row["mean_s"].get<double>(), sum / static_cast<double>(e.latencies.size()), 1e-9);
    // Every run stored here lasted 10 s: requests per second over the summed wall time.
    EXPECT_DOUBLE_EQ(row["wall_s"].get<double>(), 10.0 * e.runs);
    EXPECT_DOUBLE_EQ(row["rps"].get<double>(), static_cast<double>(e.requests) / (10.0 * e.runs));
    EXPECT_FALSE(row["regressed"].get<bool>()) << "no week's p95 rose by more than 10%";
  }
  // Filters apply to every form.
  q.url_contains = "b/";
  q.limit = 1;
  ASSERT_EQ(history(q, {json_path.string(), "", report::Charset::ascii}, db).code, 0);
  const nlohmann::json only_b = read_json(json_path);
  ASSERT_EQ(only_b["rows"].size(), 1u);
  EXPECT_EQ(only_b["rows"][0]["url"], "http://b/");
  EXPECT_EQ(only_b["rows"][0]["period"], "2026-W12");
}

TEST_F(HistoryForms, AWeekWhoseP95DoubledIsMarkedInJsonHtmlAndTerminal) {
  const fs::path db = dir_ / "load.db";
  store_run(db, "http://a/", utc(2026, 3, 2), spread(300, 0.010), {});
  store_run(db, "http://a/", utc(2026, 3, 9), spread(300, 0.010), {});
  store_run(db, "http://a/", utc(2026, 3, 16), spread(300, 0.020), {});  // W12: doubled
  store_run(db, "http://b/", utc(2026, 3, 16), spread(100, 0.005), {});

  HistoryQuery q;
  q.period = Period::weekly;
  const fs::path json_path = dir_ / "h.json", html_path = dir_ / "h.html";
  const Result r =
      history(q, {json_path.string(), html_path.string(), report::Charset::unicode}, db);
  ASSERT_EQ(r.code, 0) << r.err;

  const nlohmann::json json = read_json(json_path);
  std::map<std::string, nlohmann::json> a_rows;
  for (const auto& row : json["rows"]) {
    if (row["url"] == "http://a/") a_rows[row["period"]] = row;
  }
  ASSERT_EQ(a_rows.size(), 3u);
  EXPECT_TRUE(a_rows["2026-W10"]["p95_change"].is_null());
  EXPECT_FALSE(a_rows["2026-W10"]["regressed"].get<bool>());
  EXPECT_NEAR(a_rows["2026-W11"]["p95_change"].get<double>(), 0, 1e-9);
  EXPECT_FALSE(a_rows["2026-W11"]["regressed"].get<bool>());
  EXPECT_NEAR(a_rows["2026-W12"]["p95_change"].get<double>(), 1.0, 2e-3);
  EXPECT_TRUE(a_rows["2026-W12"]["regressed"].get<bool>());

  const std::string html = read_text(html_path);
  EXPECT_EQ(count_of(html, "<g class=\"regression\">"), 1u) << "one mark on the chart";
  EXPECT_NE(html.find("<title>2026-W12: p95 regressed</title>"), std::string::npos);
  EXPECT_EQ(count_of(html, "<tr class=\"regressed\"><td>2026-W12</td>"), 1u) << "and in the table";
  EXPECT_EQ(count_of(html, "aria-label=\"latency of "), 2u) << "a chart per URL";

  std::istringstream lines(r.out);
  std::size_t marked = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("2026-W12  http://a/")) {
      EXPECT_TRUE(line.ends_with("  ▁▁█       regressed (p95 +100%)")) << line;
    }
    if (line.starts_with("2026-W")) marked += line.find("regressed") != std::string::npos;
  }
  EXPECT_EQ(marked, 1u) << r.out;
  EXPECT_NE(r.out.find("(regressed: p95 rose more than 10% over the previous week"),
            std::string::npos)
      << r.out;

  // ASCII where the locale is not UTF-8; and a tolerance above the rise marks nothing.
  q.tolerance = 1.5;
  const Result ascii = history(q, {"", "", report::Charset::ascii}, db);
  EXPECT_NE(ascii.out.find("__^"), std::string::npos) << ascii.out;
  EXPECT_EQ(ascii.out.find("regressed"), std::string::npos) << ascii.out;
}

TEST_F(HistoryForms, RunsWithoutAPeriodAreOneObjectEachAndMarkedAgainstThePreviousRun) {
  const fs::path db = dir_ / "load.db";
  const auto first = store_run(db, "http://a/", utc(2026, 3, 2), spread(300, 0.010), {200, 500});
  const auto second = store_run(db, "http://a/", utc(2026, 3, 3), spread(300, 0.030), {});
  const fs::path json_path = dir_ / "runs.json", html_path = dir_ / "runs.html";
  const Result r = history({}, {json_path.string(), html_path.string()}, db);
  ASSERT_EQ(r.code, 0) << r.err;
  const nlohmann::json json = read_json(json_path);
  EXPECT_TRUE(json["period"].is_null());
  ASSERT_EQ(json["rows"].size(), 2u);
  EXPECT_EQ(json["rows"][0]["run_id"], second);
  EXPECT_EQ(json["rows"][1]["run_id"], first);
  EXPECT_EQ(json["rows"][1]["failed"], 150);
  EXPECT_EQ(json["rows"][0]["started"], "2026-03-03T12:00:00.000Z");
  EXPECT_TRUE(json["rows"][0]["regressed"].get<bool>());
  EXPECT_FALSE(json["rows"][1]["regressed"].get<bool>());
  EXPECT_DOUBLE_EQ(json["rows"][0]["rps"].get<double>(), 30.0);
  const std::string html = read_text(html_path);
  EXPECT_NE(html.find("aria-label=\"latency of http://a/\""), std::string::npos);
  // The table names each run (the chart's x axis is its time).
  EXPECT_NE(html.find("<td>" + std::to_string(second) + " · "), std::string::npos);
  EXPECT_EQ(count_of(html, "<g class=\"regression\">"), 1u);
}

TEST_F(HistoryForms, PyloadDatabaseIsSummarisedFromItsRowsExactly) {
  const fs::path db = dir_ / "pyload.db";
  std::vector<Legacy> rows;
  std::map<std::string, std::vector<double>> latencies;  // week -> response times
  // Monday 2026-03-02 (W10) and Monday 2026-03-09 (W11), a request every 2 s.
  for (int i = 0; i < 60; ++i) {
    const bool second_week = i >= 30;
    const auto day = second_week ? utc(2026, 3, 9) : utc(2026, 3, 2);
    const double rt = 0.1 + 0.013 * ((i * 7) % 30);
    const int status = i % 10 == 0 ? 500 : 200;
    rows.push_back({std::to_string(day + 2 * (i % 30)) + ".5", "https://httpbin.org/get", status,
                    "get", std::to_string(rt)});
    latencies[second_week ? "2026-W11" : "2026-W10"].push_back(std::stod(std::to_string(rt)));
  }
  make_pyload_db(db, rows);

  HistoryQuery q;
  q.period = Period::weekly;
  const fs::path json_path = dir_ / "w.json", html_path = dir_ / "w.html";
  const Result r =
      history(q, {json_path.string(), html_path.string(), report::Charset::unicode}, db);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("2026-W11  https://httpbin.org/get"), std::string::npos) << r.out;
  const nlohmann::json json = read_json(json_path);
  ASSERT_EQ(json["rows"].size(), 2u);
  for (const auto& row : json["rows"]) {
    const auto& v = latencies[row["period"]];
    SCOPED_TRACE(row.dump());
    EXPECT_EQ(row["runs"], 1);  // one pseudo-run: the day's GET rows
    EXPECT_EQ(row["requests"], 30);
    EXPECT_EQ(row["failed"], 3);
    EXPECT_NEAR(row["p50_s"].get<double>(), nearest_rank(v, 0.50), 1e-9);
    EXPECT_NEAR(row["p95_s"].get<double>(), nearest_rank(v, 0.95), 1e-9);
    EXPECT_NEAR(row["p99_s"].get<double>(), nearest_rank(v, 0.99), 1e-9);
    EXPECT_NEAR(row["max_s"].get<double>(), *std::max_element(v.begin(), v.end()), 1e-9);
    // Wall time: from the first request's start to the end of the last one to finish.
    double end = 0;
    for (int i = 0; i < 30; ++i)
      end = std::max(end, 2.0 * i + 0.5 + v[static_cast<std::size_t>(i)]);
    EXPECT_NEAR(row["wall_s"].get<double>(), end - 0.5, 1e-6);
    EXPECT_NEAR(row["rps"].get<double>(), 30 / (end - 0.5), 1e-6);
  }
  EXPECT_EQ(count_of(read_text(html_path), "aria-label=\"latency of "), 1u);

  // Without a period: one pseudo-run per day.
  const Result runs = history({}, {json_path.string(), html_path.string()}, db);
  ASSERT_EQ(runs.code, 0) << runs.err;
  const nlohmann::json days = read_json(json_path);
  ASSERT_EQ(days["rows"].size(), 2u);
  EXPECT_TRUE(days["rows"][0]["run_id"].is_null());
  EXPECT_EQ(days["rows"][0]["day"], "2026-03-09");
  EXPECT_EQ(days["rows"][0]["method"], "GET");
  EXPECT_NEAR(days["rows"][0]["p95_s"].get<double>(), nearest_rank(latencies["2026-W11"], 0.95),
              1e-9);
  EXPECT_NE(read_text(html_path).find("2026-03-09 (PyLoad&#39;s rows) GET"), std::string::npos);
}

TEST_F(HistoryForms, AnEmptyHistoryWritesAJsonAndAPageThatSaySo) {
  const fs::path db = dir_ / "none.db";
  const fs::path json_path = dir_ / "e.json", html_path = dir_ / "e.html";
  HistoryQuery q;
  q.period = Period::monthly;
  const Result r = history(q, {json_path.string(), html_path.string()}, db);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_FALSE(fs::exists(db));
  const nlohmann::json json = read_json(json_path);
  EXPECT_EQ(json["period"], "monthly");
  EXPECT_TRUE(json["rows"].empty());
  EXPECT_EQ(json["message"], "No load tests recorded yet in " + db.string());
  const std::string html = read_text(html_path);
  EXPECT_NE(html.find("Nothing recorded yet"), std::string::npos) << html;
  EXPECT_EQ(html.find("<svg"), std::string::npos);

  // --json - writes the JSON alone on stdout; the line about the empty history goes to stderr.
  const Result to_stdout = history({}, {"-", ""}, db);
  EXPECT_EQ(to_stdout.code, 0);
  EXPECT_TRUE(nlohmann::json::parse(to_stdout.out)["rows"].empty()) << to_stdout.out;
  EXPECT_NE(to_stdout.err.find("No load tests recorded yet"), std::string::npos);
}

TEST_F(HistoryForms, OutputsThatCannotBeWrittenAreOneLineAndExitTwo) {
  const fs::path db = dir_ / "load.db";
  store_run(db, "http://a/", utc(2026, 3, 2), spread(10, 0.01), {});
  const std::string same = (dir_ / "same.out").string();
  const std::string same_spelled_otherwise = (dir_.path() / "." / "same.out").string();
  const std::string missing_folder = (dir_ / "no" / "such" / "page.html").string();
  fs::create_directory(dir_ / "folder");
  for (const app::HistoryOutputs& outputs :
       {app::HistoryOutputs{same, same_spelled_otherwise}, app::HistoryOutputs{"", "-"},
        app::HistoryOutputs{"", missing_folder}, app::HistoryOutputs{missing_folder, ""},
        app::HistoryOutputs{(dir_ / "folder").string(), ""}}) {
    const Result r = history({}, outputs, db);
    SCOPED_TRACE(outputs.json_path + " | " + outputs.html_path);
    EXPECT_EQ(r.code, 2);
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_EQ(r.err.rfind("ccload: error: ", 0), 0u) << r.err;
    EXPECT_EQ(count_of(r.err, "\n"), 1u) << r.err;
  }
  EXPECT_FALSE(fs::exists(same));
}

}  // namespace
}  // namespace ccload::store::test
