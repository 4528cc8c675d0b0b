// The fault endpoints of the built-in server (/reset, /close, /malformed, /trickle/MS, /hang,
// /headers/N): what the router decides, and what a client sees on the socket.

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <chrono>
#include <string>

#include "server/http1.hpp"
#include "server/http_request.hpp"
#include "server/router.hpp"
#include "server/target_server.hpp"
#include "sync_client.hpp"

namespace ccload::server {
namespace {

using namespace std::chrono_literals;
using ccload::test::SyncClient;
using error_code = boost::system::error_code;

Response route_get(const std::string& target) {
  RequestData data;
  RequestParser parser(data, 1u << 20, 1u << 16);
  const std::string raw = "GET " + target + " HTTP/1.1\r\nHost: h\r\n\r\n";
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(raw.data(), raw.size()), ec);
  EXPECT_FALSE(ec) << ec.message();
  ServerState state;
  Response res;
  route(data, state, res);
  return res;
}

// The HTTP/1.1 head the connection would write for `res`.
std::string head_of(const Response& res) {
  std::string head;
  append_http1_head(res, 11, head);
  return head;
}

TEST(FaultRoutes, EachFaultPathSetsItsFault) {
  EXPECT_EQ(route_get("/reset").fault, Response::Fault::reset);
  EXPECT_EQ(route_get("/close").fault, Response::Fault::close);
  EXPECT_EQ(route_get("/malformed").fault, Response::Fault::malformed);
  EXPECT_EQ(route_get("/hang").fault, Response::Fault::hang);
  const Response trickle = route_get("/trickle/70000");
  EXPECT_EQ(trickle.fault, Response::Fault::trickle);
  EXPECT_EQ(trickle.trickle_interval, std::chrono::milliseconds(kMaxDelayMs));
  EXPECT_EQ(trickle.body.size(), 10u);
  EXPECT_EQ(head_of(route_get("/trickle/x")).rfind("HTTP/1.1 400 ", 0), 0u);
  EXPECT_EQ(head_of(route_get("/headers/x")).rfind("HTTP/1.1 400 ", 0), 0u);
  EXPECT_EQ(route_get("/get").fault, Response::Fault::none);
}

TEST(FaultRoutes, HeadersMakesTheHeadExactlyNBytes) {
  const std::size_t plain = head_of(route_get("/headers/0")).size();
  for (std::size_t n : {plain, plain + 1, plain + 9, plain + 10, plain + 11, plain + 999,
                        plain + 1000, plain + 1005, plain + 1009, plain + 1010, std::size_t{16384},
                        std::size_t{16385}, std::size_t{100000}}) {
    const std::string head = head_of(route_get("/headers/" + std::to_string(n)));
    EXPECT_EQ(head.size(), n);
    EXPECT_EQ(head.rfind("HTTP/1.1 200 OK", 0), 0u);
    EXPECT_TRUE(head.ends_with("\r\n\r\n"));
    EXPECT_EQ(head.find("\r\n\r\n"), n - 4) << "one blank line, at the end";
  }
  EXPECT_EQ(head_of(route_get("/headers/5")).size(), plain) << "less than a plain head: plain";
  EXPECT_EQ(head_of(route_get("/headers/99999999")).size(), kMaxHeadBytes);
}

class FaultEndpointsTest : public ::testing::Test {
 protected:
  TargetServer server_{{"127.0.0.1", 0, 1, "", ""}};

  // Writes a GET for `target` and reads until the server closes or resets the connection.
  std::pair<std::string, error_code> read_to_end(const std::string& target) {
    SyncClient client(server_.port());
    client.write(test::make_request(boost::beast::http::verb::get, target));
    std::string received;
    error_code ec;
    char chunk[4096];
    for (;;) {
      const std::size_t n = client.socket().read_some(boost::asio::buffer(chunk), ec);
      received.append(chunk, n);
      if (ec) break;
    }
    return {received, ec};
  }
};

TEST_F(FaultEndpointsTest, ResetCutsTheBodyWithATcpReset) {
  auto [received, ec] = read_to_end("/reset");
  EXPECT_EQ(ec, boost::asio::error::connection_reset) << ec.message();
  EXPECT_NE(received.find("Content-Length: 1000\r\n"), std::string::npos) << received;
}

TEST_F(FaultEndpointsTest, CloseSendsNothing) {
  auto [received, ec] = read_to_end("/close");
  EXPECT_EQ(ec, boost::asio::error::eof) << ec.message();
  EXPECT_EQ(received, "");
}

TEST_F(FaultEndpointsTest, MalformedSendsNoStatusLine) {
  auto [received, ec] = read_to_end("/malformed");
  EXPECT_EQ(ec, boost::asio::error::eof) << ec.message();
  EXPECT_FALSE(received.empty());
  EXPECT_NE(received.rfind("HTTP/", 0), 0u) << received;
}

TEST_F(FaultEndpointsTest, TrickleSendsTheBodySlowlyAndKeepsTheConnection) {
  SyncClient client(server_.port());
  const auto started = std::chrono::steady_clock::now();
  auto first = client.get("/trickle/20");
  EXPECT_GE(std::chrono::steady_clock::now() - started, 200ms) << "10 bytes, 20 ms apart";
  EXPECT_EQ(first.result_int(), 200);
  EXPECT_EQ(first.body(), "trickling\n");
  EXPECT_EQ(client.get("/get").result_int(), 200) << "the connection is kept alive";
}

TEST_F(FaultEndpointsTest, HangNeverAnswers) {
  SyncClient client(server_.port());
  client.write(test::make_request(boost::beast::http::verb::get, "/hang"));
  int fd = client.socket().native_handle();
  timeval wait{0, 300'000};
  ASSERT_EQ(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait), 0);
  char c;
  EXPECT_EQ(::recv(fd, &c, 1, 0), -1) << "nothing within 300 ms";
  EXPECT_TRUE(errno == EAGAIN || errno == EWOULDBLOCK) << errno;
}

TEST_F(FaultEndpointsTest, HeadersOver16KiBArriveWhole) {
  SyncClient client(server_.port());
  client.write(test::make_request(boost::beast::http::verb::get, "/headers/20000"));
  boost::beast::http::response_parser<boost::beast::http::string_body> parser;
  parser.header_limit(1u << 20);
  boost::beast::http::read(client.socket(), client.buffer(), parser);
  EXPECT_EQ(parser.get().result_int(), 200);
  EXPECT_EQ(parser.get().body(), "headers\n");
}

}  // namespace
}  // namespace ccload::server
