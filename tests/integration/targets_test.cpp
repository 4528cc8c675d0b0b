// Several targets in one run (URLs as words, -f FILE in vegeta's format) and redirects, with the
// real binary against recording servers on loopback: what each server saw, what was reported and
// what was stored.

#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "server/target_server.hpp"
#include "store/sqlite.hpp"
#include "support/ccload_run.hpp"
#include "support/recording_server.hpp"

namespace ccload::test {
namespace {

using namespace std::chrono_literals;
using store::sql::Database;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::map<std::string, int> count_by_target(const RecordingServer& server) {
  std::map<std::string, int> counts;
  for (const auto& request : server.requests()) ++counts[request.target];
  return counts;
}

// A scripted redirect: `status` to `location`.
ScriptedResponse redirect_to(int status, std::string location) {
  ScriptedResponse response;
  response.status = status;
  response.body = "moved";
  response.headers = {{"Location", std::move(location)}};
  return response;
}

// The built-in server on a free port, one thread; over https with the test CA's certificate.
server::ServeConfig plain_server() {
  server::ServeConfig config;
  config.port = 0;
  config.threads = 1;
  return config;
}
server::ServeConfig https_server() {
  server::ServeConfig config = plain_server();
  config.tls_cert = std::string(CCLOAD_TEST_DATA) + "/server.pem";
  config.tls_key = std::string(CCLOAD_TEST_DATA) + "/server.key";
  return config;
}
std::string test_ca() { return std::string(CCLOAD_TEST_DATA) + "/ca.pem"; }

class TargetsTest : public ::testing::Test {
 protected:
  TempDir dir;
};

TEST_F(TargetsTest, ThreeTargetsOnTwoOriginsEachGetTheirShareInEveryOutput) {
  RecordingServer a([](const ReceivedRequest&, std::uint64_t) {
    ScriptedResponse response;
    response.delay_before_head = 1ms;
    return response;
  });
  RecordingServer b([](const ReceivedRequest& request, std::uint64_t) {
    ScriptedResponse response;
    response.status = request.target == "/b2" ? 503 : 200;
    return response;
  });
  ProcessResult result;
  const std::vector<std::string> urls{a.url("/a1"), b.url("/b2"), a.url("/a3")};
  auto summary = run_ccload_json({"run", urls[0], urls[1], urls[2], "-n", "100", "-c", "3", "--csv",
                                  "runs.csv", "--html", "report.html"},
                                 dir.path(), &result);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  // Round robin: 34, 33, 33, counted by the servers.
  EXPECT_EQ(count_by_target(a), (std::map<std::string, int>{{"/a1", 34}, {"/a3", 33}}));
  EXPECT_EQ(count_by_target(b), (std::map<std::string, int>{{"/b2", 33}}));
  // c = 3 over two origins: two connections for the origin of two targets, one for the other.
  EXPECT_LE(a.max_concurrent_connections(), 2u);
  EXPECT_LE(b.max_concurrent_connections(), 1u);
  EXPECT_EQ(a.total_connections() + b.total_connections(), 3u);

  EXPECT_EQ(summary["requests"]["total"], 100);
  EXPECT_EQ(summary["requests"]["failed"], 33);
  ASSERT_EQ(summary["targets"].size(), 3u) << summary.dump();
  const std::vector<int> shares{34, 33, 33};
  for (std::size_t t = 0; t < 3; ++t) {
    const auto& target = summary["targets"][t];
    EXPECT_EQ(target["url"], urls[t]);
    EXPECT_EQ(target["method"], "GET");
    EXPECT_EQ(target["requests"]["total"], shares[t]);
    EXPECT_EQ(target["requests"]["requested"], shares[t]);
    EXPECT_EQ(target["requests"]["failed"], t == 1 ? 33 : 0);
    EXPECT_EQ(target["latency"]["total"]["count"], shares[t]);
  }
  EXPECT_EQ(summary["targets"][1]["status_codes"]["503"], 33);

  // The terminal's table, the CSV's rows (one per target and the total) and the page's charts.
  EXPECT_TRUE(contains(result.out, "Targets (3 in turn")) << result.out;
  const std::string csv = read_file(dir / "runs.csv");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 5) << csv;  // header, total, 3 targets
  EXPECT_TRUE(contains(csv, urls[1])) << csv;
  const std::string html = read_file(dir / "report.html");
  for (const auto& url : urls) EXPECT_TRUE(contains(html, url)) << url;

  // LOADTEST rows name their own URLs; `report` renders the same targets from the store.
  Database db(dir / "load.db", Database::Mode::read_only);
  auto rows = db.prepare("SELECT URL, COUNT(*), SUM(STATUS = 503) FROM LOADTEST GROUP BY URL");
  std::map<std::string, std::pair<int, int>> stored;
  while (rows.step()) {
    stored[rows.column_text(0)] = {static_cast<int>(rows.column_int(1)),
                                   static_cast<int>(rows.column_int(2))};
  }
  EXPECT_EQ(stored, (std::map<std::string, std::pair<int, int>>{
                        {urls[0], {34, 0}}, {urls[1], {33, 33}}, {urls[2], {33, 0}}}));
  ProcessResult report = run_ccload({"report", "last", "--json", "-"}, dir.path());
  ASSERT_EQ(report.exit_code, 0) << report.err;
  const auto stored_summary = nlohmann::json::parse(report.out);
  EXPECT_EQ(stored_summary["targets"], summary["targets"]);

  // History: the run is one line; --url finds it by any target; weeks stay per URL.
  ProcessResult history = run_ccload({"history"}, dir.path());
  EXPECT_TRUE(contains(history.out, "3 targets")) << history.out;
  history = run_ccload({"history", "--url", "/b2"}, dir.path());
  EXPECT_TRUE(contains(history.out, "3 targets")) << history.out;
  history = run_ccload({"history", "--url", "/nothing-like-it"}, dir.path());
  EXPECT_FALSE(contains(history.out, "3 targets")) << history.out;
  history = run_ccload({"-history", "-weekly"}, dir.path());
  ASSERT_EQ(history.exit_code, 0) << history.err;
  for (const auto& url : urls) EXPECT_TRUE(contains(history.out, url)) << history.out;
  EXPECT_FALSE(contains(history.out, "3 targets")) << history.out;
}

TEST_F(TargetsTest, ABaselineOrAComparisonIsARunOfTheSameTargets) {
  RecordingServer a, b;
  const std::vector<std::string> run{"run", a.url("/x"), b.url("/y"), "-n", "40", "-c", "2"};
  ProcessResult result = run_ccload(run, dir.path());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  // The same targets again: `--baseline last` finds the first run and compares with it.
  std::vector<std::string> again = run;
  again.insert(again.end(), {"--baseline", "last"});
  result = run_ccload(again, dir.path());
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(contains(result.out, "run 1")) << result.out;
  // One of them alone is another test: no baseline among the runs of two targets.
  result = run_ccload(
      {"run", a.url("/x"), "-n", "10", "-c", "1", "--baseline", "last", "--baseline-required"},
      dir.path());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(contains(result.err, "no earlier run of GET " + a.url("/x"))) << result.err;
  result = run_ccload({"run", a.url("/x"), "-n", "10", "-c", "1"}, dir.path());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  result = run_ccload({"compare", "1", "last"}, dir.path());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(contains(result.err, "2 targets (GET " + a.url("/x"))) << result.err;
  // Runs of the same targets compare target by target too.
  result = run_ccload({"compare", "1", "2", "--json", "-"}, dir.path());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto comparison = nlohmann::json::parse(result.out);
  ASSERT_EQ(comparison["targets"].size(), 2u) << comparison.dump();
  EXPECT_EQ(comparison["targets"][1]["target"], "GET " + b.url("/y"));
  EXPECT_TRUE(contains(result.err, "Target 2: GET " + b.url("/y"))) << result.err;
}

TEST_F(TargetsTest, AVegetaFileSendsMethodsHeadersAndBodiesAsWritten) {
  RecordingServer server;
  std::ofstream(dir / "body.json") << R"({"order": 7})";
  std::ofstream(dir / "targets.txt") << "# a comment\n"
                                        "POST "
                                     << server.url("/orders")
                                     << "\n"
                                        "Content-Type: application/json\n"
                                        "X-Request-Source: file\n"
                                        "@body.json\n"
                                        "\n"
                                        "get "
                                     << server.url("/orders?id=7")
                                     << "\n"
                                        "Accept: text/plain\n";
  ProcessResult result =
      run_ccload({"-f", "targets.txt", "-n", "10", "-c", "2", "-H", "X-Everyone: yes"}, dir.path());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 10u);
  int posts = 0, gets = 0;
  for (const auto& request : requests) {
    EXPECT_EQ(request.header("X-Everyone"), "yes");
    if (request.method == "POST") {
      ++posts;
      EXPECT_EQ(request.target, "/orders");
      EXPECT_EQ(request.body, R"({"order": 7})");
      EXPECT_EQ(request.header("Content-Type"), "application/json");
      EXPECT_EQ(request.header("X-Request-Source"), "file");
    } else {
      ++gets;
      EXPECT_EQ(request.method, "GET");
      EXPECT_EQ(request.target, "/orders?id=7");
      EXPECT_EQ(request.header("Accept"), "text/plain");
      EXPECT_EQ(request.body, "");
    }
  }
  EXPECT_EQ(posts, 5);
  EXPECT_EQ(gets, 5);
}

TEST_F(TargetsTest, BadTargetsAreOneLineErrorsAndNothingIsSent) {
  RecordingServer server;
  std::ofstream(dir / "bad.txt") << "GET " << server.url("/") << "\n\nFETCH " << server.url("/")
                                 << "\n";
  ProcessResult result = run_ccload({"run", "-f", "bad.txt", "-n", "10"}, dir.path());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(contains(result.err, "bad.txt:3:")) << result.err;
  std::ofstream(dir / "nobody.txt") << "POST " << server.url("/") << "\n@missing.json\n";
  result = run_ccload({"run", "-f", "nobody.txt", "-n", "10"}, dir.path());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(contains(result.err, "missing.json")) << result.err;
  result = run_ccload({"run", server.url("/"), "-f", "nobody.txt"}, dir.path());
  EXPECT_EQ(result.exit_code, 2);
  result = run_ccload({"run", server.url("/a"), "http://127.0.0.1:1/b", "-c", "1"}, dir.path());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(contains(result.err, "-c 2 or more")) << result.err;
  EXPECT_EQ(server.request_count(), 0u);
  EXPECT_FALSE(std::filesystem::exists(dir / "load.db"));
}

TEST_F(TargetsTest, ASameOriginRedirectReusesTheConnection) {
  RecordingServer server([&](const ReceivedRequest& request, std::uint64_t) {
    if (request.target == "/old") return redirect_to(301, "/new?x=1");
    return ScriptedResponse{};
  });
  ProcessResult result;
  auto summary =
      run_ccload_json({"run", server.url("/old"), "-n", "20", "-c", "1"}, dir.path(), &result);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(count_by_target(server), (std::map<std::string, int>{{"/new?x=1", 20}, {"/old", 20}}));
  EXPECT_EQ(server.total_connections(), 1u) << "every hop on the one kept-alive connection";
  EXPECT_EQ(summary["requests"]["total"], 20) << "a hop is not a request";
  EXPECT_EQ(summary["redirected"], 20);
  EXPECT_EQ(summary["status_codes"]["200"], 20);
  EXPECT_TRUE(contains(result.out, "20 requests followed redirects")) << result.out;
  Database db(dir / "load.db", Database::Mode::read_only);
  auto rows = db.prepare(
      "SELECT COUNT(*), MIN(URL), MIN(STATUS), MIN(REDIRECTS), MAX(REDIRECTS), MIN(FINAL_URL) "
      "FROM LOADTEST");
  ASSERT_TRUE(rows.step());
  EXPECT_EQ(rows.column_int(0), 20);
  EXPECT_EQ(rows.column_text(1), server.url("/old"));
  EXPECT_EQ(rows.column_int(2), 200);
  EXPECT_EQ(rows.column_int(3), 1);
  EXPECT_EQ(rows.column_int(4), 1);
  EXPECT_EQ(rows.column_text(5), server.url("/new?x=1"));
}

TEST_F(TargetsTest, ARedirectToAnotherOriginUsesAConnectionOfItsOwn) {
  RecordingServer other;
  RecordingServer first([&](const ReceivedRequest&, std::uint64_t) {
    return redirect_to(302, other.url("/landing"));
  });
  auto summary =
      run_ccload_json({"run", first.url("/go"), "-n", "10", "-c", "2", "--no-store"}, dir.path());
  EXPECT_EQ(first.request_count(), 10u);
  EXPECT_EQ(count_by_target(other), (std::map<std::string, int>{{"/landing", 10}}));
  EXPECT_EQ(summary["redirected"], 10);
  EXPECT_EQ(summary["status_codes"]["200"], 10);
  // One socket per connection at a time: each request connects to the target, closes that
  // connection to open one to the other origin, and closes that one again at the end.
  EXPECT_EQ(first.total_connections(), 10u);
  EXPECT_EQ(other.total_connections(), 10u);
  EXPECT_EQ(summary["connections_opened"], 20);
  for (const auto& request : other.requests()) {
    EXPECT_EQ(request.header("Host"), "127.0.0.1:" + std::to_string(other.port()));
  }
}

TEST_F(TargetsTest, AnHttpTargetRedirectedToHttpsVerifiesTheCertificate) {
  server::TargetServer secure(https_server());
  RecordingServer plain([&](const ReceivedRequest&, std::uint64_t) {
    return redirect_to(308, secure.base_url() + "/get");
  });
  auto summary = run_ccload_json(
      {"run", plain.url("/"), "-n", "6", "-c", "1", "--cacert", test_ca(), "--no-store"},
      dir.path());
  EXPECT_EQ(summary["status_codes"]["200"], 6) << summary.dump();
  EXPECT_EQ(summary["redirected"], 6);
  // Without the CA the hop's certificate is not trusted: a tls failure, not a success.
  summary =
      run_ccload_json({"run", plain.url("/"), "-n", "2", "-c", "1", "--no-store"}, dir.path());
  EXPECT_EQ(summary["errors"]["tls"], 2) << summary.dump();
}

TEST_F(TargetsTest, AnHttpsTargetOrHopThatHangsTimesOut) {
  // The watchdog closes a TLS connection with a read pending (the stream must outlive it).
  server::TargetServer secure(https_server());
  const std::string ca = test_ca();
  auto summary = run_ccload_json({"run", secure.base_url() + "/hang", "-n", "4", "-c", "2",
                                  "--timeout", "200ms", "--cacert", ca, "--no-store"},
                                 dir.path());
  EXPECT_EQ(summary["errors"]["timeout"], 4) << summary.dump();
  RecordingServer plain([&](const ReceivedRequest&, std::uint64_t) {
    return redirect_to(302, secure.base_url() + "/hang");
  });
  summary = run_ccload_json({"run", plain.url("/"), "-n", "4", "-c", "2", "--timeout", "200ms",
                             "--cacert", ca, "--no-store"},
                            dir.path());
  EXPECT_EQ(summary["errors"]["timeout"], 4) << summary.dump();
  EXPECT_EQ(summary["redirected"], 4);
}

TEST_F(TargetsTest, FirstAndLastByteCountFromTheSendAfterTheConnect) {
  // Not a timing assertion but an invariant: connect, then last byte after the send, fit in the
  // total of every request (a last byte counted from before the connect would not).
  server::TargetServer secure(https_server());
  RecordingServer plain([&](const ReceivedRequest& request, std::uint64_t) {
    if (request.target == "/go") return redirect_to(302, secure.base_url() + "/get");
    ScriptedResponse response;
    response.close_after = true;  // every request connects again
    return response;
  });
  ProcessResult result =
      run_ccload({"run", secure.base_url() + "/get", plain.url("/plain"), plain.url("/go"), "-n",
                  "60", "-c", "3", "--cacert", test_ca()},
                 dir.path());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  Database db(dir / "load.db", Database::Mode::read_only);
  auto rows = db.prepare(
      "SELECT COUNT(*), SUM(CONNECT > 0), SUM(TTFB <= TTLB AND CONNECT + TTLB <= RESPONSETIME + "
      "1e-6) FROM LOADTEST WHERE STATUS = 200 AND REDIRECTS = 0");
  ASSERT_TRUE(rows.step());
  EXPECT_EQ(rows.column_int(0), 40);
  EXPECT_GE(rows.column_int(1), 20) << "the plain target connects every time";
  EXPECT_EQ(rows.column_int(2), 40);
  // A redirected request's first and last byte count from its first send, so they include the
  // hop's connect; its connect sums the first connect and the hop's.
  rows = db.prepare(
      "SELECT COUNT(*), SUM(TTFB <= TTLB AND TTLB <= RESPONSETIME + 1e-6 AND CONNECT > 0) FROM "
      "LOADTEST WHERE STATUS = 200 AND REDIRECTS = 1");
  ASSERT_TRUE(rows.step());
  EXPECT_EQ(rows.column_int(0), 20);
  EXPECT_EQ(rows.column_int(1), 20);
}

TEST_F(TargetsTest, A303AfterAPostBecomesAGetWithoutItsBody) {
  RecordingServer server([&](const ReceivedRequest& request, std::uint64_t) {
    if (request.target == "/submit") return redirect_to(303, "/result");
    return ScriptedResponse{};
  });
  ProcessResult result = run_ccload({"run", server.url("/submit"), "-m", "POST", "-d",
                                     R"({"a": 1})", "-n", "4", "-c", "1", "--no-store"},
                                    dir.path());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  for (const auto& request : server.requests()) {
    if (request.target == "/submit") {
      EXPECT_EQ(request.method, "POST");
      EXPECT_EQ(request.body, R"({"a": 1})");
    } else {
      EXPECT_EQ(request.target, "/result");
      EXPECT_EQ(request.method, "GET");
      EXPECT_EQ(request.body, "");
      EXPECT_EQ(request.header("Content-Type"), "");
      EXPECT_EQ(request.header("Content-Length"), "");
    }
  }
  EXPECT_EQ(server.request_count(), 8u);
}

TEST_F(TargetsTest, A307KeepsThePostAndItsBody) {
  RecordingServer server([&](const ReceivedRequest& request, std::uint64_t) {
    if (request.target == "/v1") return redirect_to(307, "/v2");
    return ScriptedResponse{};
  });
  ProcessResult result = run_ccload({"run", server.url("/v1"), "-m", "POST", "-d", R"({"b": 2})",
                                     "-n", "4", "-c", "1", "--no-store"},
                                    dir.path());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 8u);
  for (const auto& request : requests) {
    EXPECT_EQ(request.method, "POST");
    EXPECT_EQ(request.body, R"({"b": 2})");
    EXPECT_EQ(request.header("Content-Type"), "application/json");
  }
  EXPECT_EQ(count_by_target(server), (std::map<std::string, int>{{"/v1", 4}, {"/v2", 4}}));
}

TEST_F(TargetsTest, ALoopAndTooManyHopsFailAsRedirect) {
  RecordingServer server([&](const ReceivedRequest& request, std::uint64_t) {
    if (request.target == "/ping") return redirect_to(302, "/pong");
    return redirect_to(302, "/ping");
  });
  ProcessResult result;
  auto summary = run_ccload_json({"run", server.url("/ping"), "-n", "5", "-c", "1", "--no-store"},
                                 dir.path(), &result);
  EXPECT_EQ(summary["requests"]["failed"], 5);
  EXPECT_EQ(summary["errors"]["redirect"], 5) << summary.dump();
  EXPECT_EQ(server.request_count(), 10u) << "/ping, /pong, then the loop is seen";
  EXPECT_TRUE(contains(result.out, "redirect")) << result.out;

  server::TargetServer target(plain_server());
  summary = run_ccload_json({"run", target.base_url() + "/redirect/5", "-n", "4", "-c", "1",
                             "--max-redirects", "3", "--no-store"},
                            dir.path());
  EXPECT_EQ(summary["errors"]["redirect"], 4) << summary.dump();
  summary = run_ccload_json(
      {"run", target.base_url() + "/redirect/5", "-n", "4", "-c", "1", "--no-store"}, dir.path());
  EXPECT_EQ(summary["status_codes"]["200"], 4) << summary.dump();
  EXPECT_EQ(summary["redirected"], 4);
}

TEST_F(TargetsTest, MaxRedirectsZeroTakesTheRedirectAsTheResponse) {
  RecordingServer server([&](const ReceivedRequest& request, std::uint64_t) {
    if (request.target == "/old") return redirect_to(301, "/new");
    return ScriptedResponse{};
  });
  auto summary = run_ccload_json(
      {"run", server.url("/old"), "-n", "6", "-c", "2", "--max-redirects", "0", "--no-store"},
      dir.path());
  EXPECT_EQ(summary["status_codes"]["301"], 6);
  EXPECT_EQ(summary["redirected"], 0);
  EXPECT_EQ(count_by_target(server), (std::map<std::string, int>{{"/old", 6}}));
}

TEST_F(TargetsTest, SeveralTargetsOverHttp2) {
  server::TargetServer one(plain_server()), two(plain_server());
  auto summary = run_ccload_json({"run", one.base_url() + "/get", two.base_url() + "/status/201",
                                  "-n", "41", "-c", "2", "--http2", "--streams", "3", "--no-store"},
                                 dir.path());
  EXPECT_EQ(summary["protocol"], "HTTP/2");
  ASSERT_EQ(summary["targets"].size(), 2u);
  EXPECT_EQ(summary["targets"][0]["status_codes"]["200"], 21);
  EXPECT_EQ(summary["targets"][1]["status_codes"]["201"], 20);

  // Redirects are followed over HTTP/2 too: /redirect/2 is two same-origin hops to /get.
  summary = run_ccload_json(
      {"run", one.base_url() + "/redirect/2", "-n", "5", "-c", "1", "--http2", "--no-store"},
      dir.path());
  EXPECT_EQ(summary["status_codes"]["200"], 5) << summary.dump();
  EXPECT_EQ(summary["redirected"], 5);
  EXPECT_EQ(summary["max_redirects"], 10);
}

}  // namespace
}  // namespace ccload::test
