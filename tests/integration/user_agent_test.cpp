// The User-Agent that servers see, over HTTP/1.1 and HTTP/2, is "ccload/" and the version of
// project(ccload VERSION ...) in CMakeLists.txt (read here from the file itself, not from the
// macro the code uses), the same version --version prints; -H User-Agent replaces it.

#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

#include "support/ccload_run.hpp"
#include "support/h2_script_server.hpp"
#include "support/recording_server.hpp"

namespace ccload::test {
namespace {

// The version in the project() call of the top-level CMakeLists.txt (tests/data is two levels in).
std::string cmake_project_version() {
  const std::string text =
      read_file(std::filesystem::path(CCLOAD_TEST_DATA) / ".." / ".." / "CMakeLists.txt");
  std::smatch match;
  if (!std::regex_search(text, match, std::regex(R"(project\(ccload\s+VERSION\s+([0-9.]+))"))) {
    ADD_FAILURE() << "no project(ccload VERSION ...) in CMakeLists.txt";
    return "?";
  }
  return match[1];
}

class UserAgentTest : public ::testing::Test {
 protected:
  TempDir dir;
  const std::string expected = "ccload/" + cmake_project_version();
};

TEST_F(UserAgentTest, VersionIsTheCMakeProjectVersionAsPrintedByVersion) {
  const ProcessResult result = run_ccload({"--version"}, dir.path());
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "ccload " + cmake_project_version() + "\n");
}

TEST_F(UserAgentTest, Http1RequestsCarryTheCMakeVersion) {
  RecordingServer server;
  const ProcessResult result =
      run_ccload({"run", server.url("/ua"), "-n", "5", "-c", "2", "--no-store"}, dir.path());
  EXPECT_EQ(result.exit_code, 0) << result.err;
  ASSERT_EQ(server.request_count(), 5u);
  for (const auto& request : server.requests()) {
    EXPECT_EQ(request.header("User-Agent"), expected);
  }
}

TEST_F(UserAgentTest, Http2RequestsCarryTheCMakeVersion) {
  H2ScriptServer server([](std::uint64_t) { return H2Action::answer; });
  const ProcessResult result = run_ccload(
      {"run", server.url("/ua"), "-n", "5", "-c", "1", "--http2", "--no-store"}, dir.path());
  EXPECT_EQ(result.exit_code, 0) << result.err;
  const auto received = server.received();
  ASSERT_EQ(received.size(), 5u);
  for (const auto& request : received) {
    EXPECT_EQ(request.field("user-agent"), expected);
    EXPECT_EQ(request.fields.count("user-agent"), 1u);
  }
}

TEST_F(UserAgentTest, AUserAgentHeaderReplacesItOverBothProtocols) {
  RecordingServer http1;
  ProcessResult result = run_ccload(
      {"run", http1.url("/"), "-n", "2", "-c", "1", "-H", "User-Agent: probe/7", "--no-store"},
      dir.path());
  EXPECT_EQ(result.exit_code, 0) << result.err;
  ASSERT_EQ(http1.request_count(), 2u);
  for (const auto& request : http1.requests()) EXPECT_EQ(request.header("User-Agent"), "probe/7");

  H2ScriptServer http2([](std::uint64_t) { return H2Action::answer; });
  result = run_ccload({"run", http2.url("/"), "-n", "2", "-c", "1", "--http2", "-H",
                       "User-Agent: probe/7", "--no-store"},
                      dir.path());
  EXPECT_EQ(result.exit_code, 0) << result.err;
  const auto received = http2.received();
  ASSERT_EQ(received.size(), 2u);
  for (const auto& request : received) {
    EXPECT_EQ(request.field("user-agent"), "probe/7");
    EXPECT_EQ(request.fields.count("user-agent"), 1u);
  }
}

}  // namespace
}  // namespace ccload::test
