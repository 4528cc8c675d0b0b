// Templated runs through the real binary, asserted on what the servers saw (issue 21): {{uuid}}
// and {{seq}} in the URL, --data-order once over connections, workers and shards, a JSON body
// filled from rows (escaped), the same requests again with the same --seed, the URL sent in
// LOADTEST, a filled value that cannot be sent (a `client` failure, never sent), and HTTP/2
// against nginx (its own log of the paths and header values it received).

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "store/sqlite.hpp"
#include "support/ccload_run.hpp"
#include "support/nginx_process.hpp"
#include "support/recording_server.hpp"

namespace ccload::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// The part of each received request target after `prefix`.
std::vector<std::string> tails(const RecordingServer& server, const std::string& prefix) {
  std::vector<std::string> out;
  for (const ReceivedRequest& request : server.requests()) {
    EXPECT_EQ(request.target.rfind(prefix, 0), 0u) << request.target;
    out.push_back(request.target.substr(prefix.size()));
  }
  return out;
}

// A CSV of `rows` rows: id (1..rows) and name.
void write_rows(const fs::path& path, int rows) {
  std::ofstream file(path);
  file << "id,name\n";
  for (int i = 1; i <= rows; ++i) file << i << ",user" << i << "\n";
}

// Every id 1..rows exactly once among `got`.
void expect_each_once(const std::vector<std::string>& got, int rows) {
  std::map<std::string, int> seen;
  for (const std::string& id : got) ++seen[id];
  EXPECT_EQ(got.size(), static_cast<std::size_t>(rows));
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(rows));
  for (int i = 1; i <= rows; ++i) {
    EXPECT_EQ(seen[std::to_string(i)], 1) << "row " << i;
  }
}

TEST(TemplatedRun, UuidInTheUrlGivesAThousandDistinctVersion4Ids) {
  RecordingServer server;
  TempDir dir;
  auto summary = run_ccload_json(
      {"run", server.url("/u/{{uuid}}"), "-n", "1000", "-c", "8", "--no-store"}, dir.path());
  EXPECT_EQ(summary["requests"]["succeeded"], 1000);
  const std::vector<std::string> ids = tails(server, "/u/");
  const std::set<std::string> distinct(ids.begin(), ids.end());
  EXPECT_EQ(ids.size(), 1000u);
  EXPECT_EQ(distinct.size(), 1000u);
  const std::regex v4("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  for (const std::string& id : ids) EXPECT_TRUE(std::regex_match(id, v4)) << id;
  // One target, whatever ids it filled in.
  EXPECT_EQ(summary["url"], server.url("/u/{{uuid}}")) << summary.dump();
}

TEST(TemplatedRun, SeqGivesOneToAThousandExactlyOnceEach) {
  RecordingServer server;
  TempDir dir;
  auto summary = run_ccload_json(
      {"run", server.url("/s?n={{seq}}"), "-n", "1000", "-c", "8", "--no-store"}, dir.path());
  EXPECT_EQ(summary["requests"]["succeeded"], 1000);
  expect_each_once(tails(server, "/s?n="), 1000);
}

TEST(TemplatedRun, OnceSendsEachRowExactlyOnceOverEightConnections) {
  RecordingServer server;
  TempDir dir;
  write_rows(dir / "rows.csv", 1000);
  auto summary = run_ccload_json({"run", server.url("/r/{{col id}}"), "-c", "8", "--threads", "2",
                                  "--data", "rows.csv", "--data-order", "once", "--no-store"},
                                 dir.path());
  EXPECT_EQ(summary["requests"]["succeeded"], 1000) << "n is the rows";
  expect_each_once(tails(server, "/r/"), 1000);
}

TEST(TemplatedRun, OnceSendsEachRowExactlyOnceOverThreeShards) {
  RecordingServer server;
  TempDir dir;
  write_rows(dir / "rows.csv", 1000);
  for (const char* shard : {"0/3", "1/3", "2/3"}) {
    const ProcessResult result =
        run_ccload({"run", server.url("/r/{{col id}}"), "-c", "4", "--data", "rows.csv",
                    "--data-order", "once", "--shard", shard, "--run-id", "rows", "--no-store"},
                   dir.path());
    EXPECT_EQ(result.exit_code, 0) << shard << ": " << result.err;
  }
  expect_each_once(tails(server, "/r/"), 1000);
}

TEST(TemplatedRun, AJsonBodyFilledFromRowsArrivesAsValidJsonWithTheRowsValues) {
  RecordingServer server;
  TempDir dir;
  // RFC 4180: a quoted field holds commas and doubled quotes; backslashes are plain.
  std::ofstream(dir / "users.csv") << "id,name\n"
                                      "1,plain\n"
                                      "2,\"say \"\"hi\"\", ok\"\n"
                                      "3,back\\slash\n"
                                      "4,tab\there\n";
  const std::vector<std::string> names = {"plain", "say \"hi\", ok", "back\\slash", "tab\there"};
  auto summary = run_ccload_json({"run", server.url("/users"), "-m", "POST", "-d",
                                  R"({"id": {{col id}}, "name": "{{col name}}"})", "--data",
                                  "users.csv", "--data-order", "once", "-c", "1", "--no-store"},
                                 dir.path());
  EXPECT_EQ(summary["requests"]["succeeded"], 4) << summary.dump();
  const std::vector<ReceivedRequest> requests = server.requests();
  ASSERT_EQ(requests.size(), 4u);
  for (const ReceivedRequest& request : requests) {
    const json body = json::parse(request.body, nullptr, false);
    ASSERT_FALSE(body.is_discarded()) << "not JSON: " << request.body;
    const int id = body["id"].get<int>();
    ASSERT_GE(id, 1);
    ASSERT_LE(id, 4);
    EXPECT_EQ(body["name"], names[static_cast<std::size_t>(id - 1)]) << request.body;
    EXPECT_EQ(request.header("Content-Length"), std::to_string(request.body.size()));
  }
}

// Two workers and four connections take the slots in whatever order they come: each request's
// draws and row depend only on the seed and its slot, so the same seed sends the same requests.
TEST(TemplatedRun, TheSameSeedSendsTheSameRequestsAndAnotherSeedOthers) {
  TempDir dir;
  write_rows(dir / "rows.csv", 50);
  auto sent = [&](const std::string& seed) {
    RecordingServer server;
    const ProcessResult result =
        run_ccload({"run", server.url("/x/{{randint 1 1000000}}/{{randstr 12}}/{{uuid}}"), "-n",
                    "200", "-c", "4", "--threads", "2", "--data", "rows.csv", "--data-order",
                    "random", "-H", "X-Row: {{col id}}", "--seed", seed, "--no-store"},
                   dir.path());
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_TRUE(std::regex_search(result.out, std::regex("Seed:\\s+" + seed + "\n"))) << result.out;
    std::multiset<std::string> requests;
    for (const ReceivedRequest& request : server.requests()) {
      requests.insert(request.target + " " + request.header("X-Row"));
    }
    EXPECT_EQ(requests.size(), 200u);
    return requests;
  };
  const auto first = sent("7");
  EXPECT_EQ(sent("7"), first);
  EXPECT_NE(sent("8"), first);
}

TEST(TemplatedRun, LoadtestKeepsTheUrlSentAndTheRunItsTemplate) {
  RecordingServer server;
  TempDir dir;
  const std::string url = server.url("/s/{{seq}}");
  const ProcessResult result =
      run_ccload({"run", url, "-n", "20", "-c", "2", "--seed", "3"}, dir.path());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  store::sql::Database db(dir / "load.db", store::sql::Database::Mode::read_only);
  auto rows = db.prepare("SELECT URL FROM LOADTEST ORDER BY URL");
  std::set<std::string> urls;
  while (rows.step()) urls.insert(rows.column_text(0));
  EXPECT_EQ(urls.size(), 20u);
  for (int i = 1; i <= 20; ++i) {
    EXPECT_EQ(urls.count(server.url("/s/" + std::to_string(i))), 1u) << i;
  }
  auto run = db.prepare("SELECT URL, SEED FROM RUNS");
  ASSERT_TRUE(run.step());
  EXPECT_EQ(run.column_text(0), url) << "the run is its template";
  EXPECT_EQ(run.column_text(1), "3");
}

TEST(TemplatedRun, AValueThatCannotStandInAHeaderFailsAsClientAndIsNeverSent) {
  RecordingServer server;
  TempDir dir;
  // Row 2's value holds a line break (a quoted CSV field may): no header can carry it.
  std::ofstream(dir / "v.csv") << "v\nfine\n\"two\nlines\"\nalso-fine\n";
  ProcessResult result;
  auto summary = run_ccload_json({"run", server.url("/h"), "-H", "X-V: {{col v}}", "--data",
                                  "v.csv", "--data-order", "once", "-c", "1", "--no-store"},
                                 dir.path(), &result);
  EXPECT_EQ(result.exit_code, 0) << "the run completed (failed requests are counted, exit 0)";
  EXPECT_EQ(summary["requests"]["total"], 3) << summary.dump();
  EXPECT_EQ(summary["requests"]["failed"], 1);
  EXPECT_EQ(summary["errors"]["client"], 1) << summary.dump();
  std::set<std::string> values;
  for (const ReceivedRequest& request : server.requests()) values.insert(request.header("X-V"));
  EXPECT_EQ(values, (std::set<std::string>{"fine", "also-fine"}));
}

TEST(TemplatedRun, Http2AgainstNginxSendsEveryFilledPathAndHeaderOnce) {
  if (!NginxProcess::available()) GTEST_SKIP() << "nginx is not installed";
  TempDir dir;
  NginxProcess nginx(
      "log_format ids '$request_uri $http_x_id';\n"
      "server { listen 127.0.0.1:PORT http2; access_log logs/ids.log ids; "
      "location / { return 200 \"ok\\n\"; } }");
  auto summary = run_ccload_json(
      {"run", "http://127.0.0.1:" + std::to_string(nginx.port()) + "/t/{{seq}}", "-H",
       "X-Id: id-{{seq}}", "-n", "300", "-c", "2", "--http2", "--streams", "10", "--no-store"},
      dir.path());
  EXPECT_EQ(summary["requests"]["succeeded"], 300) << summary.dump();
  std::set<std::string> lines;
  for (const std::string& line : nginx.log_lines("ids.log")) lines.insert(line);
  EXPECT_EQ(lines.size(), 300u);
  for (int i = 1; i <= 300; ++i) {
    const std::string n = std::to_string(i);
    EXPECT_EQ(lines.count("/t/" + n + " id-" + n), 1u) << n;
  }
}

}  // namespace
}  // namespace ccload::test
