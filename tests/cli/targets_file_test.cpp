#include "cli/targets_file.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

namespace ccload::cli {
namespace {

namespace fs = std::filesystem;

// Body files for parse_targets: the paths asked for are recorded; unknown paths cannot be read.
struct FakeFiles {
  std::map<std::string, std::string> files;
  std::vector<std::string> asked;

  BodyFileReader reader() {
    return [this](const std::string& path) -> std::optional<std::string> {
      asked.push_back(path);
      auto found = files.find(path);
      if (found == files.end()) return std::nullopt;
      return found->second;
    };
  }
};

std::vector<TargetSpec> parse(std::string_view text, FakeFiles& files) {
  return parse_targets(text, "targets.txt", files.reader());
}

std::vector<TargetSpec> parse(std::string_view text) {
  FakeFiles none;
  return parse(text, none);
}

// The UsageError's message, checked to be one printable line.
std::string message_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const UsageError& error) {
    const std::string message = error.what();
    for (const char c : message) {
      EXPECT_FALSE(static_cast<unsigned char>(c) < 0x20 || c == 0x7f) << message;
    }
    return message;
  }
  ADD_FAILURE() << "no UsageError";
  return "";
}

std::string error_of(std::string_view text, FakeFiles& files) {
  return message_of([&] { parse(text, files); });
}

std::string error_of(std::string_view text) {
  FakeFiles none;
  return error_of(text, none);
}

TEST(TargetsFile, SeveralTargetsWithTheirHeadersInOrder) {
  const auto targets = parse(
      "GET http://127.0.0.1:8080/get\n"
      "X-Api-Key: secret\n"
      "Accept: application/json\n"
      "X-Api-Key: second\n"
      "\n"
      "DELETE https://example.test/items/1?force=true\n"
      "\n"
      "HEAD http://[::1]:9000/\n");
  ASSERT_EQ(targets.size(), 3u);
  EXPECT_EQ(targets[0].method, "GET");
  EXPECT_EQ(targets[0].url, "http://127.0.0.1:8080/get");
  EXPECT_EQ(targets[0].headers,
            (HeaderList{
                {"X-Api-Key", "secret"}, {"Accept", "application/json"}, {"X-Api-Key", "second"}}));
  EXPECT_EQ(targets[0].body, "");
  EXPECT_EQ(targets[1].method, "DELETE");
  EXPECT_EQ(targets[1].url, "https://example.test/items/1?force=true");
  EXPECT_TRUE(targets[1].headers.empty());
  EXPECT_EQ(targets[2].method, "HEAD");
  EXPECT_EQ(targets[2].url, "http://[::1]:9000/");
}

TEST(TargetsFile, EveryMethodOfRunIsAccepted) {
  const auto targets = parse(
      "GET http://h/\n\nPOST http://h/\n\nPUT http://h/\n\nPATCH http://h/\n\n"
      "DELETE http://h/\n\nHEAD http://h/\n\nOPTIONS http://h/\n");
  std::vector<std::string> methods;
  for (const auto& target : targets) methods.push_back(target.method);
  EXPECT_EQ(methods,
            (std::vector<std::string>{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}));
}

TEST(TargetsFile, MethodsAreCaseInsensitiveAndStoredUpperCase) {
  const auto targets = parse("get http://h/a\n\npAtCh http://h/b\n");
  ASSERT_EQ(targets.size(), 2u);
  EXPECT_EQ(targets[0].method, "GET");
  EXPECT_EQ(targets[1].method, "PATCH");
}

TEST(TargetsFile, BodyIsTheExactBytesOfTheFileNamedByTheAtLine) {
  FakeFiles files;
  const std::string bytes("{\"a\": 1}\r\n\0\xff\n\n", 13);
  files.files["bodies/post.json"] = bytes;
  const auto targets = parse(
      "POST http://h/post\n"
      "Content-Type: application/json\n"
      "@bodies/post.json\n"
      "\n"
      "GET http://h/get\n",
      files);
  ASSERT_EQ(targets.size(), 2u);
  EXPECT_EQ(targets[0].body, bytes);
  EXPECT_EQ(targets[0].headers, (HeaderList{{"Content-Type", "application/json"}}));
  EXPECT_EQ(targets[0].content_type, "");
  EXPECT_EQ(targets[1].body, "");
}

TEST(TargetsFile, BodyWithoutHeadersAndPathsAsWritten) {
  FakeFiles files;
  files.files["/abs/body"] = "A";
  files.files["b c.txt"] = "B";
  const auto targets = parse("PUT http://h/1\n@/abs/body\n\nPUT http://h/2\n@ b c.txt \n", files);
  ASSERT_EQ(targets.size(), 2u);
  EXPECT_EQ(targets[0].body, "A");
  EXPECT_EQ(targets[1].body, "B");
  EXPECT_EQ(files.asked, (std::vector<std::string>{"/abs/body", "b c.txt"}));
}

TEST(TargetsFile, CommentsAnywhere) {
  FakeFiles files;
  files.files["body"] = "x";
  const auto targets = parse(
      "# the first target\n"
      "GET http://h/a\n"
      "  # between headers, indented\n"
      "X-A: 1\n"
      "#X-B: 2\n"
      "@body\n"
      "# after the body\n"
      "\n"
      "#GET http://h/commented\n"
      "\n"
      "GET http://h/b\n"
      "# at the end\n",
      files);
  ASSERT_EQ(targets.size(), 2u);
  EXPECT_EQ(targets[0].url, "http://h/a");
  EXPECT_EQ(targets[0].headers, (HeaderList{{"X-A", "1"}}));
  EXPECT_EQ(targets[0].body, "x");
  EXPECT_EQ(targets[1].url, "http://h/b");
}

TEST(TargetsFile, CrlfAndSurroundingWhitespaceAreTolerated) {
  const auto targets = parse(
      "GET   http://h/a \t\r\n"
      "X-A:  one two \t\r\n"
      "  X-B : 2\r\n"
      " \t \r\n"
      "\tPOST\t\thttp://h/b\r\n");
  ASSERT_EQ(targets.size(), 2u);
  EXPECT_EQ(targets[0].url, "http://h/a");
  EXPECT_EQ(targets[0].headers, (HeaderList{{"X-A", "one two"}, {"X-B", "2"}}));
  EXPECT_EQ(targets[1].method, "POST");
  EXPECT_EQ(targets[1].url, "http://h/b");
}

TEST(TargetsFile, RunsOfBlankLinesAndNoTrailingNewline) {
  const auto targets = parse("\n\n  \n\t\nGET http://h/a\n\n\n\n\nGET http://h/b\nX-Last: yes");
  ASSERT_EQ(targets.size(), 2u);
  EXPECT_EQ(targets[0].url, "http://h/a");
  EXPECT_EQ(targets[1].url, "http://h/b");
  EXPECT_EQ(targets[1].headers, (HeaderList{{"X-Last", "yes"}}));
}

TEST(TargetsFile, ByteOrderMarkIsSkipped) {
  const auto targets = parse("\xEF\xBB\xBFGET http://h/a\r\n");
  ASSERT_EQ(targets.size(), 1u);
  EXPECT_EQ(targets[0].method, "GET");
}

TEST(TargetsFile, HeaderSplitsAtTheFirstColonAndMayBeEmpty) {
  const auto targets =
      parse("GET http://h/\nX-Time: 12:30:00\nX-Empty:\nX-Spaces:   \nHost: other.test\n");
  ASSERT_EQ(targets.size(), 1u);
  EXPECT_EQ(
      targets[0].headers,
      (HeaderList{
          {"X-Time", "12:30:00"}, {"X-Empty", ""}, {"X-Spaces", ""}, {"Host", "other.test"}}));
}

TEST(TargetsFile, AMethodAndUrlLineStartsATargetWithoutABlankLine) {
  FakeFiles files;
  files.files["b"] = "body";
  const auto targets = parse(
      "GET http://h/1\n"
      "GET http://h/2\n"
      "X-A: 1\n"
      "post HTTPS://h/3\n"
      "@b\n"
      "DELETE http://h/4\n",
      files);
  ASSERT_EQ(targets.size(), 4u);
  EXPECT_EQ(targets[0].url, "http://h/1");
  EXPECT_TRUE(targets[0].headers.empty());
  EXPECT_EQ(targets[1].url, "http://h/2");
  EXPECT_EQ(targets[1].headers, (HeaderList{{"X-A", "1"}}));
  EXPECT_EQ(targets[2].method, "POST");
  EXPECT_EQ(targets[2].url, "HTTPS://h/3");
  EXPECT_EQ(targets[2].body, "body");
  EXPECT_EQ(targets[3].method, "DELETE");
  EXPECT_EQ(targets[3].body, "");
}

TEST(TargetsFileErrors, NoTargetsAtAll) {
  const std::string expected =
      "-f targets.txt: no targets in it: write one 'METHOD URL' line per target (vegeta's format)";
  EXPECT_EQ(error_of(""), expected);
  EXPECT_EQ(error_of("\n \r\n# only a comment\n\n"), expected);
  EXPECT_EQ(error_of("\xEF\xBB\xBF"), expected);
}

TEST(TargetsFileErrors, UnknownMethod) {
  EXPECT_EQ(error_of("GET http://x/a\n\nFETCH http://x/\n"),
            "targets.txt:3: 'FETCH http://x/' is not 'METHOD URL': the methods are GET, POST, "
            "PUT, PATCH, DELETE, HEAD and OPTIONS");
  EXPECT_EQ(error_of("CONNECT h:443"),
            "targets.txt:1: 'CONNECT h:443' is not 'METHOD URL': the methods are GET, POST, PUT, "
            "PATCH, DELETE, HEAD and OPTIONS");
}

TEST(TargetsFileErrors, NotAMethodAndUrlWhereATargetMustStart) {
  const std::string fix =
      "is not 'METHOD URL': a target starts with a line like 'GET http://host/path', its headers "
      "right below it";
  EXPECT_EQ(error_of("GET http://h/\n\nAccept: json\n"), "targets.txt:3: 'Accept: json' " + fix);
  EXPECT_EQ(error_of("# first\nhttp://h/get\n"), "targets.txt:2: 'http://h/get' " + fix);
  EXPECT_EQ(error_of("GET\n"), "targets.txt:1: 'GET' " + fix);
  EXPECT_EQ(error_of("@body.json\n"), "targets.txt:1: '@body.json' " + fix);
}

TEST(TargetsFileErrors, TextAfterTheUrl) {
  EXPECT_EQ(error_of("GET http://h/a b\n"),
            "targets.txt:1: 'GET http://h/a b' has text after the URL: write 'METHOD URL' alone "
            "on the line (a space in a URL is written %20)");
  // In the headers, a line that starts like a target is one.
  EXPECT_EQ(error_of("GET http://h/a\nX-A: 1\nGET http://h/b HTTP/1.1\n"),
            "targets.txt:3: 'GET http://h/b HTTP/1.1' has text after the URL: write 'METHOD URL' "
            "alone on the line (a space in a URL is written %20)");
}

TEST(TargetsFileErrors, UrlWithoutSchemeOrHost) {
  EXPECT_EQ(error_of("GET http://h/\n\nGET example.com/get\n"),
            "targets.txt:3: the URL 'example.com/get' has no scheme: write it as "
            "http://example.com/get or https://example.com/get");
  EXPECT_EQ(error_of("POST http:///path\n"),
            "targets.txt:1: the URL 'http:///path' has no host: write it as "
            "http://HOST[:PORT]/PATH");
  EXPECT_EQ(error_of("GET ftp://h/file\n"),
            "targets.txt:1: the URL 'ftp://h/file' uses the scheme 'ftp': only http:// and "
            "https:// are supported");
  EXPECT_EQ(error_of("GET http://h:99999/\n"),
            "targets.txt:1: the URL 'http://h:99999/' has an invalid port: use 1-65535");
}

TEST(TargetsFileErrors, HeaderWithoutAColonOrWithABadName) {
  EXPECT_EQ(error_of("GET http://h/\r\nX-A: 1\r\nAccept json\r\n"),
            "targets.txt:3: 'Accept json' is not a header: write it as 'Name: value', or leave a "
            "blank line before the next target");
  const std::string bad_name =
      "is not a header: its name (before the colon) must be letters, digits or "
      "!#$%&'*+-.^_`|~ without spaces, as in 'X-Api-Key: secret'";
  EXPECT_EQ(error_of("GET http://h/\n: value\n"), "targets.txt:2: ': value' " + bad_name);
  EXPECT_EQ(error_of("GET http://h/\nX Api: 1\n"), "targets.txt:2: 'X Api: 1' " + bad_name);
  // Found by fuzz/targets_file_fuzz.cpp: a NUL byte passed for a token character.
  EXPECT_EQ(error_of(std::string_view("GET http://h/\nX\0-A: 1\n", 22)),
            "targets.txt:2: 'X\\x00-A: 1' " + bad_name);
  // Below a target, a line with an unknown method is taken for a header (whose name has a space).
  EXPECT_EQ(error_of("GET http://h/\nFETCH http://h/\n"),
            "targets.txt:2: 'FETCH http://h/' " + bad_name);
}

TEST(TargetsFileErrors, HeaderValueWithAControlCharacter) {
  EXPECT_EQ(error_of("GET http://h/\nX-A: a\rb\n"),
            "targets.txt:2: the header 'X-A: a\\x0db' has a control character in its value: "
            "remove it");
}

TEST(TargetsFileErrors, MissingOrUnnamedBodyFile) {
  FakeFiles files;
  files.files["present.json"] = "{}";
  EXPECT_EQ(
      error_of("POST http://h/\n@present.json\n\nPOST http://h/\nX-A: 1\n@missing.json\n", files),
      "targets.txt:6: cannot read the body file 'missing.json': check the path (a relative "
      "path is from the current directory)");
  EXPECT_EQ(error_of("POST http://h/\n@  \n"),
            "targets.txt:2: '@' names no body file: write the file's path after it, as in "
            "@body.json");
}

TEST(TargetsFileErrors, LinesAfterTheBodyLine) {
  FakeFiles files;
  files.files["b.json"] = "{}";
  const std::string fix =
      "comes after the body line '@b.json': headers go before the @ line, and a blank line goes "
      "before the next target";
  EXPECT_EQ(error_of("POST http://h/\n@b.json\n# fine\nX-A: 1\n", files),
            "targets.txt:4: 'X-A: 1' " + fix);
  EXPECT_EQ(error_of("POST http://h/\n@b.json\n@b.json\n", files),
            "targets.txt:3: '@b.json' " + fix);
}

TEST(TargetsFileErrors, LineNumbersCountEveryLine) {
  EXPECT_EQ(error_of("# 1\r\n\r\nGET http://h/\r\n# 4\r\nX-A: 1\r\n\r\n\r\nnope\r\n").substr(0, 16),
            "targets.txt:8: '");
}

TEST(TargetsFileErrors, OffendingTextIsEscapedAndCapped) {
  const std::string control = error_of("GET http://h/\nX\x1b[31mA\x01 1\n");
  EXPECT_EQ(control,
            "targets.txt:2: 'X\\x1b[31mA\\x01 1' is not a header: write it as 'Name: value', or "
            "leave a blank line before the next target");

  const std::string long_line = error_of(std::string(300, 'x') + " http://h/\n");
  EXPECT_EQ(long_line.substr(0, 17), "targets.txt:1: 'x");
  EXPECT_NE(long_line.find(std::string(77, 'x') + "...' is not 'METHOD URL'"), std::string::npos)
      << long_line;
  EXPECT_LT(long_line.size(), 250u);

  const std::string long_url = "http://h:99999/" + std::string(300, 'p');
  const std::string url_error = error_of("GET " + long_url + "\n");
  EXPECT_EQ(url_error, "targets.txt:1: the URL '" + long_url.substr(0, 77) +
                           "...' has an invalid port: use 1-65535");
}

TEST(TargetsFileErrors, FileNameInMessagesIsEscaped) {
  const std::string message = message_of([] {
    parse_targets("nope\n", "a\nb.txt",
                  [](const std::string&) { return std::optional<std::string>(); });
  });
  EXPECT_EQ(message.substr(0, 13), "a\\x0ab.txt:1:");
}

// A directory of its own, the current directory while it lives.
class TargetsFileOnDisk : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ccload-targets-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    previous_ = fs::current_path();
    fs::current_path(dir_);
  }
  void TearDown() override {
    fs::current_path(previous_);
    fs::remove_all(dir_);
  }
  static void write(const fs::path& path, const std::string& content) {
    std::ofstream(path, std::ios::binary) << content;
  }

  fs::path dir_, previous_;
};

TEST_F(TargetsFileOnDisk, ReadsTheFileAndBodiesByRelativeAndAbsolutePath) {
  fs::create_directories(dir_ / "bodies");
  const std::string relative_body("{\"rel\": true}\r\n\0", 16);
  write(dir_ / "bodies" / "rel.json", relative_body);
  write(dir_ / "abs.bin", "absolute\n");
  const std::string absolute = (dir_ / "abs.bin").string();
  write(dir_ / "targets.txt",
        "POST http://127.0.0.1:8080/post\r\nContent-Type: application/json\r\n"
        "@bodies/rel.json\r\n\r\nput http://127.0.0.1:8080/put\r\n@" +
            absolute + "\r\n\r\nGET http://127.0.0.1:8080/get");

  const auto targets = read_targets_file((dir_ / "targets.txt").string());
  ASSERT_EQ(targets.size(), 3u);
  EXPECT_EQ(targets[0].method, "POST");
  EXPECT_EQ(targets[0].headers, (HeaderList{{"Content-Type", "application/json"}}));
  EXPECT_EQ(targets[0].body, relative_body);
  EXPECT_EQ(targets[1].method, "PUT");
  EXPECT_EQ(targets[1].body, "absolute\n");
  EXPECT_EQ(targets[2].url, "http://127.0.0.1:8080/get");
  EXPECT_EQ(targets[2].body, "");

  // A relative targets path is from the current directory too.
  EXPECT_EQ(read_targets_file("targets.txt").size(), 3u);
}

TEST_F(TargetsFileOnDisk, FileThatCannotBeRead) {
  EXPECT_EQ(message_of([] { read_targets_file("missing.txt"); }),
            "-f missing.txt: cannot read it (No such file or directory): give the path of a "
            "targets file");
  fs::create_directories(dir_ / "a_directory");
  EXPECT_EQ(message_of([] { read_targets_file("a_directory"); }),
            "-f a_directory: cannot read it (Is a directory): give the path of a targets file");
  EXPECT_EQ(message_of([] { read_targets_file("-"); }),
            "-f -: targets cannot be read from standard input: give the path of a targets file");
}

TEST_F(TargetsFileOnDisk, EmptyFileAndMissingBodyFile) {
  write(dir_ / "empty.txt", "");
  EXPECT_EQ(message_of([] { read_targets_file("empty.txt"); }),
            "-f empty.txt: no targets in it: write one 'METHOD URL' line per target (vegeta's "
            "format)");
  write(dir_ / "targets.txt", "POST http://h/\n@nowhere/body.json\n");
  EXPECT_EQ(message_of([] { read_targets_file("targets.txt"); }),
            "targets.txt:2: cannot read the body file 'nowhere/body.json': check the path (a "
            "relative path is from the current directory)");
}

}  // namespace
}  // namespace ccload::cli
