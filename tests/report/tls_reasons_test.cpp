// The tls errors by reason in each output: the terminal report (beneath `tls`, and a sentence per
// reason with its count and fix), the JSON summary (`tls_reasons`) and the HTML page.

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <sstream>

#include "report/html_report.hpp"
#include "report/json_summary.hpp"
#include "report/terminal.hpp"
#include "summary_fixture.hpp"

namespace ccload::report {
namespace {

stats::RunSummary with_tls_failures() {
  stats::RunStats stats = test::stats_with(5, 0);
  for (const TlsReason reason :
       {TlsReason::expired, TlsReason::expired, TlsReason::unknown_ca, TlsReason::none}) {
    Record record;
    record.error = ErrorCategory::tls;
    record.tls_reason = reason;
    stats.add(record);
  }
  return stats::summarize(stats, test::facts_of());
}

// A reason's line beneath `tls` in Transport Errors.
std::string beneath(const char* reason, int n) {
  return fmt::format("    {:<18}{:>18}\n", reason, n);
}

TEST(TlsReasonsReport, EveryOutputCountsTheReasons) {
  const stats::RunSummary summary = with_tls_failures();
  std::ostringstream terminal;
  print_report(terminal, summary);
  const std::string text = terminal.str();
  EXPECT_NE(text.find(beneath("expired", 2)), std::string::npos) << text;
  EXPECT_NE(text.find(beneath("unknown_ca", 1)), std::string::npos) << text;
  EXPECT_NE(text.find(beneath("other", 1)), std::string::npos) << text;
  EXPECT_NE(text.find("2 requests failed as tls (tls: expired): "), std::string::npos) << text;
  EXPECT_NE(text.find("1 request failed as tls (tls: unknown_ca): "), std::string::npos) << text;
  EXPECT_NE(text.find("--cacert FILE"), std::string::npos);

  const auto json = summary_json(summary);
  EXPECT_EQ(json["tls_reasons"], (nlohmann::json{{"expired", 2}, {"unknown_ca", 1}, {"other", 1}}));
  EXPECT_EQ(json["errors"]["tls"], 4);

  const std::string html = html_report(summary);
  EXPECT_NE(html.find("<tr><td>tls: expired</td><td>2</td></tr>"), std::string::npos);
  EXPECT_NE(html.find("<tr><td>tls: unknown_ca</td><td>1</td></tr>"), std::string::npos);
}

}  // namespace
}  // namespace ccload::report
