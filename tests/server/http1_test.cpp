// The HTTP/1.1 side of the built-in server without sockets: Http1Reader turns bytes into requests,
// append_http1_head() turns a protocol-neutral Response into the exact head on the wire.

#include "server/http1.hpp"

#include <gtest/gtest.h>

#include <boost/asio/buffer.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace ccload::server {
namespace {

// Feeds `raw` to a reader `chunk` bytes at a time and returns the heads of the answers, in order.
std::vector<std::string> answer_all(std::string_view raw, std::size_t chunk) {
  RequestData req;
  Http1Reader reader(req);
  ServerState state;
  Response res;
  boost::beast::flat_buffer buffer;
  std::vector<std::string> heads;
  std::size_t fed = 0;
  reader.next();
  for (int guard = 0; guard < 100000; ++guard) {
    const Http1Reader::Step step = reader.parse(buffer);
    if (step == Http1Reader::Step::write_continue) {
      heads.emplace_back(Http1Reader::kContinue);
    } else if (step == Http1Reader::Step::respond) {
      reader.answer(state, res);
      std::string head;
      append_http1_head(res, req.version(), head);
      heads.push_back(head);
      if (res.close) break;
      reader.next();
    } else {
      if (fed == raw.size()) break;
      const std::size_t n = std::min(chunk, raw.size() - fed);
      auto space = buffer.prepare(n);
      boost::asio::buffer_copy(space, boost::asio::buffer(raw.data() + fed, n));
      buffer.commit(n);
      fed += n;
    }
  }
  return heads;
}

TEST(Http1Head, IsByteForByteWhatClientsGet) {
  const auto heads = answer_all(
      "GET /status/201 HTTP/1.1\r\nHost: h\r\n\r\n"
      "GET /status/204 HTTP/1.1\r\nHost: h\r\n\r\n"
      "GET /redirect/1 HTTP/1.0\r\nHost: h\r\nConnection: keep-alive\r\n\r\n"
      "GET /bytes/5 HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
      1000);
  ASSERT_EQ(heads.size(), 4u);
  EXPECT_EQ(heads[0],
            "HTTP/1.1 201 Created\r\nServer: ccload\r\nContent-Type: text/plain; "
            "charset=utf-8\r\nContent-Length: 12\r\n\r\n");
  EXPECT_EQ(heads[1], "HTTP/1.1 204 No Content\r\nServer: ccload\r\n\r\n");
  EXPECT_EQ(heads[2],
            "HTTP/1.1 302 Found\r\nServer: ccload\r\nContent-Type: text/plain; "
            "charset=utf-8\r\nContent-Length: 20\r\nLocation: /get\r\nConnection: "
            "keep-alive\r\n\r\n");
  EXPECT_EQ(heads[3],
            "HTTP/1.1 200 OK\r\nServer: ccload\r\nContent-Type: "
            "application/octet-stream\r\nContent-Length: 5\r\nConnection: close\r\n\r\n");
}

TEST(Http1Reader, ParsesRequestsSplitAnywhere) {
  const std::string raw =
      "POST /post HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc"
      "POST /post HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n"
      "GET /get HTTP/1.1\r\nHost: h\r\n\r\n";
  for (std::size_t chunk : {1u, 2u, 7u, 64u, 4096u}) {
    const auto heads = answer_all(raw, chunk);
    ASSERT_EQ(heads.size(), 3u) << chunk;
    for (const auto& head : heads) EXPECT_EQ(head.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << head;
  }
}

TEST(Http1Reader, AsksForContinueOnceBeforeTheBody) {
  // As a client sends it: the head (73 bytes) alone, the body after the 100 Continue.
  const auto heads = answer_all(
      "POST /post HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok", 73);
  ASSERT_EQ(heads.size(), 2u) << heads[0];
  EXPECT_EQ(heads[0], Http1Reader::kContinue);
  EXPECT_EQ(heads[1].rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
}

TEST(Http1Reader, BadRequestsGetAnErrorAndTheConnectionCloses) {
  auto heads = answer_all("NOT A REQUEST\r\n\r\nGET /get HTTP/1.1\r\n\r\n", 100);
  ASSERT_EQ(heads.size(), 1u);
  EXPECT_EQ(heads[0].rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u) << heads[0];
  EXPECT_NE(heads[0].find("Connection: close\r\n"), std::string::npos);

  heads = answer_all("GET /get HTTP/1.1\r\nX: " + std::string(kHttp1HeaderLimit, 'x') + "\r\n\r\n",
                     4096);
  ASSERT_EQ(heads.size(), 1u);
  EXPECT_EQ(heads[0].rfind("HTTP/1.1 431 ", 0), 0u) << heads[0];
}

}  // namespace
}  // namespace ccload::server
