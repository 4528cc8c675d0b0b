// HTTP/2 over cleartext (h2c) against servers that speak only HTTP/1.1 (issue 24 item 2): the
// built-in server's --http1-only mode and nginx without http2 answer the preface with
// "HTTP/1.1 400" where the HTTP/2 preface was due. Every request fails as `protocol`, in every
// run (ten of each), and the report says the server does not speak HTTP/2 over cleartext.

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <thread>

#include "server/target_server.hpp"
#include "support/ccload_run.hpp"
#include "support/nginx_process.hpp"
#include "support/serve_process.hpp"

namespace ccload::test {
namespace {

constexpr const char* kSentence = "it does not speak HTTP/2 over cleartext (h2c)";

void expect_protocol_every_time(const std::string& url, const std::filesystem::path& cwd) {
  for (int run = 0; run < 10; ++run) {
    ProcessResult printed;
    auto summary = run_ccload_json(
        {"run", url, "-n", "6", "-c", "2", "--http2", "--streams", "2", "--no-store"}, cwd,
        &printed);
    EXPECT_EQ(summary["requests"]["failed"], 6) << "run " << run << ": " << summary.dump();
    EXPECT_EQ(summary["errors"], (nlohmann::json{{"protocol", 6}}))
        << "run " << run << ": " << summary.dump();
    EXPECT_NE(printed.out.find(kSentence), std::string::npos) << printed.out;
  }
}

TEST(Http2ToHttp1Only, TheBuiltInServersHttp1OnlyModeFailsEveryRequestAsProtocol) {
  TempDir dir;
  server::ServeConfig config;
  config.port = 0;
  config.threads = 1;
  config.http1_only = true;
  server::TargetServer target(config);
  expect_protocol_every_time(target.base_url() + "/get", dir.path());
  // Over HTTP/1.1 the same server answers.
  auto plain =
      run_ccload_json({"run", target.base_url() + "/get", "-n", "5", "--no-store"}, dir.path());
  EXPECT_EQ(plain["requests"]["succeeded"], 5);
}

TEST(Http2ToHttp1Only, ServeHttp1OnlyFromTheCommandLine) {
  TempDir dir;
  ServeProcess serve({"--http1-only"});
  auto summary = run_ccload_json(
      {"run", serve.base_url() + "/get", "-n", "3", "-c", "1", "--http2", "--no-store"},
      dir.path());
  EXPECT_EQ(summary["errors"], (nlohmann::json{{"protocol", 3}})) << summary.dump();
}

TEST(Http2ToHttp1Only, NginxWithoutHttp2FailsEveryRequestAsProtocol) {
  if (!NginxProcess::available()) GTEST_SKIP() << "nginx is not installed";
  TempDir dir;
  NginxProcess nginx("server { listen 127.0.0.1:PORT; location / { return 200 \"ok\\n\"; } }");
  expect_protocol_every_time("http://127.0.0.1:" + std::to_string(nginx.port()) + "/", dir.path());
}

// A server that reads what the client sends and closes without a word: the requests fail as read
// (a close proves nothing), and the report says the server may not speak h2c.
TEST(Http2ToHttp1Only, AServerThatClosesSilentlyIsNamedAsMaybeNotSpeakingH2c) {
  namespace asio = boost::asio;
  TempDir dir;
  asio::io_context io;
  asio::ip::tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
  const auto port = acceptor.local_endpoint().port();
  std::atomic<bool> done{false};
  acceptor.non_blocking(true);  // polled, so the thread ends however many connections came
  std::thread server([&] {
    while (!done) {
      asio::ip::tcp::socket socket(io);
      boost::system::error_code ec;
      acceptor.accept(socket, ec);
      if (ec) {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
        continue;
      }
      char bytes[4096];
      socket.read_some(asio::buffer(bytes), ec);
      socket.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
      socket.close(ec);
    }
  });
  ProcessResult printed;
  auto summary = run_ccload_json({"run", "http://127.0.0.1:" + std::to_string(port) + "/", "-n",
                                  "3", "-c", "1", "--http2", "--no-store"},
                                 dir.path(), &printed);
  done = true;
  server.join();
  EXPECT_EQ(summary["requests"]["failed"], 3) << summary.dump();
  EXPECT_NE(printed.out.find("it may not speak HTTP/2 over cleartext (h2c)"), std::string::npos)
      << printed.out;
  EXPECT_EQ(printed.out.find(kSentence), std::string::npos);
}

}  // namespace
}  // namespace ccload::test
