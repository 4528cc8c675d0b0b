#include <gtest/gtest.h>

#include "report/progress.hpp"

namespace ccload::report {
namespace {

TEST(ProgressLine, CountModeShowsTheShareDone) {
  EXPECT_EQ(progress_line(2.0, 1200, 3, 4800, 0),
            "2.0 s: 1200 of 4800 requests (25%), 600 req/s, 3 failed");
}

TEST(ProgressLine, DurationModeShowsTheTimeDone) {
  EXPECT_EQ(progress_line(3.0, 900, 0, std::nullopt, 30),
            "3.0 of 30.0 s: 900 requests, 300 req/s, 0 failed");
}

TEST(ProgressLine, NothingElapsedIsZeroPerSecond) {
  EXPECT_EQ(progress_line(0, 0, 0, 10, 0), "0.0 s: 0 of 10 requests (0%), 0 req/s, 0 failed");
}

TEST(StoringLine, ShowsRowsWrittenOfAll) {
  EXPECT_EQ(storing_line(1200, 4800, "load.db"),
            "Storing: 1200 of 4800 requests written to load.db (25%)");
  EXPECT_EQ(storing_line(0, 0, "x.db"), "Storing: 0 of 0 requests written to x.db (100%)");
}

}  // namespace
}  // namespace ccload::report
