// The remote-write body: snappy around a WriteRequest whose series are /metrics' own, each with
// its labels sorted by name (__name__ among them, as the protocol requires) and the snapshot's
// time in milliseconds.

#include <gtest/gtest.h>
#include <snappy.h>

#include "metrics/remote_write.pb.h"
#include "metrics/remote_writer.hpp"
#include "stats/interval.hpp"

namespace ccload::metrics {
namespace {

TEST(RemoteWrite, TheBodyHoldsEverySeriesWithSortedLabelsAndTheSnapshotsTime) {
  stats::IntervalStats second;
  Record r;
  r.status = 200;
  r.total_ns = r.ttfb_ns = r.ttlb_ns = 2'000'000;
  second.add(r);
  stats::Snapshot snapshot;
  snapshot.unix_ns = 1'700'000'000'123'456'789;
  snapshot.run = stats::snapshot_part(second, second.stats);
  const std::string body = remote_write_body(snapshot, RunLabels{"7", "1/1", {"http://t/"}});
  std::string raw;
  ASSERT_TRUE(snappy::Uncompress(body.data(), body.size(), &raw));
  remote_write::WriteRequest request;
  ASSERT_TRUE(request.ParseFromString(raw));
  ASSERT_GT(request.timeseries_size(), 20);
  bool found = false;
  for (const auto& series : request.timeseries()) {
    for (int i = 1; i < series.labels_size(); ++i) {
      EXPECT_LT(series.labels(i - 1).name(), series.labels(i).name());
    }
    ASSERT_EQ(series.samples_size(), 1);
    EXPECT_EQ(series.samples(0).timestamp(), 1'700'000'000'123);
    std::string name, target;
    for (const auto& label : series.labels()) {
      if (label.name() == "__name__") name = label.value();
      if (label.name() == "target") target = label.value();
    }
    if (name == "ccload_requests_total") {
      found = true;
      EXPECT_EQ(series.samples(0).value(), 1);
      EXPECT_EQ(target, "http://t/");
    }
  }
  EXPECT_TRUE(found);
}

TEST(RemoteWrite, AUrlThatCannotBeUsedIsOneLineWithoutItsPassword) {
  try {
    RemoteWriter writer("ftp://me:secret@127.0.0.1/api/v1/write", RunLabels{}, {});
    FAIL() << "no error";
  } catch (const net::UrlError& error) {
    const std::string text = error.what();
    EXPECT_EQ(text.find("secret"), std::string::npos) << text;
    EXPECT_NE(text.find("me:***@"), std::string::npos) << text;
  }
  EXPECT_EQ(net::redact_password("http://u:p@h:1/x?y=@"), "http://u:***@h:1/x?y=@");
  EXPECT_EQ(net::redact_password("http://h/x@y"), "http://h/x@y");
}

}  // namespace
}  // namespace ccload::metrics
