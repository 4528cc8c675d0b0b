// HTTP/2 (--http2, --streams) with the real binary against the built-in server over h2c (prior
// knowledge) and h2 (TLS, ALPN), and against a TLS server that speaks only HTTP/1.1.

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <thread>

#include "server/target_server.hpp"
#include "support/ccload_run.hpp"

namespace ccload::test {
namespace {

std::string data(const char* name) { return std::string(CCLOAD_TEST_DATA) + "/" + name; }

server::ServeConfig plain() {
  server::ServeConfig config;
  config.port = 0;
  config.threads = 2;
  return config;
}

server::ServeConfig tls() {
  server::ServeConfig config = plain();
  config.tls_cert = data("server.pem");
  config.tls_key = data("server.key");
  return config;
}

class Http2Test : public ::testing::Test {
 protected:
  TempDir dir;
};

TEST_F(Http2Test, ExactlyNRequestsArriveOverH2c) {
  server::TargetServer target(plain());
  auto summary = run_ccload_json({"run", target.base_url() + "/get", "-n", "137", "-c", "3",
                                  "--http2", "--streams", "4", "--no-store"},
                                 dir.path());
  EXPECT_EQ(summary["requests"]["succeeded"], 137);
  EXPECT_EQ(summary["protocol"], "HTTP/2");
  EXPECT_EQ(target.http2_requests(), 137u);
  EXPECT_LE(summary["connections_opened"].get<int>(), 3) << "never more than -c connections";
}

TEST_F(Http2Test, TheSeedFormAcceptsHttp2) {
  server::TargetServer target(plain());
  auto summary = run_ccload_json(
      {"-u", target.base_url() + "/get", "-n", "10", "-c", "2", "-GET", "--http2", "--no-store"},
      dir.path());
  EXPECT_EQ(summary["requests"]["succeeded"], 10);
  EXPECT_EQ(target.http2_requests(), 10u);
}

TEST_F(Http2Test, CTimesStreamsRequestsAreInFlightAtOnceAndNeverMore) {
  server::TargetServer target(plain());
  auto summary = run_ccload_json({"run", target.base_url() + "/delay/200", "-n", "48", "-c", "2",
                                  "--http2", "--streams", "8", "--no-store"},
                                 dir.path());
  EXPECT_EQ(summary["requests"]["succeeded"], 48);
  EXPECT_EQ(target.max_concurrent_http2_streams(), 16u);
  // Three rounds of 16 at 200 ms each, not 24 rounds of 2.
  EXPECT_LT(summary["duration_s"].get<double>(), 2.0);
}

TEST_F(Http2Test, PostWithABodySucceeds) {
  server::TargetServer target(plain());
  auto summary = run_ccload_json(
      {"run", target.base_url() + "/post", "-n", "20", "-c", "2", "--http2", "--streams", "2", "-m",
       "POST", "-d", R"({"title": "Test Post", "userId": 1})", "-H", "X-Api-Key: k1", "--no-store"},
      dir.path());
  EXPECT_EQ(summary["requests"]["succeeded"], 20);
  EXPECT_EQ(target.http2_requests(), 20u);
}

TEST_F(Http2Test, ATenMegabyteBodyCompletes) {
  server::TargetServer target(plain());
  auto summary = run_ccload_json({"run", target.base_url() + "/bytes/10000000", "-n", "3", "-c",
                                  "1", "--http2", "--timeout", "20s", "--no-store"},
                                 dir.path());
  EXPECT_EQ(summary["requests"]["succeeded"], 3);
  EXPECT_GE(summary["bytes"].get<std::uint64_t>(), 30'000'000u);
}

TEST_F(Http2Test, TheWatchdogTimesOutSlowStreams) {
  server::TargetServer target(plain());
  auto summary = run_ccload_json({"run", target.base_url() + "/delay/3000", "-n", "6", "-c", "1",
                                  "--http2", "--streams", "3", "--timeout", "300ms", "--no-store"},
                                 dir.path());
  EXPECT_EQ(summary["requests"]["failed"], 6);
  EXPECT_EQ(summary["errors"]["timeout"], 6) << summary.dump();
  EXPECT_LT(summary["duration_s"].get<double>(), 2.0) << "two rounds of 300 ms, not 3 s each";
}

TEST_F(Http2Test, FailedStatusesAreCountedByCode) {
  server::TargetServer target(plain());
  auto summary = run_ccload_json(
      {"run", target.base_url() + "/status/503", "-n", "5", "-c", "1", "--http2", "--no-store"},
      dir.path());
  EXPECT_EQ(summary["requests"]["failed"], 5);
  EXPECT_EQ(summary["status_codes"]["503"], 5);
}

TEST_F(Http2Test, RateAndDurationWorkUnchanged) {
  server::TargetServer target(plain());
  auto summary = run_ccload_json({"run", target.base_url() + "/get", "-z", "1s", "--rate", "100",
                                  "-c", "2", "--http2", "--streams", "4", "--no-store"},
                                 dir.path());
  EXPECT_EQ(summary["requests"]["total"], 100);
  EXPECT_EQ(target.http2_requests(), 100u);
}

TEST_F(Http2Test, OverTlsByAlpnWithVerificationAsForHttp1) {
  server::TargetServer target(tls());
  const std::string url = target.base_url() + "/get";
  auto verified = run_ccload_json({"run", url, "-n", "20", "-c", "2", "--http2", "--streams", "4",
                                   "--cacert", data("ca.pem"), "--no-store"},
                                  dir.path());
  EXPECT_EQ(verified["requests"]["succeeded"], 20);
  EXPECT_EQ(target.http2_requests(), 20u);

  auto rejected =
      run_ccload_json({"run", url, "-n", "10", "-c", "2", "--http2", "--no-store"}, dir.path());
  EXPECT_EQ(rejected["errors"]["tls"], 10);

  auto insecure = run_ccload_json(
      {"run", url, "-n", "10", "-c", "2", "--http2", "--insecure", "--no-store"}, dir.path());
  EXPECT_EQ(insecure["requests"]["succeeded"], 10);
  EXPECT_EQ(target.http2_requests(), 30u);
}

// A TLS server without ALPN (an HTTP/1.1-only server): handshakes succeed, h2 is never chosen.
class Http1OnlyTlsServer {
 public:
  Http1OnlyTlsServer() : context_(boost::asio::ssl::context::tls_server), acceptor_(io_) {
    context_.use_certificate_chain_file(data("server.pem"));
    context_.use_private_key_file(data("server.key"), boost::asio::ssl::context::pem);
    using tcp = boost::asio::ip::tcp;
    acceptor_.open(tcp::v4());
    acceptor_.bind(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
    acceptor_.listen();
    thread_ = std::thread([this] {
      while (!stopping_) {
        boost::system::error_code ec;
        tcp::socket socket = acceptor_.accept(ec);
        if (ec || stopping_) break;
        boost::asio::ssl::stream<tcp::socket> stream(std::move(socket), context_);
        stream.handshake(boost::asio::ssl::stream_base::server, ec);
        ++handshakes_;
      }
    });
  }
  ~Http1OnlyTlsServer() {
    stopping_ = true;
    boost::system::error_code ec;
    boost::asio::ip::tcp::socket poke(io_);
    poke.connect(acceptor_.local_endpoint(), ec);
    thread_.join();
  }
  std::string url() const {
    return "https://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + "/get";
  }

 private:
  boost::asio::io_context io_;
  boost::asio::ssl::context context_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> handshakes_{0};
  std::thread thread_;
};

TEST_F(Http2Test, AServerThatDoesNotAgreeToH2FailsEveryRequestAsTlsWithANote) {
  Http1OnlyTlsServer server;
  ProcessResult result;
  auto summary = run_ccload_json(
      {"run", server.url(), "-n", "6", "-c", "2", "--http2", "--insecure", "--no-store"},
      dir.path(), &result);
  EXPECT_EQ(summary["requests"]["failed"], 6);
  EXPECT_EQ(summary["errors"]["tls"], 6);
  EXPECT_NE(result.out.find("The server did not agree to HTTP/2"), std::string::npos) << result.out;
}

TEST_F(Http2Test, StreamsNeedsHttp2AndAWholeNumber) {
  for (const std::vector<std::string>& flags : std::vector<std::vector<std::string>>{
           {"--streams", "4"}, {"--http2", "--streams", "0"}, {"--http2", "--streams", "x"}}) {
    std::vector<std::string> args{"run", "http://127.0.0.1:1/get", "-n", "1", "-c", "1"};
    args.insert(args.end(), flags.begin(), flags.end());
    ProcessResult result = run_ccload(args, dir.path());
    EXPECT_EQ(result.exit_code, 2) << result.err;
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
  }
}

}  // namespace
}  // namespace ccload::test

namespace ccload::test {
namespace {

// The protocol is a fact of the run everywhere: the report's header, the JSON, RUNS and history.
TEST(Http2Everywhere, TheProtocolIsInTheReportTheJsonRunsAndHistory) {
  TempDir dir;
  server::TargetServer target(plain());
  ProcessResult result;
  auto summary = run_ccload_json(
      {"run", target.base_url() + "/get", "-n", "20", "-c", "2", "--http2", "--streams", "3"},
      dir.path(), &result);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(summary["protocol"], "HTTP/2");
  EXPECT_NE(result.out.find("Protocol:                         HTTP/2"), std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("Streams per Connection:                3"), std::string::npos);
  ProcessResult stored = run_ccload({"report", "last", "--json", "-"}, dir.path());
  EXPECT_EQ(nlohmann::json::parse(stored.out)["protocol"], "HTTP/2");
  ProcessResult history = run_ccload({"history"}, dir.path());
  EXPECT_NE(history.out.find("HTTP/2"), std::string::npos) << history.out;
  auto plain_run =
      run_ccload_json({"run", target.base_url() + "/get", "-n", "5", "-c", "1"}, dir.path());
  EXPECT_EQ(plain_run["protocol"], "HTTP/1.1");
}

}  // namespace
}  // namespace ccload::test
