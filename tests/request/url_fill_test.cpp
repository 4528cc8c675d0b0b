// A URL template filled with any row's values is still a URL the engine accepts, with the values
// confined to the path and query where their fields stand.
#include <gtest/gtest.h>

#include "net/url.hpp"
#include "request/template.hpp"

namespace ccload::request {
namespace {

TEST(UrlFill, FilledUrlsParseAndKeepTheirOrigin) {
  // Every byte value, quoted for CSV (quotes doubled).
  std::string every_byte;
  for (int c = 0; c < 256; ++c) {
    every_byte += static_cast<char>(c);
    if (c == '"') every_byte += '"';
  }
  const DataSet data =
      parse_data("v\n\"a\"\"b\"\n\"/../x?y=1#z\"\n\"@evil.example:1/\"\n\"" + every_byte + "\"\n",
                 DataFormat::csv, "urls.csv");
  ASSERT_EQ(data.rows(), 4u);
  const auto t =
      Template::compile("http://127.0.0.1:8080/a/{{col v}}/b?q={{col v}}&id={{uuid}}&n={{seq}}",
                        {.part = "the URL", .escape = Escape::url, .data = &data});
  Rng rng(7, 0);
  for (std::size_t row = 0; row < data.rows(); ++row) {
    std::string url;
    ASSERT_TRUE(t.fill(url, rng, {.seq = row + 1, .row = row}));
    const auto target = net::parse_target(url);  // throws UrlError when invalid
    EXPECT_EQ(target.host, "127.0.0.1") << url;
    EXPECT_EQ(target.port, 8080) << url;
    EXPECT_EQ(target.request_target, url.substr(std::string("http://127.0.0.1:8080").size()));
    EXPECT_EQ(target.request_target.rfind("/a/", 0), 0u);
    EXPECT_EQ(target.request_target.find('#'), std::string::npos);
  }
}

}  // namespace
}  // namespace ccload::request
