#include "net/url.hpp"

#include <gtest/gtest.h>

namespace ccload::net {
namespace {

TEST(ParseTarget, HttpWithPortPathAndQuery) {
  Target target = parse_target("http://127.0.0.1:8080/get?x=1#frag");
  EXPECT_FALSE(target.tls);
  EXPECT_EQ(target.host, "127.0.0.1");
  EXPECT_EQ(target.port, 8080);
  EXPECT_EQ(target.host_header, "127.0.0.1:8080");
  EXPECT_EQ(target.request_target, "/get?x=1");
}

TEST(ParseTarget, HttpsDefaultsAndEmptyPath) {
  Target target = parse_target("https://example.test");
  EXPECT_TRUE(target.tls);
  EXPECT_EQ(target.port, 443);
  EXPECT_EQ(target.host_header, "example.test");
  EXPECT_EQ(target.request_target, "/");
}

TEST(ParseTarget, Ipv6Literal) {
  Target target = parse_target("http://[::1]:9000/a");
  EXPECT_EQ(target.host, "::1");
  EXPECT_EQ(target.host_header, "[::1]:9000");
}

TEST(ParseTarget, DefaultHttpsForSchemelessWhenAsked) {
  Target target = parse_target("in.logs.betterstack.com", true);
  EXPECT_TRUE(target.tls);
  EXPECT_EQ(target.host, "in.logs.betterstack.com");
}

TEST(ParseTarget, RejectsWhatCannotBeUsed) {
  for (const char* bad : {"", "example.com/get", "ftp://h/", "http://", "http:///path",
                          "http://h:0/", "http://h:99999/", "http://exa mple.com/"}) {
    EXPECT_THROW(parse_target(bad), UrlError) << bad;
  }
}

// Found by fuzz/url_fuzz.cpp: Boost.URL parses "h:999gs/" as port 999 and path "gs/", which
// would have made the request line "GET gs/ HTTP/1.1".
TEST(ParseTarget, RejectsLettersAfterThePort) {
  for (const char* bad : {"http://h:999gs/", "http://h:80x", "https://h:1a/b"}) {
    EXPECT_THROW(parse_target(bad), UrlError) << bad;
  }
  EXPECT_EQ(parse_target("http://h:80/x").request_target, "/x");
}

}  // namespace
}  // namespace ccload::net
