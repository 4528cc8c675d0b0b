#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "cli/command.hpp"

namespace ccload::cli {
namespace {

Command parse(std::vector<std::string> args) {
  args.insert(args.begin(), "ccload");
  std::vector<const char*> argv;
  for (const auto& arg : args) argv.push_back(arg.c_str());
  return parse_command_line(static_cast<int>(argv.size()), argv.data());
}

RunCommand parse_run(std::vector<std::string> args) {
  Command command = parse(std::move(args));
  EXPECT_TRUE(std::holds_alternative<RunCommand>(command));
  return std::get<RunCommand>(command);
}

std::string usage_error(std::vector<std::string> args) {
  try {
    parse(std::move(args));
  } catch (const UsageError& error) {
    std::string message = error.what();
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    return message;
  }
  ADD_FAILURE() << "no usage error";
  return "";
}

void expect_same_run(const RunCommand& a, const RunCommand& b) {
  EXPECT_EQ(a.urls, b.urls);
  EXPECT_EQ(a.method, b.method);
  EXPECT_EQ(a.body, b.body);
  EXPECT_EQ(a.requests, b.requests);
  EXPECT_EQ(a.concurrency, b.concurrency);
  EXPECT_EQ(a.headers, b.headers);
}

TEST(ParseCommandLine, SeedAndModernFormsGiveTheSameRun) {
  RunCommand seed = parse_run({"-u", "http://h/get", "-n", "100", "-c", "10", "-GET"});
  RunCommand seed_word =
      parse_run({"ccload", "-u", "http://h/get", "-n", "100", "-c", "10", "-GET"});
  RunCommand modern = parse_run({"run", "http://h/get", "-n", "100", "-c", "10", "-m", "get"});
  EXPECT_TRUE(seed.seed_form);
  EXPECT_FALSE(modern.seed_form);
  expect_same_run(seed, modern);
  expect_same_run(seed_word, modern);
  EXPECT_EQ(seed.urls, std::vector<std::string>{"http://h/get"});
  EXPECT_EQ(seed.requests, 100u);
  EXPECT_EQ(seed.concurrency, 10u);
}

TEST(ParseCommandLine, DurationReplacesTheCountAndRateIsRequestsPerSecond) {
  RunCommand timed = parse_run({"run", "http://h/", "-z", "1.5m", "-c", "400"});
  EXPECT_EQ(timed.requests, 0u) << "no count: the duration ends the run";
  ASSERT_TRUE(timed.duration_s.has_value());
  EXPECT_DOUBLE_EQ(*timed.duration_s, 90.0);
  EXPECT_EQ(timed.concurrency, 400u) << "-c is not capped by a count";
  EXPECT_FALSE(timed.rate.has_value());

  RunCommand paced = parse_run({"run", "http://h/", "--rate", "0.5", "-n", "10", "-c", "2"});
  ASSERT_TRUE(paced.rate.has_value());
  EXPECT_DOUBLE_EQ(*paced.rate, 0.5);
  EXPECT_EQ(paced.requests, 10u);
  EXPECT_FALSE(paced.duration_s.has_value());

  RunCommand seed = parse_run({"-u", "http://h/", "-z", "30s", "-c", "5", "-GET"});
  EXPECT_EQ(seed.requests, 0u);
  EXPECT_DOUBLE_EQ(*seed.duration_s, 30.0);
  EXPECT_TRUE(seed.seed_form);
}

TEST(ParseCommandLine, StagesRampTheRateAndEndTheRun) {
  RunCommand ramp =
      parse_run({"run", "http://h/", "--stages", "30s:100,1m:500,500ms:0", "-c", "9"});
  ASSERT_EQ(ramp.stages.size(), 3u);
  EXPECT_EQ(ramp.stages[0], (Stage{30, 100}));
  EXPECT_EQ(ramp.stages[1], (Stage{60, 500}));
  EXPECT_EQ(ramp.stages[2], (Stage{0.5, 0}));
  EXPECT_EQ(ramp.requests, 0u) << "the stages end the run";
  EXPECT_FALSE(ramp.rate.has_value());
  EXPECT_FALSE(ramp.start_rate.has_value());

  RunCommand from = parse_run({"run", "http://h/", "--stages", "2:0.5", "--start-rate", "10"});
  ASSERT_EQ(from.stages.size(), 1u);
  EXPECT_EQ(from.stages[0], (Stage{2, 0.5}));
  EXPECT_EQ(from.start_rate, 10.0);
  EXPECT_EQ(stages_text(ramp.stages), "30s:100,60s:500,0.5s:0");
}

TEST(ParseCommandLine, SeedPostWithJsonBodyMatchesModern) {
  const std::string body = R"({"title": "Test Post", "userId": 1})";
  RunCommand seed = parse_run({"-u", "http://h/posts", "-n", "20", "-c", "2", "-POST", "-d", body});
  RunCommand modern =
      parse_run({"run", "http://h/posts", "-n", "20", "-c", "2", "-m", "POST", "-d", body});
  expect_same_run(seed, modern);
  EXPECT_EQ(seed.method, "POST");
  EXPECT_EQ(seed.body, body);
}

TEST(ParseCommandLine, EverySeedMethodFlag) {
  for (std::string method : {"GET", "POST", "PUT", "PATCH", "DELETE"}) {
    RunCommand run = parse_run({"-u", "http://h/", "-n", "5", "-c", "1", "-" + method});
    EXPECT_EQ(run.method, method);
  }
}

TEST(ParseCommandLine, HistoryInBothForms) {
  for (auto [seed, modern, period] : {std::tuple{"-weekly", "--weekly", store::Period::weekly},
                                      std::tuple{"-monthly", "--monthly", store::Period::monthly},
                                      std::tuple{"-yearly", "--yearly", store::Period::yearly}}) {
    auto a = std::get<HistoryCommand>(parse({"-history", seed}));
    auto b = std::get<HistoryCommand>(parse({"history", modern}));
    EXPECT_EQ(a.query.period, period);
    EXPECT_EQ(b.query.period, period);
  }
  auto plain = std::get<HistoryCommand>(parse({"-history"}));
  EXPECT_EQ(plain.query.period, store::Period::none);
  EXPECT_EQ(plain.query.limit, 20);
  auto limited =
      std::get<HistoryCommand>(parse({"history", "--limit", "5", "--url", "x", "--run", "7"}));
  EXPECT_EQ(limited.query.limit, 5);
  EXPECT_EQ(limited.query.url_contains, "x");
  EXPECT_EQ(limited.query.run_id, 7);
}

TEST(ParseCommandLine, HistoryOutputsAndTolerance) {
  auto h = std::get<HistoryCommand>(
      parse({"history", "--weekly", "--json", "-", "--html", "h.html", "--tolerance", "25%"}));
  EXPECT_EQ(h.json_path, "-");
  EXPECT_EQ(h.html_path, "h.html");
  EXPECT_DOUBLE_EQ(h.query.tolerance, 0.25);
  EXPECT_DOUBLE_EQ(std::get<HistoryCommand>(parse({"history"})).query.tolerance, 0.10);
  auto seed = std::get<HistoryCommand>(parse({"-history", "-monthly", "--html", "m.html"}));
  EXPECT_EQ(seed.query.period, store::Period::monthly);
  EXPECT_EQ(seed.html_path, "m.html");
  for (const std::vector<std::string>& bad : {std::vector<std::string>{"history", "--html", "-"},
                                              {"history", "--json", "same", "--html", "same"},
                                              {"history", "--run", "3", "--json", "-"},
                                              {"history", "--tolerance", "lots"}}) {
    EXPECT_THROW(parse(bad), UsageError) << bad.back();
  }
}

TEST(ParseCommandLine, ModernDefaultsAreHeys) {
  RunCommand run = parse_run({"run", "http://h/"});
  EXPECT_EQ(run.requests, 200u);
  EXPECT_EQ(run.concurrency, 50u);
  EXPECT_EQ(run.method, "GET");
  RunCommand few = parse_run({"run", "http://h/", "-n", "10"});
  EXPECT_EQ(few.concurrency, 10u) << "an implicit -c is lowered to -n";
}

TEST(ParseCommandLine, ModernOptions) {
  RunCommand run = parse_run({"run", "https://h/x", "-H", "X-Key: v 1", "-H", "Accept:text/plain",
                              "--timeout", "250ms", "--insecure", "--details", "--json", "-",
                              "--db", "other.db", "--no-store", "--threads", "3"});
  ASSERT_EQ(run.headers.size(), 2u);
  EXPECT_EQ(run.headers[0], (std::pair<std::string, std::string>{"X-Key", "v 1"}));
  EXPECT_EQ(run.headers[1], (std::pair<std::string, std::string>{"Accept", "text/plain"}));
  EXPECT_DOUBLE_EQ(*run.timeout_s, 0.25);
  EXPECT_TRUE(run.insecure);
  EXPECT_TRUE(run.details);
  EXPECT_EQ(run.json_path, "-");
  EXPECT_EQ(*run.database, "other.db");
  EXPECT_TRUE(run.no_store);
  EXPECT_EQ(run.threads, 3u);
}

TEST(ParseCommandLine, BodyFromFile) {
  auto path = std::filesystem::temp_directory_path() / "ccload_parse_body.json";
  std::ofstream(path) << R"({"from": "file"})";
  RunCommand run = parse_run({"run", "http://h/", "-m", "POST", "-d", "@" + path.string()});
  EXPECT_EQ(run.body, R"({"from": "file"})");
  std::filesystem::remove(path);
}

TEST(ParseCommandLine, Durations) {
  EXPECT_DOUBLE_EQ(parse_duration("5s", "x"), 5);
  EXPECT_DOUBLE_EQ(parse_duration("1.5", "x"), 1.5);
  EXPECT_DOUBLE_EQ(parse_duration("200ms", "x"), 0.2);
  EXPECT_DOUBLE_EQ(parse_duration("2m", "x"), 120);
  EXPECT_DOUBLE_EQ(parse_duration("0", "x"), 0);
  EXPECT_THROW(parse_duration("abc", "x"), UsageError);
  EXPECT_THROW(parse_duration("-1", "x"), UsageError);
  EXPECT_THROW(parse_duration("5 parsecs", "x"), UsageError);
}

TEST(ParseCommandLine, HelpAndVersionAreInfo) {
  auto help = std::get<InfoCommand>(parse({"--help"}));
  EXPECT_NE(help.text.find("-u URL -n 100 -c 10 -GET"), std::string::npos);
  EXPECT_NE(help.text.find("run"), std::string::npos);
  auto run_help = std::get<InfoCommand>(parse({"run", "--help"}));
  for (const char* option : {"--requests", "--concurrency", "--method", "--data", "--header",
                             "--timeout", "--insecure", "--cacert", "--details", "--json"}) {
    EXPECT_NE(run_help.text.find(option), std::string::npos) << option;
  }
  auto version = std::get<InfoCommand>(parse({"--version"}));
  EXPECT_EQ(version.text, "ccload " CCLOAD_VERSION "\n") << "the version of project() in CMake";
}

struct BadInput {
  std::vector<std::string> args;
  std::string expected;  // a fragment of the one-line message
};

class BadInputTest : public ::testing::TestWithParam<BadInput> {};

TEST_P(BadInputTest, IsOneClearLine) {
  std::string message = usage_error(GetParam().args);
  EXPECT_NE(message.find(GetParam().expected), std::string::npos) << message;
}

INSTANTIATE_TEST_SUITE_P(
    ParseCommandLine, BadInputTest,
    ::testing::Values(
        BadInput{{}, "-u URL"},
        BadInput{{"-n", "10", "-c", "1", "-GET"}, "missing -u URL or -history"},
        BadInput{{"-u", "http://h/", "-history"}, "cannot be used together"},
        BadInput{{"-u", "http://h/", "-c", "1", "-GET"}, "-n (the number of requests) is required"},
        BadInput{{"run", "http://h/", "-n", "10", "-z", "5s"}, "-n and -z both bound the run"},
        BadInput{{"run", "http://h/", "-z", "0"}, "longer than 0"},
        BadInput{{"run", "http://h/", "-z", "soon"}, "-z 'soon' is not a duration"},
        BadInput{{"run", "http://h/", "--rate", "0"}, "--rate must be requests per second"},
        BadInput{{"run", "http://h/", "--rate", "-3"}, "--rate"},
        BadInput{{"run", "http://h/", "--rate", "fast"}, "--rate must be requests per second"},
        BadInput{{"run", "http://h/", "--rate", "1e9"}, "at most 10000000"},
        BadInput{{"-u", "http://h/", "-n", "1", "-GET"}, "-c (the number of concurrent"},
        BadInput{{"-u", "http://h/", "-n", "1", "-c", "1"}, "choose the HTTP method"},
        BadInput{{"-u", "http://h/", "-n", "abc", "-c", "1", "-GET"}, "-n must be a whole number"},
        BadInput{{"-u", "http://h/", "-n", "0", "-c", "1", "-GET"}, "-n must be a whole number"},
        BadInput{{"-u", "http://h/", "-n", "-5", "-c", "1", "-GET"}, "-n"},
        BadInput{{"-u", "http://h/", "-n", "10", "-c", "1.5", "-GET"}, "-c must be a whole number"},
        BadInput{{"-u", "http://h/", "-n", "10", "-c", "20", "-GET"},
                 "-c 20 is greater than -n 10"},
        BadInput{{"-u", "http://h/", "-n", "10", "-c", "2", "-GET", "-POST"}, "two HTTP methods"},
        BadInput{{"-u", "http://h/", "-n", "1", "-c", "1", "-POST", "-d", "{bad"},
                 "not valid JSON"},
        BadInput{{"run", "http://h/", "-d", "@/nonexistent/body.json"}, "cannot read the file"},
        BadInput{{"run", "http://h/", "-H", "NoColonHere"}, "is not a header"},
        BadInput{{"run", "http://h/", "--timeout", "soon"}, "is not a duration"},
        BadInput{{"run"}, "missing the URL"}, BadInput{{"run", "http://h/", "--bogus"}, "--bogus"},
        BadInput{{"history", "--weekly", "--monthly"}, "excludes"},
        BadInput{{"run", "http://h/", "--insecure", "--cacert", "x.pem"}, "contradict"},
        BadInput{{"run", "http://h/", "--stages", "30s"}, "--stages '30s' cannot be read"},
        BadInput{{"run", "http://h/", "--stages", "30s:100,"}, "cannot be read"},
        BadInput{{"run", "http://h/", "--stages", "soon:100"}, "'soon' is not a duration"},
        BadInput{{"run", "http://h/", "--stages", "30s:lots"}, "'lots' is not a rate"},
        BadInput{{"run", "http://h/", "--stages", "30s:-5"}, "has a negative rate"},
        BadInput{{"run", "http://h/", "--stages", "0s:100"}, "lasts no time"},
        BadInput{{"run", "http://h/", "--stages", "1s:1", "--rate", "5"}, "--stages and --rate"},
        BadInput{{"run", "http://h/", "--stages", "1s:1", "-n", "5"}, "--stages and -n"},
        BadInput{{"run", "http://h/", "--stages", "1s:1", "-z", "5s"}, "--stages and -z"},
        BadInput{{"run", "http://h/", "--start-rate", "5"}, "--start-rate is where --stages"},
        BadInput{{"run", "http://h/", "--stages", "1s:1", "--start-rate", "-1"},
                 "--start-rate must be"}));

}  // namespace
}  // namespace ccload::cli

namespace ccload::cli {
namespace {

std::string write_targets(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / name;
  std::ofstream(path) << text;
  return path.string();
}

TEST(ParseCommandLine, BaselinesAndRegressionGates) {
  const RunCommand first = parse_run({"run", "http://h/", "--baseline", "last"});
  EXPECT_EQ(first.baseline, "last");
  EXPECT_FALSE(first.baseline_required);
  const RunCommand required = parse_run({"run", "http://h/", "--baseline", "last-any",
                                         "--baseline-required", "--fail-on-regression"});
  EXPECT_EQ(required.baseline, "last-any");
  EXPECT_TRUE(required.baseline_required);
  EXPECT_TRUE(required.fail_on_regression);
  EXPECT_NE(usage_error({"run", "http://h/", "--baseline-required"}).find("add --baseline last"),
            std::string::npos);

  const Command gate = parse({"compare", "1", "2", "--fail-on-regression"});
  ASSERT_TRUE(std::holds_alternative<CompareCommand>(gate));
  EXPECT_TRUE(std::get<CompareCommand>(gate).fail_on_regression);
  EXPECT_FALSE(std::get<CompareCommand>(parse({"compare", "1", "2"})).fail_on_regression);
}

TEST(ParseTargets, SeveralUrlsOnTheCommandLineKeepTheirOrder) {
  RunCommand run = parse_run({"run", "http://a/1", "http://b/2", "http://a/3", "-n", "9"});
  EXPECT_EQ(run.urls, (std::vector<std::string>{"http://a/1", "http://b/2", "http://a/3"}));
  EXPECT_TRUE(run.file_targets.empty());
  EXPECT_EQ(run.max_redirects, 10u);
}

TEST(ParseTargets, RepeatableOptionsTakeOneValueAndLeaveTheUrlsAlone) {
  RunCommand run = parse_run(
      {"run", "-H", "X-A: 1", "http://a/1", "--fail-on", "p95<1s", "http://b/2", "-H", "X-B: 2"});
  EXPECT_EQ(run.urls, (std::vector<std::string>{"http://a/1", "http://b/2"}));
  EXPECT_EQ(run.headers.size(), 2u);
  EXPECT_EQ(run.thresholds.size(), 1u);
  Command report = parse({"report", "--fail-on", "p95<1s", "7"});
  ASSERT_TRUE(std::holds_alternative<ReportCommand>(report));
  EXPECT_EQ(std::get<ReportCommand>(report).run, "7");
}

TEST(ParseTargets, MaxRedirectsTakesZeroToTurnThemOff) {
  EXPECT_EQ(parse_run({"run", "http://a/", "--max-redirects", "0"}).max_redirects, 0u);
  EXPECT_EQ(parse_run({"run", "http://a/", "--max-redirects", "3"}).max_redirects, 3u);
  const std::string message = usage_error({"run", "http://a/", "--max-redirects", "x"});
  EXPECT_NE(message.find("--max-redirects"), std::string::npos) << message;
}

TEST(ParseTargets, SeedFormTakesAFileInsteadOfUrlAndMethod) {
  const std::string path =
      write_targets("ccload_parse_targets.txt", "GET http://a/1\n\nPOST http://b/2\nX-K: v\n");
  RunCommand run = parse_run({"-f", path, "-n", "10", "-c", "2", "-H", "X-All: 1"});
  EXPECT_TRUE(run.seed_form);
  ASSERT_EQ(run.file_targets.size(), 2u);
  EXPECT_EQ(run.file_targets[1].method, "POST");
  EXPECT_EQ(run.file_targets[1].url, "http://b/2");
  EXPECT_TRUE(run.urls.empty());
  EXPECT_EQ(run.headers.size(), 1u);
}

TEST(ParseTargets, BadCombinationsAreOneLineErrors) {
  const std::string path = write_targets("ccload_parse_targets2.txt", "GET http://a/1\n");
  EXPECT_NE(usage_error({"run", "http://a/", "-f", path}).find("-f"), std::string::npos);
  EXPECT_NE(usage_error({"-f", path, "-n", "10", "-c", "2", "-GET"}).find("drop -GET"),
            std::string::npos);
  EXPECT_NE(usage_error({"run", "-f", path, "-d", "{}"}).find("@PATH"), std::string::npos);
  EXPECT_NE(usage_error({"run", "-f", path, "-m", "POST"}).find("drop -m"), std::string::npos);
  EXPECT_NE(usage_error({"run", "http://a/", "ftp://b/"}).find("ftp"), std::string::npos);
  EXPECT_NE(usage_error({"run", "-f", "/nonexistent/targets.txt"}).find("/nonexistent/targets.txt"),
            std::string::npos);
  const std::string body = usage_error({"run", "http://a/", "http://b/", "-d", "not json"});
  EXPECT_NE(body.find("-d is not valid JSON"), std::string::npos) << body;
}

TEST(ParseCommandLine, ImportTakesFallbackFilesInOrderAndADatabase) {
  auto one = std::get<ImportCommand>(parse({"import", "a.ndjson"}));
  EXPECT_EQ(one.files, std::vector<std::string>{"a.ndjson"});
  EXPECT_FALSE(one.database);
  auto two = std::get<ImportCommand>(parse({"import", "b.ndjson", "a.ndjson", "--db", "x.db"}));
  EXPECT_EQ(two.files, (std::vector<std::string>{"b.ndjson", "a.ndjson"}));
  EXPECT_EQ(two.database, "x.db");
  EXPECT_NE(usage_error({"import"}).find("files"), std::string::npos);
  EXPECT_NE(std::get<InfoCommand>(parse({"--help"})).text.find("ccload import FILE"),
            std::string::npos);
}

}  // namespace
}  // namespace ccload::cli

namespace ccload::cli {
namespace {

// Every option of the seed form with its value detached (-n 5), attached (-n5) and after '='
// (-n=5), as PyLoad's argparse takes them: the same run each way.
TEST(SeedForm, EveryOptionTakesItsValueDetachedAttachedOrAfterEquals) {
  const std::string body = R"({"a": "b=c"})";
  const std::vector<std::pair<std::string, std::string>> options = {
      {"-u", "http://h/x?q=1"}, {"-n", "5"},   {"-c", "2"}, {"-d", body},
      {"-H", "X-K: v"},         {"-z", "1.5s"}};
  auto run_with = [&](int style, const std::string& skip) {
    std::vector<std::string> args = {"ccload", "-POST"};
    for (const auto& [flag, value] : options) {
      if (flag == skip) continue;
      if (style == 0) {
        args.push_back(flag);
        args.push_back(value);
      } else {
        args.push_back(flag + (style == 2 ? "=" : "") + value);
      }
    }
    return parse_run(args);
  };
  for (const std::string skip : {"-n", "-z"}) {  // -n and -z both bound the run: one at a time
    const RunCommand detached = run_with(0, skip);
    EXPECT_TRUE(detached.seed_form);
    EXPECT_EQ(detached.urls, std::vector<std::string>{"http://h/x?q=1"});
    EXPECT_EQ(detached.concurrency, 2u);
    EXPECT_EQ(detached.body, body);
    EXPECT_EQ(detached.method, "POST");
    ASSERT_EQ(detached.headers.size(), 1u);
    EXPECT_EQ(detached.headers[0].second, "v");
    if (skip == "-z") {
      EXPECT_EQ(detached.requests, 5u);
    } else {
      EXPECT_DOUBLE_EQ(detached.duration_s.value_or(0), 1.5);
    }
    for (int style : {1, 2}) {
      const RunCommand attached = run_with(style, skip);
      expect_same_run(attached, detached);
      EXPECT_EQ(attached.duration_s, detached.duration_s) << style;
    }
  }
  const std::string path = write_targets("ccload_seed_attached.txt", "GET http://a/1\n");
  for (const std::string& f : {std::string("-f") + path, "-f=" + path}) {
    const RunCommand run = parse_run({"-n10", f, "-c1"});
    ASSERT_EQ(run.file_targets.size(), 1u) << f;
    EXPECT_EQ(run.file_targets[0].url, "http://a/1");
    EXPECT_EQ(run.requests, 10u);
  }
}

// What looks like an attached value but is not one stays as it is: the method flags (-HEAD is not
// -H EAD), the history flags (-monthly is not -m onthly), the value of an option given on its own
// (-d -5 is the JSON number -5), and everything after --.
TEST(SeedForm, FlagsAndDetachedValuesAreNotSplit) {
  const RunCommand head = parse_run({"-u", "http://h/", "-n", "3", "-c", "1", "-HEAD"});
  EXPECT_EQ(head.method, "HEAD");
  EXPECT_TRUE(head.headers.empty());
  const RunCommand negative =
      parse_run({"-u", "http://h/", "-n", "3", "-c", "1", "-POST", "-d", "-5"});
  EXPECT_EQ(negative.body, "-5");
  const RunCommand options = parse_run({"-uhttp://h/", "-n3", "-c1", "-OPTIONS"});
  EXPECT_EQ(options.method, "OPTIONS");
  auto monthly = std::get<HistoryCommand>(parse({"-history", "-monthly"}));
  EXPECT_EQ(monthly.query.period, store::Period::monthly);
  EXPECT_NE(usage_error({"-uhttp://h/", "-history"}).find("cannot be used together"),
            std::string::npos);
  EXPECT_NE(usage_error({"-uhttp://h/", "-c1", "-GET"}).find("-n (the number of requests)"),
            std::string::npos);
  EXPECT_NE(usage_error({"-uhttp://h/", "-n5", "-GET"}).find("-c (the number of concurrent"),
            std::string::npos);
}

// -s FILE: a readable script for one URL; the words after `--` are its init(args), never options
// (wrk's `-s FILE URL -- ARGS`), and without -s they are refused.
TEST(ParseCommandLine, ScriptTakesTheWordsAfterTheDashes) {
  const auto path = std::filesystem::temp_directory_path() / "ccload-parse-script.lua";
  std::ofstream(path) << "-- a script\n";
  const std::string script = path.string();
  RunCommand run =
      parse_run({"run", "-s", script, "http://h/", "-n", "5", "--", "-n", "--json", "x", "--"});
  EXPECT_EQ(run.script_path, script);
  EXPECT_EQ(run.script_args, (std::vector<std::string>{"-n", "--json", "x", "--"}));
  EXPECT_EQ(run.requests, 5u);
  EXPECT_EQ(parse_run({"run", "--script", script, "http://h/", "-n", "5"}).script_path, script);
  // The seed's form takes it too.
  EXPECT_EQ(parse_run({"-u", "http://h/", "-n", "5", "-c", "1", "-GET", "-s", script}).script_path,
            script);
  EXPECT_NE(usage_error({"run", "http://h/", "-n", "5", "--", "a"}).find("add -s FILE"),
            std::string::npos);
  EXPECT_NE(usage_error({"run", "-s", "/nonexistent/x.lua", "http://h/"})
                .find("-s /nonexistent/x.lua: the script cannot be read"),
            std::string::npos);
  EXPECT_NE(usage_error({"run", "-s", script, "http://h/a", "http://h/b"}).find("exactly one URL"),
            std::string::npos);
  EXPECT_NE(usage_error({"run", "-s", script, "http://h/{{seq}}"}).find("template fields"),
            std::string::npos);
  std::filesystem::remove(path);
}

// --check takes one expression each time (the URL after it stays the URL), compiled in order;
// --body-cap is a positive byte count; a threshold on checks needs the checks it names.
TEST(ParseCommandLine, ChecksAreCompiledInOrderAndThresholdsOnThemNeedThem) {
  RunCommand run = parse_run({"run", "--check", "status==201", "--check", "body~ok", "http://h/",
                              "--body-cap", "4096", "--fail-on", "check.2>=99%"});
  EXPECT_EQ(run.urls, std::vector<std::string>{"http://h/"});
  ASSERT_TRUE(run.checks);
  ASSERT_EQ(run.checks->size(), 2u);
  EXPECT_EQ((*run.checks)[0].expr, "status==201");
  EXPECT_EQ((*run.checks)[1].expr, "body~ok");
  EXPECT_EQ(run.body_cap, 4096u);
  EXPECT_FALSE(parse_run({"run", "http://h/"}).checks);
  EXPECT_NE(usage_error({"run", "http://h/", "--check", "status=201"}).find("the forms are"),
            std::string::npos);
  EXPECT_NE(usage_error({"run", "http://h/", "--body-cap", "0"}).find("--body-cap"),
            std::string::npos);
  EXPECT_NE(usage_error({"run", "http://h/", "--fail-on", "checks>=99%"}).find("has 0 --check"),
            std::string::npos);
}

}  // namespace
}  // namespace ccload::cli
