// A stored run whose process was killed (cut short) says so in the terminal, the HTML and the JSON,
// and never in the words of a Ctrl-C.

#include <gtest/gtest.h>

#include <sstream>

#include "report/html_report.hpp"
#include "report/json_summary.hpp"
#include "report/terminal.hpp"
#include "summary_fixture.hpp"

namespace ccload::report {
namespace {

stats::RunSummary cut_short_run() {
  stats::RunFacts facts = test::facts_of("http://h/get");
  facts.duration_limit_s = 10;
  facts.rate = 300;
  facts.interrupted = true;  // a run cut short is one stopped before its end
  facts.cut_short = true;
  return stats::summarize(test::stats_with(9, 1), facts);  // 11 requests
}

TEST(CutShortReport, TheTerminalSaysCutShortWithTheStoredRequests) {
  std::ostringstream out;
  print_report(out, cut_short_run());
  EXPECT_NE(out.str().find("Cut short: a process of this run stopped before the run ended"),
            std::string::npos)
      << out.str();
  EXPECT_NE(out.str().find("these figures are its 11 stored requests."), std::string::npos);
  EXPECT_EQ(out.str().find("Ctrl-C"), std::string::npos) << out.str();
  EXPECT_EQ(out.str().find("Interrupted"), std::string::npos) << out.str();
}

TEST(CutShortReport, TheHtmlSaysCutShort) {
  const std::string html = html_report(cut_short_run());
  EXPECT_NE(html.find("<p class=\"interrupted\">Cut short: "), std::string::npos);
  EXPECT_EQ(html.find("Ctrl-C"), std::string::npos);
}

TEST(CutShortReport, TheJsonHasCutShortOnlyWhenItWas) {
  const nlohmann::json cut = summary_json(cut_short_run());
  EXPECT_EQ(cut["cut_short"], true);
  EXPECT_EQ(cut["interrupted"], true);
  stats::RunSummary finished = cut_short_run();
  finished.facts.cut_short = finished.facts.interrupted = false;
  EXPECT_FALSE(summary_json(finished).contains("cut_short"));
}

}  // namespace
}  // namespace ccload::report
