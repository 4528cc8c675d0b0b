// Every output format rendered from one fixed RunSummary and compared byte for byte with its
// golden file in tests/data/golden/ (as Nighthawk keeps output_formatter.*.gold). A change of
// layout, a renamed JSON key or a shifted column fails here.
//
// To regenerate after an intended change, then review the diff:
//   CCLOAD_UPDATE_GOLDEN=1 build/tests/test_report --gtest_filter='Golden*'

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "report/compare_text.hpp"
#include "report/csv_summary.hpp"
#include "report/html_report.hpp"
#include "report/json_summary.hpp"
#include "report/terminal.hpp"
#include "summary_fixture.hpp"
#include "support/local_time.hpp"

namespace ccload::report {
namespace {

namespace fs = std::filesystem;

class Golden : public ::testing::Test {
 protected:
  ccload::test::LocalTimeIsUtc utc_;  // local time is UTC in these tests

  static void expect_golden(const std::string& name, const std::string& rendered) {
    const fs::path path = fs::path(CCLOAD_TEST_DATA) / "golden" / name;
    if (std::getenv("CCLOAD_UPDATE_GOLDEN") != nullptr) {
      fs::create_directories(path.parent_path());
      std::ofstream(path, std::ios::binary) << rendered;
      GTEST_SKIP() << "wrote " << path;
    }
    std::ifstream file(path, std::ios::binary);
    ASSERT_TRUE(file) << path << " is missing: regenerate with CCLOAD_UPDATE_GOLDEN=1";
    std::stringstream golden;
    golden << file.rdbuf();
    EXPECT_EQ(rendered, golden.str()) << name << " differs from its golden file";
  }
};

TEST_F(Golden, Terminal) {
  std::ostringstream out;
  const stats::RunSummary summary = test::golden_summary();
  print_report(out, summary);
  print_thresholds(out, summary.thresholds);
  expect_golden("terminal.txt", out.str());
}

TEST_F(Golden, Json) {
  expect_golden("summary.json", summary_json(test::golden_summary()).dump(2) + "\n");
}

TEST_F(Golden, Csv) {
  expect_golden("summary.csv", csv_header() + "\n" + csv_row(test::golden_summary()) + "\n");
}

TEST_F(Golden, Html) { expect_golden("report.html", html_report(test::golden_summary())); }

// A run of three targets: the per-target table, objects, rows and charts, and redirects.
TEST_F(Golden, TargetsTerminal) {
  std::ostringstream out;
  const stats::RunSummary summary = test::targets_summary(test::golden_targets());
  print_report(out, summary);
  print_thresholds(out, summary.thresholds);
  expect_golden("targets_terminal.txt", out.str());
}

TEST_F(Golden, TargetsJson) {
  expect_golden("targets_summary.json",
                summary_json(test::targets_summary(test::golden_targets())).dump(2) + "\n");
}

TEST_F(Golden, TargetsCsv) {
  expect_golden(
      "targets_summary.csv",
      csv_header() + "\n" + csv_row(test::targets_summary(test::golden_targets())) + "\n");
}

TEST_F(Golden, TargetsHtml) {
  expect_golden("targets_report.html", html_report(test::targets_summary(test::golden_targets())));
}

TEST_F(Golden, Comparison) {
  stats::RunSummary a = test::golden_summary();
  stats::RunSummary b = a;
  b.storage.run_id = 8;
  const stats::RunComparison comparison = stats::compare_runs(a, b, 0.10);
  std::ostringstream out;
  print_comparison(out, comparison, "run 7", "run 8");
  expect_golden("comparison.txt", out.str());
  expect_golden("comparison.json", comparison_json(comparison).dump(2) + "\n");
}

}  // namespace
}  // namespace ccload::report
