// What an HTTP/2 server receives from ccload, and: HTTP/2 failures are counted per stream and never
// end the run: RST_STREAM fails that stream (read), bytes that are not HTTP/2 fail what is in
// flight (protocol), and the run goes on.

#include <gtest/gtest.h>

#include "support/ccload_run.hpp"
#include "support/h2_script_server.hpp"

namespace ccload::test {
namespace {

class Http2FailuresTest : public ::testing::Test {
 protected:
  TempDir dir;
};

TEST_F(Http2FailuresTest, PostBodyAndCustomHeadersArriveIntact) {
  H2ScriptServer server([](std::uint64_t) { return H2Action::answer; });
  const std::string body = R"({"title": "Test Post", "userId": 1})";
  ProcessResult result = run_ccload(
      {"run", server.url("/posts?x=1"), "-n", "6", "-c", "2", "--http2", "--streams", "3", "-m",
       "POST", "-d", body, "-H", "X-Api-Key: k1", "-H", "Connection: close", "--no-store"},
      dir.path());
  EXPECT_EQ(result.exit_code, 0) << result.err;
  auto received = server.received();
  ASSERT_EQ(received.size(), 6u);
  for (const auto& request : received) {
    EXPECT_EQ(request.field(":method"), "POST");
    EXPECT_EQ(request.field(":path"), "/posts?x=1");
    EXPECT_EQ(request.field(":scheme"), "http");
    EXPECT_EQ(request.body, body);
    EXPECT_EQ(request.field("content-type"), "application/json");
    EXPECT_EQ(request.field("content-length"), std::to_string(body.size()));
    EXPECT_EQ(request.field("x-api-key"), "k1");
    EXPECT_EQ(request.fields.count("connection"), 0u);
  }
}

TEST_F(Http2FailuresTest, FirstByteIsTheHeadersFrameLastByteIsEndStream) {
  H2ScriptServer server([](std::uint64_t) { return H2Action::late_body; });
  auto summary = run_ccload_json(
      {"run", server.url("/"), "-n", "4", "-c", "1", "--http2", "--no-store"}, dir.path());
  // One stream at a time: the scripted server is serial, so while it holds one body back it
  // would hold back the headers of another stream too.
  EXPECT_EQ(summary["requests"]["succeeded"], 4);
  EXPECT_LT(summary["latency"]["ttfb"]["max"].get<double>(), 0.150);
  EXPECT_GE(summary["latency"]["ttlb"]["min"].get<double>(), 0.200);
  EXPECT_GE(summary["latency"]["total"]["min"].get<double>(), 0.200);
}

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
