// The endpoints as pure functions: request bytes in, a protocol-neutral Response out, no sockets.

#include "server/router.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "server/endpoints.hpp"
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
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.field("Content-Length"), std::to_string(res.body.size()));
  EXPECT_EQ(res.field("Content-Type"), "application/json");
  EXPECT_EQ(res.field("Server"), "ccload");
  EXPECT_EQ(res.fault, Response::Fault::none);
  EXPECT_FALSE(res.close);
}

TEST(Router, RedirectCountsDownToGet) {
  RequestData data;
  ServerState state;
  Response res;
  parse("GET /redirect/3 HTTP/1.1\r\nHost: h\r\n\r\n", data);
  route(data, state, res);
  EXPECT_EQ(res.status, 302);
  EXPECT_EQ(res.field("Location"), "/redirect/2");
  parse("GET /redirect/1 HTTP/1.1\r\nHost: h\r\n\r\n", data);
  route(data, state, res);
  EXPECT_EQ(res.field("Location"), "/get");
  EXPECT_EQ(res.field_count(), 4u) << "Server, Content-Type, Content-Length, Location";
  parse("GET /redirect/0 HTTP/1.1\r\nHost: h\r\n\r\n", data);
  route(data, state, res);
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(res.field("Location"), "") << "nothing of the previous answer is left";
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
  EXPECT_EQ(res.status, 204);
  EXPECT_EQ(res.field("Content-Length"), "");
  EXPECT_EQ(res.field_count(), 1u) << "Server only";
  EXPECT_EQ(res.body_size(), 0u);
  parse("GET /status/304 HTTP/1.1\r\nHost: h\r\n\r\n", data);
  route(data, state, res);
  EXPECT_EQ(res.field("Content-Length"), "0");
  EXPECT_EQ(res.body_size(), 0u);
}

TEST(Router, EveryEndpointOfTheTableIsRouted) {
  RequestData data;
  ServerState state;
  Response res;
  for (const Endpoint& e : kEndpoints) {
    const std::string path = std::string(e.path) + (e.prefix ? "1" : "");
    parse("GET " + path + " HTTP/1.1\r\nHost: h\r\n\r\n", data);
    route(data, state, res);
    EXPECT_NE(res.status, 404) << path;
    EXPECT_EQ(res.fault != Response::Fault::none, e.fault && e.id != EndpointId::headers) << path;
  }
  parse("GET /nowhere HTTP/1.1\r\nHost: h\r\n\r\n", data);
  route(data, state, res);
  EXPECT_EQ(res.status, 404);
  parse("GET /gets HTTP/1.1\r\nHost: h\r\n\r\n", data);
  route(data, state, res);
  EXPECT_EQ(res.status, 404) << "exact paths match exactly";
}

TEST(Router, TheIndexPageAndTheHelpListTheTable) {
  RequestData data;
  ServerState state;
  Response res;
  parse("GET / HTTP/1.1\r\nHost: h\r\n\r\n", data);
  route(data, state, res);
  const std::string names = serve_endpoint_names();
  for (const Endpoint& e : kEndpoints) {
    EXPECT_NE(res.body.find(std::string(e.usage) + " "), std::string::npos) << e.usage;
    if (e.id != EndpointId::index && e.usage != "/anything/*") {
      EXPECT_NE(names.find(e.usage), std::string::npos) << e.usage;
    }
  }
  EXPECT_EQ(names.find("/get, /status/CODE, "), 0u) << names;
  EXPECT_NE(names.find("; faults: /reset, /close, /malformed, /trickle/MS, /hang, /headers/N"),
            std::string::npos)
      << names;
}

TEST(Router, HeadRequestsAnnounceTheBodyTheyDoNotGet) {
  RequestData data;
  ServerState state;
  Response res;
  parse("HEAD /bytes/300 HTTP/1.1\r\nHost: h\r\n\r\n", data);
  route(data, state, res);
  EXPECT_TRUE(res.head_only);
  EXPECT_EQ(res.field("Content-Length"), "300");
}

TEST(Router, ErrorResponseClosesAndSaysWhy) {
  Response res;
  res.add_field("X-Old", "1");
  error_response(413, "request body too large\n", res);
  EXPECT_EQ(res.status, 413);
  EXPECT_TRUE(res.close);
  EXPECT_EQ(res.field("X-Old"), "");
  EXPECT_EQ(res.body, "request body too large\n");
  EXPECT_EQ(res.field("Content-Length"), std::to_string(res.body.size()));
}

TEST(JsonEscape, EscapesQuotesBackslashesAndControls) {
  std::string out;
  append_json_escaped(out, std::string_view("a\"b\\c\n\x01z", 8));
  EXPECT_EQ(out, "a\\\"b\\\\c\\n\\u0001z");
}

}  // namespace
}  // namespace ccload::server
