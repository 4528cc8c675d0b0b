// Templates through the real binary: every bad template, data file or order is one line and exit
// 2 before anything is sent (the recording server sees no request), and nothing is stored.
#include <gtest/gtest.h>

#include <fstream>

#include "support/ccload_run.hpp"
#include "support/recording_server.hpp"

namespace ccload::test {
namespace {

struct Refused {
  std::vector<std::string> args;  // after `run URL`
  std::string path;               // the URL's path (a template)
  std::string expected;           // a fragment of the line
};

TEST(TemplatesCli, BadInputIsOneLineExitTwoAndNothingSent) {
  RecordingServer server;
  TempDir dir;
  std::ofstream(dir / "users.csv") << "id,email\n1,a@x\n2,b@x\n";
  std::ofstream(dir / "ragged.csv") << "id,email\n1,a@x\n2\n";
  std::ofstream(dir / "empty.csv") << "";
  std::ofstream(dir / "bad.jsonl") << "{\"id\": 1}\n{\"id\" 2}\n";
  const std::vector<Refused> cases = {
      {{}, "/{{user}}", "unknown field {{user}}"},
      {{}, "/{{seq", "never closed"},
      {{}, "/{{col id}}", "needs a data file (--data"},
      {{"--data", "users.csv"}, "/{{col name}}", "its columns are: id, email"},
      {{}, "/{{randint 5 1}}", "A <= B"},
      {{"--data", "missing.csv"}, "/{{col id}}", "cannot read"},
      {{"--data", "empty.csv"}, "/{{col id}}", "is empty"},
      {{"--data", "ragged.csv"}, "/{{col id}}", "ragged.csv line 3"},
      {{"--data", "bad.jsonl"}, "/{{col id}}", "bad.jsonl line 2"},
      {{"--data", "users.csv", "--data-order", "once", "-n", "3"},
       "/{{col id}}",
       "-n 3 is more than the 2 rows"},
      {{}, "/a b/{{seq}}", "filled with the first row"},
      {{"-m", "POST", "-d", "{\"e\": {{col email}}}", "--data", "users.csv"},
       "/",
       "-d filled with the first row"},
  };
  for (const Refused& c : cases) {
    std::vector<std::string> args = {"run", server.url(c.path), "-n", "2", "-c", "1"};
    if (c.expected.find("-n 3") != std::string::npos) args = {"run", server.url(c.path), "-c", "1"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    const ProcessResult result = run_ccload(args, dir.path());
    EXPECT_EQ(result.exit_code, 2) << c.path << ": " << result.err;
    EXPECT_NE(result.err.find(c.expected), std::string::npos) << result.err;
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
  }
  EXPECT_EQ(server.request_count(), 0u) << "nothing was sent";
  EXPECT_FALSE(std::filesystem::exists(dir / "load.db")) << "nothing was stored";
}

}  // namespace
}  // namespace ccload::test
