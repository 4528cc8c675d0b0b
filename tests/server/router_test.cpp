// The endpoints as pure functions: request bytes in, response bytes out, no sockets.

#include "server/router.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "server/http_request.hpp"

namespace ccload::server {
namespace {

// Parses `raw` as one complete request into `data`.
void parse(std::string_view raw, RequestData& data) {
  RequestParser parser(data, 1u << 20, 1u << 16);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(raw.data(), raw.size()), ec);
  ASSERT_FALSE(ec) << ec.message();
  ASSERT_TRUE(parser.is_done());
}

TEST(RequestParser, CollectsEveryPart) {
  RequestData data;
  parse("PUT /a/b?c=d HTTP/1.0\r\nHost: h\r\nX-One: 1\r\nx-one: 2\r\nContent-Length: 3\r\n\r\nxyz",
        data);
  EXPECT_EQ(data.method(), "PUT");
  EXPECT_EQ(data.target(), "/a/b?c=d");
  EXPECT_EQ(data.path(), "/a/b");
  EXPECT_EQ(data.query(), "c=d");
  EXPECT_EQ(data.version(), 10);
  EXPECT_EQ(data.body(), "xyz");
  EXPECT_FALSE(data.keep_alive());
  EXPECT_EQ(data.header("X-ONE"), "1");
  EXPECT_EQ(data.header_count(), 4u);

  // Reused for the next request: nothing of the first survives.
  parse("GET / HTTP/1.1\r\nHost: h\r\n\r\n", data);
  EXPECT_EQ(data.header("x-one"), "");
  EXPECT_EQ(data.body(), "");
  EXPECT_TRUE(data.keep_alive());
}

TEST(Router, GetCombinesRepeatedHeaders) {
  RequestData data;
  parse("GET /get HTTP/1.1\r\nHost: h\r\nX-A: 1\r\nx-a: 2\r\n\r\n", data);
  ServerState state;
  Response res;
  route(data, state, res);
  auto j = nlohmann::json::parse(res.body);
  EXPECT_EQ(j["headers"]["X-A"], "1, 2");
  EXPECT_NE(res.head.find("Content-Length: " + std::to_string(res.body.size()) + "\r\n"),
            std::string::npos);
  EXPECT_EQ(res.head.rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
  EXPECT_FALSE(res.close);
}

TEST(Router, RedirectCountsDownToGet) {
  RequestData data;
  ServerState state;
  Response res;
  parse("GET /redirect/3 HTTP/1.1\r\nHost: h\r\n\r\n", data);
  route(data, state, res);
  EXPECT_EQ(res.head.rfind("HTTP/1.1 302 Found\r\n", 0), 0u) << res.head;
  EXPECT_NE(res.head.find("\r\nLocation: /redirect/2\r\n"), std::string::npos) << res.head;
  EXPECT_TRUE(res.head.ends_with("\r\n\r\n"));
  parse("GET /redirect/1 HTTP/1.1\r\nHost: h\r\n\r\n", data);
  route(data, state, res);
  EXPECT_NE(res.head.find("\r\nLocation: /get\r\n"), std::string::npos) << res.head;
  parse("GET /redirect/0 HTTP/1.1\r\nHost: h\r\n\r\n", data);
  route(data, state, res);
  EXPECT_EQ(res.head.rfind("HTTP/1.1 400", 0), 0u);
}

TEST(Router, BytesReusesTheSharedBuffer) {
  RequestData data;
  ServerState state;
  Response res;
  parse("GET /bytes/1000 HTTP/1.1\r\nHost: h\r\n\r\n", data);
  route(data, state, res);
  ASSERT_TRUE(res.use_shared);
  EXPECT_EQ(res.body_size(), 1000u);
  const auto* first = res.shared.get();
  parse("GET /bytes/10 HTTP/1.1\r\nHost: h\r\n\r\n", data);
  route(data, state, res);
  EXPECT_EQ(res.shared.get(), first);
  EXPECT_EQ(res.body_size(), 10u);
  parse("GET /bytes/999999999999 HTTP/1.1\r\nHost: h\r\n\r\n", data);
  route(data, state, res);
  EXPECT_EQ(res.body_size(), kMaxBytes);
}

TEST(Router, DelayIsCapped) {
  RequestData data;
  ServerState state;
  Response res;
  parse("GET /delay/70000 HTTP/1.1\r\nHost: h\r\n\r\n", data);
  route(data, state, res);
  EXPECT_EQ(res.delay, std::chrono::milliseconds(kMaxDelayMs));
}

TEST(Router, NoContentHasNoContentLength) {
  RequestData data;
  ServerState state;
  Response res;
  parse("GET /status/204 HTTP/1.1\r\nHost: h\r\n\r\n", data);
  route(data, state, res);
  EXPECT_EQ(res.head.find("Content-Length"), std::string::npos);
  EXPECT_EQ(res.body_size(), 0u);
}

TEST(JsonEscape, EscapesQuotesBackslashesAndControls) {
  std::string out;
  append_json_escaped(out, std::string_view("a\"b\\c\n\x01z", 8));
  EXPECT_EQ(out, "a\\\"b\\\\c\\n\\u0001z");
}

}  // namespace
}  // namespace ccload::server
