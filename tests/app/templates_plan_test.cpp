// Templates in the plan: compiled once (each part with its escaping), the data file, the seed and
// the templates as given in the facts; every bad template is one UsageError line.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "app/run_plan.hpp"
#include "request/run_templates.hpp"

namespace ccload::app {
namespace {

std::shared_ptr<const request::DataSet> users() {
  return std::make_shared<const request::DataSet>(request::parse_data(
      "id,email\n7,\"a\"\"q\"\"@x/y\"\n8,b@x\n", request::DataFormat::csv, "users.csv"));
}

cli::RunCommand command_for(std::string url) {
  cli::RunCommand command;
  command.urls = {std::move(url)};
  command.seed = 42;
  return command;
}

request::EnvLookup fake_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    if (name == "TOKEN") return "s3cret";
    return std::nullopt;
  };
}

std::string plan_error(const cli::RunCommand& command) {
  try {
    (void)plan_run(command, {}, fake_env());
  } catch (const cli::UsageError& error) {
    const std::string message = error.what();
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    return message;
  }
  ADD_FAILURE() << "no usage error";
  return "";
}

TEST(TemplatesPlan, EveryPartIsCompiledOnceWithItsEscaping) {
  cli::RunCommand command = command_for("http://h:8080/u/{{col email}}?n={{seq}}");
  command.method = "POST";
  command.headers = {{"X-Email", "{{col email}}"}, {"Authorization", "Bearer {{env TOKEN}}"}};
  command.body = R"({"email": "{{col email}}"})";
  command.data = users();
  command.data_file = "users.csv";
  command.data_bytes = 30;
  command.data_sha256 = "ab";
  command.data_order = request::RowOrder::random;
  const RunPlan plan = plan_run(command, {}, fake_env());
  ASSERT_TRUE(plan.engine.templates);
  const request::TargetTemplates& t = plan.engine.templates->targets.at(0);
  EXPECT_FALSE(t.is_static);
  EXPECT_EQ(t.first_url, "http://h:8080/u/a%22q%22%40x%2Fy?n=1") << "URL-escaped";
  EXPECT_EQ(t.first_body, R"({"email": "a\"q\"@x/y"})") << "JSON-escaped";
  EXPECT_EQ(t.static_spec.headers[0].second, R"(a"q"@x/y)") << "a header value as it is";
  EXPECT_EQ(t.static_spec.headers[1].second, "Bearer s3cret") << "{{env}} read once";
  EXPECT_EQ(t.where.host_header, "h:8080");
  EXPECT_EQ(plan.engine.seed, 42u);
  EXPECT_EQ(plan.engine.templates->order, request::RowOrder::random);

  EXPECT_EQ(plan.facts.url, "http://h:8080/u/{{col email}}?n={{seq}}") << "named by its template";
  EXPECT_EQ(plan.facts.seed, 42u);
  EXPECT_EQ(plan.facts.data_file, "users.csv");
  EXPECT_EQ(plan.facts.data_bytes, 30u);
  EXPECT_EQ(plan.facts.data_sha256, "ab");
  EXPECT_EQ(plan.facts.data_order, "random");
  const auto stored = nlohmann::json::parse(plan.facts.templates);
  EXPECT_EQ(stored[0]["url"], "http://h:8080/u/{{col email}}?n={{seq}}");
  EXPECT_EQ(stored[0]["headers"]["Authorization"], "Bearer {{env TOKEN}}") << "the field, not "
                                                                              "its value";
  EXPECT_EQ(stored[0]["body"], R"({"email": "{{col email}}"})");
  EXPECT_EQ(plan.facts.templates.find("s3cret"), std::string::npos);
}

TEST(TemplatesPlan, ACredentialFromTheSettingsIsNeverAmongTheStoredTemplates) {
  cli::RunCommand command = command_for("http://h/{{seq}}");
  command.headers = {{"X-Api-Key", "literal-key"}};
  config::Settings settings;
  settings.username = "user";
  settings.password = "pa55word";
  const RunPlan plan = plan_run(command, settings, fake_env());
  EXPECT_EQ(plan.facts.templates, R"([{"url":"http://h/{{seq}}"}])")
      << "header values without fields (and the Authorization of PASSWORD) are not kept";
}

TEST(TemplatesPlan, AStaticRunHasNoTemplatesAndNoSeedInItsFacts) {
  const RunPlan plan = plan_run(command_for("http://h/static"), {}, fake_env());
  EXPECT_FALSE(plan.engine.templates);
  EXPECT_FALSE(plan.facts.seed);
  EXPECT_TRUE(plan.facts.templates.empty());
}

TEST(TemplatesPlan, AJsonContentTypeHeaderMakesATargetsFileBodyJsonEscaped) {
  cli::RunCommand command;
  command.seed = 1;
  command.data = users();
  command.data_file = "users.csv";
  command.file_targets = {{.method = "POST",
                           .url = "http://h/",
                           .headers = {{"Content-Type", "application/vnd.api+json"}},
                           .body = R"({"e": "{{col email}}"})"},
                          {.method = "POST",
                           .url = "http://h/plain",
                           .headers = {{"Content-Type", "text/plain"}},
                           .body = "e={{col email}}"}};
  const RunPlan plan = plan_run(command, {}, fake_env());
  EXPECT_EQ(plan.engine.templates->targets[0].first_body, R"({"e": "a\"q\"@x/y"})");
  EXPECT_EQ(plan.engine.templates->targets[1].first_body, R"(e=a"q"@x/y)");
}

TEST(TemplatesPlan, BadTemplatesAreOneLine) {
  EXPECT_NE(plan_error(command_for("http://h/{{user}}")).find("unknown field {{user}}"),
            std::string::npos);
  EXPECT_NE(plan_error(command_for("http://h/{{seq")).find("never closed"), std::string::npos);
  EXPECT_NE(plan_error(command_for("http://h/{{col id}}")).find("needs a data file (--data"),
            std::string::npos);
  cli::RunCommand missing = command_for("http://h/{{col name}}");
  missing.data = users();
  EXPECT_NE(plan_error(missing).find("no column 'name'; its columns are: id, email"),
            std::string::npos);
  EXPECT_NE(plan_error(command_for("http://h/{{randint 9 1}}")).find("A <= B, not 9 > 1"),
            std::string::npos);
  EXPECT_NE(plan_error(command_for("http://{{seq}}.example/")).find("scheme, host or port"),
            std::string::npos);
  EXPECT_NE(plan_error(command_for("http://h/a b/{{seq}}")).find("filled with the first row"),
            std::string::npos);
  cli::RunCommand unset = command_for("http://h/");
  unset.headers = {{"X-Token", "{{env NOT_SET}}"}};
  EXPECT_NE(plan_error(unset).find("NOT_SET is not set"), std::string::npos);
  cli::RunCommand json = command_for("http://h/");
  json.method = "POST";
  json.body = R"({"email": {{col email}}})";  // a text value outside quotes
  json.data = users();
  EXPECT_NE(plan_error(json).find("-d filled with the first row"), std::string::npos);
  cli::RunCommand header_target = command_for("http://h/");
  header_target.headers = {{"X-Id", "{{uuid"}};
  EXPECT_NE(plan_error(header_target).find("the header X-Id"), std::string::npos);
}

TEST(TemplatesPlan, SeveralTargetsNameTheTargetInMessagesAndShareOneOrigin) {
  cli::RunCommand command;
  command.seed = 3;
  command.urls = {"http://h/a/{{seq}}", "http://h/b/{{nope}}"};
  EXPECT_NE(plan_error(command).find("the URL of target 2"), std::string::npos);
  command.urls = {"http://h/a/{{seq}}", "http://h/b/{{uuid}}"};
  command.concurrency = 1;
  const RunPlan plan = plan_run(command, {}, fake_env());
  EXPECT_EQ(engine::targets_by_origin(plan.engine.targets).size(), 1u) << "one origin: h:80";
}

TEST(TemplatesPlan, OnceInAShardTakesTheShardsShareOfTheRows) {
  cli::RunCommand command = command_for("http://h/{{col id}}");
  command.data = std::make_shared<const request::DataSet>(
      request::parse_data("id\n1\n2\n3\n4\n5\n", request::DataFormat::csv, "five.csv"));
  command.data_order = request::RowOrder::once;
  command.requests = 5;  // the CLI sets n to the rows
  command.concurrency = 2;
  command.shard_index = 1;
  command.shard_count = 2;
  command.run_name = "r";
  const RunPlan plan = plan_run(command, {}, fake_env());
  EXPECT_EQ(plan.engine.requests, request::once_rows(5, 1, 2)) << "rows 1 and 3 of this shard";
  EXPECT_EQ(plan.engine.shard_index, 1u);
  EXPECT_EQ(plan.engine.shard_count, 2u);
}

}  // namespace
}  // namespace ccload::app
