// `bytes` is one thing for every protocol: the response body bytes received (no head, no chunked
// or HTTP/2 framing). The same responses count the same over HTTP/1.1 and HTTP/2, against the
// built-in server (`ccload serve`, /trickle sends 10 body bytes one DATA frame or write at a time)
// and against nginx, whose access log counts what it sent ($body_bytes_sent).

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "store/sqlite.hpp"
#include "support/ccload_run.hpp"
#include "support/nginx_process.hpp"
#include "support/serve_process.hpp"

namespace ccload::test {
namespace {

std::vector<std::string> with_protocol(std::vector<std::string> args, bool http2) {
  if (http2) args.push_back("--http2");
  return args;
}

TEST(BytesTest, TheBuiltInServersTrickleCountsItsTenBodyBytesOverEitherProtocol) {
  TempDir dir;
  ServeProcess serve;
  for (const bool http2 : {false, true}) {
    const auto summary = run_ccload_json(
        with_protocol({"run", serve.base_url() + "/trickle/1", "-n", "3", "-c", "1", "--no-store"},
                      http2),
        dir.path());
    EXPECT_EQ(summary["requests"]["succeeded"], 3) << summary.dump();
    EXPECT_EQ(summary["bytes"], 30) << (http2 ? "HTTP/2" : "HTTP/1.1");
  }
}

// Two targets of known body lengths (a 3000-byte file and a 3-byte `return`), each over
// HTTP/1.1 and h2c: the JSON's bytes, the stored BYTES and nginx's $body_bytes_sent agree.
TEST(BytesTest, BytesEqualNginxsBodyBytesSentOverHttp11AndHttp2) {
  if (!NginxProcess::available()) GTEST_SKIP() << "nginx is not installed";
  TempDir dir;
  std::filesystem::create_directories(dir / "www");
  std::ofstream(dir / "www" / "file.txt") << std::string(3000, 'x');
  const std::string locations =
      "root " + (dir / "www").string() + "; location = /small { return 200 \"ok\\n\"; } }";
  for (const bool http2 : {false, true}) {
    NginxProcess nginx(std::string("server { listen 127.0.0.1:PORT") + (http2 ? " http2" : "") +
                       "; " + locations);
    const std::string base = "http://127.0.0.1:" + std::to_string(nginx.port());
    const auto summary =
        run_ccload_json(with_protocol({"run", base + "/file.txt", base + "/small", "-n", "40", "-c",
                                       "2", "--db", (dir / (http2 ? "h2.db" : "h1.db")).string()},
                                      http2),
                        dir.path());
    const char* protocol = http2 ? "HTTP/2" : "HTTP/1.1";
    ASSERT_EQ(summary["requests"]["succeeded"], 40) << protocol << summary.dump();
    EXPECT_EQ(nginx.requests_logged(), 40u) << protocol;
    EXPECT_EQ(nginx.body_bytes_logged(), 20u * 3000 + 20u * 3) << protocol;
    EXPECT_EQ(summary["bytes"].get<std::uint64_t>(), nginx.body_bytes_logged()) << protocol;
    store::sql::Database db(dir / (http2 ? "h2.db" : "h1.db"),
                            store::sql::Database::Mode::read_only);
    auto stored = db.prepare("SELECT SUM(BYTES) FROM LOADTEST");
    ASSERT_TRUE(stored.step());
    EXPECT_EQ(static_cast<std::uint64_t>(stored.column_int(0)), nginx.body_bytes_logged());
    ASSERT_EQ(summary["targets"].size(), 2u);
    EXPECT_EQ(summary["targets"][0]["bytes"], 20 * 3000) << protocol;
    EXPECT_EQ(summary["targets"][1]["bytes"], 20 * 3) << protocol;
  }
}

}  // namespace
}  // namespace ccload::test
