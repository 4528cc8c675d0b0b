#include "server/target_server.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/ssl.hpp>
#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <ostream>
#include <streambuf>
#include <thread>

#include "server/sync_client.hpp"

namespace ccload::server {
namespace {

namespace http = boost::beast::http;
using ccload::test::SyncClient;
using nlohmann::json;
using namespace std::chrono_literals;

ServeConfig local_config() {
  ServeConfig config;
  config.port = 0;
  config.threads = 2;
  return config;
}

class TargetServerTest : public ::testing::Test {
 protected:
  TargetServer server_{local_config()};
};

TEST_F(TargetServerTest, PicksAPortAndFormatsTheUrl) {
  EXPECT_NE(server_.port(), 0);
  EXPECT_EQ(server_.base_url(), "http://127.0.0.1:" + std::to_string(server_.port()));
}

TEST_F(TargetServerTest, RootListsEndpoints) {
  SyncClient client(server_.port());
  auto res = client.get("/");
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_NE(res.body().find("/flaky/N"), std::string::npos);
  EXPECT_EQ(res[http::field::server], "ccload");
}

TEST_F(TargetServerTest, GetEchoesUrlMethodAndHeaders) {
  SyncClient client(server_.port());
  auto res = client.send(http::verb::get, "/get?x=1", {}, {{"X-Test", "va\"lue"}});
  ASSERT_EQ(res.result_int(), 200);
  EXPECT_EQ(res[http::field::server], "ccload");
  EXPECT_EQ(res[http::field::content_type], "application/json");
  EXPECT_EQ(res[http::field::content_length], std::to_string(res.body().size()));
  json j = json::parse(res.body());
  EXPECT_EQ(j["url"], "http://localhost/get?x=1");
  EXPECT_EQ(j["method"], "GET");
  EXPECT_EQ(j["headers"]["X-Test"], "va\"lue");
  EXPECT_EQ(j["headers"]["Host"], "localhost");
}

TEST_F(TargetServerTest, GetAcceptsAnyMethod) {
  SyncClient client(server_.port());
  auto res = client.send(http::verb::delete_, "/get");
  ASSERT_EQ(res.result_int(), 200);
  EXPECT_EQ(json::parse(res.body())["method"], "DELETE");
}

TEST_F(TargetServerTest, StatusAnswersWithThatCode) {
  SyncClient client(server_.port());
  for (int code : {200, 201, 301, 404, 418, 500, 503, 599}) {
    auto res = client.get("/status/" + std::to_string(code));
    EXPECT_EQ(res.result_int(), code);
    EXPECT_FALSE(res.body().empty()) << code;
    EXPECT_EQ(res[http::field::content_length], std::to_string(res.body().size()));
  }
  auto no_content = client.get("/status/204");
  EXPECT_EQ(no_content.result_int(), 204);
  EXPECT_TRUE(no_content.body().empty());
  // Still usable after a 204.
  EXPECT_EQ(client.get("/status/202").result_int(), 202);
}

TEST_F(TargetServerTest, BadStatusCodeIs400) {
  SyncClient client(server_.port());
  for (const char* bad : {"/status/abc", "/status/", "/status/100", "/status/199", "/status/600",
                          "/status/-1", "/status/99999999999999999999"}) {
    EXPECT_EQ(client.get(bad).result_int(), 400) << bad;
  }
}

TEST_F(TargetServerTest, UnknownPathIs404) {
  SyncClient client(server_.port());
  EXPECT_EQ(client.get("/nope").result_int(), 404);
  EXPECT_EQ(client.get("/getx").result_int(), 404);
  EXPECT_EQ(client.get("/anythingelse").result_int(), 404);
}

TEST_F(TargetServerTest, BytesSendsNBytes) {
  SyncClient client(server_.port());
  for (std::size_t n : {0u, 1u, 10u, 100000u, 10u, 3000000u, 5u}) {
    auto res = client.get("/bytes/" + std::to_string(n));
    ASSERT_EQ(res.result_int(), 200);
    EXPECT_EQ(res.body().size(), n);
    EXPECT_EQ(res[http::field::content_length], std::to_string(n));
  }
  EXPECT_EQ(client.get("/bytes/x").result_int(), 400);
}

TEST_F(TargetServerTest, HeadSendsContentLengthWithoutBody) {
  SyncClient client(server_.port());
  auto res = client.send(http::verb::head, "/bytes/1234");
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(res[http::field::content_length], "1234");
  // The connection is still in sync: the next response is parsed correctly.
  EXPECT_EQ(client.get("/bytes/3").body(), "abc");
}

TEST_F(TargetServerTest, PostEchoesBodyAndParsedJson) {
  SyncClient client(server_.port());
  auto res = client.send(http::verb::post, "/post", R"({"a": 1, "b": [true]})",
                         {{"Content-Type", "application/json"}, {"X-Key", "v"}});
  ASSERT_EQ(res.result_int(), 200);
  json j = json::parse(res.body());
  EXPECT_EQ(j["method"], "POST");
  EXPECT_EQ(j["path"], "/post");
  EXPECT_EQ(j["body"], R"({"a": 1, "b": [true]})");
  EXPECT_EQ(j["json"]["a"], 1);
  EXPECT_EQ(j["json"]["b"][0], true);
  EXPECT_EQ(j["headers"]["X-Key"], "v");
  EXPECT_EQ(j["headers"]["Content-Type"], "application/json");
}

TEST_F(TargetServerTest, AnythingEchoesAnyMethodAndSubPath) {
  SyncClient client(server_.port());
  auto res = client.send(http::verb::put, "/anything/deep/path?q=2", "not json\n\x01");
  ASSERT_EQ(res.result_int(), 200);
  json j = json::parse(res.body());
  EXPECT_EQ(j["method"], "PUT");
  EXPECT_EQ(j["path"], "/anything/deep/path");
  EXPECT_EQ(j["query"], "q=2");
  EXPECT_EQ(j["body"], "not json\n\x01");
  EXPECT_TRUE(j["json"].is_null());

  auto plain = json::parse(client.send(http::verb::patch, "/anything").body());
  EXPECT_EQ(plain["method"], "PATCH");
  EXPECT_EQ(plain["body"], "");
  EXPECT_TRUE(plain["json"].is_null());
}

TEST_F(TargetServerTest, ChunkedRequestBodyIsEchoed) {
  SyncClient client(server_.port());
  http::request<http::string_body> req{http::verb::post, "/post", 11};
  req.set(http::field::host, "localhost");
  req.body() = "chunked body";
  req.chunked(true);
  client.write(req);
  auto res = client.read();
  ASSERT_EQ(res.result_int(), 200);
  EXPECT_EQ(json::parse(res.body())["body"], "chunked body");
}

TEST_F(TargetServerTest, KeepAliveServesManyRequestsOnOneConnection) {
  SyncClient client(server_.port());
  const auto local = client.socket().local_endpoint();
  for (int i = 0; i < 20; ++i) {
    auto res = client.get(i % 2 ? "/get" : "/bytes/64");
    ASSERT_EQ(res.result_int(), 200);
    EXPECT_TRUE(res.keep_alive());
  }
  EXPECT_EQ(client.socket().local_endpoint(), local);
}

TEST_F(TargetServerTest, PipelinedRequestsAreAnsweredInOrder) {
  SyncClient client(server_.port());
  std::string both =
      "GET /status/201 HTTP/1.1\r\nHost: x\r\n\r\nGET /bytes/4 HTTP/1.1\r\nHost: x\r\n\r\n";
  boost::asio::write(client.socket(), boost::asio::buffer(both));
  EXPECT_EQ(client.read().result_int(), 201);
  auto second = client.read();
  EXPECT_EQ(second.result_int(), 200);
  EXPECT_EQ(second.body(), "abcd");
}

TEST_F(TargetServerTest, ConnectionCloseIsHonoured) {
  SyncClient client(server_.port());
  auto res = client.send(http::verb::get, "/get", {}, {{"Connection", "close"}});
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_FALSE(res.keep_alive());
  EXPECT_TRUE(client.closed_by_peer());
}

TEST_F(TargetServerTest, Http10ClosesUnlessKeepAliveAsked) {
  {
    SyncClient client(server_.port());
    auto res = client.send(http::verb::get, "/get", {}, {}, 10);
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_TRUE(client.closed_by_peer());
  }
  {
    SyncClient client(server_.port());
    auto res = client.send(http::verb::get, "/get", {}, {{"Connection", "keep-alive"}}, 10);
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_EQ(res[http::field::connection], "keep-alive");
    EXPECT_EQ(
        client.send(http::verb::get, "/bytes/2", {}, {{"Connection", "keep-alive"}}, 10).body(),
        "ab");
  }
}

TEST_F(TargetServerTest, ExpectContinueGets100First) {
  SyncClient client(server_.port());
  std::string head =
      "POST /post HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n";
  boost::asio::write(client.socket(), boost::asio::buffer(head));
  EXPECT_EQ(client.read().result_int(), 100);
  boost::asio::write(client.socket(), boost::asio::buffer(std::string("hello")));
  auto res = client.read();
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(json::parse(res.body())["body"], "hello");
}

TEST_F(TargetServerTest, MalformedRequestGets400AndClose) {
  SyncClient client(server_.port());
  boost::asio::write(client.socket(), boost::asio::buffer(std::string("NOT HTTP AT ALL\r\n\r\n")));
  auto res = client.read();
  EXPECT_EQ(res.result_int(), 400);
  EXPECT_TRUE(client.closed_by_peer());
}

TEST_F(TargetServerTest, DelayWaitsBeforeAnswering) {
  SyncClient client(server_.port());
  const auto start = std::chrono::steady_clock::now();
  auto res = client.get("/delay/100");
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_GE(elapsed, 100ms);
  EXPECT_LT(elapsed, 2s);
  EXPECT_EQ(client.get("/delay/nope").result_int(), 400);
}

TEST_F(TargetServerTest, DelaysRunConcurrently) {
  // 8 connections each waiting 200 ms on a 2-thread server: timers, not blocked threads.
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      SyncClient client(server_.port());
      if (client.get("/delay/200").result_int() == 200) ++ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok, 8);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
}

TEST_F(TargetServerTest, FlakyFailsEveryNthRequest) {
  SyncClient client(server_.port());
  int failures = 0;
  for (int i = 1; i <= 100; ++i) {
    auto res = client.get("/flaky/10");
    if (res.result_int() == 500) {
      ++failures;
      json j = json::parse(res.body());
      EXPECT_EQ(j["error"], "flaky failure");
      EXPECT_EQ(j["request"], i);
      EXPECT_EQ(i % 10, 0);
    } else {
      EXPECT_EQ(res.result_int(), 200);
    }
  }
  EXPECT_EQ(failures, 10);
  EXPECT_EQ(client.get("/flaky/0").result_int(), 400);
}

TEST_F(TargetServerTest, FlakyCounterIsServerWide) {
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      SyncClient client(server_.port());
      for (int i = 0; i < 25; ++i) {
        if (client.get("/flaky/5").result_int() == 500) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures, 20);
}

TEST_F(TargetServerTest, ManyConnectionsInParallel) {
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      SyncClient client(server_.port());
      for (int i = 0; i < 50; ++i) {
        if (client.get("/get").result_int() == 200) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok, 400);
}

TEST_F(TargetServerTest, StopIsIdempotentAndRefusesNewConnections) {
  SyncClient idle(server_.port());  // an open connection must not block stop()
  const auto port = server_.port();
  server_.stop();
  server_.stop();
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  boost::system::error_code ec;
  socket.connect({boost::asio::ip::address_v4::loopback(), port}, ec);
  EXPECT_EQ(ec, boost::asio::error::connection_refused);
}

TEST(TargetServerErrors, BindFailureThrowsClearly) {
  TargetServer first(local_config());
  ServeConfig config = local_config();
  config.port = first.port();
  try {
    TargetServer second(config);
    FAIL() << "expected a bind failure";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot listen on 127.0.0.1:"), std::string::npos)
        << e.what();
  }
}

TEST(TargetServerErrors, MissingCertificateThrows) {
  ServeConfig config = local_config();
  config.tls_cert = "/nonexistent/cert.pem";
  config.tls_key = "/nonexistent/key.pem";
  EXPECT_THROW(TargetServer server(config), std::runtime_error);
  config.tls_key.clear();
  EXPECT_THROW(TargetServer server(config), std::runtime_error);
}

TEST(TargetServerIpv6, ListensOnLoopbackV6) {
  ServeConfig config = local_config();
  config.host = "::1";
  std::unique_ptr<TargetServer> server;
  try {
    server = std::make_unique<TargetServer>(config);
  } catch (const std::runtime_error& e) {
    GTEST_SKIP() << "no IPv6 loopback: " << e.what();
  }
  EXPECT_EQ(server->base_url(), "http://[::1]:" + std::to_string(server->port()));
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  socket.connect({boost::asio::ip::make_address("::1"), server->port()});
  http::write(socket, ccload::test::make_request(http::verb::get, "/get"));
  boost::beast::flat_buffer buffer;
  ccload::test::Response res;
  http::read(socket, buffer, res);
  EXPECT_EQ(res.result_int(), 200);
}

TEST(TargetServerTls, AnswersOverVerifiedTls) {
  namespace ssl = boost::asio::ssl;
  ServeConfig config = local_config();
  config.tls_cert = std::string(CCLOAD_TEST_DATA) + "/server.pem";
  config.tls_key = std::string(CCLOAD_TEST_DATA) + "/server.key";
  TargetServer server(config);
  EXPECT_EQ(server.base_url(), "https://127.0.0.1:" + std::to_string(server.port()));

  boost::asio::io_context io;
  ssl::context ctx(ssl::context::tls_client);
  ctx.load_verify_file(std::string(CCLOAD_TEST_DATA) + "/ca.pem");
  ctx.set_verify_mode(ssl::verify_peer);
  ssl::stream<boost::asio::ip::tcp::socket> stream(io, ctx);
  stream.set_verify_callback(ssl::host_name_verification("localhost"));
  ASSERT_TRUE(SSL_set_tlsext_host_name(stream.native_handle(), "localhost"));
  stream.next_layer().connect({boost::asio::ip::address_v4::loopback(), server.port()});
  stream.handshake(ssl::stream_base::client);

  boost::beast::flat_buffer buffer;
  for (int i = 0; i < 3; ++i) {
    http::write(stream, ccload::test::make_request(http::verb::get, "/get"));
    ccload::test::Response res;
    http::read(stream, buffer, res);
    ASSERT_EQ(res.result_int(), 200);
    EXPECT_EQ(json::parse(res.body())["url"], "https://localhost/get");
  }
  http::write(stream, ccload::test::make_request(http::verb::get, "/bytes/100000"));
  http::response_parser<http::string_body> parser;
  parser.body_limit(1u << 20);
  http::read(stream, buffer, parser);
  EXPECT_EQ(parser.get().body().size(), 100000u);
}

TEST(TargetServerTls, RejectsUntrustedClientView) {
  // A client that trusts nothing fails verification: the server really presents our test cert.
  namespace ssl = boost::asio::ssl;
  ServeConfig config = local_config();
  config.tls_cert = std::string(CCLOAD_TEST_DATA) + "/server.pem";
  config.tls_key = std::string(CCLOAD_TEST_DATA) + "/server.key";
  TargetServer server(config);
  boost::asio::io_context io;
  ssl::context ctx(ssl::context::tls_client);
  ctx.set_verify_mode(ssl::verify_peer);
  ssl::stream<boost::asio::ip::tcp::socket> stream(io, ctx);
  stream.next_layer().connect({boost::asio::ip::address_v4::loopback(), server.port()});
  boost::system::error_code ec;
  stream.handshake(ssl::stream_base::client, ec);
  EXPECT_TRUE(ec);
}

// A streambuf that can be read while another thread writes to it.
class SharedBuf : public std::streambuf {
 public:
  std::string str() const {
    std::lock_guard lock(mutex_);
    return data_;
  }

 protected:
  int_type overflow(int_type c) override {
    if (c != traits_type::eof()) {
      std::lock_guard lock(mutex_);
      data_.push_back(static_cast<char>(c));
    }
    return c;
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    std::lock_guard lock(mutex_);
    data_.append(s, static_cast<std::size_t>(n));
    return n;
  }

 private:
  mutable std::mutex mutex_;
  std::string data_;
};

TEST(ServeUntilSignal, PrintsUrlServesAndStopsOnSigterm) {
  SharedBuf buf;
  std::ostream out(&buf);
  std::atomic<int> rc{-1};
  std::thread serving([&] { rc = serve_until_signal(local_config(), out); });
  std::string text;
  for (int i = 0; i < 500 && text.find('\n') == std::string::npos; ++i) {
    std::this_thread::sleep_for(10ms);
    text = buf.str();
  }
  ASSERT_EQ(text.rfind("listening on http://127.0.0.1:", 0), 0u) << text;
  const auto port = static_cast<std::uint16_t>(std::stoi(text.substr(text.rfind(':') + 1)));
  {
    SyncClient client(port);
    EXPECT_EQ(client.get("/get").result_int(), 200);
  }
  ::kill(::getpid(), SIGTERM);
  serving.join();
  EXPECT_EQ(rc, 0);
}

}  // namespace
}  // namespace ccload::server
