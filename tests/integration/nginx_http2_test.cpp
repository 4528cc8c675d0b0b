// HTTP/2 against nginx (Debian's nginx has http_v2): h2c with prior knowledge, h2 over TLS, and
// GOAWAY after every 10 requests (keepalive_requests), whose unprocessed streams are retried.
// Skipped where nginx is not installed.

#include <gtest/gtest.h>

#include "support/ccload_run.hpp"
#include "support/nginx_process.hpp"

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

}  // namespace
}  // namespace ccload::test
