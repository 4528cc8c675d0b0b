// The --html page in a real browser: Debian's headless Chromium renders it (--dump-dom and
// --screenshot), the charts and tables are in the rendered page, and the page loads nothing: every
// fetch Chromium would make goes to a recording proxy, which must see none (a control page with
// one external image shows that the proxy does see what a page fetches).

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "server/target_server.hpp"
#include "support/ccload_run.hpp"
#include "support/chromium.hpp"
#include "support/recording_server.hpp"

namespace ccload::test {
namespace {

namespace fs = std::filesystem;

class HtmlInBrowser : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kChromium)) {
      GTEST_SKIP() << "Debian's chromium is not installed (scripts/install-deps.sh installs it)";
    }
  }

  ProcessResult chromium(const std::vector<std::string>& args, const RecordingServer& proxy) {
    return run_chromium(args, proxy, dir / "profile");
  }

  TempDir dir;
};

TEST_F(HtmlInBrowser, TheReportRendersWithItsChartsAndTablesAndFetchesNothing) {
  server::TargetServer target({"127.0.0.1", 0, 1, "", ""});
  ProcessResult run = run_ccload({"run", target.base_url() + "/status/503", "-z", "2.5s", "--rate",
                                  "100", "-c", "4", "--html", "report.html", "--fail-on", "p99<1s"},
                                 dir.path());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::string page = "file://" + (dir / "report.html").string();

  RecordingServer proxy;
  ProcessResult dom = chromium({"--dump-dom", page}, proxy);
  ASSERT_EQ(dom.exit_code, 0) << dom.err;
  const std::string& html = dom.out;
  EXPECT_NE(html.find("<h1>Load test results</h1>"), std::string::npos) << html.substr(0, 400);
  EXPECT_NE(html.find("aria-label=\"latency by percentile\""), std::string::npos);
  EXPECT_NE(html.find("aria-label=\"requests completed per second\""), std::string::npos);
  EXPECT_NE(html.find("aria-label=\"total latency per second\""), std::string::npos);
  EXPECT_GE(std::count(html.begin(), html.end(), '<'), 100);
  EXPECT_NE(html.find("<polyline"), std::string::npos);
  EXPECT_NE(html.find("<td>503 (failed)</td><td>250</td>"), std::string::npos);
  EXPECT_NE(html.find("<td>p99&lt;1s</td>"), std::string::npos) << "the thresholds table";

  const fs::path shot = dir / "report.png";
  ProcessResult screenshot =
      chromium({"--window-size=900,2400", "--screenshot=" + shot.string(), page}, proxy);
  ASSERT_EQ(screenshot.exit_code, 0) << screenshot.err;
  ASSERT_TRUE(fs::exists(shot));
  EXPECT_GT(fs::file_size(shot), 20'000u) << "a page with charts, not a blank one";
  std::ifstream png(shot, std::ios::binary);
  char signature[8] = {};
  png.read(signature, 8);
  EXPECT_EQ(std::string(signature + 1, 3), "PNG");

  const auto fetched = page_fetches(proxy);
  EXPECT_TRUE(fetched.empty()) << "the page fetched " << fetched.front();

  // The control: a page that does fetch something is seen by the proxy.
  std::ofstream(dir / "control.html")
      << "<!doctype html><img src=\"http://images.invalid/x.png\"><p>control</p>";
  ProcessResult control =
      chromium({"--dump-dom", "file://" + (dir / "control.html").string()}, proxy);
  EXPECT_EQ(control.exit_code, 0) << control.err;
  const auto control_fetches = page_fetches(proxy);
  ASSERT_EQ(control_fetches.size(), 1u) << "the proxy would have seen a fetch";
  EXPECT_NE(control_fetches[0].find("images.invalid"), std::string::npos) << control_fetches[0];
}

TEST_F(HtmlInBrowser, ARunOfSeveralTargetsRendersATableAndAChartPerTarget) {
  server::TargetServer target({"127.0.0.1", 0, 1, "", ""});
  const std::vector<std::string> urls{target.base_url() + "/get", target.base_url() + "/status/500",
                                      target.base_url() + "/redirect/2"};
  ProcessResult run = run_ccload({"run", urls[0], urls[1], urls[2], "-n", "90", "-c", "3",
                                  "--no-store", "--html", "targets.html"},
                                 dir.path());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  RecordingServer proxy;
  ProcessResult dom = chromium({"--dump-dom", "file://" + (dir / "targets.html").string()}, proxy);
  ASSERT_EQ(dom.exit_code, 0) << dom.err;
  const std::string& html = dom.out;
  for (const auto& url : urls) {
    EXPECT_NE(html.find("aria-label=\"latency by percentile: GET " + url + "\""), std::string::npos)
        << url;
  }
  EXPECT_NE(html.find("<h2>Targets</h2>"), std::string::npos);
  EXPECT_TRUE(page_fetches(proxy).empty());
}

}  // namespace
}  // namespace ccload::test
