// --check EXPR against the real binary: a server that answers 200 with an error body every 10th
// time gives exactly 10% `check` failures (their status kept, stored, shipped to Betterstack with
// the check that failed), each check's passes and failures in the report, the JSON, the page and
// RUNS (read back by ccload report); thresholds on checks; the same over HTTP/2 and pipelined;
// a body beyond --body-cap fails the checks that read it.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/sqlite.hpp"
#include "support/ccload_run.hpp"
#include "support/recording_server.hpp"
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

// 200 with {"id": N} but every 10th (the 10th, 20th, ... to arrive) 200 with an error body.
ScriptedResponse api(const ReceivedRequest&, std::uint64_t index) {
  ScriptedResponse r;
  r.headers = {{"Content-Type", "application/json"}};
  r.body = (index + 1) % 10 == 0 ? R"({"error": "database down"})"
                                 : R"({"id": )" + std::to_string(index) + "}";
  return r;
}

class ChecksTest : public ::testing::Test {
 protected:
  TempDir dir;
};

TEST_F(ChecksTest, AnErrorBodyEveryTenthIsExactlyTenPercentCheckFailures) {
  RecordingServer server(api);
  RecordingServer ingest;
  const auto db = dir / "c.db";
  const auto page = dir / "c.html";
  ProcessResult printed;
  ProcessOptions options;
  options.env = {{"LOGTAIL_URL", ingest.url("/")}, {"LOGTAIL_TOKEN", "tok-checks"}};
  auto summary = run_ccload_json(
      {"run", server.url("/items"), "-n", "200", "-c", "2", "--check", "status==200", "--check",
       "body!~error", "--check", "json./id exists", "--check", "header.content-type~json", "--db",
       db.string(), "--html", page.string()},
      dir.path(), &printed, options);
  ASSERT_EQ(printed.exit_code, 0) << printed.err;
  EXPECT_EQ(summary["requests"]["total"], 200);
  EXPECT_EQ(summary["errors"]["check"], 20) << summary.dump();
  EXPECT_EQ(summary["requests"]["succeeded"], 180);
  ASSERT_EQ(summary["checks"].size(), 4u);
  const std::vector<std::pair<const char*, int>> expected = {{"status==200", 0},
                                                             {"body!~error", 20},
                                                             {"json./id exists", 20},
                                                             {"header.content-type~json", 0}};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const auto& c = summary["checks"][i];
    EXPECT_EQ(c["expression"], expected[i].first);
    EXPECT_EQ(c["failed"], expected[i].second) << c.dump();
    EXPECT_EQ(c["passed"], 200 - expected[i].second) << c.dump();
  }
  EXPECT_DOUBLE_EQ(summary["checks"][1]["pass_rate"].get<double>(), 0.9);
  // The terminal says it k6's way.
  EXPECT_NE(printed.out.find("\u2717 body!~error"), std::string::npos) << printed.out;
  EXPECT_NE(printed.out.find("90.00%  180 passed, 20 failed"), std::string::npos);
  EXPECT_NE(printed.out.find("\u2713 status==200"), std::string::npos);
  // Stored: each failing request keeps its 200 and says `check`; RUNS keeps the tallies.
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM LOADTEST WHERE ERROR = 'check' AND STATUS = 200"),
            20);
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM LOADTEST"), 200);
  {
    Database d(db, Database::Mode::read_only);
    auto row = d.prepare("SELECT CHECKS FROM RUNS");
    ASSERT_TRUE(row.step());
    const auto stored = nlohmann::json::parse(row.column_text(0));
    ASSERT_EQ(stored.size(), 4u);
    EXPECT_EQ(stored[1]["expression"], "body!~error");
    EXPECT_EQ(stored[1]["failed"], 20);
    EXPECT_EQ(stored[1]["passed"], 180);
  }
  const ProcessResult report = run_ccload({"report", "last", "--db", db.string()}, dir.path());
  EXPECT_NE(report.out.find("90.00%  180 passed, 20 failed"), std::string::npos) << report.out;
  const std::string html = read_file(page);
  EXPECT_NE(html.find("<h2>Checks</h2>"), std::string::npos);
  EXPECT_NE(html.find("<td>body!~error</td><td>180</td><td>20</td><td>90.00%</td>"),
            std::string::npos);
  // Shipped: the 20 failures, each naming the checks it failed, with the body that failed them.
  std::size_t shipped = 0;
  for (const auto& request : ingest.requests()) {
    for (const auto& event : nlohmann::json::parse(request.body)) {
      ++shipped;
      EXPECT_EQ(event["error"], "check");
      EXPECT_EQ(event["status"], 200);
      EXPECT_EQ(event["checks_failed"], (nlohmann::json{"body!~error", "json./id exists"}));
      EXPECT_EQ(event["body"], R"({"error": "database down"})");
    }
  }
  EXPECT_EQ(shipped, 20u);
}

// Thresholds on checks: checks>=99% fails (exit 3, 97.5% of all four checks' evaluations
// passed), check.1==100% and check.2>=180 pass; a threshold naming a check the run lacks is one
// line and exit 2.
TEST_F(ChecksTest, ThresholdsOnChecks) {
  RecordingServer server(api);
  ProcessResult printed;
  auto summary =
      run_ccload_json({"run", server.url("/"), "-n", "100", "-c", "1", "--check", "status==200",
                       "--check", "body!~error", "--fail-on", "checks>=99%", "--fail-on",
                       "check.1==100%", "--fail-on", "check.2>=90", "--no-store"},
                      dir.path(), &printed);
  EXPECT_EQ(printed.exit_code, 3) << printed.err;
  ASSERT_EQ(summary["thresholds"].size(), 3u) << summary.dump();
  EXPECT_FALSE(summary["thresholds"][0]["passed"]);
  EXPECT_DOUBLE_EQ(summary["thresholds"][0]["measured"].get<double>(), 95.0);
  EXPECT_TRUE(summary["thresholds"][1]["passed"]);
  EXPECT_TRUE(summary["thresholds"][2]["passed"]);
  const ProcessResult missing = run_ccload({"run", server.url("/"), "-n", "5", "--check",
                                            "status==200", "--fail-on", "check.2>=1", "--no-store"},
                                           dir.path());
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("the run has 1 --check"), std::string::npos) << missing.err;
  EXPECT_EQ(server.request_count(), 100u) << "the refused run sent nothing";
}

// The same checks over HTTP/2 and pipelined HTTP/1.1 against ccload's own server, and a body
// beyond --body-cap failing the check that reads it (size checks count the whole body).
TEST_F(ChecksTest, Http2PipelinedAndTheBodyCap) {
  ServeProcess server;
  for (const std::vector<std::string>& mode :
       {std::vector<std::string>{"--http2", "--streams", "4"},
        std::vector<std::string>{"--pipeline", "8"}}) {
    std::vector<std::string> args = {"run",       server.base_url() + "/anything/x",
                                     "-n",        "100",
                                     "-c",        "2",
                                     "--check",   R"(json./path=="/anything/x")",
                                     "--check",   "header.content-type~^application/json",
                                     "--check",   "status!=500",
                                     "--no-store"};
    args.insert(args.end(), mode.begin(), mode.end());
    auto summary = run_ccload_json(args, dir.path());
    EXPECT_EQ(summary["requests"]["succeeded"], 100) << mode.front() << summary.dump();
    for (const auto& c : summary["checks"]) {
      EXPECT_EQ(c["passed"], 100) << mode.front() << ": " << c.dump();
    }
  }
  auto capped = run_ccload_json(
      {"run", server.base_url() + "/bytes/5000", "-n", "10", "-c", "1", "--check", "body~.",
       "--check", "size==5000", "--body-cap", "1000", "--db", (dir / "capped.db").string()},
      dir.path());
  EXPECT_EQ(capped["checks"][0]["failed"], 10) << capped.dump();
  EXPECT_EQ(capped["checks"][1]["passed"], 10) << capped.dump();
  EXPECT_EQ(capped["errors"]["check"], 10);
  // The cap is said in a sentence, in the run's findings and in its stored report alike.
  const std::string sentence =
      "10 responses failed their checks because each one's body was longer than --body-cap (1000 "
      "bytes)";
  EXPECT_NE(capped["findings"].dump().find(sentence), std::string::npos) << capped["findings"];
  const ProcessResult stored =
      run_ccload({"report", "last", "--db", (dir / "capped.db").string()}, dir.path());
  EXPECT_EQ(stored.exit_code, 0) << stored.err;
  EXPECT_NE(stored.out.find(sentence), std::string::npos) << stored.out;
}

// What a check cannot be is one line, exit 2, nothing sent.
TEST_F(ChecksTest, BadChecksAreOneLine) {
  RecordingServer server;
  for (const auto& [check, says] :
       std::vector<std::pair<std::string, std::string>>{{"bogus", "not a check; the forms are"},
                                                        {"body~(", "does not compile"},
                                                        {"json.id exists", "not a JSON Pointer"}}) {
    const ProcessResult r =
        run_ccload({"run", server.url("/"), "-n", "5", "--check", check, "--no-store"}, dir.path());
    EXPECT_EQ(r.exit_code, 2) << check;
    EXPECT_NE(r.err.find(says), std::string::npos) << check << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
  EXPECT_EQ(server.request_count(), 0u);
}

}  // namespace
}  // namespace ccload::test
