// HTTP/2 failures are counted per stream and never end the run: RST_STREAM fails that stream
// (read), bytes that are not HTTP/2 fail what is in flight (protocol), and the run goes on.

#include <gtest/gtest.h>

#include "support/ccload_run.hpp"
#include "support/h2_script_server.hpp"

namespace ccload::test {
namespace {

class Http2FailuresTest : public ::testing::Test {
 protected:
  TempDir dir;
};

TEST_F(Http2FailuresTest, ResetStreamsFailOneByOneAndTheOthersSucceed) {
  H2ScriptServer server(
      [](std::uint64_t k) { return k % 2 == 0 ? H2Action::reset : H2Action::answer; });
  auto summary = run_ccload_json(
      {"run", server.url("/"), "-n", "20", "-c", "1", "--http2", "--streams", "4", "--no-store"},
      dir.path());
  EXPECT_EQ(summary["requests"]["total"], 20);
  EXPECT_EQ(summary["requests"]["succeeded"], 10);
  EXPECT_EQ(summary["errors"]["read"], 10) << summary.dump();
  EXPECT_EQ(server.requests(), 20u);
}

TEST_F(Http2FailuresTest, BytesThatAreNotHttp2AreAProtocolFailureAndTheRunGoesOn) {
  H2ScriptServer server(
      [](std::uint64_t k) { return k == 3 ? H2Action::garbage : H2Action::answer; });
  auto summary = run_ccload_json(
      {"run", server.url("/"), "-n", "10", "-c", "1", "--http2", "--no-store"}, dir.path());
  EXPECT_EQ(summary["requests"]["total"], 10);
  EXPECT_EQ(summary["requests"]["succeeded"], 9) << summary.dump();
  EXPECT_EQ(summary["errors"]["protocol"], 1) << summary.dump();
  EXPECT_EQ(summary["connections_opened"], 2);
}

}  // namespace
}  // namespace ccload::test
