// The HTTP/2 request fields built once per run from the engine configuration.

#include <gtest/gtest.h>

#include <map>

#include "engine/http2_session.hpp"

namespace ccload::engine {
namespace {

std::vector<std::pair<std::string, std::string>> fields(const Http2Request& request) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& nv : request.nva) {
    out.emplace_back(std::string(reinterpret_cast<const char*>(nv.name), nv.namelen),
                     std::string(reinterpret_cast<const char*>(nv.value), nv.valuelen));
  }
  return out;
}

TEST(Http2Request, PseudoHeadersFirstCustomHeadersLowercasedConnectionHeadersDropped) {
  TargetSpec config;
  config.url = "https://example.com:8443/x?q=1";
  config.method = "POST";
  config.body = R"({"a": 1})";
  config.content_type = "application/json";
  config.headers = {{"X-Api-Key", "k1"},
                    {"Connection", "keep-alive"},
                    {"Host", "other.example"},
                    {"Content-Length", "99"},
                    {"Accept", "text/plain"}};
  auto request = build_http2_request(config, net::parse_target(config.url));
  auto list = fields(*request);
  ASSERT_GE(list.size(), 4u);
  EXPECT_EQ(list[0], (std::pair<std::string, std::string>{":method", "POST"}));
  EXPECT_EQ(list[1], (std::pair<std::string, std::string>{":scheme", "https"}));
  EXPECT_EQ(list[2], (std::pair<std::string, std::string>{":authority", "other.example"}));
  EXPECT_EQ(list[3], (std::pair<std::string, std::string>{":path", "/x?q=1"}));
  std::multimap<std::string, std::string> rest(list.begin() + 4, list.end());
  EXPECT_EQ(rest.count("connection"), 0u);
  EXPECT_EQ(rest.count("host"), 0u);
  EXPECT_EQ(rest.count("accept"), 1u);
  EXPECT_EQ(rest.find("accept")->second, "text/plain");
  EXPECT_EQ(rest.find("x-api-key")->second, "k1");
  EXPECT_EQ(rest.find("content-type")->second, "application/json");
  EXPECT_EQ(rest.count("content-length"), 1u);
  EXPECT_EQ(rest.find("content-length")->second, "8");
  EXPECT_EQ(rest.find("user-agent")->second, "ccload/" CCLOAD_VERSION);
  EXPECT_EQ(request->body, config.body);
}

TEST(Http2Request, GetHasNoContentLength) {
  TargetSpec config;
  config.url = "http://127.0.0.1:8080/get";
  auto list = fields(*build_http2_request(config, net::parse_target(config.url)));
  EXPECT_EQ(list[1].second, "http");
  EXPECT_EQ(list[2].second, "127.0.0.1:8080");
  for (const auto& [name, value] : list) EXPECT_NE(name, "content-length");
}

}  // namespace
}  // namespace ccload::engine
