#include "app/run_plan.hpp"

#include <gtest/gtest.h>

namespace ccload::app {
namespace {

cli::RunCommand command_for(std::string url) {
  cli::RunCommand command;
  command.urls = {std::move(url)};
  return command;
}

TEST(PlanRun, CommandLineAndSettingsBecomeOnePlan) {
  cli::RunCommand command = command_for("https://api.example:8443/v1/items?x=1");
  command.method = "POST";
  command.body = R"({"a": 1})";
  command.requests = 500;
  command.concurrency = 20;
  command.rate = 250;
  command.json_path = "-";
  command.thresholds = stats::parse_thresholds("p95<200ms");
  config::Settings settings;
  settings.database_path = "runs.db";
  settings.timeout_s = 7;
  const RunPlan plan = plan_run(command, settings);
  ASSERT_EQ(plan.engine.targets.size(), 1u);
  EXPECT_EQ(plan.engine.targets[0].url, "https://api.example:8443/v1/items?x=1");
  EXPECT_EQ(plan.engine.targets[0].method, "POST");
  EXPECT_EQ(plan.engine.targets[0].body, R"({"a": 1})");
  EXPECT_EQ(plan.engine.targets[0].content_type, "application/json");
  EXPECT_EQ(plan.engine.max_redirects, 10u);
  EXPECT_EQ(plan.facts.targets,
            (std::vector<TargetName>{{"POST", "https://api.example:8443/v1/items?x=1"}}));
  EXPECT_EQ(plan.engine.requests, 500u);
  EXPECT_DOUBLE_EQ(*plan.engine.rate, 250);
  EXPECT_DOUBLE_EQ(plan.engine.timeout_s, 7) << "the configuration's timeout";
  EXPECT_EQ(plan.facts.requested, 500u);
  EXPECT_EQ(plan.facts.concurrency, 20u);
  EXPECT_EQ(plan.facts.rate, 250);
  EXPECT_FALSE(plan.facts.duration_limit_s.has_value());
  EXPECT_EQ(plan.database, "runs.db");
  EXPECT_FALSE(plan.shipping.has_value()) << "no token, no Loki: nothing to ship";
  EXPECT_EQ(plan.outputs.json, "-");
  ASSERT_EQ(plan.thresholds.size(), 1u);
}

TEST(PlanRun, FlagsWinOverTheConfiguration) {
  cli::RunCommand command = command_for("http://h/");
  command.timeout_s = 0.5;
  command.database = "flag.db";
  config::Settings settings;
  settings.timeout_s = 30;
  settings.database_path = "config.db";
  const RunPlan plan = plan_run(command, settings);
  EXPECT_DOUBLE_EQ(plan.engine.timeout_s, 0.5);
  EXPECT_EQ(plan.database, "flag.db");
  command.no_store = true;
  EXPECT_FALSE(plan_run(command, settings).database.has_value());
}

TEST(PlanRun, ADurationBoundsTheRunInsteadOfACount) {
  cli::RunCommand command = command_for("http://h/");
  command.requests = 0;
  command.duration_s = 30;
  const RunPlan plan = plan_run(command, {});
  EXPECT_FALSE(plan.engine.requests.has_value());
  EXPECT_DOUBLE_EQ(*plan.engine.duration_s, 30);
  EXPECT_FALSE(plan.facts.requested.has_value());
  EXPECT_EQ(plan.facts.duration_limit_s, 30);
}

TEST(PlanRun, BasicAuthFromTheConfigurationUnlessAnAuthorizationHeaderIsGiven) {
  config::Settings settings;
  settings.username = "user";
  settings.password = "pa:ss";
  cli::RunCommand command = command_for("http://h/");
  RunPlan plan = plan_run(command, settings);
  ASSERT_EQ(plan.engine.targets[0].headers.size(), 1u);
  EXPECT_EQ(plan.engine.targets[0].headers[0].first, "Authorization");
  EXPECT_EQ(plan.engine.targets[0].headers[0].second,
            "Basic dXNlcjpwYTpzcw==");  // base64("user:pa:ss")
  command.headers = {{"authorization", "Bearer t"}};
  plan = plan_run(command, settings);
  ASSERT_EQ(plan.engine.targets[0].headers.size(), 1u);
  EXPECT_EQ(plan.engine.targets[0].headers[0].second, "Bearer t");
}

TEST(PlanRun, SeveralUrlsShareTheCommandLinesRequestAndCMustCoverTheirOrigins) {
  cli::RunCommand command = command_for("http://a:1/x");
  command.urls.push_back("http://b:2/y");
  command.urls.push_back("http://a:1/z");
  command.method = "PUT";
  command.headers = {{"X-K", "v"}};
  command.concurrency = 2;
  RunPlan plan = plan_run(command, {});
  ASSERT_EQ(plan.engine.targets.size(), 3u);
  for (const auto& target : plan.engine.targets) {
    EXPECT_EQ(target.method, "PUT");
    EXPECT_EQ(target.headers, (HeaderList{{"X-K", "v"}}));
  }
  EXPECT_EQ(plan.facts.url, "http://a:1/x");
  EXPECT_EQ(plan.facts.targets.size(), 3u);
  command.concurrency = 1;
  try {
    plan_run(command, {});
    ADD_FAILURE() << "one connection for two origins";
  } catch (const cli::UsageError& error) {
    EXPECT_NE(std::string(error.what()).find("give -c 2 or more"), std::string::npos)
        << error.what();
  }
}

TEST(PlanRun, FileTargetsKeepTheirOwnRequestAndGetTheCommandLinesHeaders) {
  cli::RunCommand command;
  command.file_targets = {{"POST", "http://a/1", {{"X-A", "1"}}, "body", ""},
                          {"DELETE", "http://a/2", {}, "", ""}};
  command.headers = {{"X-All", "y"}};
  RunPlan plan = plan_run(command, {});
  ASSERT_EQ(plan.engine.targets.size(), 2u);
  EXPECT_EQ(plan.engine.targets[0].headers, (HeaderList{{"X-A", "1"}, {"X-All", "y"}}));
  EXPECT_EQ(plan.engine.targets[0].body, "body");
  EXPECT_EQ(plan.engine.targets[0].content_type, "") << "a file's body is sent as written";
  EXPECT_EQ(plan.engine.targets[1].method, "DELETE");
  EXPECT_EQ(plan.facts.method, "POST");
}

TEST(PlanRun, ShippingWhenATokenOrLokiIsConfigured) {
  config::Settings settings;
  settings.logtail_token = "secret";
  settings.logtail_url = "https://in.example";
  cli::RunCommand command = command_for("http://h/x");
  command.sink_timeout_s = 3;
  const RunPlan plan = plan_run(command, settings);
  ASSERT_TRUE(plan.shipping.has_value());
  EXPECT_EQ(plan.shipping->logtail_token, "secret");
  EXPECT_DOUBLE_EQ(plan.shipping->flush_timeout_s, 3);
  EXPECT_EQ(plan.shipping->targets, (std::vector<TargetName>{{"GET", "http://h/x"}}));
}

TEST(PlanRun, AnUnusableUrlIsAUsageError) {
  EXPECT_THROW(plan_run(command_for("ftp://h/"), {}), cli::UsageError);
  EXPECT_THROW(plan_run(command_for("no-scheme"), {}), cli::UsageError);
}

}  // namespace
}  // namespace ccload::app

namespace ccload::app {
namespace {

TEST(PlanRun, ShardsShareNAndCExactlyAndKeepOneEvenSchedule) {
  std::uint64_t requests = 0, connections = 0;
  double rate = 0;
  for (unsigned i = 0; i < 3; ++i) {
    cli::RunCommand command;
    command.urls = {"http://h/"};
    command.requests = 1000;
    command.concurrency = 10;
    command.rate = 300;
    command.shard_index = i;
    command.shard_count = 3;
    command.run_name = "x";
    const RunPlan plan = plan_run(command, {});
    requests += *plan.engine.requests;
    connections += plan.engine.concurrency;
    rate += *plan.engine.rate;
    EXPECT_EQ(plan.engine.requests, i == 0 ? 334u : 333u);
    EXPECT_DOUBLE_EQ(plan.shard_delay_s, i / 300.0) << "slot k of shard i is due at (3k + i) / R";
    EXPECT_EQ(plan.facts.shard, i);
    EXPECT_EQ(plan.facts.shards, 3u);
  }
  EXPECT_EQ(requests, 1000u);
  EXPECT_EQ(connections, 10u);
  EXPECT_DOUBLE_EQ(rate, 300);
}

}  // namespace
}  // namespace ccload::app
