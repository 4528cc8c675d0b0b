// `ccload history` through the real binary: --json, --html and the trend column on databases whose
// runs were stored at chosen times, PyLoad's databases, bad outputs; the page in headless Chromium
// (a chart per URL, the regression mark, nothing fetched).

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "store/history_support.hpp"
#include "support/ccload_run.hpp"
#include "support/chromium.hpp"
#include "support/recording_server.hpp"

namespace ccload::test {
namespace {

namespace fs = std::filesystem;
using store::test::utc;

// `count` spread values around `base` seconds, in ns (the same shape for every base).
std::vector<std::int64_t> spread(int count, double base) {
  std::vector<std::int64_t> out;
  for (int i = 0; i < count; ++i) {
    out.push_back(std::llround(base * (1 + (i * 37 % 101) / 25.0) * 1e9));
  }
  return out;
}

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

class HistoryPage : public ::testing::Test {
 protected:
  // ccload in UTC with the given locale.
  ProcessResult history(std::vector<std::string> args, const std::string& lang = "C.UTF-8") {
    args.insert(args.begin(), "history");
    ProcessOptions options;
    options.env = {{"TZ", "UTC"}, {"LANG", lang}};
    options.unset_env = {"LC_ALL", "LC_CTYPE"};
    return run_ccload(args, dir.path(), options);
  }

  // Two URLs over three ISO weeks (2026-W10 to W12); the p95 of http://a/ doubles in W12.
  void make_weekly_db() {
    const fs::path db = dir / "load.db";
    store::test::store_run(db, "http://a/", utc(2026, 3, 2), spread(300, 0.010), {});
    store::test::store_run(db, "http://a/", utc(2026, 3, 4), spread(200, 0.010), {200, 500});
    store::test::store_run(db, "http://a/", utc(2026, 3, 10), spread(300, 0.010), {});
    store::test::store_run(db, "http://a/", utc(2026, 3, 17), spread(300, 0.020), {});
    store::test::store_run(db, "http://b/", utc(2026, 3, 3), spread(100, 0.300), {});
    store::test::store_run(db, "http://b/", utc(2026, 3, 16), spread(100, 0.300), {});
  }

  TempDir dir;
};

TEST_F(HistoryPage, WeeklyJsonPageAndTableMarkTheWeekWhoseP95Doubled) {
  make_weekly_db();
  ProcessResult r = history({"--weekly", "--json", "-", "--html", "weekly.html"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json json = nlohmann::json::parse(r.out);  // stdout holds the JSON alone
  ASSERT_EQ(json["rows"].size(), 5u) << json.dump(1);
  for (const auto& row : json["rows"]) {
    const bool doubled = row["period"] == "2026-W12" && row["url"] == "http://a/";
    EXPECT_EQ(row["regressed"].get<bool>(), doubled) << row.dump();
  }
  EXPECT_EQ(json["rows"][0]["period"], "2026-W12");
  EXPECT_EQ(json["rows"][4]["period"], "2026-W10");
  EXPECT_EQ(json["rows"][3]["url"], "http://a/");  // within a week, URLs in order
  EXPECT_EQ(json["rows"][3]["runs"], 2);
  EXPECT_EQ(json["rows"][3]["requests"], 500);
  EXPECT_EQ(json["rows"][3]["failed"], 100);
  // The table went to stderr, with the trend and the mark.
  EXPECT_NE(r.err.find("P95 TREND"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("▁▁█"), std::string::npos) << r.err;
  EXPECT_EQ(count_of(r.err, "  regressed (p95 +"), 1u) << r.err;

  ProcessResult ascii = history({"--weekly"}, "C");
  EXPECT_NE(ascii.out.find("__^"), std::string::npos) << ascii.out;
  EXPECT_EQ(ascii.out.find("▁"), std::string::npos) << ascii.out;

  if (!fs::exists(kChromium)) GTEST_SKIP() << "Debian's chromium is not installed";
  RecordingServer proxy;
  const std::string page = "file://" + (dir / "weekly.html").string();
  ProcessResult dom = run_chromium({"--dump-dom", page}, proxy, dir / "profile");
  ASSERT_EQ(dom.exit_code, 0) << dom.err;
  EXPECT_NE(dom.out.find("<h1>Load test history</h1>"), std::string::npos);
  EXPECT_EQ(count_of(dom.out, "aria-label=\"latency of "), 2u) << "a chart per URL";
  EXPECT_NE(dom.out.find("aria-label=\"latency of http://a/\""), std::string::npos);
  EXPECT_NE(dom.out.find("aria-label=\"latency of http://b/\""), std::string::npos);
  EXPECT_EQ(count_of(dom.out, "aria-label=\"failure rate of "), 2u);
  EXPECT_EQ(count_of(dom.out, "aria-label=\"requests of "), 2u);
  EXPECT_EQ(count_of(dom.out, "<g class=\"regression\">"), 1u);
  EXPECT_EQ(count_of(dom.out, "<tr class=\"regressed\">"), 1u);
  const fs::path shot = dir / "weekly.png";
  ProcessResult screenshot = run_chromium(
      {"--window-size=900,1400", "--screenshot=" + shot.string(), page}, proxy, dir / "profile");
  ASSERT_EQ(screenshot.exit_code, 0) << screenshot.err;
  EXPECT_GT(fs::file_size(shot), 20'000u) << "a page with charts, not a blank one";
  const auto fetched = page_fetches(proxy);
  EXPECT_TRUE(fetched.empty()) << "the page fetched " << fetched.front();
}

TEST_F(HistoryPage, APyloadDatabaseRendersInEveryForm) {
  std::vector<store::test::Legacy> rows;
  for (int i = 0; i < 40; ++i) {
    const auto day = i < 20 ? utc(2026, 3, 2) : utc(2026, 4, 7);
    rows.push_back({std::to_string(day + i) + ".25", "https://httpbin.org/get",
                    i % 10 == 0 ? 500 : 200, "get", "0." + std::to_string(100 + i)});
  }
  store::test::make_pyload_db(dir / "load.db", rows);
  for (const char* period : {"--weekly", "--monthly", "--yearly"}) {
    ProcessResult r = history({period, "--json", "p.json", "--html", "p.html"});
    ASSERT_EQ(r.exit_code, 0) << period << r.err;
    EXPECT_NE(r.out.find("https://httpbin.org/get"), std::string::npos) << r.out;
    const nlohmann::json json = nlohmann::json::parse(read_file(dir / "p.json"));
    ASSERT_EQ(json["rows"].size(), std::string(period) == "--yearly" ? 1u : 2u) << period;
    EXPECT_EQ(count_of(read_file(dir / "p.html"), "aria-label=\"latency of "), 1u);
  }
  const nlohmann::json yearly = nlohmann::json::parse(read_file(dir / "p.json"));
  EXPECT_EQ(yearly["rows"][0]["requests"], 40);
  EXPECT_EQ(yearly["rows"][0]["failed"], 4);
  EXPECT_DOUBLE_EQ(yearly["rows"][0]["p50_s"].get<double>(), 0.119);  // 20th of 0.100 ... 0.139
  EXPECT_DOUBLE_EQ(yearly["rows"][0]["max_s"].get<double>(), 0.139);
  ProcessResult runs = history({"--json", "-"});
  ASSERT_EQ(runs.exit_code, 0) << runs.err;
  EXPECT_EQ(nlohmann::json::parse(runs.out)["rows"].size(), 2u) << "one pseudo-run per day";
}

TEST_F(HistoryPage, BadOutputsAreOneLineAndExitTwoAndAnEmptyHistoryIsAPage) {
  for (const std::vector<std::string>& args : {std::vector<std::string>{"--html", "-"},
                                               {"--weekly", "--json", "same", "--html", "same"},
                                               {"--html", (dir / "missing" / "p.html").string()},
                                               {"--json", (dir / "missing" / "p.json").string()}}) {
    ProcessResult r = history(args);
    EXPECT_EQ(r.exit_code, 2) << args.back();
    EXPECT_EQ(r.err.rfind("ccload: error: ", 0), 0u) << r.err;
    EXPECT_EQ(count_of(r.err, "\n"), 1u) << r.err;
  }
  ProcessResult empty = history({"--weekly", "--html", "empty.html", "--json", "empty.json"});
  EXPECT_EQ(empty.exit_code, 0) << empty.err;
  EXPECT_NE(read_file(dir / "empty.html").find("Nothing recorded yet"), std::string::npos);
  EXPECT_TRUE(nlohmann::json::parse(read_file(dir / "empty.json"))["rows"].empty());
  EXPECT_FALSE(fs::exists(dir / "load.db"));
}

}  // namespace
}  // namespace ccload::test
