#include "config/settings.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>

#include "config/database_url.hpp"
#include "config/env_file.hpp"

namespace fs = std::filesystem;
using ccload::config::ConfigError;
using ccload::config::load_settings;
using ccload::config::Settings;

namespace {

class SettingsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    dir_ = fs::temp_directory_path() / ("ccload-config-" + std::to_string(rd()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write(const std::string& name, const std::string& text, unsigned mode = 0600) {
    const fs::path path = dir_ / name;
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
    ::chmod(path.c_str(), mode);
    return path;
  }

  Settings load() {
    return load_settings(dir_, [this](const std::string& name) -> std::optional<std::string> {
      auto it = env_.find(name);
      if (it == env_.end()) return std::nullopt;
      return it->second;
    });
  }

  // The message of the ConfigError that load() throws ("" when it does not throw).
  std::string error() {
    try {
      load();
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "";
  }

  fs::path dir_;
  std::map<std::string, std::string> env_;
};

TEST_F(SettingsTest, NoFileMeansDefaults) {
  const Settings s = load();
  EXPECT_EQ(s.database_path, "load.db");
  EXPECT_EQ(s.timeout_s, 30);
  EXPECT_TRUE(s.username.empty());
  EXPECT_TRUE(s.password.empty());
  EXPECT_TRUE(s.logtail_url.empty());
  EXPECT_TRUE(s.logtail_token.empty());
  EXPECT_TRUE(s.loki_url.empty());
  EXPECT_TRUE(s.source.empty());
  EXPECT_TRUE(s.warnings.empty());
}

TEST_F(SettingsTest, ConfigEnvIsPreferredOverDotEnv) {
  write("config.env", "DATABASE_URL=from-config.db\n");
  write(".env", "DATABASE_URL=from-dotenv.db\n");
  const Settings s = load();
  EXPECT_EQ(s.database_path, "from-config.db");
  EXPECT_EQ(s.source, dir_ / "config.env");
}

TEST_F(SettingsTest, DotEnvIsTheFallback) {
  write(".env", "DATABASE_URL=from-dotenv.db\ntimeout=12\n");
  const Settings s = load();
  EXPECT_EQ(s.database_path, "from-dotenv.db");
  EXPECT_EQ(s.timeout_s, 12);
  EXPECT_EQ(s.source, dir_ / ".env");
}

TEST_F(SettingsTest, PyloadConfigWinsOverBothFiles) {
  write("config.env", "DATABASE_URL=from-config.db\n");
  write(".env", "DATABASE_URL=from-dotenv.db\n");
  const fs::path custom = write("etc/custom.env", "DATABASE_URL=custom.db\n");
  env_["PYLOAD_CONFIG"] = custom.string();
  EXPECT_EQ(load().database_path, "custom.db");
  env_["PYLOAD_CONFIG"] = "etc/custom.env";  // relative to the working directory
  EXPECT_EQ(load().database_path, "custom.db");
  EXPECT_EQ(load().source, dir_ / "etc/custom.env");
}

TEST_F(SettingsTest, MissingPyloadConfigFileIsAnError) {
  write("config.env", "DATABASE_URL=from-config.db\n");
  env_["PYLOAD_CONFIG"] = (dir_ / "nope.env").string();
  const std::string message = error();
  EXPECT_NE(message.find("PYLOAD_CONFIG"), std::string::npos) << message;
  EXPECT_NE(message.find("nope.env"), std::string::npos) << message;
  EXPECT_NE(message.find("fix"), std::string::npos) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
}

TEST_F(SettingsTest, EnvironmentWinsOverTheFile) {
  write("config.env",
        "DATABASE_URL=file.db\ntimeout=5\nUSERNAME=file-user\nPASSWORD=file-pass\n"
        "LOGTAIL_URL=https://file\nLOGTAIL_TOKEN=file-token\nLOKI_URL=http://file-loki\n");
  env_ = {{"DATABASE_URL", "env.db"},     {"timeout", "7.5"},
          {"USERNAME", "env-user"},       {"PASSWORD", "env-pass"},
          {"LOGTAIL_URL", "https://env"}, {"LOGTAIL_TOKEN", "env-token"},
          {"LOKI_URL", "http://env-loki"}};
  const Settings s = load();
  EXPECT_EQ(s.database_path, "env.db");
  EXPECT_EQ(s.timeout_s, 7.5);
  EXPECT_EQ(s.username, "env-user");
  EXPECT_EQ(s.password, "env-pass");
  EXPECT_EQ(s.logtail_url, "https://env");
  EXPECT_EQ(s.logtail_token, "env-token");
  EXPECT_EQ(s.loki_url, "http://env-loki");
}

TEST_F(SettingsTest, EnvironmentAloneWithoutFile) {
  env_["timeout"] = "0";
  env_["DATABASE_URL"] = "sqlite:///var/lib/ccload/x.db";
  const Settings s = load();
  EXPECT_EQ(s.timeout_s, 0);
  EXPECT_EQ(s.database_path, "/var/lib/ccload/x.db");
}

TEST_F(SettingsTest, FileValuesAreRead) {
  write("config.env",
        "# Database configuration (required)\n"
        "DATABASE_URL=load2.db\n"
        "\n"
        "LOGTAIL_URL=https://logs.betterstack.com\n"
        "LOGTAIL_TOKEN=tok\n"
        "USERNAME=alice\n"
        "PASSWORD=secret\n"
        "timeout=2.5\n"
        "LOKI_URL=http://loki:3100\n");
  const Settings s = load();
  EXPECT_EQ(s.database_path, "load2.db");
  EXPECT_EQ(s.logtail_url, "https://logs.betterstack.com");
  EXPECT_EQ(s.logtail_token, "tok");
  EXPECT_EQ(s.username, "alice");
  EXPECT_EQ(s.password, "secret");
  EXPECT_EQ(s.timeout_s, 2.5);
  EXPECT_EQ(s.loki_url, "http://loki:3100");
  EXPECT_TRUE(s.warnings.empty()) << s.warnings.front();
}

TEST_F(SettingsTest, QuotesCommentsAndExport) {
  write("config.env",
        "export DATABASE_URL=\"my db.sqlite\"   # a comment\n"
        "  export   USERNAME='a#b \"c\"'\n"
        "PASSWORD=p@ss#word # trailing comment\n"
        "LOGTAIL_URL = https://x.example/#frag\n"
        "LOGTAIL_TOKEN=\"with \\\"escaped\\\" quotes\"\n"
        "\t# indented comment\n"
        "timeout='3'\r\n");
  const Settings s = load();
  EXPECT_EQ(s.database_path, "my db.sqlite");
  EXPECT_EQ(s.username, "a#b \"c\"");
  EXPECT_EQ(s.password, "p@ss#word");
  EXPECT_EQ(s.logtail_url, "https://x.example/#frag");
  EXPECT_EQ(s.logtail_token, "with \"escaped\" quotes");
  EXPECT_EQ(s.timeout_s, 3);
  EXPECT_TRUE(s.warnings.empty()) << s.warnings.front();
}

TEST_F(SettingsTest, EmptyValuesAndLastAssignmentWins) {
  write("config.env", "USERNAME=\nUSERNAME=bob\nLOGTAIL_TOKEN=''\n");
  const Settings s = load();
  EXPECT_EQ(s.username, "bob");
  EXPECT_EQ(s.logtail_token, "");
}

TEST_F(SettingsTest, BadTimeoutNamesFileLineAndFix) {
  const fs::path file = write("config.env", "DATABASE_URL=x.db\n# comment\ntimeout=abc\n");
  const std::string message = error();
  EXPECT_NE(message.find(file.string() + ":3:"), std::string::npos) << message;
  EXPECT_NE(message.find("timeout=abc"), std::string::npos) << message;
  EXPECT_NE(message.find("fix"), std::string::npos) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
}

TEST_F(SettingsTest, TimeoutForms) {
  for (const auto& [text, ok, value] :
       std::vector<std::tuple<std::string, bool, double>>{{"30", true, 30},
                                                          {"0", true, 0},
                                                          {"2.5", true, 2.5},
                                                          {"0.05", true, 0.05},
                                                          {"-1", false, 0},
                                                          {"abc", false, 0},
                                                          {"", false, 0},
                                                          {"30s", false, 0},
                                                          {"inf", false, 0},
                                                          {"nan", false, 0},
                                                          {"-0.5", false, 0}}) {
    write("config.env", "timeout=" + text + "\n");
    if (ok) {
      EXPECT_EQ(load().timeout_s, value) << text;
    } else {
      const std::string message = error();
      EXPECT_NE(message.find("config.env:1:"), std::string::npos) << text << ": " << message;
      EXPECT_NE(message.find("timeout"), std::string::npos) << message;
    }
  }
  write("config.env", "timeout=-2\n");
  EXPECT_NE(error().find("negative"), std::string::npos);
}

TEST_F(SettingsTest, BadEnvironmentValueNamesTheVariable) {
  env_["timeout"] = "abc";
  const std::string message = error();
  EXPECT_NE(message.find("environment variable timeout"), std::string::npos) << message;
}

TEST_F(SettingsTest, EmptyDatabaseUrlIsAnError) {
  const fs::path file = write("config.env", "timeout=1\nDATABASE_URL=\n");
  const std::string message = error();
  EXPECT_NE(message.find(file.string() + ":2:"), std::string::npos) << message;
  EXPECT_NE(message.find("DATABASE_URL is empty"), std::string::npos) << message;
  EXPECT_NE(message.find("fix"), std::string::npos) << message;
}

TEST_F(SettingsTest, DatabaseUrlForms) {
  using ccload::config::database_path_from_url;
  EXPECT_EQ(database_path_from_url("load.db"), "load.db");
  EXPECT_EQ(database_path_from_url("/data/load.db"), "/data/load.db");
  EXPECT_EQ(database_path_from_url("sqlite:///data/load.db"), "/data/load.db");
  EXPECT_EQ(database_path_from_url("sqlite://relative/load.db"), "relative/load.db");
  EXPECT_EQ(database_path_from_url("SQLITE://load.db"), "load.db");
  EXPECT_EQ(database_path_from_url("C:load.db"), "C:load.db");  // no "://": a path
  EXPECT_THROW(database_path_from_url(""), std::invalid_argument);
  EXPECT_THROW(database_path_from_url("sqlite://"), std::invalid_argument);
}

TEST_F(SettingsTest, PostgresqlUrlsAreKeptForLibpqAndOtherSchemesRefused) {
  write("config.env", "DATABASE_URL=postgresql://user:hunter2@db.example/load?sslmode=require\n");
  EXPECT_EQ(load().database_path, "postgresql://user:hunter2@db.example/load?sslmode=require");
  write("config.env", "DATABASE_URL=postgres://u@h/d\n");
  EXPECT_EQ(load().database_path, "postgres://u@h/d");
  write("config.env", "DATABASE_URL=mysql://user:hunter2@db.example/load\n");
  const std::string message = error();
  EXPECT_NE(message.find("not supported"), std::string::npos) << message;
  EXPECT_NE(message.find("mysql"), std::string::npos) << message;
  EXPECT_NE(message.find("config.env:1:"), std::string::npos) << message;
  EXPECT_EQ(message.find("hunter2"), std::string::npos) << "credentials leaked: " << message;
}

TEST_F(SettingsTest, UnknownKeyIsAWarning) {
  const fs::path file = write("config.env", "DATABASE_URL=x.db\nFOO=bar\ndatabase_url=y.db\n");
  const Settings s = load();
  EXPECT_EQ(s.database_path, "x.db");
  ASSERT_EQ(s.warnings.size(), 2u);
  EXPECT_NE(s.warnings[0].find(file.string() + ":2:"), std::string::npos) << s.warnings[0];
  EXPECT_NE(s.warnings[0].find("unknown key FOO"), std::string::npos) << s.warnings[0];
  EXPECT_NE(s.warnings[1].find("did you mean DATABASE_URL"), std::string::npos) << s.warnings[1];
  for (const auto& w : s.warnings) EXPECT_EQ(w.find('\n'), std::string::npos);
}

TEST_F(SettingsTest, UpperCaseTimeoutIsAccepted) {
  write("config.env", "TIMEOUT=4\n");
  const Settings s = load();
  EXPECT_EQ(s.timeout_s, 4);
  EXPECT_TRUE(s.warnings.empty());
}

TEST_F(SettingsTest, MalformedLineIsAWarningWithoutTheSecret) {
  write("config.env", "PASSWORD=\"hunter2\nUSERNAME=u\njust some words\n");
  const Settings s = load();
  EXPECT_EQ(s.username, "u");
  ASSERT_EQ(s.warnings.size(), 3u);
  EXPECT_NE(s.warnings[0].find("config.env:1:"), std::string::npos) << s.warnings[0];
  EXPECT_NE(s.warnings[1].find("config.env:3:"), std::string::npos) << s.warnings[1];
  // The malformed line left PASSWORD unset beside USERNAME.
  EXPECT_NE(s.warnings[2].find("USERNAME is set"), std::string::npos) << s.warnings[2];
  for (const auto& w : s.warnings) EXPECT_EQ(w.find("hunter2"), std::string::npos) << w;
}

TEST_F(SettingsTest, SecretsInAReadableFileGetAWarning) {
  const fs::path file = write("config.env", "USERNAME=u\nPASSWORD=hunter2\n", 0644);
  Settings s = load();
  ASSERT_EQ(s.warnings.size(), 1u);
  EXPECT_NE(s.warnings[0].find("PASSWORD"), std::string::npos) << s.warnings[0];
  EXPECT_NE(s.warnings[0].find("readable by other users"), std::string::npos) << s.warnings[0];
  EXPECT_NE(s.warnings[0].find("chmod 600 " + file.string()), std::string::npos) << s.warnings[0];
  EXPECT_EQ(s.warnings[0].find("hunter2"), std::string::npos);

  write("config.env", "LOGTAIL_TOKEN=tok\n", 0640);
  s = load();
  ASSERT_EQ(s.warnings.size(), 1u);
  EXPECT_NE(s.warnings[0].find("LOGTAIL_TOKEN"), std::string::npos) << s.warnings[0];

  // Even when the environment overrides it, the secret is still in the readable file.
  env_["LOGTAIL_TOKEN"] = "other";
  EXPECT_EQ(load().warnings.size(), 1u);
}

TEST_F(SettingsTest, PrivateOrSecretlessFilesGetNoWarning) {
  write("config.env", "USERNAME=u\nPASSWORD=hunter2\nLOGTAIL_TOKEN=tok\n", 0600);
  EXPECT_TRUE(load().warnings.empty());
  env_["PASSWORD"] = "from the environment";  // a user name is no secret
  write("config.env", "DATABASE_URL=x.db\nUSERNAME=alice\n", 0644);
  EXPECT_TRUE(load().warnings.empty());
}

// Basic auth needs both: one without the other is a warning naming where it was set and the fix,
// never the password itself.
TEST_F(SettingsTest, UsernameWithoutPasswordOrTheReverseIsAWarning) {
  write("config.env", "USERNAME=alice\n");
  Settings alone = load();
  ASSERT_EQ(alone.warnings.size(), 1u);
  EXPECT_NE(alone.warnings[0].find("USERNAME is set (in " + (dir_ / "config.env").string() +
                                   ":1) but PASSWORD is not"),
            std::string::npos)
      << alone.warnings[0];
  EXPECT_NE(alone.warnings[0].find("fix: set PASSWORD too, or remove USERNAME"), std::string::npos);

  write("config.env", "# none here\n");
  env_["PASSWORD"] = "s3cret-value";
  Settings reverse = load();
  ASSERT_EQ(reverse.warnings.size(), 1u);
  EXPECT_NE(reverse.warnings[0].find("PASSWORD is set (in the environment) but USERNAME is not"),
            std::string::npos)
      << reverse.warnings[0];
  EXPECT_EQ(reverse.warnings[0].find("s3cret-value"), std::string::npos);

  env_["USERNAME"] = "alice";
  EXPECT_TRUE(load().warnings.empty()) << "both set: Basic auth, no warning";
  env_.clear();
  EXPECT_TRUE(load().warnings.empty()) << "neither set: no warning";
}

TEST(EnvFile, ParsesLinesAndReportsNumbers) {
  const auto file = ccload::config::parse_env("A=1\n\n# c\nexport B = two words # x\nC='q'\nbad\n");
  ASSERT_EQ(file.entries.size(), 3u);
  EXPECT_EQ(file.entries[0].key, "A");
  EXPECT_EQ(file.entries[0].line, 1);
  EXPECT_EQ(file.entries[1].key, "B");
  EXPECT_EQ(file.entries[1].value, "two words");
  EXPECT_EQ(file.entries[1].line, 4);
  EXPECT_EQ(file.entries[2].value, "q");
  ASSERT_EQ(file.problems.size(), 1u);
  EXPECT_EQ(file.problems[0].line, 6);
}

TEST(ProcessEnvironment, ReadsTheRealEnvironment) {
  ::setenv("CCLOAD_TEST_VARIABLE", "value", 1);
  const auto env = ccload::config::process_environment();
  EXPECT_EQ(env("CCLOAD_TEST_VARIABLE"), std::optional<std::string>("value"));
  ::unsetenv("CCLOAD_TEST_VARIABLE");
  EXPECT_EQ(env("CCLOAD_TEST_VARIABLE"), std::nullopt);
}

}  // namespace
