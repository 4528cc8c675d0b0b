// The one wording of how a run ended early (a signal, a process that died) and of requests
// dropped at the end of a paced run, and the one definition of requests per second.
#include <gtest/gtest.h>

#include <algorithm>

#include "stats/merge.hpp"
#include "stats/run_end.hpp"

namespace ccload::stats {
namespace {

RunSummary summary_of(std::uint64_t requests, RunFacts facts) {
  RunSummary s;
  s.requests = requests;
  s.facts = std::move(facts);
  return s;
}

TEST(RunEnd, ARunThatReachedItsEndHasNoSentence) {
  RunFacts facts;
  facts.requested = 10;
  EXPECT_EQ(early_end_sentence(summary_of(10, facts)), std::nullopt);
  EXPECT_EQ(dropped_sentence(summary_of(10, facts)), std::nullopt);
}

TEST(RunEnd, ASignalIsNamedWithWhatCompleted) {
  RunFacts facts;
  facts.interrupted = true;
  facts.stop_signal = "SIGTERM";
  facts.requested = 1000;
  EXPECT_EQ(early_end_sentence(summary_of(37, facts)),
            "Interrupted by SIGTERM: 37 of 1000 requests completed.");
  facts.requested.reset();
  facts.duration_limit_s = 10;
  facts.duration_s = 1.2345;
  EXPECT_EQ(early_end_sentence(summary_of(1, facts)),
            "Interrupted by SIGTERM: 1 request completed, 1.234 s into 10.000 s.");
  facts.duration_limit_s.reset();
  facts.stages = {{30, 100}, {60, 0}};
  EXPECT_EQ(early_end_sentence(summary_of(5, facts)),
            "Interrupted by SIGTERM: 5 requests completed, 1.234 s into 90.000 s.");
  facts.stop_signal.clear();  // a run stored before version 6
  EXPECT_EQ(early_end_sentence(summary_of(5, facts)),
            "Interrupted: 5 requests completed, 1.234 s into 90.000 s.");
}

TEST(RunEnd, ARunCutShortSaysItsFiguresComeFromItsRows) {
  RunFacts facts;
  facts.cut_short = true;
  facts.interrupted = true;
  EXPECT_EQ(early_end_sentence(summary_of(612, facts)),
            "Cut short: a process of this run stopped before the run ended (killed, or still "
            "running); these figures are its 612 stored requests.");
}

TEST(RunEnd, DroppedRequestsSayTheRateWasNotKept) {
  RunFacts facts;
  facts.rate = 200;
  facts.duration_limit_s = 3;
  facts.concurrency = 4;
  facts.dropped = 480;
  const auto line = dropped_sentence(summary_of(120, facts));
  ASSERT_TRUE(line);
  EXPECT_EQ(line->rfind("Dropped 480 requests: ", 0), 0u) << *line;
  EXPECT_NE(line->find("before -z ended"), std::string::npos) << *line;
  EXPECT_NE(line->find("(or -c 4) could not keep up with the rate"), std::string::npos) << *line;
  facts.stages = {{3, 200}};
  EXPECT_NE(dropped_sentence(summary_of(120, facts))->find("before the last stage ended"),
            std::string::npos);
  // Every report's findings carry it.
  RunSummary s = summary_of(120, facts);
  const auto lines = findings(s);
  EXPECT_NE(std::find(lines.begin(), lines.end(), *dropped_sentence(s)), lines.end());
}

TEST(RunEnd, RequestsPerSecondIsRequestsOverWallTime) {
  EXPECT_DOUBLE_EQ(requests_per_second(120, 3.0), 40.0);
  EXPECT_EQ(requests_per_second(120, 0.0), 0.0);
  RunFacts facts;
  facts.duration_s = 2.5;
  RunStats stats;
  stats.requests = 10;
  EXPECT_DOUBLE_EQ(summarize(stats, facts).rps, 4.0);
}

TEST(RunEnd, AMergedRunAddsItsShardsDropsAndNamesNoOneSignal) {
  RunFacts a, b;
  a.dropped = 3;
  b.dropped = 4;
  a.interrupted = true;
  a.stop_signal = "SIGTERM";
  a.shards = b.shards = 2;
  b.shard = 1;
  const RunSummary merged = merge_shards({summary_of(10, a), summary_of(20, b)}, 2);
  EXPECT_EQ(merged.facts.dropped, 7u);
  EXPECT_TRUE(merged.facts.interrupted);
  EXPECT_EQ(merged.facts.stop_signal, "");
}

}  // namespace
}  // namespace ccload::stats
