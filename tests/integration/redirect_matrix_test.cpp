// Redirects as RFC 9110 (15.4) and the Fetch standard say, with the real binary: for 301, 302,
// 303, 307 and 308 and every method, the method and body that arrive at the redirect's
// destination, over HTTP/1.1 (a recording server) and over HTTP/2 (a scripted h2c server).
// 301 and 302 turn only POST into GET without its body; 303 turns every method but HEAD into
// GET without a body; 307 and 308 keep both.

#include <gtest/gtest.h>

#include <fstream>

#include "support/ccload_run.hpp"
#include "support/h2_script_server.hpp"
#include "support/recording_server.hpp"

namespace ccload::test {
namespace {

constexpr const char* kBody = R"({"k": 1})";
const std::vector<std::string> kMethods{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"};
const std::vector<int> kStatuses{301, 302, 303, 307, 308};

bool has_body(const std::string& method) { return method != "GET" && method != "HEAD"; }

// What should arrive at the destination of a `status` redirect of `method`.
std::string expected_method(int status, const std::string& method) {
  if (status == 303 && method != "HEAD") return "GET";
  if ((status == 301 || status == 302) && method == "POST") return "GET";
  return method;
}

// A targets file with one target per method under `url(method)`, bodies from body.json.
void write_targets(const TempDir& dir, const std::function<std::string(const std::string&)>& url) {
  std::ofstream(dir / "body.json") << kBody;
  std::ofstream file(dir / "targets.txt");
  for (const std::string& method : kMethods) {
    file << method << " " << url(method) << "\n";
    if (has_body(method)) file << "Content-Type: application/json\n@body.json\n";
    file << "\n";
  }
}

class RedirectMatrixTest : public ::testing::Test {
 protected:
  TempDir dir;
};

TEST_F(RedirectMatrixTest, Http1EveryStatusAndMethodArrivesAsTheRfcSays) {
  // /from/STATUS/METHOD redirects with STATUS to /to/STATUS/METHOD.
  RecordingServer server([](const ReceivedRequest& request, std::uint64_t) {
    ScriptedResponse response;
    if (request.target.rfind("/from/", 0) == 0) {
      response.status = std::stoi(request.target.substr(6, 3));
      response.body = "moved";
      response.headers = {{"Location", "/to/" + request.target.substr(6)}};
    }
    return response;
  });
  std::ofstream(dir / "body.json") << kBody;
  {
    std::ofstream file(dir / "targets.txt");
    for (const int status : kStatuses) {
      for (const std::string& method : kMethods) {
        file << method << " " << server.url("/from/" + std::to_string(status) + "/" + method)
             << "\n";
        if (has_body(method)) file << "Content-Type: application/json\n@body.json\n";
        file << "\n";
      }
    }
  }
  const std::size_t targets = kStatuses.size() * kMethods.size();
  ProcessResult result = run_ccload(
      {"run", "-f", "targets.txt", "-n", std::to_string(targets), "-c", "1", "--no-store"},
      dir.path());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  std::size_t arrived = 0;
  for (const auto& request : server.requests()) {
    if (request.target.rfind("/to/", 0) != 0) continue;
    ++arrived;
    const int status = std::stoi(request.target.substr(4, 3));
    const std::string method = request.target.substr(8);
    const std::string expected = expected_method(status, method);
    SCOPED_TRACE(std::to_string(status) + " after " + method);
    EXPECT_EQ(request.method, expected);
    const bool body = has_body(method) && expected == method;
    EXPECT_EQ(request.body, body ? kBody : "");
    EXPECT_EQ(request.header("Content-Type"), body ? "application/json" : "");
    if (!body) {
      EXPECT_EQ(request.header("Content-Length"), has_body(expected) ? "0" : "");
    }
  }
  EXPECT_EQ(arrived, targets);
}

TEST_F(RedirectMatrixTest, Http2EveryStatusAndMethodArrivesAsTheRfcSays) {
  for (const int status : kStatuses) {
    SCOPED_TRACE(status);
    // One request at a time: odd requests are the targets', even ones the hops'.
    H2ScriptServer server(
        [](std::uint64_t k) { return k % 2 == 1 ? H2Action::redirect : H2Action::answer; });
    server.redirect_with(status, "/to");
    write_targets(dir, [&](const std::string& method) { return server.url("/from/" + method); });
    auto summary = run_ccload_json({"run", "-f", "targets.txt", "-n", "6", "-c", "1", "--http2",
                                    "--streams", "1", "--no-store"},
                                   dir.path());
    EXPECT_EQ(summary["requests"]["succeeded"], 6) << summary.dump();
    EXPECT_EQ(summary["redirected"], 6) << summary.dump();
    const auto received = server.received();
    ASSERT_EQ(received.size(), 12u);
    for (std::size_t i = 0; i < received.size(); i += 2) {
      const std::string method = received[i].field(":path").substr(6);
      const H2Received& hop = received[i + 1];
      SCOPED_TRACE(method);
      EXPECT_EQ(received[i].field(":method"), method);
      EXPECT_EQ(hop.field(":path"), "/to");
      const std::string expected = expected_method(status, method);
      EXPECT_EQ(hop.field(":method"), expected);
      const bool body = has_body(method) && expected == method;
      EXPECT_EQ(hop.body, body ? kBody : "");
      EXPECT_EQ(hop.field("content-type"), body ? "application/json" : "");
    }
  }
}

}  // namespace
}  // namespace ccload::test
