// Small things people expect: a last line saying where --json, --html and --csv went, a warning
// for USERNAME without PASSWORD, and --latency-includes-failures (timed-out requests timed into
// the percentiles, said in the report either way, stored with the run). The real binary against
// the built-in server.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "server/target_server.hpp"
#include "support/ccload_run.hpp"

namespace ccload::test {
namespace {

using nlohmann::json;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string last_line(const std::string& text) {
  const std::size_t end = text.find_last_not_of('\n');
  if (end == std::string::npos) return "";
  const std::size_t newline = text.rfind('\n', end);
  const std::size_t start = newline == std::string::npos ? 0 : newline + 1;
  return text.substr(start, end + 1 - start);
}

class SmallThingsTest : public ::testing::Test {
 protected:
  ProcessResult ccload(const std::vector<std::string>& args, ProcessOptions options = {}) {
    return run_ccload(args, dir.path(), std::move(options));
  }
  server::TargetServer target{{"127.0.0.1", 0, 1, "", ""}};
  TempDir dir;
};

TEST_F(SmallThingsTest, TheLastLineSaysWhereTheFilesWent) {
  ProcessResult all = ccload({"run", target.base_url() + "/get", "-n", "5", "-c", "1", "--json",
                              "a.json", "--html", "r.html", "--csv", "r.csv"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_EQ(last_line(all.out),
            "Wrote the JSON summary to a.json, the HTML report to r.html and its CSV row to r.csv.")
      << all.out;
  // The JSON on stdout stays JSON alone; the line goes with the report, to stderr.
  ProcessResult piped = ccload(
      {"run", target.base_url() + "/get", "-n", "5", "-c", "1", "--json", "-", "--html", "r.html"});
  ASSERT_EQ(piped.exit_code, 0) << piped.err;
  EXPECT_FALSE(json::parse(piped.out, nullptr, false).is_discarded()) << piped.out;
  EXPECT_EQ(last_line(piped.err), "Wrote the HTML report to r.html.") << piped.err;
  ProcessResult none = ccload({"run", target.base_url() + "/get", "-n", "5", "-c", "1"});
  EXPECT_FALSE(contains(none.out, "Wrote ")) << none.out;
  ProcessResult report = ccload({"report", "last", "--html", "s.html"});
  EXPECT_EQ(last_line(report.out), "Wrote the HTML report to s.html.") << report.out;
  ProcessResult history = ccload({"history", "--html", "h.html"});
  EXPECT_EQ(last_line(history.out), "Wrote the history page to h.html.") << history.out;
}

TEST_F(SmallThingsTest, UsernameWithoutPasswordIsAWarningAndNoAuthIsSent) {
  ProcessOptions options;
  options.env["USERNAME"] = "alice";
  ProcessResult result =
      ccload({"run", target.base_url() + "/get", "-n", "2", "-c", "1", "--no-store"}, options);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(contains(result.err,
                       "ccload: warning: USERNAME is set (in the environment) but PASSWORD is "
                       "not: requests carry no HTTP Basic auth; fix: set PASSWORD too, or remove "
                       "USERNAME\n"))
      << result.err;
}

// Ten requests to /get (answered at once) and ten to /hang (never answered) with a 300 ms timeout:
// by default the percentiles cover the ten answers; with the flag, the timeouts too (at about the
// timeout). The report says which either way, and the stored run keeps it.
TEST_F(SmallThingsTest, LatencyIncludesFailuresOnlyWhenAsked) {
  for (const bool include : {false, true}) {
    std::vector<std::string> args{"run",
                                  target.base_url() + "/get",
                                  target.base_url() + "/hang",
                                  "-n",
                                  "20",
                                  "-c",
                                  "4",
                                  "--timeout",
                                  "300ms",
                                  "--json",
                                  include ? "with.json" : "without.json"};
    if (include) args.push_back("--latency-includes-failures");
    ProcessOptions options;
    options.timeout = std::chrono::seconds(60);
    ProcessResult result = ccload(args, options);
    ASSERT_EQ(result.exit_code, 0) << result.err;
    const json summary = json::parse(read_file(dir / (include ? "with.json" : "without.json")));
    EXPECT_EQ(summary["errors"]["timeout"], 10) << summary.dump();
    EXPECT_EQ(summary["latency_includes_failures"], include);
    const json& total = summary["latency"]["total"];
    EXPECT_EQ(total["count"], include ? 20 : 10);
    if (include) {
      EXPECT_GE(total["max"].get<double>(), 0.3) << "a timeout is timed to its failure";
      EXPECT_TRUE(contains(result.out, "Latency includes failures (--latency-includes-failures)"))
          << result.out;
    } else {
      EXPECT_LT(total["max"].get<double>(), 0.3) << "only the answers";
      EXPECT_TRUE(contains(result.out,
                           "Latency covers the 10 requests that got a response; the "
                           "10 that failed without one are counted by category"))
          << result.out;
    }
    EXPECT_EQ(summary["latency"]["ttfb"]["count"], 10) << "first byte: the answers only";
    ProcessResult stored = ccload({"report", "last", "--json", "-"});
    ASSERT_EQ(stored.exit_code, 0) << stored.err;
    EXPECT_EQ(json::parse(stored.out), summary);
  }
}

}  // namespace
}  // namespace ccload::test
