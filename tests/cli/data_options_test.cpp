// --data, --data-order and --seed: the data file is read once (rows, size, SHA-256), once sets n
// to the rows and refuses more, and every bad input is one line.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "cli/command.hpp"
#include "cli/data_file.hpp"

namespace ccload::cli {
namespace {

namespace fs = std::filesystem;

Command parse(std::vector<std::string> args) {
  args.insert(args.begin(), "ccload");
  std::vector<const char*> argv;
  for (const auto& arg : args) argv.push_back(arg.c_str());
  return parse_command_line(static_cast<int>(argv.size()), argv.data());
}

RunCommand parse_run(std::vector<std::string> args) {
  return std::get<RunCommand>(parse(std::move(args)));
}

std::string usage_error(std::vector<std::string> args) {
  try {
    parse(std::move(args));
  } catch (const UsageError& error) {
    const std::string message = error.what();
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    return message;
  }
  ADD_FAILURE() << "no usage error";
  return "";
}

class DataOptions : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ccload-data-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    const fs::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << text;
    return path.string();
  }
  fs::path dir_;
};

TEST_F(DataOptions, TheFileIsReadOnceWithItsSizeAndHash) {
  const std::string users = write("users.csv", "id,email\n1,a@x\n2,b@x\n3,c@x\n");
  const RunCommand run =
      parse_run({"run", "http://h/u/{{col id}}", "--data", users, "--seed", "7", "-n", "9"});
  ASSERT_TRUE(run.data);
  EXPECT_EQ(run.data->rows(), 3u);
  EXPECT_EQ(run.data_file, users);
  EXPECT_EQ(run.data_bytes, 27u);
  // sha256sum of the same 27 bytes.
  EXPECT_EQ(run.data_sha256, "ce83763e4fe7e990797f1511cf0b71c7b1ff87ed236fc7c3887829dd92f65d28");
  EXPECT_EQ(run.data_order, request::RowOrder::sequential);
  EXPECT_EQ(run.seed, 7u);
  EXPECT_TRUE(run.seed_given);
  EXPECT_EQ(run.urls, std::vector<std::string>{"http://h/u/{{col id}}"}) << "a template as given";
}

TEST_F(DataOptions, TheDigestIsSha256) {
  EXPECT_EQ(file_digest(write("abc.csv", "abc")).second,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(file_digest(write("empty.csv", "")).second,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_F(DataOptions, WithoutSeedOneIsDrawn) {
  const RunCommand a = parse_run({"run", "http://h/{{uuid}}"});
  const RunCommand b = parse_run({"run", "http://h/{{uuid}}"});
  EXPECT_FALSE(a.seed_given);
  EXPECT_NE(a.seed, b.seed) << "two draws of 64 bits";
}

TEST_F(DataOptions, OnceSendsEveryRowWithoutN) {
  const std::string users = write("users.jsonl", "{\"id\": 1}\n{\"id\": 2}\n{\"id\": 3}\n");
  const RunCommand run =
      parse_run({"run", "http://h/{{col id}}", "--data", users, "--data-order", "once"});
  EXPECT_EQ(run.data_order, request::RowOrder::once);
  EXPECT_EQ(run.requests, 3u) << "n is the rows";
  EXPECT_EQ(run.concurrency, 3u) << "-c (default 50) at most n";
  const RunCommand fewer =
      parse_run({"run", "http://h/{{col id}}", "--data", users, "--data-order", "once", "-n", "2"});
  EXPECT_EQ(fewer.requests, 2u);
}

TEST_F(DataOptions, BadInputIsOneLine) {
  const std::string users = write("users.csv", "id,email\n1,a@x\n2,b@x\n");
  const std::string ragged = write("ragged.csv", "id,email\n1,a@x\n2\n");
  const std::string empty = write("empty.csv", "");
  const std::string bad_json = write("bad.jsonl", "{\"id\": 1}\n{\"id\": \n");
  const std::string text = write("users.txt", "id\n1\n");
  EXPECT_NE(usage_error({"run", "http://h/", "--data", ragged}).find("ragged.csv line 3"),
            std::string::npos);
  EXPECT_NE(usage_error({"run", "http://h/", "--data", empty}).find("is empty"), std::string::npos);
  EXPECT_NE(usage_error({"run", "http://h/", "--data", bad_json}).find("bad.jsonl line 2"),
            std::string::npos);
  EXPECT_NE(usage_error({"run", "http://h/", "--data", (dir_ / "missing.csv").string()})
                .find("cannot read"),
            std::string::npos);
  EXPECT_NE(usage_error({"run", "http://h/", "--data", text}).find("must end in .csv or .jsonl"),
            std::string::npos);
  EXPECT_NE(usage_error({"run", "http://h/", "--data", "{\"a\": 1}"}).find("-d/--body"),
            std::string::npos)
      << "the old spelling of the body gets pointed to its new one";
  EXPECT_NE(usage_error({"run", "http://h/", "--data", users, "--data-order", "once", "-n", "3"})
                .find("-n 3 is more than the 2 rows"),
            std::string::npos);
  EXPECT_NE(usage_error({"run", "http://h/", "--data", users, "--data-order", "shuffled"})
                .find("use sequential, random or once"),
            std::string::npos);
  EXPECT_NE(usage_error({"run", "http://h/", "--data-order", "random"}).find("add --data FILE"),
            std::string::npos);
  EXPECT_NE(usage_error({"run", "http://h/", "--seed", "-1"}).find("--seed '-1' is not a whole"),
            std::string::npos);
  EXPECT_NE(usage_error({"run", "http://h/", "--seed", "18446744073709551616"}).find("--seed"),
            std::string::npos);
}

TEST_F(DataOptions, ATemplatedBodyIsNotCheckedAsJsonBeforeItIsFilled) {
  const RunCommand run = parse_run({"run", "http://h/", "-m", "POST", "-d", R"({"n": {{seq}}})"});
  EXPECT_EQ(run.body, R"({"n": {{seq}}})");
  EXPECT_NE(usage_error({"run", "http://h/", "-d", "{not json"}).find("not valid JSON"),
            std::string::npos);
  const RunCommand long_form = parse_run({"run", "http://h/", "--body", R"({"a": 1})"});
  EXPECT_EQ(long_form.body, R"({"a": 1})");
}

TEST_F(DataOptions, ATargetsFileMayHoldTemplates) {
  const std::string body = write("body.json", R"({"id": "{{col id}}"})");
  const std::string targets =
      write("targets.txt", "POST http://h/users/{{seq}}\nX-Id: {{uuid}}\n@" + body + "\n");
  const RunCommand run = parse_run({"run", "-f", targets});
  ASSERT_EQ(run.file_targets.size(), 1u);
  EXPECT_EQ(run.file_targets[0].url, "http://h/users/{{seq}}");
  EXPECT_EQ(run.file_targets[0].body, R"({"id": "{{col id}}"})");
}

}  // namespace
}  // namespace ccload::cli
