// The real ccload binary against real servers on loopback: what the server saw, what was reported.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>

#include "server/target_server.hpp"
#include "support/ccload_run.hpp"
#include "support/recording_server.hpp"

namespace ccload::test {
namespace {

using namespace std::chrono_literals;

class LoadTest : public ::testing::Test {
 protected:
  TempDir dir;
};

TEST_F(LoadTest, SendsExactlyNRequestsInTheSeedForm) {
  RecordingServer server;
  ProcessResult result;
  auto summary = run_ccload_json({"-u", server.url("/get"), "-n", "137", "-c", "7", "-GET"},
                                 dir.path(), &result);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(server.request_count(), 137u);
  EXPECT_EQ(summary["requests"]["total"], 137);
  EXPECT_EQ(summary["requests"]["succeeded"], 137);
  EXPECT_EQ(summary["requests"]["failed"], 0);
  EXPECT_EQ(summary["status_codes"]["200"], 137);
  EXPECT_NE(result.out.find("Running...."), std::string::npos);
  EXPECT_NE(result.out.find("Load Test Results"), std::string::npos);
  EXPECT_NE(result.out.find("Total Requests:                      137"), std::string::npos)
      << result.out;
  for (const auto& request : server.requests()) {
    EXPECT_EQ(request.method, "GET");
    EXPECT_EQ(request.target, "/get");
    EXPECT_EQ(request.header("Host"), "127.0.0.1:" + std::to_string(server.port()));
    EXPECT_EQ(request.header("User-Agent"), "ccload/" CCLOAD_VERSION);
  }
}

TEST_F(LoadTest, NeverMoreThanCConnectionsAndAllCAreUsed) {
  RecordingServer server([](const ReceivedRequest&, std::uint64_t) {
    ScriptedResponse response;
    response.delay_before_head = 5ms;
    return response;
  });
  ProcessResult result =
      run_ccload({"run", server.url("/"), "-n", "240", "-c", "8", "--no-store"}, dir.path());
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(server.request_count(), 240u);
  EXPECT_EQ(server.max_concurrent_connections(), 8u);
  EXPECT_EQ(server.total_connections(), 8u) << "keep-alive: one connection per -c";
}

TEST_F(LoadTest, EachMethodSendsItsBodyAndContentType) {
  for (std::string method : {"POST", "PUT", "PATCH", "DELETE"}) {
    RecordingServer server;
    const std::string body = R"({"title": "Test Post", "userId": 1})";
    ProcessResult result = run_ccload(
        {"-u", server.url("/posts"), "-n", "6", "-c", "2", "-" + method, "-d", body}, dir.path());
    EXPECT_EQ(result.exit_code, 0) << result.err;
    ASSERT_EQ(server.request_count(), 6u) << method;
    for (const auto& request : server.requests()) {
      EXPECT_EQ(request.method, method);
      EXPECT_EQ(request.body, body);
      EXPECT_EQ(request.header("Content-Type"), "application/json");
      EXPECT_EQ(request.header("Content-Length"), std::to_string(body.size()));
    }
  }
}

TEST_F(LoadTest, CustomHeadersAndBodyFromFile) {
  RecordingServer server;
  std::ofstream(dir / "body.json") << R"({"from": "file"})";
  ProcessResult result =
      run_ccload({"run", server.url("/x?q=1"), "-n", "3", "-c", "1", "-m", "post", "-d",
                  "@body.json", "-H", "X-Api-Key: k1", "-H", "Accept: text/plain"},
                 dir.path());
  EXPECT_EQ(result.exit_code, 0) << result.err;
  ASSERT_EQ(server.request_count(), 3u);
  auto request = server.requests()[0];
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.target, "/x?q=1");
  EXPECT_EQ(request.body, R"({"from": "file"})");
  EXPECT_EQ(request.header("X-Api-Key"), "k1");
  EXPECT_EQ(request.header("Accept"), "text/plain");
}

TEST_F(LoadTest, FirstByteTimeWaitsForTheStatusLine) {
  RecordingServer server([](const ReceivedRequest&, std::uint64_t) {
    ScriptedResponse response;
    response.delay_before_head = 100ms;
    return response;
  });
  auto summary =
      run_ccload_json({"run", server.url("/"), "-n", "4", "-c", "2", "--no-store"}, dir.path());
  EXPECT_GE(summary["latency"]["ttfb"]["min"].get<double>(), 0.100);
  EXPECT_GE(summary["latency"]["ttlb"]["min"].get<double>(), 0.100);
  EXPECT_GE(summary["latency"]["total"]["min"].get<double>(), 0.100);
}

TEST_F(LoadTest, FirstByteTimeDoesNotWaitForALateBody) {
  RecordingServer server([](const ReceivedRequest&, std::uint64_t) {
    ScriptedResponse response;
    response.body = std::string(1000, 'x');
    response.delay_before_body = 200ms;
    return response;
  });
  auto summary =
      run_ccload_json({"run", server.url("/"), "-n", "4", "-c", "2", "--no-store"}, dir.path());
  EXPECT_LT(summary["latency"]["ttfb"]["max"].get<double>(), 0.150);
  EXPECT_GE(summary["latency"]["ttlb"]["min"].get<double>(), 0.200);
  EXPECT_GE(summary["latency"]["total"]["min"].get<double>(), 0.200);
}

TEST_F(LoadTest, Status500IsAFailureAndTheRunCompletes) {
  server::TargetServer target({"127.0.0.1", 0, 1, "", ""});
  ProcessResult result;
  auto summary = run_ccload_json(
      {"-u", target.base_url() + "/status/500", "-n", "20", "-c", "4", "-GET", "--no-store"},
      dir.path(), &result);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(summary["requests"]["failed"], 20);
  EXPECT_EQ(summary["requests"]["succeeded"], 0);
  EXPECT_EQ(summary["status_codes"]["500"], 20);
  EXPECT_NE(result.out.find("20 of 20 requests failed"), std::string::npos) << result.out;
}

TEST_F(LoadTest, FlakyEndpointCountsEveryTenthAsFailed) {
  server::TargetServer target({"127.0.0.1", 0, 2, "", ""});
  auto summary = run_ccload_json(
      {"run", target.base_url() + "/flaky/10", "-n", "500", "-c", "10", "--no-store"}, dir.path());
  EXPECT_EQ(summary["requests"]["failed"], 50);
  EXPECT_EQ(summary["status_codes"]["500"], 50);
  EXPECT_EQ(summary["status_codes"]["200"], 450);
}

TEST_F(LoadTest, RefusedConnectionsAreCountedAndTheRunCompletesQuickly) {
  ProcessResult result;
  auto started = std::chrono::steady_clock::now();
  auto summary = run_ccload_json({"-u", "http://127.0.0.1:" + std::to_string(unused_port()) + "/",
                                  "-n", "50", "-c", "5", "-GET", "--no-store"},
                                 dir.path(), &result);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(summary["requests"]["failed"], 50);
  EXPECT_EQ(summary["errors"]["connect"], 50);
}

TEST_F(LoadTest, UnresolvableHostIsAResolveFailureNotAUsageError) {
  ProcessResult result;
  auto summary = run_ccload_json(
      {"-u", "http://no-such-host.invalid/", "-n", "10", "-c", "2", "-GET", "--no-store"},
      dir.path(), &result);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(summary["errors"]["resolve"], 10);
}

TEST_F(LoadTest, TimedOutRequestsAreCountedAndTheRunCompletes) {
  RecordingServer server([](const ReceivedRequest& request, std::uint64_t) {
    ScriptedResponse response;
    response.hang = request.target == "/hang";
    return response;
  });
  ProcessResult result;
  auto started = std::chrono::steady_clock::now();
  auto summary = run_ccload_json(
      {"run", server.url("/hang"), "-n", "6", "-c", "3", "--timeout", "200ms", "--no-store"},
      dir.path(), &result);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(summary["errors"]["timeout"], 6);
  EXPECT_EQ(summary["requests"]["failed"], 6);
}

TEST_F(LoadTest, ServerClosingAfterEachResponseIsNotAFailure) {
  RecordingServer server([](const ReceivedRequest&, std::uint64_t) {
    ScriptedResponse response;
    response.close_after = true;
    return response;
  });
  auto summary =
      run_ccload_json({"run", server.url("/"), "-n", "30", "-c", "3", "--no-store"}, dir.path());
  EXPECT_EQ(summary["requests"]["succeeded"], 30);
  EXPECT_EQ(server.request_count(), 30u);
  EXPECT_EQ(server.total_connections(), 30u);
}

TEST_F(LoadTest, ChunkedAndLargeBodiesAreReadToTheEnd) {
  RecordingServer server([](const ReceivedRequest& request, std::uint64_t) {
    ScriptedResponse response;
    if (request.target == "/chunked") {
      response.status = 503;
      response.headers = {{"Transfer-Encoding", "chunked"}};
      response.body = "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
    } else {
      response.body = std::string(3'000'000, 'z');
    }
    return response;
  });
  auto chunked = run_ccload_json({"run", server.url("/chunked"), "-n", "8", "-c", "2"}, dir.path());
  EXPECT_EQ(chunked["status_codes"]["503"], 8);
  // At most one connection per -c (one may take every slot before the other starts on a busy
  // machine): chunked responses keep their connection alive, not one connection per response.
  EXPECT_LE(server.total_connections(), 2u) << "chunked responses keep the connection alive";
  auto large = run_ccload_json({"run", server.url("/large"), "-n", "6", "-c", "2", "--no-store"},
                               dir.path());
  EXPECT_EQ(large["requests"]["succeeded"], 6);
  EXPECT_GE(large["bytes"].get<std::uint64_t>(), 6u * 3'000'000u);
}

TEST_F(LoadTest, OversizedResponseHeadIsAProtocolError) {
  RecordingServer server([](const ReceivedRequest&, std::uint64_t) {
    ScriptedResponse response;
    response.headers = {{"X-Huge", std::string(20'000, 'h')}};
    return response;
  });
  auto summary =
      run_ccload_json({"run", server.url("/"), "-n", "3", "-c", "1", "--no-store"}, dir.path());
  EXPECT_EQ(summary["errors"]["protocol"], 3);
}

TEST_F(LoadTest, InterimResponsesAreSkipped) {
  RecordingServer server([](const ReceivedRequest&, std::uint64_t) {
    ScriptedResponse response;
    response.raw =
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok";
    return response;
  });
  auto summary =
      run_ccload_json({"run", server.url("/"), "-n", "4", "-c", "1", "--no-store"}, dir.path());
  EXPECT_EQ(summary["status_codes"]["201"], 4);
  EXPECT_EQ(summary["requests"]["succeeded"], 4);
}

TEST_F(LoadTest, MalformedResponseIsAProtocolError) {
  RecordingServer server([](const ReceivedRequest&, std::uint64_t) {
    ScriptedResponse response;
    response.raw = "HTTP/1.1 abc nonsense\r\n\r\n";
    return response;
  });
  auto summary =
      run_ccload_json({"run", server.url("/"), "-n", "5", "-c", "1", "--no-store"}, dir.path());
  EXPECT_EQ(summary["errors"]["protocol"], 5);
}

class HttpsTest : public LoadTest {
 protected:
  std::string data(const char* name) { return std::string(CCLOAD_TEST_DATA) + "/" + name; }
};

TEST_F(HttpsTest, VerifiedWithCacertRejectedWithoutAcceptedWithInsecure) {
  server::TargetServer target({"127.0.0.1", 0, 1, data("server.pem"), data("server.key")});
  const std::string url = target.base_url() + "/get";
  ASSERT_EQ(url.rfind("https://", 0), 0u);

  auto verified = run_ccload_json(
      {"run", url, "-n", "10", "-c", "2", "--cacert", data("ca.pem"), "--no-store"}, dir.path());
  EXPECT_EQ(verified["requests"]["succeeded"], 10);

  auto rejected = run_ccload_json({"run", url, "-n", "10", "-c", "2", "--no-store"}, dir.path());
  EXPECT_EQ(rejected["requests"]["failed"], 10);
  EXPECT_EQ(rejected["errors"]["tls"], 10);

  auto insecure =
      run_ccload_json({"run", url, "-n", "10", "-c", "2", "--insecure", "--no-store"}, dir.path());
  EXPECT_EQ(insecure["requests"]["succeeded"], 10);
}

TEST_F(HttpsTest, HostNameIsVerified) {
  server::TargetServer target({"127.0.0.1", 0, 1, data("server.pem"), data("server.key")});
  // The certificate names localhost and 127.0.0.1, not 127.0.0.2.
  std::string url = target.base_url();
  auto wrong_name = "https://127.0.0.2:" + std::to_string(target.port()) + "/get";
  auto summary = run_ccload_json(
      {"run", wrong_name, "-n", "2", "-c", "1", "--cacert", data("ca.pem"), "--no-store"},
      dir.path());
  EXPECT_EQ(summary["errors"].value("tls", 0) + summary["errors"].value("connect", 0), 2);
}

TEST_F(LoadTest, CtrlCPrintsThePartialSummaryAndExits130) {
  RecordingServer server([](const ReceivedRequest&, std::uint64_t) {
    ScriptedResponse response;
    response.delay_before_head = 20ms;
    return response;
  });
  ProcessOptions options;
  options.interrupt_after = 700ms;
  ProcessResult result;
  auto summary = run_ccload_json({"run", server.url("/"), "-n", "1000000", "-c", "4"}, dir.path(),
                                 &result, options);
  EXPECT_EQ(result.exit_code, 130) << result.err;
  EXPECT_NE(result.out.find("Load Test Results"), std::string::npos);
  EXPECT_NE(result.out.find("Interrupted by SIGINT:"), std::string::npos);
  EXPECT_TRUE(summary["interrupted"].get<bool>());
  EXPECT_EQ(summary["stop_signal"], "SIGINT");
  std::uint64_t total = summary["requests"]["total"];
  EXPECT_GT(total, 10u);
  EXPECT_LT(total, 1000000u);
  EXPECT_GE(server.request_count(), total);
  EXPECT_LE(server.request_count(), total + 4) << "at most c requests were in flight";
}

TEST_F(LoadTest, ASecondCtrlCWithinASecondIsTheSameStop) {
  // A terminal's Ctrl-C and `timeout`'s forwarded copy: one graceful stop, not a quit.
  RecordingServer server([](const ReceivedRequest&, std::uint64_t) {
    ScriptedResponse response;
    response.hang = true;  // requests stay in flight: the stop waits its second, then abandons
    return response;
  });
  ProcessOptions options;
  options.interrupt_after = 300ms;
  options.second_interrupt_after = 400ms;
  ProcessResult result;
  auto summary = run_ccload_json(
      {"run", server.url("/"), "-n", "100", "-c", "2", "--timeout", "0", "--no-store"}, dir.path(),
      &result, options);
  EXPECT_EQ(result.exit_code, 130) << result.err;
  EXPECT_NE(result.out.find("Load Test Results"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("Interrupted by SIGINT: 0 of 100 requests completed."),
            std::string::npos)
      << result.out;
  EXPECT_EQ(result.err.find("quitting now"), std::string::npos) << result.err;
  EXPECT_EQ(summary["stop_signal"], "SIGINT");
  server.stop();
}

TEST_F(LoadTest, CsvGetsOneRowPerRunUnderOneHeader) {
  RecordingServer server;
  const std::string csv = (dir / "runs.csv").string();
  for (const char* n : {"7", "5"}) {
    ProcessResult result = run_ccload(
        {"run", server.url("/get"), "-n", n, "-c", "1", "--no-store", "--csv", csv}, dir.path());
    ASSERT_EQ(result.exit_code, 0) << result.err;
  }
  std::istringstream lines(read_file(csv));
  std::vector<std::string> rows;
  for (std::string line; std::getline(lines, line);) rows.push_back(line);
  ASSERT_EQ(rows.size(), 3u) << read_file(csv);
  EXPECT_EQ(rows[0].rfind("started_utc,url,method,concurrency,requested,", 0), 0u) << rows[0];
  EXPECT_NE(rows[1].find("," + server.url("/get") + ",GET,1,7,,,7,7,0,"), std::string::npos)
      << rows[1];
  EXPECT_NE(rows[2].find(",GET,1,5,,,5,5,0,"), std::string::npos) << rows[2];
  EXPECT_EQ(server.request_count(), 12u);

  // A file holding something else is refused before anything is sent, and left as it was.
  const std::string other = (dir / "other.csv").string();
  { std::ofstream(other) << "name,value\nx,1\n"; }
  ProcessResult refused = run_ccload(
      {"run", server.url("/get"), "-n", "3", "-c", "1", "--no-store", "--csv", other}, dir.path());
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("holds other data"), std::string::npos) << refused.err;
  EXPECT_EQ(read_file(other), "name,value\nx,1\n");
  ProcessResult missing = run_ccload({"run", server.url("/get"), "-n", "3", "-c", "1", "--no-store",
                                      "--csv", (dir / "no/such/dir.csv").string()},
                                     dir.path());
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("cannot be written"), std::string::npos) << missing.err;
  EXPECT_EQ(server.request_count(), 12u) << "nothing was sent";
  for (const std::string& path : {std::string("-"), std::string("/dev/null")}) {
    ProcessResult odd = run_ccload(
        {"run", server.url("/get"), "-n", "1", "-c", "1", "--no-store", "--csv", path}, dir.path());
    EXPECT_EQ(odd.exit_code, 2) << path;
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "-"));

  // A header saved by a spreadsheet (byte-order mark, CRLF) is still ccload's.
  const std::string saved = (dir / "saved.csv").string();
  std::string header = read_file(csv).substr(0, read_file(csv).find('\n'));
  { std::ofstream(saved) << "\xEF\xBB\xBF" << header << "\r\n"; }
  EXPECT_EQ(
      run_ccload({"run", server.url("/get"), "-n", "1", "-c", "1", "--no-store", "--csv", saved},
                 dir.path())
          .exit_code,
      0);
}

TEST_F(LoadTest, OutputFilesAreNotCreatedWhenTheRunCannotStart) {
  const std::filesystem::path not_pem = dir / "not.pem";
  { std::ofstream(not_pem) << "not a certificate\n"; }
  ProcessResult result = run_ccload(
      {"run", "https://127.0.0.1:1/", "-n", "1", "-c", "1", "--no-store", "--cacert",
       not_pem.string(), "--csv", (dir / "r.csv").string(), "--html", (dir / "r.html").string()},
      dir.path());
  EXPECT_EQ(result.exit_code, 1) << "the checks passed; the TLS setup failed: " << result.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "r.csv"));
  EXPECT_FALSE(std::filesystem::exists(dir / "r.html"));
}

TEST_F(LoadTest, HtmlReportIsWrittenAndAnUnwritablePathSendsNothing) {
  RecordingServer server([](const ReceivedRequest&, std::uint64_t index) {
    ScriptedResponse response;
    if (index % 4 == 3) response.status = 503;
    return response;
  });
  const std::string html = (dir / "report.html").string();
  ProcessResult result = run_ccload(
      {"run", server.url("/get"), "-n", "40", "-c", "2", "--no-store", "--html", html}, dir.path());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const std::string page = read_file(html);
  EXPECT_NE(page.find("<div><b>40</b><span>requests</span></div>"), std::string::npos);
  EXPECT_NE(page.find("<tr><td>503 (failed)</td><td>10</td></tr>"), std::string::npos);
  EXPECT_NE(page.find("<polyline"), std::string::npos);
  EXPECT_NE(page.find("</html>"), std::string::npos);

  ProcessResult refused = run_ccload({"run", server.url("/get"), "-n", "3", "-c", "1", "--no-store",
                                      "--html", (dir / "no/dir/r.html").string()},
                                     dir.path());
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("--html"), std::string::npos) << refused.err;
  EXPECT_EQ(server.request_count(), 40u) << "nothing was sent";
}

TEST_F(LoadTest, BadUsageSendsNothingAndExits2WithOneLine) {
  RecordingServer server;
  const std::vector<std::vector<std::string>> bad = {
      {"-u", server.url("/"), "-n", "5", "-c", "10", "-GET"},
      {"-u", server.url("/"), "-n", "5", "-c", "1", "-POST", "-d", "{nope"},
      {"-u", "ftp://127.0.0.1/", "-n", "5", "-c", "1", "-GET"},
      {"-u", "127.0.0.1/get", "-n", "5", "-c", "1", "-GET"},
      {"run", server.url("/"), "--cacert", "/nonexistent/ca.pem"},
      {},
  };
  for (const auto& args : bad) {
    ProcessResult result = run_ccload(args, dir.path());
    EXPECT_EQ(result.exit_code, 2) << result.err;
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
    EXPECT_EQ(result.err.rfind("ccload: error: ", 0), 0u) << result.err;
  }
  EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(LoadTest, ReportShowsAtMost20RowsUnlessDetails) {
  RecordingServer server;
  ProcessResult result =
      run_ccload({"run", server.url("/"), "-n", "50", "-c", "2", "--no-store"}, dir.path());
  EXPECT_NE(result.out.find("... 30 more requests not shown (--details shows them all)"),
            std::string::npos)
      << result.out;
  ProcessResult details = run_ccload(
      {"run", server.url("/"), "-n", "50", "-c", "2", "--no-store", "--details"}, dir.path());
  EXPECT_EQ(details.out.find("more requests not shown"), std::string::npos);
  EXPECT_NE(details.out.find("\n50         | "), std::string::npos) << details.out;
}

TEST_F(LoadTest, JsonToStdoutIsOneObject) {
  RecordingServer server;
  ProcessResult result = run_ccload(
      {"run", server.url("/"), "-n", "5", "-c", "1", "--no-store", "--json", "-"}, dir.path());
  EXPECT_EQ(result.exit_code, 0);
  auto summary = nlohmann::json::parse(result.out);
  for (const char* key : {"requests", "status_codes", "errors", "latency", "rps", "duration_s",
                          "url", "method", "concurrency"}) {
    EXPECT_TRUE(summary.contains(key)) << key;
  }
  for (const char* timing : {"total", "ttfb", "ttlb", "connect"}) {
    for (const char* figure : {"min", "max", "mean", "p50", "p90", "p95", "p99", "p999"}) {
      EXPECT_TRUE(summary["latency"][timing].contains(figure)) << timing << " " << figure;
    }
  }
}

}  // namespace
}  // namespace ccload::test
