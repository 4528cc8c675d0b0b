// A distributed run without a coordinator: agents started as the Kubernetes manifest starts them
// (its own command and arguments, read from deploy/kubernetes/job.yaml, JOB_COMPLETION_INDEX set),
// meeting in one real PostgreSQL, merged exactly by `ccload report NAME`.

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "server/target_server.hpp"
#include "stats/histogram.hpp"
#include "store/postgres.hpp"
#include "support/ccload_run.hpp"
#include "support/postgres_server.hpp"

namespace ccload::test {
namespace {

using nlohmann::json;

// The manifest's `command` + `args` (JSON arrays on one line each), with $(NAME) replaced from
// `env` as Kubernetes does.
std::vector<std::string> manifest_argv(const std::map<std::string, std::string>& env) {
  std::ifstream file(std::string(CCLOAD_TEST_DATA) + "/../../deploy/kubernetes/job.yaml");
  std::vector<std::string> argv;
  for (std::string line; std::getline(file, line);) {
    const auto key = line.find_first_not_of(' ');
    if (key == std::string::npos) continue;
    for (const char* field : {"command: ", "args: "}) {
      if (line.compare(key, std::strlen(field), field) != 0) continue;
      for (std::string word : json::parse(line.substr(key + std::strlen(field)))) {
        for (const auto& [name, value] : env) {
          const std::string reference = "$(" + name + ")";
          for (auto at = word.find(reference); at != std::string::npos; at = word.find(reference)) {
            word.replace(at, reference.size(), value);
          }
        }
        argv.push_back(word);
      }
    }
  }
  return argv;
}

class DistributedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!pg.installed()) GTEST_SKIP() << pg.why();
    ASSERT_TRUE(pg.available()) << pg.why();
  }
  PostgresServer pg;
  server::TargetServer target{{"127.0.0.1", 0, 2, "", ""}};
  TempDir dir;
};

TEST_F(DistributedTest, TheManifestsAgentsMergeIntoOneExactRun) {
  const std::string database = pg.create_database("shared");
  std::vector<std::string> argv = manifest_argv(
      {{"TARGET_URL", target.base_url() + "/get"}, {"RUN_ID", "checkout-1"}, {"START_AT", "+3s"}});
  ASSERT_GE(argv.size(), 10u);
  ASSERT_EQ(argv[0], "ccload");
  argv[0] = ccload_binary();
  const auto n_at = std::find(argv.begin(), argv.end(), "-n");
  ASSERT_NE(n_at, argv.end());
  *(n_at + 1) = "3000";  // the manifest's 30000, smaller for a test
  // START_AT is one moment for all agents: resolve "+3s" once, as the Job's template does.
  const auto start_at = std::find(argv.begin(), argv.end(), "--start-at");
  ASSERT_NE(start_at, argv.end());
  const std::int64_t start_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count() +
                                3'000'000'000;
  const std::time_t seconds = start_ns / 1'000'000'000;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char stamp[64];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
  *(start_at + 1) = std::string(stamp) + "." +
                    std::to_string((start_ns / 1'000'000) % 1000 + 1000).substr(1) + "Z";

  std::vector<std::thread> agents;
  std::vector<ProcessResult> results(3);
  for (int index = 0; index < 3; ++index) {
    agents.emplace_back([&, index] {
      ProcessOptions options;
      options.cwd = dir.path().string();
      options.env = {{"JOB_COMPLETION_INDEX", std::to_string(index)}, {"DATABASE_URL", database}};
      results[static_cast<std::size_t>(index)] = run_process(argv, options);
    });
  }
  for (auto& agent : agents) agent.join();
  for (const auto& result : results) {
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(result.out.find(PostgresServer::kPassword), std::string::npos);
  }

  ProcessOptions options;
  options.env["DATABASE_URL"] = database;
  ProcessResult report = run_ccload({"report", "checkout-1", "--json", "-"}, dir.path(), options);
  ASSERT_EQ(report.exit_code, 0) << report.err;
  const json merged = json::parse(report.out);
  EXPECT_EQ(merged["requests"]["total"], 3000);
  EXPECT_EQ(merged["requests"]["requested"], 3000);
  EXPECT_EQ(merged["concurrency"], 30);
  EXPECT_EQ(merged["run_name"], "checkout-1");
  ASSERT_EQ(merged["shards"].size(), 3u);
  for (const auto& shard : merged["shards"]) {
    EXPECT_EQ(shard["requests"], 1000);
    ASSERT_TRUE(shard["start_late_s"].is_number());
    // Without --start-at the agents would start 3 s apart from it; 250 ms leaves room for a loaded
    // machine's late wake-ups (a test that fails under load is the test's defect).
    EXPECT_LT(shard["start_late_s"].get<double>(), 0.250) << "started within 250 ms of --start-at";
    EXPECT_GE(shard["start_late_s"].get<double>(), 0.0);
  }
  EXPECT_NE(report.err.find("Shard 2/3: run"), std::string::npos) << report.err;

  // One histogram of every stored row of the run gives the same percentiles, exactly.
  store::sql::PgConnection db(database);
  auto rows = db.prepare(
      "SELECT L.RESPONSETIME FROM LOADTEST L JOIN RUNS R ON L.RUNID = R.RUNID WHERE R.RUN_NAME = "
      "'checkout-1' AND L.STATUS > 0");
  stats::Histogram all;
  while (rows.step()) all.record(std::llround(rows.column_double(0) * 1e9));
  ASSERT_EQ(all.count(), 3000u);
  EXPECT_DOUBLE_EQ(merged["latency"]["total"]["p50"].get<double>(),
                   static_cast<double>(all.value_at_quantile(0.50)) / 1e9);
  EXPECT_DOUBLE_EQ(merged["latency"]["total"]["p99"].get<double>(),
                   static_cast<double>(all.value_at_quantile(0.99)) / 1e9);

  // Thresholds on the merged run: a CI job gates on the whole.
  EXPECT_EQ(run_ccload({"report", "checkout-1", "--fail-on", "requests==3000"}, dir.path(), options)
                .exit_code,
            0);
  EXPECT_EQ(
      run_ccload({"report", "checkout-1", "--fail-on", "rps>1e9"}, dir.path(), options).exit_code,
      3);
}

TEST_F(DistributedTest, AMissingShardIsSaidPlainly) {
  const std::string database = pg.create_database("partial");
  ProcessOptions options;
  options.env["DATABASE_URL"] = database;
  for (const char* shard : {"0/3", "2/3"}) {
    ProcessResult agent = run_ccload({"run", target.base_url() + "/get", "-n", "90", "-c", "3",
                                      "--shard", shard, "--run-id", "part-1"},
                                     dir.path(), options);
    ASSERT_EQ(agent.exit_code, 0) << agent.err;
  }
  ProcessResult report = run_ccload({"report", "part-1", "--json", "-"}, dir.path(), options);
  ASSERT_EQ(report.exit_code, 0) << report.err;
  EXPECT_EQ(json::parse(report.out)["requests"]["total"], 60);
  EXPECT_NE(report.err.find("2 of 3 shards stored"), std::string::npos) << report.err;
  ProcessResult history = run_ccload({"history", "--run", "part-1"}, dir.path(), options);
  EXPECT_EQ(history.exit_code, 0) << history.err;
  EXPECT_NE(history.out.find("Run part-1: GET"), std::string::npos) << history.out;
  EXPECT_NE(history.out.find("Requests 60,"), std::string::npos) << history.out;
  EXPECT_NE(history.out.find("2 of 3 shards stored"), std::string::npos) << history.out;
}

}  // namespace
}  // namespace ccload::test
