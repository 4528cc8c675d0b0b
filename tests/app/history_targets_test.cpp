// The history of runs of several targets: one line per run ("3 targets"), --url matching any of
// its targets' URLs, and the period views adding each target's figures to its own URL.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <sstream>

#include "app/app.hpp"
#include "report/history_json.hpp"
#include "report/history_text.hpp"
#include "store/history_data.hpp"
#include "store/history_support.hpp"
#include "store/targets_support.hpp"
#include "support/local_time.hpp"

namespace ccload::store::test {
namespace {

// Local time is UTC here, so the ISO week is known: 2026-11-23 .. 2026-11-29 is 2026-W48.
class HistoryTargets : public ::testing::Test {
 protected:
  ccload::test::LocalTimeIsUtc utc_;  // local time is UTC in these tests
  void SetUp() override {
    // Run 1: one target, a.test/one; run 2: the three targets (10 requests each; 5 of c.test's
    // failed); run 3: one target, z.test.
    single_ = store_run(db_, "http://a.test/one", utc(2026, 11, 24),
                        std::vector<std::int64_t>(10, 4'000'000), {200});
    several_ = store_targets_run(db_.string(), utc(2026, 11, 25), 30).outcome.run_id;
    other_ = store_run(db_, "http://z.test/other", utc(2026, 11, 26),
                       std::vector<std::int64_t>(4, 1'000'000), {200});
  }
  std::vector<detail::RunLine> runs(const std::string& url = "") {
    sql::Database d(db_, sql::Database::Mode::read_only);
    HistoryQuery q;
    q.url_contains = url;
    return detail::list_runs(d, q);
  }
  std::vector<detail::PeriodLine> weeks(const std::string& url = "") {
    sql::Database d(db_, sql::Database::Mode::read_only);
    HistoryQuery q;
    q.period = Period::weekly;
    q.url_contains = url;
    return detail::list_periods(d, q);
  }
  TempDir dir_;
  fs::path db_ = dir_ / "load.db";
  std::int64_t single_ = 0, several_ = 0, other_ = 0;
};

TEST_F(HistoryTargets, ARunOfSeveralTargetsIsOneLine) {
  const auto lines = runs();
  ASSERT_EQ(lines.size(), 3u);
  const detail::RunLine& line = lines[1];
  EXPECT_EQ(line.run_id, several_);
  EXPECT_EQ(line.targets, kThreeTargets);
  EXPECT_EQ(line.url, "http://a.test/one");
  EXPECT_EQ(line.requests, 30u);
  EXPECT_EQ(line.failed, 5u);
  // Its trend is its own: not judged against run 1 of its first target's URL.
  EXPECT_EQ(line.recent_p95_s.size(), 1u);
  EXPECT_FALSE(line.p95_change.has_value());
  EXPECT_TRUE(lines[2].targets.empty());

  std::ostringstream text;
  report::print_runs(text, lines);
  std::istringstream rows(text.str());
  std::vector<std::string> printed;
  for (std::string row; std::getline(rows, row);) printed.push_back(row);
  ASSERT_EQ(printed.size(), 4u) << text.str();
  EXPECT_EQ(printed[2].rfind(fmt::format("{:>6}  ", several_), 0), 0u) << printed[2];
  EXPECT_NE(printed[2].find(" -       3 targets    "), std::string::npos) << printed[2];
  EXPECT_NE(printed[2].find("       30        5"), std::string::npos) << printed[2];
  EXPECT_EQ(text.str().find("b.test"), std::string::npos) << text.str();
  EXPECT_NE(printed[3].find("GET     http://a.test/one"), std::string::npos) << printed[3];

  const nlohmann::json json = report::history_runs_json(lines, 0.1);
  const auto& row = json.at("rows").at(1);
  EXPECT_EQ(row.at("run_id"), several_);
  EXPECT_EQ(row.at("url"), "http://a.test/one");
  EXPECT_EQ(row.at("target_count"), 3);
  ASSERT_EQ(row.at("targets").size(), 3u);
  EXPECT_EQ(row.at("targets").at(1),
            (nlohmann::json{{"method", "POST"}, {"url", "http://b.test/two"}}));
  EXPECT_EQ(json.at("rows").at(0).at("target_count"), 1);
  EXPECT_FALSE(json.at("rows").at(0).contains("targets"));
}

TEST_F(HistoryTargets, UrlMatchesAnyTargetOfARun) {
  auto only = runs("b.test/two");
  ASSERT_EQ(only.size(), 1u);
  EXPECT_EQ(only[0].run_id, several_);
  const auto first = runs("a.test/one");
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].run_id, several_);
  EXPECT_EQ(first[1].run_id, single_);
  ASSERT_EQ(runs("z.test").size(), 1u);
  EXPECT_EQ(runs("z.test")[0].run_id, other_);
  // Neither a method, nor a figure of the stored summaries, nor two URLs together.
  EXPECT_TRUE(runs("POST").empty());
  EXPECT_TRUE(runs("HIST").empty());
  EXPECT_TRUE(runs("one\nhttp").empty());

  // The command: the same run, printed as one line.
  std::ostringstream out, err;
  HistoryQuery q;
  q.url_contains = "c.test/three";
  EXPECT_EQ(app::print_history(db_.string(), q, out, err), 0) << err.str();
  EXPECT_NE(out.str().find("3 targets"), std::string::npos) << out.str();
  EXPECT_EQ(out.str().find("z.test"), std::string::npos) << out.str();
}

TEST_F(HistoryTargets, TheWeeklyViewHasOneLinePerUrl) {
  const auto lines = weeks();
  ASSERT_EQ(lines.size(), 4u);
  std::map<std::string, const detail::PeriodLine*> by_url;
  for (const auto& line : lines) {
    EXPECT_EQ(line.period, "2026-W48");
    by_url[line.url] = &line;
  }
  ASSERT_EQ(by_url.size(), 4u);
  const auto& a = *by_url.at("http://a.test/one");
  EXPECT_EQ(a.runs, 2u);  // run 1 and run 2's first target
  EXPECT_EQ(a.requests, 20u);
  EXPECT_EQ(a.failed, 0u);
  EXPECT_DOUBLE_EQ(a.wall_s, 20.0);
  const auto& b = *by_url.at("http://b.test/two");
  EXPECT_EQ(b.runs, 1u);
  EXPECT_EQ(b.requests, 10u);
  EXPECT_EQ(b.failed, 0u);
  const auto& c = *by_url.at("http://c.test/three");
  EXPECT_EQ(c.runs, 1u);
  EXPECT_EQ(c.requests, 10u);
  EXPECT_EQ(c.failed, 5u);
  EXPECT_DOUBLE_EQ(c.failure_rate(), 0.5);
  EXPECT_EQ(by_url.at("http://z.test/other")->requests, 4u);
  // c.test's figures are its own: its requests took 3 ms + k us (k = 3, 6, ..., 30).
  ASSERT_TRUE(c.max_s.has_value());
  EXPECT_NEAR(*c.max_s, 0.003030, 0.000030);
  ASSERT_TRUE(b.max_s.has_value());
  EXPECT_NEAR(*b.max_s, 0.002029, 0.000030);

  // --url keeps only the matching targets' lines.
  const auto only_c = weeks("c.test");
  ASSERT_EQ(only_c.size(), 1u);
  EXPECT_EQ(only_c[0].url, "http://c.test/three");
  EXPECT_EQ(only_c[0].requests, 10u);
  const auto tests = weeks(".test/t");
  ASSERT_EQ(tests.size(), 2u);  // b.test/two and c.test/three, not a.test/one
  EXPECT_EQ(tests[0].url, "http://b.test/two");
  EXPECT_EQ(tests[1].url, "http://c.test/three");

  std::ostringstream text;
  report::print_periods(text, lines, Period::weekly, report::Charset::ascii, 0.1);
  EXPECT_NE(text.str().find("http://c.test/three"), std::string::npos) << text.str();
  EXPECT_EQ(text.str().find("targets"), std::string::npos) << text.str();
}

}  // namespace
}  // namespace ccload::store::test
