// The seed's own words through the real binary: options with their values attached as PyLoad's
// argparse takes them (-n5, -c10, -uURL), and the messages whose hints were wrong, each checked as
// the exact line on stderr with exit 2 and nothing sent.

#include <gtest/gtest.h>

#include <fstream>

#include "support/ccload_run.hpp"
#include "support/recording_server.hpp"

namespace ccload::test {
namespace {

namespace fs = std::filesystem;

class SeedWords : public ::testing::Test {
 protected:
  // ccload with `args`; the test fails unless it exits 2 and says exactly `line` (and nothing
  // else) on stderr.
  void expect_refused(const std::vector<std::string>& args, const std::string& line,
                      const ProcessOptions& options = {}) {
    ProcessResult result = run_ccload(args, dir.path(), options);
    EXPECT_EQ(result.exit_code, 2) << result.err;
    EXPECT_EQ(result.err, "ccload: error: " + line + "\n");
    EXPECT_EQ(result.out, "");
  }

  TempDir dir;
};

TEST_F(SeedWords, AttachedValuesRunAsTheSeedsArgparseTakesThem) {
  RecordingServer server;
  const std::string body = "{\"title\":\"t\"}";
  ProcessResult result = run_ccload(
      {"ccload", "-u" + server.url("/posts"), "-n5", "-c2", "-POST", "-d" + body, "--no-store"},
      dir.path());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  ASSERT_EQ(server.request_count(), 5u);
  for (const auto& request : server.requests()) {
    EXPECT_EQ(request.method, "POST");
    EXPECT_EQ(request.target, "/posts");
    EXPECT_EQ(request.body, body);
  }
  EXPECT_NE(result.out.find("Concurrent Requests:"), std::string::npos) << result.out;

  ProcessResult equals =
      run_ccload({"-u=" + server.url("/get"), "-n=3", "-c=1", "-GET", "--no-store"}, dir.path());
  ASSERT_EQ(equals.exit_code, 0) << equals.err;
  EXPECT_EQ(server.request_count(), 8u);
}

TEST_F(SeedWords, ANegativeDurationSaysWhatMinusZeroRefusesWithoutZeroMeaningNone) {
  RecordingServer server;
  const std::string url = server.url("/");
  expect_refused({"-u", url, "-z", "-1s", "-c", "1", "-GET"},
                 "-z -1s must be a duration longer than 0 and at most a year, for example -z 30s");
  expect_refused({"-u", url, "-z", "0", "-c", "1", "-GET"},
                 "-z 0 must be a duration longer than 0 and at most a year, for example -z 30s");
  expect_refused({"-u", url, "-z", "soon", "-c", "1", "-GET"},
                 "-z 'soon' is not a duration: write seconds (30, 1.5) or a number with a unit "
                 "(200ms, 5s, 2m)");
  // --timeout takes 0 (none), and says so.
  expect_refused({"run", url, "--timeout", "soon"},
                 "--timeout 'soon' is not a duration: write seconds (30, 1.5) or a number with a "
                 "unit (200ms, 5s, 2m); 0 means none");
  EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(SeedWords, ABodyFromADirectoryIsCalledADirectory) {
  RecordingServer server;
  fs::create_directory(dir / "bodies");
  const std::string folder = (dir / "bodies").string();
  expect_refused({"-u", server.url("/"), "-n", "1", "-c", "1", "-POST", "-d", "@" + folder},
                 "-d @" + folder + ": '" + folder +
                     "' is a directory: give the path of the JSON file to send (or -d '{...}' for "
                     "inline JSON)");
  EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(SeedWords, APathWithoutAHostSaysSo) {
  RecordingServer server;
  { std::ofstream(dir / "targets.txt") << "GET " << server.url("/a") << "\n\nPOST /api/users\n"; }
  expect_refused({"-f", "targets.txt", "-n", "2", "-c", "1"},
                 "targets.txt:3: 'POST /api/users' has a path and no host: write the whole URL, "
                 "as in 'POST http://HOST[:PORT]/api/users'");
  expect_refused({"-u", "/get", "-n", "2", "-c", "1", "-GET"},
                 "the URL '/get' is a path without a host: write the whole URL, as in "
                 "http://HOST[:PORT]/get");
  EXPECT_EQ(server.request_count(), 0u);
}

// libpq's message for a refused connection has a line break and a tab ("...failed: Connection
// refused\n\tIs the server running..."): one line, with single spaces.
TEST_F(SeedWords, APostgresErrorIsOneLine) {
  RecordingServer server;
  ProcessOptions options;
  options.env = {{"DATABASE_URL", "postgresql://ccload@127.0.0.1:1/loadtest"}};
  expect_refused({"-u", server.url("/"), "-n", "1", "-c", "1", "-GET"},
                 "cannot connect to PostgreSQL database 'loadtest' on 127.0.0.1 (connection to "
                 "server at \"127.0.0.1\", port 1 failed: Connection refused Is the server "
                 "running on that host and accepting TCP/IP connections?); fix: check that the "
                 "server runs and DATABASE_URL's host, user and password",
                 options);
  EXPECT_EQ(server.request_count(), 0u);
}

}  // namespace
}  // namespace ccload::test
