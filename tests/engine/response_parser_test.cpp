// The hot-path response parser (llhttp underneath): statuses, bodies, keep-alive, interim
// responses, HEAD, bodies read until close, and the head limit, fed whole and byte by byte.
#include "engine/response_parser.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ccload::engine {
namespace {

using Step = ResponseParser::Step;

struct Fed {
  Step step = Step::need_more;
  std::size_t used = 0;
};

// Feeds `bytes` in pieces of `piece` bytes until the parser is done or fails.
Fed feed(ResponseParser& parser, const std::string& bytes, std::size_t piece) {
  Fed fed;
  while (fed.used < bytes.size()) {
    const std::size_t size = std::min(piece, bytes.size() - fed.used);
    std::size_t used = 0;
    fed.step = parser.parse(bytes.data() + fed.used, size, used);
    fed.used += used;
    if (fed.step != Step::need_more) break;
  }
  return fed;
}

const std::string kNginxLike =
    "HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n"
    "Connection: keep-alive\r\n\r\nhello";

class WholeAndBytewise : public ::testing::TestWithParam<std::size_t> {};

TEST_P(WholeAndBytewise, NotesTheLocationOfARedirectOnlyWhenAsked) {
  const std::string redirect =
      "HTTP/1.1 302 Found\r\nLocations-Other: /no\r\nX-Location: /no\r\nLOCATION: "
      "/next?a=1\r\nContent-Length: 0\r\n\r\n";
  ResponseParser noting(true);
  noting.start(false);
  EXPECT_EQ(feed(noting, redirect, GetParam()).step, Step::done);
  EXPECT_EQ(noting.status(), 302);
  EXPECT_EQ(noting.location(), "/next?a=1");
  noting.start(false);  // the next response starts clean
  EXPECT_EQ(feed(noting, kNginxLike, GetParam()).step, Step::done);
  EXPECT_EQ(noting.location(), "");
  const std::string ok_with_location =
      "HTTP/1.1 201 Created\r\nLocation: /created\r\nContent-Length: 0\r\n\r\n";
  noting.start(false);
  EXPECT_EQ(feed(noting, ok_with_location, GetParam()).step, Step::done);
  EXPECT_EQ(noting.location(), "") << "only redirects' fields are looked at";
  ResponseParser plain;
  plain.start(false);
  EXPECT_EQ(feed(plain, redirect, GetParam()).step, Step::done);
  EXPECT_EQ(plain.location(), "");

  // Two Location fields: the first counts (not the two run together); a trailer named Location
  // after a chunked body is no field of the head.
  const std::string twice =
      "HTTP/1.1 301 Moved\r\nLocation: /first\r\nLocation: /second\r\nTransfer-Encoding: "
      "chunked\r\n\r\n3\r\nabc\r\n0\r\nLocation: /trailer\r\n\r\n";
  noting.start(false);
  EXPECT_EQ(feed(noting, twice, GetParam()).step, Step::done);
  EXPECT_EQ(noting.location(), "/first");
  const std::string trailer_only =
      "HTTP/1.1 302 Found\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nLocation: "
      "/trailer\r\n\r\n";
  noting.start(false);
  EXPECT_EQ(feed(noting, trailer_only, GetParam()).step, Step::done);
  EXPECT_EQ(noting.location(), "");
}

TEST_P(WholeAndBytewise, ParsesAKeepAliveResponse) {
  ResponseParser parser;
  parser.start(false);
  const Fed fed = feed(parser, kNginxLike, GetParam());
  EXPECT_EQ(fed.step, Step::done);
  EXPECT_EQ(fed.used, kNginxLike.size());
  EXPECT_EQ(parser.status(), 200);
  EXPECT_TRUE(parser.keep_alive());
  EXPECT_EQ(parser.take_failure_body(), "") << "successful bodies are not kept";
}

TEST_P(WholeAndBytewise, CapturesAChunkedFailureBody) {
  ResponseParser parser;
  parser.start(false);
  const std::string response =
      "HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
  const Fed fed = feed(parser, response, GetParam());
  EXPECT_EQ(fed.step, Step::done);
  EXPECT_EQ(fed.used, response.size());
  EXPECT_EQ(parser.status(), 503);
  EXPECT_TRUE(parser.keep_alive());
  EXPECT_EQ(parser.take_failure_body(), "hello world");
}

TEST_P(WholeAndBytewise, SkipsInterimResponses) {
  ResponseParser parser;
  parser.start(false);
  const std::string response =
      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n"
      "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok";
  const Fed fed = feed(parser, response, GetParam());
  EXPECT_EQ(fed.step, Step::done);
  EXPECT_EQ(fed.used, response.size());
  EXPECT_EQ(parser.status(), 201);
}

INSTANTIATE_TEST_SUITE_P(Pieces, WholeAndBytewise, ::testing::Values(1, 7, 1 << 20));

TEST_P(WholeAndBytewise, AnInterimResponseWithoutKeepAliveStillLeadsToTheFinalOne) {
  for (const std::string response :
       {"HTTP/1.0 100 Continue\r\n\r\nHTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 103 Early Hints\r\nConnection: close\r\n\r\n"
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"}) {
    ResponseParser parser;
    parser.start(false);
    const Fed fed = feed(parser, response, GetParam());
    EXPECT_EQ(fed.step, Step::done) << response;
    EXPECT_EQ(fed.used, response.size()) << response;
    EXPECT_EQ(parser.status(), 200) << response;
  }
}

TEST(ResponseParser, SwitchingProtocolsEndsTheKeepAlive) {
  const std::string response =
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n";
  ResponseParser parser;
  parser.start(false);
  std::size_t used = 0;
  ASSERT_EQ(parser.parse(response.data(), response.size(), used), Step::done);
  EXPECT_EQ(parser.status(), 101);
  EXPECT_FALSE(parser.keep_alive());
}

TEST(ResponseParser, StopsAtTheEndOfEachResponse) {
  const std::string second = "HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nnope";
  const std::string both = kNginxLike + second;
  ResponseParser parser;
  parser.start(false);
  std::size_t used = 0;
  ASSERT_EQ(parser.parse(both.data(), both.size(), used), Step::done);
  EXPECT_EQ(used, kNginxLike.size());
  parser.start(false);
  std::size_t used_next = 0;
  ASSERT_EQ(parser.parse(both.data() + used, both.size() - used, used_next), Step::done);
  EXPECT_EQ(parser.status(), 404);
  EXPECT_EQ(used_next, second.size() - 1) << "Content-Length 3 of the 4 bytes sent";
  EXPECT_EQ(parser.take_failure_body(), "nop");
}

TEST(ResponseParser, AResponseToHeadHasNoBody) {
  const std::string head = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n";
  ResponseParser parser;
  parser.start(true);
  std::size_t used = 0;
  EXPECT_EQ(parser.parse(head.data(), head.size(), used), Step::done);
  EXPECT_EQ(used, head.size());
  EXPECT_TRUE(parser.keep_alive());
}

TEST(ResponseParser, NoContentAndNotModifiedHaveNoBody) {
  for (const std::string status : {"204 No Content", "304 Not Modified"}) {
    const std::string head = "HTTP/1.1 " + status + "\r\nContent-Length: 10\r\n\r\n";
    ResponseParser parser;
    parser.start(false);
    std::size_t used = 0;
    EXPECT_EQ(parser.parse(head.data(), head.size(), used), Step::done) << status;
  }
}

TEST(ResponseParser, CloseEndsTheKeepAlive) {
  for (const std::string response :
       {"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n"}) {
    ResponseParser parser;
    parser.start(false);
    std::size_t used = 0;
    ASSERT_EQ(parser.parse(response.data(), response.size(), used), Step::done) << response;
    EXPECT_FALSE(parser.keep_alive()) << response;
  }
}

TEST(ResponseParser, ABodyWithoutLengthEndsAtTheClose) {
  const std::string response = "HTTP/1.1 500 Oops\r\nConnection: close\r\n\r\nall of it";
  ResponseParser parser;
  parser.start(false);
  std::size_t used = 0;
  EXPECT_EQ(parser.parse(response.data(), response.size(), used), Step::need_more);
  EXPECT_EQ(parser.finish(), Step::done);
  EXPECT_EQ(parser.status(), 500);
  EXPECT_EQ(parser.take_failure_body(), "all of it");
}

TEST(ResponseParser, ACloseBeforeTheEndIsAFailure) {
  const std::string response = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort";
  ResponseParser parser;
  parser.start(false);
  std::size_t used = 0;
  EXPECT_EQ(parser.parse(response.data(), response.size(), used), Step::need_more);
  EXPECT_TRUE(parser.got_some());
  EXPECT_EQ(parser.finish(), Step::failed);

  ResponseParser silent;
  silent.start(false);
  EXPECT_FALSE(silent.got_some());
  EXPECT_EQ(silent.finish(), Step::failed);
}

TEST(ResponseParser, RejectsWhatIsNotHttp) {
  for (const std::string response :
       {"SSH-2.0-OpenSSH_9.2\r\n", "HTTP/1.1 2xx OK\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"}) {
    ResponseParser parser;
    parser.start(false);
    std::size_t used = 0;
    EXPECT_EQ(parser.parse(response.data(), response.size(), used), Step::failed) << response;
  }
}

TEST(ResponseParser, LimitsTheHeadExactly) {
  // A head of exactly kHeadLimit bytes passes; one byte more fails, however it is split.
  const std::string start = "HTTP/1.1 200 OK\r\nX-Pad: ";
  const std::string end = "\r\nContent-Length: 2\r\n\r\n";
  const std::string fits =
      start + std::string(ResponseParser::kHeadLimit - start.size() - end.size(), 'p') + end;
  ASSERT_EQ(fits.size(), ResponseParser::kHeadLimit);
  const std::string over = start + "p" + fits.substr(start.size());
  for (const std::size_t piece : {std::size_t{1000}, std::size_t{4096}, std::size_t{1} << 20}) {
    ResponseParser parser;
    parser.start(false);
    EXPECT_EQ(feed(parser, fits + "ok", piece).step, Step::done) << piece;
    parser.start(false);
    EXPECT_EQ(feed(parser, over + "ok", piece).step, Step::failed) << piece;
  }
}

TEST(ResponseParser, MarksACutFailureBody) {
  const std::string body(kCapturedBodyLimit + 100, 'e');
  const std::string response =
      "HTTP/1.1 500 Error\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  ResponseParser parser;
  parser.start(false);
  ASSERT_EQ(feed(parser, response, 1000).step, Step::done);
  const std::string captured = parser.take_failure_body();
  EXPECT_EQ(captured.substr(0, kCapturedBodyLimit), body.substr(0, kCapturedBodyLimit));
  EXPECT_NE(captured.find("[ccload: body cut at 8192 of 8292 bytes]"), std::string::npos);
}

TEST(ResponseParser, StartForgetsThePreviousResponse) {
  ResponseParser parser;
  parser.start(false);
  const std::string failed = "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 3\r\n\r\nbad";
  ASSERT_EQ(feed(parser, failed, 1 << 20).step, Step::done);
  parser.start(false);
  ASSERT_EQ(feed(parser, kNginxLike, 1 << 20).step, Step::done);
  EXPECT_EQ(parser.status(), 200);
  EXPECT_EQ(parser.take_failure_body(), "");
}

}  // namespace
}  // namespace ccload::engine
