// LuaRunScript: wrk's own example scripts (Debian's wrk package) load and give what wrk would
// send, and their hooks behave as under wrk.

#include "script/lua_script.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "request/request_text.hpp"

namespace ccload::script {
namespace {

const std::string kExamples = "/usr/share/doc/wrk/examples/scripts/";

ScriptSource source_for(const std::string& path, unsigned threads = 2) {
  ScriptSource s;
  s.path = path;
  s.host = "127.0.0.1";
  s.port = "8080";
  s.threads = threads;
  return s;
}

std::string write_script(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / ("ccload-lua-" + name);
  std::ofstream(path) << text;
  return path.string();
}

std::vector<request::RequestText> next(core::WorkerScript& script, std::string& kept) {
  std::string_view text;
  EXPECT_TRUE(script.next_request(text));
  kept.assign(text);
  std::vector<request::RequestText> parts;
  std::string error;
  EXPECT_GT(request::split_requests(kept, parts, error), 0u) << error << ": " << kept;
  return parts;
}

TEST(WrkExamples, PostSendsItsMethodBodyAndHeader) {
  std::string error;
  auto run = LuaRunScript::load(source_for(kExamples + "post.lua"), error);
  ASSERT_TRUE(run) << error;
  auto worker = run->for_worker(0);
  std::string kept;
  auto parts = next(*worker, kept);
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].method, "POST");
  EXPECT_EQ(parts[0].target, "/");
  EXPECT_EQ(parts[0].body, "foo=bar&baz=quux");
  EXPECT_NE(kept.find("Content-Type: application/x-www-form-urlencoded\r\n"), std::string::npos);
  EXPECT_NE(kept.find("Host: 127.0.0.1:8080\r\n"), std::string::npos);
}

TEST(WrkExamples, CounterChangesThePathPerThread) {
  std::string error;
  auto run = LuaRunScript::load(source_for(kExamples + "counter.lua"), error);
  ASSERT_TRUE(run) << error;
  auto second = run->for_worker(1);
  std::string kept;
  EXPECT_EQ(next(*second, kept)[0].target, "/0") << "each thread its own counter";
  EXPECT_EQ(next(*second, kept)[0].target, "/1");
  EXPECT_NE(kept.find("X-Counter: 1\r\n"), std::string::npos) << kept;
  auto first = run->for_worker(0);  // its request() ran once when the script was checked
  EXPECT_EQ(next(*first, kept)[0].target, "/1");
}

TEST(WrkExamples, PipelineGivesThreeRequestsPerCall) {
  std::string error;
  auto run = LuaRunScript::load(source_for(kExamples + "pipeline.lua"), error);
  ASSERT_TRUE(run) << error;
  EXPECT_EQ(run->requests_per_call(), 3u);
  auto worker = run->for_worker(0);
  std::string kept;
  auto parts = next(*worker, kept);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0].target, "/?foo");
  EXPECT_EQ(parts[2].target, "/?baz");
}

TEST(WrkExamples, AuthReadsTheTokenFromAResponseHeader) {
  std::string error;
  auto run = LuaRunScript::load(source_for(kExamples + "auth.lua", 1), error);
  ASSERT_TRUE(run) << error;
  auto worker = run->for_worker(0);
  ASSERT_TRUE(worker->wants_response());
  std::string kept;
  EXPECT_EQ(next(*worker, kept)[0].target, "/authenticate");
  const core::ResponseField fields[] = {{"x-token", "t-42"}};
  core::ServerResponse response;
  response.status = 200;
  response.headers = fields;
  bool script_error = false;
  EXPECT_TRUE(worker->on_response(response, script_error));
  EXPECT_FALSE(script_error);
  auto parts = next(*worker, kept);
  EXPECT_EQ(parts[0].target, "/resource");
  EXPECT_NE(kept.find("X-Token: t-42\r\n"), std::string::npos) << kept;
}

TEST(WrkExamples, StopStopsTheThreadAfterAHundredResponses) {
  std::string error;
  auto run = LuaRunScript::load(source_for(kExamples + "stop.lua", 1), error);
  ASSERT_TRUE(run) << error;
  auto worker = run->for_worker(0);
  core::ServerResponse response;
  response.status = 200;
  bool script_error = false;
  for (int i = 0; i < 99; ++i) worker->on_response(response, script_error);
  EXPECT_FALSE(worker->stopped());
  worker->on_response(response, script_error);
  EXPECT_TRUE(worker->stopped());
}

TEST(WrkExamples, DelayIsBetweenTenAndFiftyMilliseconds) {
  std::string error;
  auto run = LuaRunScript::load(source_for(kExamples + "delay.lua", 1), error);
  ASSERT_TRUE(run) << error;
  auto worker = run->for_worker(0);
  ASSERT_TRUE(worker->has_delay());
  for (int i = 0; i < 20; ++i) {
    const double ms = worker->delay_ms();
    EXPECT_GE(ms, 10);
    EXPECT_LE(ms, 50);
  }
}

TEST(WrkExamples, SetupAndDoneSeeEachThreadsCounts) {
  std::string error;
  auto run = LuaRunScript::load(source_for(kExamples + "setup.lua", 2), error);
  ASSERT_TRUE(run) << error;
  ASSERT_TRUE(run->has_done());
  auto first = run->for_worker(0);
  std::string kept;
  next(*first, kept);
  DoneFigures figures;
  testing::internal::CaptureStdout();
  EXPECT_TRUE(run->done(figures, error)) << error;
  const std::string printed = testing::internal::GetCapturedStdout();
  EXPECT_NE(printed.find("thread 1 made 2 requests and got 0 responses"), std::string::npos)
      << printed;
  EXPECT_NE(printed.find("thread 2 made 0 requests and got 0 responses"), std::string::npos)
      << printed;
}

TEST(WrkExamples, ReportPrintsPercentilesFromCcloadsFigures) {
  std::string error;
  auto run = LuaRunScript::load(source_for(kExamples + "report.lua", 1), error);
  ASSERT_TRUE(run) << error;
  DoneFigures figures;
  figures.latency.percentile = [](double p) { return p * 100; };  // µs
  testing::internal::CaptureStdout();
  EXPECT_TRUE(run->done(figures, error)) << error;
  const std::string printed = testing::internal::GetCapturedStdout();
  EXPECT_NE(printed.find("50%,5000\n"), std::string::npos) << printed;
  EXPECT_NE(printed.find("99%,9900\n"), std::string::npos) << printed;
}

TEST(WrkExamples, AddrChoosesAnAddressInSetup) {
  // A listener on loopback: wrk.lookup finds it and wrk.connect keeps it.
  const int listener = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in at{};
  at.sin_family = AF_INET;
  at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&at), sizeof at), 0);
  ASSERT_EQ(listen(listener, 4), 0);
  socklen_t size = sizeof at;
  getsockname(listener, reinterpret_cast<sockaddr*>(&at), &size);
  const std::string port = std::to_string(ntohs(at.sin_port));
  std::string error;
  ScriptSource s = source_for(kExamples + "addr.lua", 1);
  s.port = port;
  testing::internal::CaptureStdout();
  auto run = LuaRunScript::load(s, error);
  const std::string printed = testing::internal::GetCapturedStdout();
  close(listener);
  ASSERT_TRUE(run) << error;
  EXPECT_EQ(run->thread_addr(0), "127.0.0.1:" + port);
  EXPECT_NE(printed.find("thread addr: 127.0.0.1:" + port), std::string::npos) << printed;
}

TEST(ScriptErrors, ASyntaxErrorNamesTheFileAndLine) {
  std::string error;
  const std::string path = write_script("syntax.lua", "x = 1\nrequest = function(\n");
  EXPECT_FALSE(LuaRunScript::load(source_for(path), error));
  EXPECT_NE(error.find("syntax.lua:"), std::string::npos) << error;
}

TEST(ScriptErrors, AMissingFileIsNamed) {
  std::string error;
  EXPECT_FALSE(LuaRunScript::load(source_for("/nonexistent/x.lua"), error));
  EXPECT_NE(error.find("/nonexistent/x.lua"), std::string::npos) << error;
}

TEST(ScriptErrors, ARequestThatIsNotHttpIsRefusedBeforeTheRun) {
  std::string error;
  const std::string path = write_script("nothttp.lua", "request = function() return 'hi' end\n");
  EXPECT_FALSE(LuaRunScript::load(source_for(path), error));
  EXPECT_NE(error.find("not an HTTP request"), std::string::npos) << error;
}

TEST(ScriptErrors, ARuntimeErrorDuringTheRunIsAValue) {
  std::string error;
  const std::string path =
      write_script("late.lua",
                   "n = 0\nrequest = function()\n  n = n + 1\n  if n > 1 then error('boom') end\n"
                   "  return wrk.format()\nend\nresponse = function() return false, 'no' end\n");
  auto run = LuaRunScript::load(source_for(path, 1), error);
  ASSERT_TRUE(run) << error;
  auto worker = run->for_worker(0);
  std::string_view text;
  EXPECT_FALSE(worker->next_request(text));
  core::ServerResponse response;
  bool script_error = true;
  EXPECT_FALSE(worker->on_response(response, script_error)) << "return false: a check failure";
  EXPECT_FALSE(script_error);
}

}  // namespace
}  // namespace ccload::script
