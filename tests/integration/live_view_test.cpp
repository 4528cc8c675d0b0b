// The live view in a real terminal: tmux (Debian's) runs ccload in a pane of its own; the test
// reads the pane while the run lasts (percentiles and the rate appear, and change), presses `q`
// (the run stops early, gracefully), and reads the final screen (the report ends with its
// verdicts). Also: --live without a terminal is a warning and the progress line.

#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "support/ccload_run.hpp"
#include "support/recording_server.hpp"

namespace ccload::test {
namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// A tmux server of the test's own (its own socket), killed at the end.
class Tmux {
 public:
  Tmux() : socket_("ccload-live-" + std::to_string(getpid())) {}
  ~Tmux() { (void)run({"kill-server"}); }
  ProcessResult run(std::vector<std::string> args) const {
    args.insert(args.begin(), {"/usr/bin/tmux", "-L", socket_});
    return run_process(args);
  }
  // The pane as it shows now.
  std::string pane() const { return run({"capture-pane", "-p", "-t", "live"}).out; }
  // Polls the pane until it contains `text`, at most `seconds`; the last pane read.
  std::string wait_for(const std::string& text, int seconds) const {
    std::string shown;
    for (int i = 0; i < seconds * 10; ++i) {
      shown = pane();
      if (contains(shown, text)) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return shown;
  }

 private:
  std::string socket_;
};

// The line of `pane` that starts with `start`, "" when none does.
std::string line_of(const std::string& pane, const std::string& start) {
  std::size_t at = 0;
  while (at < pane.size()) {
    const std::size_t end = pane.find('\n', at);
    const std::string line = pane.substr(at, end == std::string::npos ? end : end - at);
    if (line.starts_with(start)) return line;
    if (end == std::string::npos) break;
    at = end + 1;
  }
  return "";
}

TEST(LiveView, DrawsTheRunInATerminalStopsOnQAndEndsWithTheVerdicts) {
  TempDir dir;
  RecordingServer server;
  Tmux tmux;
  const std::string command = "cd " + dir.path().string() + " && LANG=C.UTF-8 " + ccload_binary() +
                              " run " + server.url("/") +
                              " -z 10s --rate 200 -c 4 --fail-on 'p99<5s'; echo EXIT=$?; sleep 60";
  ASSERT_EQ(
      tmux.run({"new-session", "-d", "-s", "live", "-x", "120", "-y", "50", command}).exit_code, 0);
  const std::string first = tmux.wait_for("Requests/s", 8);
  ASSERT_TRUE(contains(first, "Requests/s")) << first;
  EXPECT_TRUE(contains(first, "last second")) << first;
  EXPECT_FALSE(line_of(first, "p99").empty()) << first;
  EXPECT_TRUE(contains(first, "q or Ctrl-C stops the run")) << first;
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  const std::string later = tmux.pane();
  // Two seconds on, the figures moved: more responses, another progress line, a rate drawn.
  EXPECT_NE(line_of(first, "Status codes"), line_of(later, "Status codes")) << later;
  EXPECT_NE(line_of(first, "["), line_of(later, "[")) << later;
  EXPECT_TRUE(contains(later, "Requests per second, last")) << later;
  EXPECT_TRUE(contains(later, "\u2588")) << later;  // drawn with Unicode blocks
  EXPECT_TRUE(contains(line_of(later, "Requests/s"), "200")) << later;

  ASSERT_EQ(tmux.run({"send-keys", "-t", "live", "q"}).exit_code, 0);
  const std::string final_screen = tmux.wait_for("EXIT=", 10);
  ASSERT_TRUE(contains(final_screen, "EXIT=0")) << final_screen;
  // Stopped early: well short of the 2000 requests of 10 s.
  EXPECT_LT(server.request_count(), 1500u);
  // The last lines are the verdicts: the Result line, then the thresholds; no request row.
  std::vector<std::string> lines;
  std::size_t at = 0;
  while (at < final_screen.size()) {
    const std::size_t end = final_screen.find('\n', at);
    std::string line = final_screen.substr(at, end == std::string::npos ? end : end - at);
    if (!line.empty()) lines.push_back(line);
    if (end == std::string::npos) break;
    at = end + 1;
  }
  ASSERT_GE(lines.size(), 6u);
  const std::size_t exit_line = lines.size() - 1;
  EXPECT_TRUE(lines[exit_line].starts_with("EXIT=0")) << final_screen;
  EXPECT_TRUE(contains(lines[exit_line - 1], "p99<5s") && contains(lines[exit_line - 1], "PASS"))
      << final_screen;
  EXPECT_TRUE(lines[exit_line - 4].starts_with("Result: ")) << final_screen;
  EXPECT_TRUE(contains(lines[exit_line - 4], "stopped before its end")) << final_screen;
  EXPECT_FALSE(contains(final_screen, "q or Ctrl-C stops")) << final_screen;  // the live view left
}

TEST(LiveView, WithoutATerminalLiveIsAWarningAndTheProgressLine) {
  TempDir dir;
  RecordingServer server;
  const ProcessResult result = run_ccload(
      {"run", server.url("/"), "-n", "20", "-c", "2", "--live", "--progress"}, dir.path());
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(contains(result.err, "--live draws on a terminal")) << result.err;
  EXPECT_EQ(server.request_count(), 20u);
  const ProcessResult both =
      run_ccload({"run", server.url("/"), "-n", "20", "--live", "--no-live"}, dir.path());
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_TRUE(contains(both.err, "contradict")) << both.err;
}

}  // namespace
}  // namespace ccload::test
