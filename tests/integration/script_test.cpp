// -s FILE: wrk's own example scripts (Debian's wrk package) run under the real ccload binary and
// do what they do under wrk. The same requests arrive at a recording server from wrk and from
// ccload; report.lua's and setup.lua's done() print what wrk prints, with ccload's figures;
// stop.lua and delay.lua shape the run; a script error is one line, before the run or (during
// it) a request failed as `script`. Over HTTP/2 (which wrk lacks) nginx sees the script's
// requests.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "store/sqlite.hpp"
#include "support/ccload_run.hpp"
#include "support/nginx_process.hpp"
#include "support/recording_server.hpp"
#include "support/serve_process.hpp"

namespace ccload::test {
namespace {

const std::string kExamples = "/usr/share/doc/wrk/examples/scripts/";

std::string write_script(const TempDir& dir, const std::string& name, const std::string& text) {
  const auto path = dir / name;
  std::ofstream(path) << text;
  return path.string();
}

// A request as the tests compare it: method, target, body and the fields other than Host (whose
// port differs between the two servers), sorted: wrk.format writes them in the order Lua's pairs()
// visits its table, which neither Lua nor HTTP defines.
std::string shape(const ReceivedRequest& r) {
  std::vector<std::string> fields;
  for (const auto& [name, value] : r.headers) {
    if (name != "Host" && name != "host") fields.push_back(name + ": " + value);
  }
  std::sort(fields.begin(), fields.end());
  std::string out = r.method + " " + r.target;
  for (const auto& field : fields) out += " | " + field;
  return out + " | " + r.body;
}

std::vector<std::string> first_shapes(const RecordingServer& server, std::size_t count) {
  std::vector<std::string> out;
  for (const auto& r : server.requests()) {
    if (out.size() == count) break;
    out.push_back(shape(r));
  }
  return out;
}

ProcessResult run_wrk(const std::string& script, const std::string& url) {
  return run_process({"/usr/bin/wrk", "-t1", "-c1", "-d1s", "-s", script, url});
}

class ScriptTest : public ::testing::TestWithParam<const char*> {
 protected:
  TempDir dir;
};

// wrk's scripts that shape the requests: the first 30 requests ccload sends (one thread, one
// connection, as wrk -t1 -c1) are the first 30 wrk sends, field for field (auth.lua's: the first
// to /authenticate, then /resource with the token the first response's header gave).
// The server answers every request with an X-Token field (auth.lua reads it).
ScriptedResponse with_token(const ReceivedRequest&, std::uint64_t) {
  ScriptedResponse r;
  r.headers = {{"X-Token", "tok-42"}};
  return r;
}

TEST_P(ScriptTest, SendsWhatWrkSends) {
  const std::string script = kExamples + GetParam();
  RecordingServer for_wrk(with_token), for_ccload(with_token);
  const ProcessResult wrk = run_wrk(script, for_wrk.url("/"));
  ASSERT_EQ(wrk.exit_code, 0) << wrk.err;
  ASSERT_GE(for_wrk.request_count(), 30u) << "wrk sent too few requests to compare";
  ProcessResult printed;
  auto summary = run_ccload_json({"run", "-s", script, for_ccload.url("/"), "-n", "30", "-c", "1",
                                  "--threads", "1", "--no-store"},
                                 dir.path(), &printed);
  ASSERT_EQ(printed.exit_code, 0) << printed.err;
  EXPECT_EQ(summary["requests"]["succeeded"], 30) << summary.dump();
  EXPECT_EQ(for_ccload.request_count(), 30u);
  EXPECT_EQ(first_shapes(for_ccload, 30), first_shapes(for_wrk, 30));
}

INSTANTIATE_TEST_SUITE_P(WrkExamples, ScriptTest,
                         ::testing::Values("post.lua", "counter.lua", "pipeline.lua", "auth.lua"),
                         [](const auto& info) {
                           std::string name = info.param;
                           return name.substr(0, name.find('.'));
                         });

class ScriptRunTest : public ::testing::Test {
 protected:
  TempDir dir;
};

// pipeline.lua's request() gives three requests at once: the run pipelines at depth 3 (each
// request timed on its own, stored, counted), and the server sees /?foo, /?bar, /?baz in turn.
TEST_F(ScriptRunTest, PipelineLuaPipelinesItsThreeRequests) {
  RecordingServer server;
  auto summary = run_ccload_json({"run", "-s", kExamples + "pipeline.lua", server.url("/"), "-n",
                                  "300", "-c", "2", "--no-store"},
                                 dir.path());
  EXPECT_EQ(summary["pipeline"], 3);
  EXPECT_EQ(summary["requests"]["succeeded"], 300) << summary.dump();
  EXPECT_EQ(summary["latency"]["total"]["count"], 300);
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 300u);
  std::size_t foo = 0, bar = 0, baz = 0;
  for (const auto& r : requests) {
    foo += r.target == "/?foo";
    bar += r.target == "/?bar";
    baz += r.target == "/?baz";
  }
  EXPECT_EQ(foo, 100u);
  EXPECT_EQ(bar, 100u);
  EXPECT_EQ(baz, 100u);
}

// pipeline.lua against nginx (a server nobody here wrote): nginx logs exactly -n requests, about a
// third each of /?foo, /?bar, /?baz; every request is stored with the URL it sent (the counts by
// URL are nginx's), and timed on its own (the times along a pipeline are not all equal).
TEST_F(ScriptRunTest, PipelineLuaAgainstNginxIsCountedExactlyAndTimedPerRequest) {
  NginxProcess nginx(
      "log_format uris '$request_uri';"
      "server { listen 127.0.0.1:PORT; access_log logs/uris.log uris;"
      "location / { return 200 \"ok\\n\"; } }");
  const std::string url = "http://127.0.0.1:" + std::to_string(nginx.port()) + "/";
  const auto db = dir / "p.db";
  auto summary = run_ccload_json(
      {"run", "-s", kExamples + "pipeline.lua", url, "-n", "600", "-c", "4", "--db", db.string()},
      dir.path());
  EXPECT_EQ(summary["requests"]["succeeded"], 600) << summary.dump();
  EXPECT_EQ(summary["pipeline"], 3);
  const auto lines = nginx.log_lines("uris.log");
  ASSERT_EQ(lines.size(), 600u);
  store::sql::Database d(db, store::sql::Database::Mode::read_only);
  auto urls = d.prepare("SELECT URL, COUNT(*) FROM LOADTEST GROUP BY URL ORDER BY URL");
  std::int64_t stored = 0;
  while (urls.step()) {
    const std::string uri = urls.column_text(0).substr(url.size() - 1);
    const std::int64_t count = urls.column_int(1);
    EXPECT_EQ(count, std::count(lines.begin(), lines.end(), uri)) << uri << ": stored as sent";
    // Each connection sends the three in turn; where -n cuts a connection's last three short,
    // the counts differ by at most the connections.
    EXPECT_NEAR(static_cast<double>(count), 200, 4) << uri;
    stored += count;
  }
  EXPECT_EQ(stored, 600);
  auto times = d.prepare("SELECT COUNT(DISTINCT TTLB) FROM LOADTEST");
  ASSERT_TRUE(times.step());
  EXPECT_GT(times.column_int(0), 1) << "each request of a pipeline is timed on its own";
}

// A login flow: POST a login, read the token from its JSON body, send it on every later request
// (response() sees the body and the fields, over HTTP/1.1 and HTTP/2, one request at a time or
// pipelined). Every request after the login arrives with the token.
TEST_F(ScriptRunTest, ALoginFlowSendsTheTokenItRead) {
  const std::string script = write_script(
      dir, "login.lua",
      "token = nil\n"
      "request = function()\n"
      "  if not token then\n"
      "    return wrk.format('POST', '/login', {['Content-Type'] = 'application/json'},\n"
      "                      '{\"user\":\"ann\"}')\n"
      "  end\n"
      "  return wrk.format('GET', '/orders', {['Authorization'] = 'Bearer ' .. token})\n"
      "end\n"
      "response = function(status, headers, body)\n"
      "  if not token and status == 200 then\n"
      "    token = body:match('\"token\"%s*:%s*\"([^\"]+)\"')\n"
      "    if headers['x-session'] ~= 'new' then return false, 'no session field' end\n"
      "  end\n"
      "end\n");
  RecordingServer server([](const ReceivedRequest& r, std::uint64_t) {
    ScriptedResponse out;
    if (r.target == "/login") {
      out.body = "{\"token\": \"t-" + std::to_string(r.connection_id) + "\", \"ttl\": 60}";
      out.headers = {{"X-Session", "new"}};
    }
    return out;
  });
  auto summary = run_ccload_json(
      {"run", "-s", script, server.url("/"), "-n", "40", "-c", "2", "--threads", "1", "--no-store"},
      dir.path());
  EXPECT_EQ(summary["requests"]["succeeded"], 40) << summary.dump();
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 40u);
  std::size_t logins = 0;
  for (const auto& r : requests) {
    if (r.target == "/login") {
      ++logins;
      EXPECT_EQ(r.body, "{\"user\":\"ann\"}");
      continue;
    }
    EXPECT_EQ(r.target, "/orders");
    EXPECT_TRUE(r.header("Authorization").starts_with("Bearer t-")) << r.header("Authorization");
  }
  // One thread's state: the first login's token serves every later request (a second connection
  // may log in once more while the first login is in flight).
  EXPECT_GE(logins, 1u);
  EXPECT_LE(logins, 2u);
}

// thread.addr set in setup() (addr.lua's way) is where that thread's connections go; the Host
// field stays the URL's. One that is not IP:PORT is refused before the run.
TEST_F(ScriptRunTest, ThreadAddrSendsTheThreadsConnectionsThere) {
  RecordingServer named, other;
  const std::string script = write_script(dir, "addr.lua",
                                          "function setup(thread) thread.addr = '127.0.0.1:" +
                                              std::to_string(other.port()) + "' end\n");
  auto summary = run_ccload_json({"run", "-s", script, named.url("/where"), "-n", "20", "-c", "2",
                                  "--threads", "2", "--no-store"},
                                 dir.path());
  EXPECT_EQ(summary["requests"]["succeeded"], 20) << summary.dump();
  EXPECT_EQ(named.request_count(), 0u);
  const auto requests = other.requests();
  ASSERT_EQ(requests.size(), 20u);
  for (const auto& r : requests) {
    EXPECT_EQ(r.target, "/where");
    EXPECT_EQ(r.header("Host"), "127.0.0.1:" + std::to_string(named.port()));
  }
  const std::string bad =
      write_script(dir, "bad_addr.lua", "function setup(thread) thread.addr = 'nowhere' end\n");
  const ProcessResult refused =
      run_ccload({"run", "-s", bad, named.url("/"), "-n", "5", "--no-store"}, dir.path());
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("thread.addr 'nowhere' is not an address"), std::string::npos)
      << refused.err;
  EXPECT_EQ(named.request_count() + other.request_count(), 20u);
}

// ccload.data(i): --data's rows in a script (what wrk lacks): the script walks the rows itself,
// and every row's values arrive; without --data the call is one clear error before the run.
TEST_F(ScriptRunTest, CcloadDataGivesTheScriptTheDataFilesRows) {
  std::ofstream(dir / "users.csv") << "id,name\n7,ann\n8,bob\n9,\"c, d\"\n";
  const std::string script = write_script(dir, "rows.lua",
                                          "n = 0\n"
                                          "request = function()\n"
                                          "  n = n + 1\n"
                                          "  local row = ccload.data((n - 1) % ccload.rows + 1)\n"
                                          "  return wrk.format('POST', '/users/' .. row.id, "
                                          "{['X-Columns'] = table.concat(ccload.columns, '+')},\n"
                                          "                    row.name)\n"
                                          "end\n");
  RecordingServer server;
  auto summary = run_ccload_json({"run", "-s", script, server.url("/"), "--data",
                                  (dir / "users.csv").string(), "-n", "6", "-c", "1", "--no-store"},
                                 dir.path());
  EXPECT_EQ(summary["requests"]["succeeded"], 6) << summary.dump();
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 6u);
  const std::vector<std::pair<std::string, std::string>> rows = {
      {"/users/7", "ann"}, {"/users/8", "bob"}, {"/users/9", "c, d"}};
  // The first request() call checks the script before the run (as wrk's does), so the run's
  // requests begin with the second row.
  for (std::size_t i = 0; i < requests.size(); ++i) {
    EXPECT_EQ(requests[i].target, rows[(i + 1) % 3].first);
    EXPECT_EQ(requests[i].body, rows[(i + 1) % 3].second);
    EXPECT_EQ(requests[i].header("X-Columns"), "id+name");
  }
  const ProcessResult none =
      run_ccload({"run", "-s", script, server.url("/"), "-n", "6", "--no-store"}, dir.path());
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("the run has no data file"), std::string::npos) << none.err;
  EXPECT_EQ(server.request_count(), 6u);
}

// response() over HTTP/2 and with pipelining: the verdict it returns counts as `check`, each
// response judged on its own (the body it sees is its own response's).
TEST_F(ScriptRunTest, ResponseVerdictsCountAsCheckOverHttp2AndPipelined) {
  const std::string script =
      write_script(dir, "verdict.lua",
                   "n = 0\n"
                   "request = function() n = n + 1; return wrk.format(nil, '/anything/' .. n) end\n"
                   "response = function(status, headers, body)\n"
                   "  if not body:find('\"path\"') then return false, 'not an echo' end\n"
                   "  if headers['content-type'] == nil then return false, 'no type' end\n"
                   "  local k = tonumber(body:match('/anything/(%d+)'))\n"
                   "  if k % 5 == 0 then return false, 'every fifth' end\n"
                   "end\n");
  ServeProcess server;
  for (const std::vector<std::string>& mode :
       {std::vector<std::string>{"--http2"}, std::vector<std::string>{"--pipeline", "4"}}) {
    std::vector<std::string> args = {"run", "-s", script,      server.base_url() + "/", "-n", "100",
                                     "-c",  "1",  "--no-store"};
    args.insert(args.end(), mode.begin(), mode.end());
    auto summary = run_ccload_json(args, dir.path());
    // request() was called once to check the script (n = 1), so the run sends /anything/2..101:
    // 20 of them are multiples of 5.
    EXPECT_EQ(summary["errors"]["check"], 20) << mode.front() << ": " << summary.dump();
    EXPECT_EQ(summary["requests"]["succeeded"], 80) << mode.front();
  }
}

// report.lua prints latency percentiles in microseconds as wrk does ("50%,NNN"); the figures are
// ccload's own, the JSON summary's (to the microsecond).
TEST_F(ScriptRunTest, ReportLuaPrintsCcloadsPercentilesAsWrkDoes) {
  RecordingServer server;
  ProcessResult printed;
  auto summary = run_ccload_json({"run", "-s", kExamples + "report.lua", server.url("/"), "-n",
                                  "200", "-c", "2", "--no-store"},
                                 dir.path(), &printed);
  ASSERT_EQ(printed.exit_code, 0) << printed.err;
  const std::regex line(R"(^([0-9.]+)%,([0-9]+)$)");
  std::map<std::string, long> printed_us;
  std::istringstream out(printed.out);
  for (std::string text; std::getline(out, text);) {
    std::smatch m;
    if (std::regex_match(text, m, line)) printed_us[m[1]] = std::stol(m[2]);
  }
  ASSERT_EQ(printed_us.size(), 4u) << printed.out;
  const auto us = [&](const char* key) {
    return static_cast<long>(summary["latency"]["total"][key].get<double>() * 1e6);
  };
  EXPECT_EQ(printed_us["50"], us("p50"));
  EXPECT_EQ(printed_us["90"], us("p90"));
  EXPECT_EQ(printed_us["99"], us("p99"));
  // wrk prints the same lines for the same script.
  const ProcessResult wrk = run_wrk(kExamples + "report.lua", server.url("/"));
  ASSERT_EQ(wrk.exit_code, 0) << wrk.err;
  EXPECT_TRUE(std::regex_search(wrk.out, std::regex(R"((^|\n)99\.999%,[0-9]+\n)"))) << wrk.out;
  EXPECT_TRUE(std::regex_search(printed.out, std::regex(R"((^|\n)99\.999%,[0-9]+\n)")));
}

// setup.lua counts each thread's requests and responses in its own state; done() reads them
// through thread:get() and prints one line per thread, as wrk does. The responses add up to -n.
TEST_F(ScriptRunTest, SetupLuaPrintsEachThreadsCounts) {
  RecordingServer server;
  ProcessResult printed = run_ccload({"run", "-s", kExamples + "setup.lua", server.url("/"), "-n",
                                      "100", "-c", "2", "--threads", "2", "--no-store"},
                                     dir.path());
  ASSERT_EQ(printed.exit_code, 0) << printed.err;
  const std::regex line(R"(thread ([0-9]+) made ([0-9]+) requests and got ([0-9]+) responses)");
  long responses = 0, threads = 0;
  for (auto it = std::sregex_iterator(printed.out.begin(), printed.out.end(), line);
       it != std::sregex_iterator(); ++it) {
    ++threads;
    responses += std::stol((*it)[3]);
    EXPECT_GE(std::stol((*it)[2]), std::stol((*it)[3])) << "a response without its request";
  }
  EXPECT_EQ(threads, 2) << printed.out;
  EXPECT_EQ(responses, 100) << printed.out;
}

// stop.lua calls thread:stop() after 100 responses: a run of -z 20s ends soon after, with about
// 100 requests (those in flight when it stopped complete).
TEST_F(ScriptRunTest, StopLuaEndsTheRunAfterAHundredResponses) {
  RecordingServer server;
  const auto began = std::chrono::steady_clock::now();
  auto summary = run_ccload_json({"run", "-s", kExamples + "stop.lua", server.url("/"), "-z", "20s",
                                  "-c", "1", "--threads", "1", "--no-store"},
                                 dir.path());
  EXPECT_LT(std::chrono::steady_clock::now() - began, std::chrono::seconds(15));
  const int requests = summary["requests"]["total"].get<int>();
  EXPECT_GE(requests, 100) << summary.dump();
  EXPECT_LE(requests, 101) << summary.dump();
  EXPECT_EQ(server.request_count(), static_cast<std::size_t>(requests));
}

// delay.lua waits 10 to 50 ms before each request: 20 requests on one connection take at least
// 200 ms (a lower bound only: a loaded machine takes longer).
TEST_F(ScriptRunTest, DelayLuaWaitsBeforeEachRequest) {
  RecordingServer server;
  auto summary = run_ccload_json(
      {"run", "-s", kExamples + "delay.lua", server.url("/"), "-n", "20", "-c", "1", "--no-store"},
      dir.path());
  EXPECT_EQ(summary["requests"]["succeeded"], 20) << summary.dump();
  EXPECT_GE(summary["duration_s"].get<double>(), 0.19);
  EXPECT_EQ(server.request_count(), 20u);
}

// init(args) gets the words after `--`, and the request it builds goes out. The run keeps how it
// was made: the script's file, SHA-256 and arguments in the report, the JSON and RUNS, and
// `ccload report` of the stored run says them again.
TEST_F(ScriptRunTest, InitGetsTheWordsAfterTheDashesAndTheRunKeepsThem) {
  RecordingServer server;
  const std::string script = write_script(
      dir, "args.lua",
      "init = function(args) target = args[1]; token = args[2] end\n"
      "request = function() return wrk.format('PUT', target, {['X-Token'] = token}, 'b') end\n");
  const auto db = dir / "a.db";
  const auto json_path = dir / "a.json";
  const ProcessResult printed =
      run_ccload({"run", "-s", script, server.url("/"), "-n", "5", "-c", "1", "--db", db.string(),
                  "--json", json_path.string(), "--", "/from/args", "t0k"},
                 dir.path());
  ASSERT_EQ(printed.exit_code, 0) << printed.err;
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 5u);
  for (const auto& r : requests) {
    EXPECT_EQ(r.method, "PUT");
    EXPECT_EQ(r.target, "/from/args");
    EXPECT_EQ(r.header("X-Token"), "t0k");
    EXPECT_EQ(r.body, "b");
  }
  // sha256sum of the file, as the report names it.
  const ProcessResult sum = run_process({"/usr/bin/sha256sum", script});
  const std::string sha = sum.out.substr(0, 64);
  const std::string line = "Script: " + script + " (SHA-256 " + sha + ") -- /from/args t0k";
  EXPECT_NE(printed.out.find(line), std::string::npos) << printed.out;
  const auto summary = nlohmann::json::parse(read_file(json_path));
  EXPECT_EQ(summary["script"]["file"], script);
  EXPECT_EQ(summary["script"]["sha256"], sha);
  EXPECT_EQ(summary["script"]["args"], (nlohmann::json{"/from/args", "t0k"}));
  store::sql::Database d(db, store::sql::Database::Mode::read_only);
  auto row = d.prepare("SELECT SCRIPT, SCRIPT_SHA256, SCRIPT_ARGS FROM RUNS");
  ASSERT_TRUE(row.step());
  EXPECT_EQ(row.column_text(0), script);
  EXPECT_EQ(row.column_text(1), sha);
  EXPECT_EQ(row.column_text(2), R"(["/from/args","t0k"])");
  const ProcessResult report = run_ccload({"report", "last", "--db", db.string()}, dir.path());
  EXPECT_EQ(report.exit_code, 0) << report.err;
  EXPECT_NE(report.out.find(line), std::string::npos) << report.out;
}

// A script that cannot be loaded is one line naming its file and line, exit 2, nothing sent.
TEST_F(ScriptRunTest, ASyntaxErrorIsOneLineAndNothingIsSent) {
  RecordingServer server;
  const std::string script =
      write_script(dir, "bad.lua", "request = function()\n  return (\nend\n");
  const ProcessResult r = run_ccload(
      {"run", "-s", script, server.url("/"), "-n", "5", "-c", "1", "--no-store"}, dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("bad.lua:3:"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_EQ(server.request_count(), 0u);
  const ProcessResult missing = run_ccload(
      {"run", "-s", (dir / "none.lua").string(), server.url("/"), "-n", "5", "--no-store"},
      dir.path());
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("none.lua: the script cannot be read"), std::string::npos)
      << missing.err;
  const ProcessResult stray =
      run_ccload({"run", server.url("/"), "-n", "5", "--no-store", "--", "x"}, dir.path());
  EXPECT_EQ(stray.exit_code, 2);
  EXPECT_NE(stray.err.find("add -s FILE"), std::string::npos) << stray.err;
}

// request() failing during the run fails that request as `script` (counted and stored); the run
// goes on and the other requests are sent.
TEST_F(ScriptRunTest, ARequestErrorDuringTheRunFailsThatRequestOnly) {
  RecordingServer server;
  const std::string script = write_script(dir, "flaky.lua",
                                          "n = 0\n"
                                          "request = function()\n"
                                          "  n = n + 1\n"
                                          "  if n % 4 == 0 then error('every fourth fails') end\n"
                                          "  return wrk.format(nil, '/ok')\n"
                                          "end\n");
  const auto db = dir / "s.db";
  auto summary = run_ccload_json(
      {"run", "-s", script, server.url("/"), "-n", "40", "-c", "1", "--db", db.string()},
      dir.path());
  // The first call (made when loading, to check the script) is n = 1: then 4, 8, ... fail.
  EXPECT_EQ(summary["requests"]["total"], 40) << summary.dump();
  EXPECT_EQ(summary["errors"]["script"], 10) << summary.dump();
  EXPECT_EQ(summary["requests"]["succeeded"], 30);
  EXPECT_EQ(server.request_count(), 30u);
}

// Over HTTP/2 (which wrk lacks) the script's requests go out as their fields: nginx logs
// post.lua's method, content type and protocol for every request.
TEST_F(ScriptRunTest, PostLuaOverHttp2ReachesNginx) {
  NginxProcess nginx(
      "log_format script '$request_method $uri $content_type $server_protocol';"
      "server { listen 127.0.0.1:PORT http2; access_log logs/script.log script;"
      "location / { return 200 \"ok\\n\"; } }");
  const std::string url = "http://127.0.0.1:" + std::to_string(nginx.port()) + "/";
  auto summary = run_ccload_json(
      {"run", "-s", kExamples + "post.lua", url, "-n", "50", "-c", "2", "--http2", "--no-store"},
      dir.path());
  EXPECT_EQ(summary["requests"]["succeeded"], 50) << summary.dump();
  EXPECT_EQ(summary["protocol"], "HTTP/2");
  const auto lines = nginx.log_lines("script.log");
  ASSERT_EQ(lines.size(), 50u);
  for (const auto& line : lines) {
    EXPECT_EQ(line, "POST / application/x-www-form-urlencoded HTTP/2.0");
  }
}

}  // namespace
}  // namespace ccload::test
