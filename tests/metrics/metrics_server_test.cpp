// The /metrics server: serves the newest snapshot published, counts its scrapes, answers other
// paths with 404, and refuses an address it cannot listen on with one line.

#include "metrics/metrics_server.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "support/ports.hpp"

namespace ccload::metrics {
namespace {

TEST(MetricsServer, ServesTheNewestSnapshotAndCountsScrapes) {
  MetricsServer server("127.0.0.1", 0, RunLabels{"", "1/1", {"http://t/"}});
  ASSERT_NE(server.port(), 0);
  test::HttpAnswer before = test::http_get(server.port(), "/metrics");
  EXPECT_EQ(before.status, 200);
  EXPECT_NE(
      before.body.find("ccload_requests_total{run=\"\",shard=\"1/1\",target=\"http://t/\"} 0"),
      std::string::npos)
      << before.body;
  auto snapshot = std::make_shared<stats::Snapshot>();
  snapshot->run.requests = 42;
  snapshot->last = true;
  server.publish(snapshot);
  server.set_run("7");
  const test::HttpAnswer after = test::http_get(server.port(), "/metrics");
  EXPECT_NE(
      after.body.find("ccload_requests_total{run=\"7\",shard=\"1/1\",target=\"http://t/\"} 42"),
      std::string::npos)
      << after.body;
  EXPECT_NE(after.body.find("ccload_run_finished{run=\"7\",shard=\"1/1\"} 1"), std::string::npos);
  EXPECT_EQ(test::http_get(server.port(), "/").status, 404);
  EXPECT_EQ(server.scrapes(), 2u);
  server.stop();
  EXPECT_EQ(test::http_get(server.port(), "/metrics").status, 0);
}

TEST(MetricsServer, APortInUseIsOneLineThatSaysSo) {
  MetricsServer first("127.0.0.1", 0, RunLabels{});
  try {
    MetricsServer second("127.0.0.1", first.port(), RunLabels{});
    FAIL() << "bound twice";
  } catch (const std::runtime_error& error) {
    const std::string text = error.what();
    EXPECT_NE(text.find("cannot listen there"), std::string::npos) << text;
    EXPECT_NE(text.find("give another port"), std::string::npos) << text;
    EXPECT_EQ(text.find('\n'), std::string::npos) << text;
  }
}

}  // namespace
}  // namespace ccload::metrics
