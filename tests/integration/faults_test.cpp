// The real ccload binary against servers that misbehave: the built-in server's fault endpoints
// (/reset, /close, /malformed, /trickle/MS, /hang, /headers/N) at -c 20 -n 200, and odd but
// seen-in-the-wild responses from a scripted raw-socket server. In every case the run completes
// within its timeouts, every request is counted once (status codes plus errors) and stored, and
// the report is printed.

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "server/target_server.hpp"
#include "store/sqlite.hpp"
#include "support/ccload_run.hpp"
#include "support/recording_server.hpp"

namespace ccload::test {
namespace {

using namespace std::chrono_literals;

constexpr int kRequests = 200;

// Status-code counts plus transport-error counts of a JSON summary.
std::int64_t counted(const nlohmann::json& summary) {
  std::int64_t sum = 0;
  for (const auto& [status, count] : summary["status_codes"].items()) sum += count.get<int>();
  for (const auto& [category, count] : summary["errors"].items()) sum += count.get<int>();
  return sum;
}

std::int64_t stored_requests(const std::filesystem::path& db) {
  store::sql::Database database(db, store::sql::Database::Mode::read_only);
  auto count = database.prepare("SELECT COUNT(*) FROM LOADTEST");
  EXPECT_TRUE(count.step());
  return count.column_int(0);
}

struct FaultCase {
  std::string path;
  // The --timeout given, or "" for none (then the configuration's `timeout`, if any, applies).
  std::string timeout;
  // The configuration's timeout (environment variable `timeout`), or "" for the default (30 s).
  std::string config_timeout;
  // "errors" or "status_codes", and the key under it that must count every request.
  std::string group, key;
  // The run must end within this (the process is killed after twice as long).
  std::chrono::seconds bound;
};

std::string name_of(const ::testing::TestParamInfo<FaultCase>& info) {
  std::string name;
  for (char c :
       info.param.path.substr(1) + (info.param.timeout.empty() ? "_default" : "_timeout")) {
    name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  }
  return name;
}

class FaultMatrixTest : public ::testing::TestWithParam<FaultCase> {
 protected:
  TempDir dir;
};

TEST_P(FaultMatrixTest, EveryRequestIsCountedStoredAndReported) {
  const FaultCase& fault = GetParam();
  server::TargetServer target({"127.0.0.1", 0, 2, "", ""});
  std::vector<std::string> args = {
      "run",  target.base_url() + fault.path, "-n", std::to_string(kRequests), "-c", "20",
      "--db", (dir / "load.db").string()};
  if (!fault.timeout.empty()) {
    args.push_back("--timeout");
    args.push_back(fault.timeout);
  }
  ProcessOptions options;
  options.timeout = 2 * fault.bound;
  if (!fault.config_timeout.empty()) options.env["timeout"] = fault.config_timeout;
  ProcessResult result;
  const auto started = std::chrono::steady_clock::now();
  auto summary = run_ccload_json(args, dir.path(), &result, options);
  EXPECT_LT(std::chrono::steady_clock::now() - started, fault.bound);

  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("Load Test Results"), std::string::npos) << result.out;
  EXPECT_EQ(summary["requests"]["total"], kRequests);
  EXPECT_EQ(summary[fault.group][fault.key], kRequests) << summary.dump(1);
  EXPECT_EQ(counted(summary), kRequests) << summary.dump(1);
  EXPECT_EQ(stored_requests(dir / "load.db"), kRequests);
}

// 200 requests on 20 connections: 10 after another on each. /trickle/20 takes 200 ms a response;
// /hang waits for the timeout (200 ms given, 0.5 s from the configuration).
INSTANTIATE_TEST_SUITE_P(
    BuiltInServer, FaultMatrixTest,
    ::testing::Values(FaultCase{"/reset", "", "", "errors", "read", 30s},
                      FaultCase{"/reset", "2s", "", "errors", "read", 30s},
                      FaultCase{"/close", "", "", "errors", "read", 30s},
                      FaultCase{"/close", "2s", "", "errors", "read", 30s},
                      FaultCase{"/malformed", "", "", "errors", "protocol", 30s},
                      FaultCase{"/malformed", "2s", "", "errors", "protocol", 30s},
                      FaultCase{"/trickle/20", "", "", "status_codes", "200", 30s},
                      FaultCase{"/trickle/20", "100ms", "", "errors", "timeout", 30s},
                      FaultCase{"/hang", "", "0.5", "errors", "timeout", 40s},
                      FaultCase{"/hang", "200ms", "", "errors", "timeout", 30s},
                      FaultCase{"/headers/20000", "", "", "errors", "protocol", 30s},
                      FaultCase{"/headers/20000", "2s", "", "errors", "protocol", 30s},
                      FaultCase{"/headers/16000", "", "", "status_codes", "200", 30s},
                      FaultCase{"/headers/16000", "2s", "", "status_codes", "200", 30s}),
    name_of);

// ---------------------------------------------------------------------------------------------
// Odd responses, each sent verbatim (then the connection is closed) by a raw-socket server.

constexpr int kOddRequests = 20;

nlohmann::json run_against_raw(const std::string& raw, const TempDir& dir) {
  RecordingServer server([raw](const ReceivedRequest&, std::uint64_t) {
    ScriptedResponse response;
    response.raw = raw;
    return response;
  });
  ProcessResult result;
  auto summary = run_ccload_json({"run", server.url("/"), "-n", std::to_string(kOddRequests), "-c",
                                  "4", "--timeout", "5s", "--no-store"},
                                 dir.path(), &result);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(summary["requests"]["total"], kOddRequests);
  EXPECT_EQ(counted(summary), kOddRequests) << summary.dump(1);
  return summary;
}

class OddResponseTest : public ::testing::Test {
 protected:
  TempDir dir;
};

TEST_F(OddResponseTest, ChunkExtensionsAndTrailersAreAccepted) {
  auto summary = run_against_raw(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Checksum\r\n\r\n"
      "5;name=value\r\nhello\r\n6;quoted=\"a b\"\r\n world\r\n0\r\nX-Checksum: 42\r\n\r\n",
      dir);
  EXPECT_EQ(summary["status_codes"]["200"], kOddRequests);
}

TEST_F(OddResponseTest, StatusLineWithoutReasonPhraseIsAccepted) {
  auto summary = run_against_raw("HTTP/1.1 200 \r\nContent-Length: 2\r\n\r\nok", dir);
  EXPECT_EQ(summary["status_codes"]["200"], kOddRequests);
  auto bare = run_against_raw("HTTP/1.1 204\r\n\r\n", dir);
  EXPECT_EQ(bare["status_codes"]["204"], kOddRequests);
}

TEST_F(OddResponseTest, LowerCaseHeaderNamesAreAccepted) {
  auto summary = run_against_raw(
      "HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-type: text/plain\r\n\r\nok", dir);
  EXPECT_EQ(summary["status_codes"]["200"], kOddRequests);
}

TEST_F(OddResponseTest, ContinueBeforeTheFinalResponseIsSkipped) {
  auto summary = run_against_raw(
      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 100 Continue\r\n\r\n"
      "HTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\nok",
      dir);
  EXPECT_EQ(summary["status_codes"]["202"], kOddRequests);
  EXPECT_FALSE(summary["status_codes"].contains("100"));
}

// A status outside 100-599 is still a response: it is counted under its own code, as a failure
// (it was once counted nowhere).
TEST_F(OddResponseTest, StatusOutside100To599IsCountedUnderItsCode) {
  auto summary = run_against_raw("HTTP/1.1 999 Weird\r\nContent-Length: 2\r\n\r\nok", dir);
  EXPECT_EQ(summary["status_codes"]["999"], kOddRequests);
  EXPECT_EQ(summary["requests"]["failed"], kOddRequests);
}

TEST_F(OddResponseTest, ContentLengthWithTransferEncodingIsAProtocolError) {
  // RFC 9112, 6.3: a sender must not send both; the message may be a smuggling attempt.
  auto summary = run_against_raw(
      "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n"
      "2\r\nok\r\n0\r\n\r\n",
      dir);
  EXPECT_EQ(summary["errors"]["protocol"], kOddRequests);
}

TEST_F(OddResponseTest, DuplicateOrNegativeContentLengthIsAProtocolError) {
  for (const std::string length_fields :
       {"Content-Length: 2\r\nContent-Length: 2\r\n", "Content-Length: 2\r\nContent-Length: 3\r\n",
        "Content-Length: -1\r\n"}) {
    auto summary = run_against_raw("HTTP/1.1 200 OK\r\n" + length_fields + "\r\nok", dir);
    EXPECT_EQ(summary["errors"]["protocol"], kOddRequests) << length_fields;
  }
}

TEST_F(OddResponseTest, ShortBodyIsAReadError) {
  auto summary = run_against_raw("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this", dir);
  EXPECT_EQ(summary["errors"]["read"], kOddRequests);
}

}  // namespace
}  // namespace ccload::test
