#include <gtest/gtest.h>

#include <sstream>

#include "report/csv_summary.hpp"
#include "summary_fixture.hpp"

namespace ccload::report {
namespace {

std::vector<std::string> cells(const std::string& line) {
  // Splits a CSV line, honouring quoted fields with doubled quotes.
  std::vector<std::string> out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        out.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        out.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

TEST(CsvSummary, OneCellPerHeaderColumnWithQuotingAndBlanks) {
  stats::RunStats stats;
  for (int i = 0; i < 4; ++i) {
    Record record;
    record.status = i == 3 ? 500 : 200;
    record.total_ns = record.ttlb_ns = record.ttfb_ns = 1'000'000 * (i + 1);
    record.bytes = 10;
    stats.add(record);
  }
  stats::RunFacts facts = test::facts_of("http://h/x?a=1,b=\"2\"", "POST");
  facts.started_unix_ns = 1'445'412'480'185'000'000;  // Wed, 21 Oct 2015 07:28:00.185 GMT
  facts.duration_limit_s = 2;
  facts.rate = 2.5;
  const stats::RunSummary summary = stats::summarize(stats, facts);

  const auto header = cells(csv_header());
  const auto row = cells(csv_row(summary));
  ASSERT_EQ(row.size(), header.size());
  auto at = [&](const std::string& column) {
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (header[i] == column) return row[i];
    }
    ADD_FAILURE() << "no column " << column;
    return std::string();
  };
  EXPECT_EQ(at("started_utc"), "2015-10-21T07:28:00.185Z");
  EXPECT_EQ(at("url"), "http://h/x?a=1,b=\"2\"");
  EXPECT_EQ(at("method"), "POST");
  EXPECT_EQ(at("requested"), "") << "a duration bounded the run";
  EXPECT_EQ(at("duration_limit_s"), "2");
  EXPECT_EQ(at("rate"), "2.5");
  EXPECT_EQ(at("requests"), "4");
  EXPECT_EQ(at("failed"), "1");
  EXPECT_EQ(at("rps"), "2.000");
  EXPECT_EQ(at("bytes"), "40");
  EXPECT_EQ(at("total_max_s"), "0.004000");
  EXPECT_EQ(at("connect_mean_s"), "") << "no request opened a connection: no sample, no zero";
}

TEST(CsvSummary, CountRunsLeaveTheModeCellsEmpty) {
  stats::RunFacts facts = test::facts_of();
  facts.requested = 100;
  const auto row = cells(csv_row(stats::summarize(stats::RunStats(), facts)));
  const auto header = cells(csv_header());
  ASSERT_EQ(row.size(), header.size());
  EXPECT_EQ(row[4], "100");
  EXPECT_EQ(row[5], "");
  EXPECT_EQ(row[6], "");
}

}  // namespace
}  // namespace ccload::report
