// The InfluxDB lines of a second: the second's counts, the run's so far, and each second's new
// statuses only.

#include "metrics/influx_lines.hpp"

#include <gtest/gtest.h>

#include "metrics/influx_writer.hpp"
#include "stats/interval.hpp"

namespace ccload::metrics {
namespace {

Record ok(std::int64_t total_ns) {
  Record r;
  r.status = 200;
  r.total_ns = r.ttfb_ns = r.ttlb_ns = total_ns;
  return r;
}

TEST(InfluxLines, ASecondsPointsCarryItsCountsAndTheRunsTotals) {
  stats::IntervalStats first, second;
  stats::RunStats so_far;
  first.add(ok(1'000'000));
  so_far.merge(first.stats);
  stats::Snapshot a;
  a.unix_ns = 1'000'000'000;
  a.run = stats::snapshot_part(first, so_far);
  second.add(ok(2'000'000));
  second.add(ok(2'000'000));
  so_far.merge(second.stats);
  stats::Snapshot b;
  b.unix_ns = 2'000'000'000;
  b.run = stats::snapshot_part(second, so_far);
  const RunLabels labels{"7", "1/1", {"http://h/a b"}};
  const std::string text = influx_lines(b, &a, labels);
  EXPECT_NE(text.find("ccload,run=7,shard=1/1,target=http://h/a\\ b requests=2i,failed=0i"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(",requests_total=3i,failed_total=0i 2000000000\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("ccload_status,run=7,shard=1/1,target=http://h/a\\ b,status=200 count=2i"),
            std::string::npos)
      << text;
}

TEST(InfluxUrl, DatabaseAndCredentialsComeFromTheUrl) {
  const InfluxTarget t = parse_influx_url("http://me:secret@127.0.0.1:8086/loadtests");
  EXPECT_EQ(t.database, "loadtests");
  EXPECT_EQ(t.server.port, 8086);
  EXPECT_EQ(t.server.request_target, "/write?db=loadtests&precision=ns");
  EXPECT_EQ(t.authorization, "Basic bWU6c2VjcmV0");
  EXPECT_EQ(t.shown.find("secret"), std::string::npos);
}

TEST(InfluxUrl, AUrlWithoutADatabaseIsRefusedWithoutItsPassword) {
  try {
    (void)parse_influx_url("http://me:secret@127.0.0.1:8086/");
    FAIL() << "no error";
  } catch (const net::UrlError& error) {
    EXPECT_NE(std::string(error.what()).find("no database"), std::string::npos) << error.what();
    EXPECT_EQ(std::string(error.what()).find("secret"), std::string::npos) << error.what();
  }
  EXPECT_THROW((void)parse_influx_url("ftp://127.0.0.1/db"), net::UrlError);
}

}  // namespace
}  // namespace ccload::metrics
