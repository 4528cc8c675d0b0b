// split_requests: the HTTP/1.1 requests a script's text holds, as wrk.format writes them.

#include "request/request_text.hpp"

#include <gtest/gtest.h>

namespace ccload::request {
namespace {

TEST(SplitRequests, OneRequestWithItsFieldsAndBody) {
  const std::string text =
      "POST /login?next=%2F HTTP/1.1\r\nHost: example.test\r\nContent-Type: application/json\r\n"
      "Content-Length: 13\r\n\r\n{\"user\":\"a\"}\n";
  std::vector<RequestText> out;
  std::string error;
  ASSERT_EQ(split_requests(text, out, error), 1u) << error;
  const RequestText& r = out[0];
  EXPECT_EQ(r.offset, 0u);
  EXPECT_EQ(r.size, text.size());
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.target, "/login?next=%2F");
  ASSERT_EQ(r.headers.size(), 3u);
  EXPECT_EQ(r.headers[0].name, "Host");
  EXPECT_EQ(r.headers[0].value, "example.test");
  EXPECT_EQ(r.headers[2].name, "Content-Length");
  EXPECT_EQ(r.headers[2].value, "13");
  EXPECT_EQ(r.body, "{\"user\":\"a\"}\n");
}

TEST(SplitRequests, SeveralRequestsAsPipelineLuaBuildsThem) {
  const std::string one = "GET / HTTP/1.1\r\nHost: h\r\n\r\n";
  const std::string two = "GET /404 HTTP/1.1\r\nHost: h\r\n\r\n";
  const std::string three = "PUT /x HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc";
  const std::string all = one + two + three;  // out's views point into it: it outlives them
  std::vector<RequestText> out;
  std::string error;
  ASSERT_EQ(split_requests(all, out, error), 3u) << error;
  EXPECT_EQ(out[0].size, one.size());
  EXPECT_EQ(out[1].offset, one.size());
  EXPECT_EQ(out[1].target, "/404");
  EXPECT_EQ(out[2].offset, one.size() + two.size());
  EXPECT_EQ(out[2].size, three.size());
  EXPECT_EQ(out[2].method, "PUT");
  EXPECT_EQ(out[2].body, "abc");
  // The same shape again reuses the entries (and the answer does not depend on what was there).
  ASSERT_EQ(split_requests(two, out, error), 1u);
  EXPECT_EQ(out[0].target, "/404");
  EXPECT_TRUE(out[0].body.empty());
}

TEST(SplitRequests, WhatIsNotACompleteRequestIsASentence) {
  std::vector<RequestText> out;
  std::string error;
  EXPECT_EQ(split_requests("", out, error), 0u);
  EXPECT_NE(error.find("empty"), std::string::npos);
  EXPECT_EQ(split_requests("hello world", out, error), 0u);
  EXPECT_NE(error.find("not an HTTP/1.1 request"), std::string::npos) << error;
  EXPECT_EQ(split_requests("GET / HTTP/1.1\r\nHost: h\r\n", out, error), 0u);
  EXPECT_NE(error.find("cut short"), std::string::npos) << error;
  EXPECT_EQ(split_requests("POST / HTTP/1.1\r\nContent-Length: 9\r\n\r\nabc", out, error), 0u);
  EXPECT_NE(error.find("cut short"), std::string::npos) << error;
  EXPECT_EQ(split_requests("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n"
                           "2\r\nde\r\n0\r\n\r\n",
                           out, error),
            0u);
  EXPECT_NE(error.find("chunked"), std::string::npos) << error;
}

}  // namespace
}  // namespace ccload::request
