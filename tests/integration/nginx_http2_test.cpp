// HTTP/2 against nginx (Debian's nginx has http_v2): h2c with prior knowledge, h2 over TLS, and
// GOAWAY after every 10 requests (keepalive_requests), whose unprocessed streams are retried.
// Skipped where nginx is not installed.

#include <gtest/gtest.h>

#include "support/ccload_run.hpp"
#include "support/nginx_process.hpp"
#include "support/serve_process.hpp"

namespace ccload::test {
namespace {

std::string data(const char* name) { return std::string(CCLOAD_TEST_DATA) + "/" + name; }

class NginxHttp2Test : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!NginxProcess::available()) GTEST_SKIP() << "nginx is not installed";
  }
  TempDir dir;
};

TEST_F(NginxHttp2Test, H2cExactlyNRequests) {
  NginxProcess nginx(
      "server { listen 127.0.0.1:PORT http2; location / { return 200 \"ok\\n\"; } }");
  auto summary =
      run_ccload_json({"run", "http://127.0.0.1:" + std::to_string(nginx.port()) + "/", "-n", "300",
                       "-c", "3", "--http2", "--streams", "10", "--no-store"},
                      dir.path());
  EXPECT_EQ(summary["requests"]["succeeded"], 300);
  EXPECT_EQ(nginx.requests_logged(), 300u);
}

TEST_F(NginxHttp2Test, H2OverTlsVerifiedWithCacert) {
  NginxProcess nginx("server { listen 127.0.0.1:PORT ssl http2; ssl_certificate " +
                     data("server.pem") + "; ssl_certificate_key " + data("server.key") +
                     "; location / { return 200 \"ok\\n\"; } }");
  auto summary = run_ccload_json(
      {"run", "https://localhost:" + std::to_string(nginx.port()) + "/", "-n", "50", "-c", "2",
       "--http2", "--streams", "5", "--cacert", data("ca.pem"), "--no-store"},
      dir.path());
  EXPECT_EQ(summary["requests"]["succeeded"], 50);
  EXPECT_EQ(nginx.requests_logged(), 50u);
}

TEST_F(NginxHttp2Test, StreamsAboveGoawaysLastStreamIdAreRetriedOnANewConnection) {
  NginxProcess nginx(
      "server { listen 127.0.0.1:PORT http2; keepalive_requests 10; "
      "location / { return 200 \"ok\\n\"; } }");
  auto summary =
      run_ccload_json({"run", "http://127.0.0.1:" + std::to_string(nginx.port()) + "/", "-n", "200",
                       "-c", "2", "--http2", "--streams", "8", "--no-store"},
                      dir.path());
  EXPECT_EQ(summary["requests"]["succeeded"], 200) << summary.dump();
  EXPECT_EQ(nginx.requests_logged(), 200u) << "each request processed exactly once";
  EXPECT_GE(summary["connections_opened"].get<int>(), 20) << "10 requests per connection";
}

// nginx allows 5 streams (SETTINGS_MAX_CONCURRENT_STREAMS) and its backend takes 20 ms: with
// --streams 10 the five requests beyond the limit wait for a stream, and that wait is theirs,
// not the server's: first byte stays what --streams 5 measures, the wait shows in `wait`, and
// the report names the server's limit (issue 21: 45.5 ms first byte against h2load's 23.1 ms).
TEST_F(NginxHttp2Test, StreamsBeyondTheServersLimitWaitAndTheirFirstByteIsTheServers) {
  ServeProcess backend;
  NginxProcess nginx(
      "server { listen 127.0.0.1:PORT http2; http2_max_concurrent_streams 5; "
      "location / { proxy_pass " +
      backend.base_url() + "/delay/20; } }");
  const std::string url = "http://127.0.0.1:" + std::to_string(nginx.port()) + "/";
  auto five = run_ccload_json(
      {"run", url, "-n", "200", "-c", "1", "--http2", "--streams", "5", "--no-store"}, dir.path());
  ProcessResult printed;
  auto ten = run_ccload_json(
      {"run", url, "-n", "200", "-c", "1", "--http2", "--streams", "10", "--no-store"}, dir.path(),
      &printed);
  ASSERT_EQ(five["requests"]["succeeded"], 200) << five.dump();
  ASSERT_EQ(ten["requests"]["succeeded"], 200) << ten.dump();
  const double five_ttfb = five["latency"]["ttfb"]["p50"].get<double>();
  const double ten_ttfb = ten["latency"]["ttfb"]["p50"].get<double>();
  EXPECT_GE(five_ttfb, 0.020);
  // Timed from the queue, the five waiting requests would show about two response times (the bug
  // of issue 21: 45.5 ms against 23.1 ms); 1.5x tells the two apart with room for a loaded
  // machine.
  EXPECT_LT(ten_ttfb, 1.5 * five_ttfb) << five_ttfb << " s against " << ten_ttfb << " s";
  // Half of the requests wait about one response time for a stream.
  EXPECT_GT(ten["latency"]["wait"]["p90"].get<double>(), 0.010) << ten["latency"].dump();
  EXPECT_GT(ten["latency"]["total"]["p90"].get<double>(), 1.5 * five_ttfb);
  EXPECT_EQ(ten["streams"], 5) << "the streams used: the server's limit";
  EXPECT_EQ(five["streams"], 5);
  EXPECT_NE(printed.out.find("Streams per Connection:                5"), std::string::npos)
      << printed.out;
  EXPECT_NE(printed.out.find("The server allows 5 concurrent streams per connection"),
            std::string::npos)
      << printed.out;
  // Streams refused before the server's SETTINGS came (REFUSED_STREAM) were not processed, and
  // are sent again: nginx logs each request once.
  EXPECT_EQ(nginx.requests_logged(), 400u) << "each request processed once";
}

}  // namespace
}  // namespace ccload::test
