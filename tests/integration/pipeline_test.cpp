// --pipeline N (HTTP/1.1 pipelining): requests written together per connection, answered in
// order. Against nginx (a server nobody here wrote): exact counts against its access log at depth
// 1, 4 and 16, and a server that closes the connection after k requests of a pipeline (every
// request answered or failed once, -n exact). Against ccload's own server: the timings of a
// pipeline grow along it (each response comes after the one before it).

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "store/sqlite.hpp"
#include "support/ccload_run.hpp"
#include "support/nginx_process.hpp"
#include "support/serve_process.hpp"

namespace ccload::test {
namespace {

using store::sql::Database;

std::int64_t query_int(const std::filesystem::path& db, const std::string& sql) {
  Database d(db, Database::Mode::read_only);
  auto stmt = d.prepare(sql);
  EXPECT_TRUE(stmt.step()) << sql;
  return stmt.column_int(0);
}

class PipelineTest : public ::testing::Test {
 protected:
  TempDir dir;
};

TEST_F(PipelineTest, NginxLogsExactlyNRequestsAtDepthOneFourAndSixteen) {
  NginxProcess nginx("server { listen 127.0.0.1:PORT; location / { return 200 \"ok\\n\"; } }");
  const std::string url = "http://127.0.0.1:" + std::to_string(nginx.port()) + "/";
  std::size_t logged = 0;
  for (const char* depth : {"1", "4", "16"}) {
    ProcessResult printed;
    auto summary =
        run_ccload_json({"run", url, "-n", "1000", "-c", "4", "--pipeline", depth, "--no-store"},
                        dir.path(), &printed);
    EXPECT_EQ(summary["requests"]["succeeded"], 1000) << depth << ": " << summary.dump();
    EXPECT_EQ(summary["requests"]["failed"], 0) << depth;
    EXPECT_EQ(summary["pipeline"], std::stoi(depth));
    logged += 1000;
    EXPECT_EQ(nginx.requests_logged(), logged) << "depth " << depth << ": each request once";
  }
}

// nginx answers 7 requests of a connection and closes it (keepalive_requests 7): of a pipeline of
// 16, 9 are never answered; they are sent again on a new connection (and of those, 2 on a third),
// so every request is answered exactly once and nginx logs exactly -n.
TEST_F(PipelineTest, AServerClosingMidPipelineHasItsUnansweredRequestsSentAgain) {
  NginxProcess nginx(
      "server { listen 127.0.0.1:PORT; keepalive_requests 7; "
      "location / { return 200 \"ok\\n\"; } }");
  const std::string url = "http://127.0.0.1:" + std::to_string(nginx.port()) + "/";
  const auto db = dir.path() / "p.db";
  auto summary = run_ccload_json(
      {"run", url, "-n", "500", "-c", "3", "--pipeline", "16", "--db", db.string()}, dir.path());
  EXPECT_EQ(summary["requests"]["total"], 500) << summary.dump();
  EXPECT_EQ(summary["requests"]["succeeded"], 500) << summary.dump();
  EXPECT_EQ(nginx.requests_logged(), 500u) << "each request processed exactly once";
  EXPECT_GE(summary["connections_opened"].get<int>(), 500 / 7) << "7 requests per connection";
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM LOADTEST"), 500);
  EXPECT_EQ(query_int(db, "SELECT COUNT(DISTINCT RUNREQUEST) FROM LOADTEST"), 500);
  EXPECT_EQ(query_int(db, "SELECT MIN(RUNREQUEST) FROM LOADTEST"), 1);
  EXPECT_EQ(query_int(db, "SELECT MAX(RUNREQUEST) FROM LOADTEST"), 500);
  EXPECT_EQ(query_int(db, "SELECT PIPELINE FROM RUNS"), 16);
}

// ccload's server answers a connection's requests one after another, each after 20 ms: along a
// pipeline of 4 each response comes after the one before, so first byte and last byte grow by at
// least the server's 20 ms a step (lower bounds only: a loaded machine makes them larger).
TEST_F(PipelineTest, TimingsGrowAlongAPipeline) {
  ServeProcess server;
  const auto db = dir.path() / "t.db";
  auto summary = run_ccload_json({"run", server.base_url() + "/delay/20", "-n", "8", "-c", "1",
                                  "--pipeline", "4", "--db", db.string()},
                                 dir.path());
  ASSERT_EQ(summary["requests"]["succeeded"], 8) << summary.dump();
  Database d(db, Database::Mode::read_only);
  auto stmt = d.prepare("SELECT RUNREQUEST, TTFB, TTLB FROM LOADTEST ORDER BY RUNREQUEST");
  std::vector<double> ttfb, ttlb;
  while (stmt.step()) {
    ttfb.push_back(stmt.column_double(1));
    ttlb.push_back(stmt.column_double(2));
  }
  ASSERT_EQ(ttfb.size(), 8u);
  for (std::size_t batch = 0; batch < 8; batch += 4) {
    for (std::size_t i = batch + 1; i < batch + 4; ++i) {
      EXPECT_GE(ttfb[i] - ttfb[i - 1], 0.015) << "request " << i + 1;
      EXPECT_GE(ttlb[i] - ttlb[i - 1], 0.015) << "request " << i + 1;
    }
    EXPECT_GE(ttfb[batch], 0.019) << "the first of a pipeline waits for the server's 20 ms";
  }
}

// With a rate, a pipeline holds only requests that are due: the rate is kept (no request is sent
// before its time), and every slot is sent or dropped.
TEST_F(PipelineTest, ARateIsKeptWithPipelining) {
  ServeProcess server;
  auto summary = run_ccload_json({"run", server.base_url() + "/get", "-z", "2s", "--rate", "200",
                                  "-c", "2", "--pipeline", "8", "--no-store"},
                                 dir.path());
  const int total = summary["requests"]["total"].get<int>();
  const int dropped = summary["dropped"].is_number() ? summary["dropped"].get<int>() : 0;
  EXPECT_EQ(total + dropped, 400) << summary.dump();
  EXPECT_EQ(summary["requests"]["succeeded"], total);
}

// A templated target filled per request keeps each request's own fill inside a pipeline.
TEST_F(PipelineTest, TemplatedRequestsArriveOnceEachThroughAPipeline) {
  NginxProcess nginx(
      "log_format uris '$request_uri'; server { listen 127.0.0.1:PORT; "
      "access_log logs/uris.log uris; location / { return 200 \"ok\\n\"; } }");
  const std::string url = "http://127.0.0.1:" + std::to_string(nginx.port()) + "/item/{{seq}}";
  auto summary = run_ccload_json(
      {"run", url, "-n", "300", "-c", "3", "--pipeline", "16", "--no-store"}, dir.path());
  EXPECT_EQ(summary["requests"]["succeeded"], 300) << summary.dump();
  const std::vector<std::string> lines = nginx.log_lines("uris.log");
  ASSERT_EQ(lines.size(), 300u);
  std::set<std::string> seen(lines.begin(), lines.end());
  EXPECT_EQ(seen.size(), 300u);
  EXPECT_EQ(seen.count("/item/1"), 1u);
  EXPECT_EQ(seen.count("/item/300"), 1u);
}

TEST_F(PipelineTest, BadDepthsAndHttp2GetOneLine) {
  ProcessResult r = run_ccload({"run", "http://127.0.0.1:1/", "--pipeline", "0"}, dir.path());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--pipeline"), std::string::npos) << r.err;
  r = run_ccload({"run", "http://127.0.0.1:1/", "--http2", "--pipeline", "4"}, dir.path());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--streams"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace ccload::test
