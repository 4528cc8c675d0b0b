#pragma once
// A program left running in the background (the real ccload, usually) for tests that act on it
// while it runs: signal it (SIGKILL, as an OOM killer or a drained node would), then reap it. Its
// stdout and stderr go to files, read after it ended.

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "support/process.hpp"

namespace ccload::test {

class BackgroundProcess {
 public:
  // Starts `argv` in `options.cwd` with `options.env` added and `options.unset_env` removed (the
  // other options are run_process's only); output goes to `output_prefix` + ".out" and ".err".
  BackgroundProcess(const std::vector<std::string>& argv, const ProcessOptions& options,
                    const std::filesystem::path& output_prefix);
  // Kills (SIGKILL) and reaps a process still running.
  ~BackgroundProcess();
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  void signal(int number);  // no-op once reaped
  // Waits for the end, at most `timeout` (then SIGKILL). The exit status, or 128 + signal.
  int wait(std::chrono::milliseconds timeout = std::chrono::milliseconds(120000));
  bool running();  // not yet exited (reaps it when it has)
  std::string out() const;
  std::string err() const;

 private:
  pid_t pid_ = -1;
  int exit_code_ = -1;
  std::filesystem::path prefix_;
};

// `ccload ARGS...` in the background in `cwd`, with the clean configuration environment of
// run_ccload; its output goes to ccload-N.out and ccload-N.err in `cwd` (N counts the starts).
std::unique_ptr<BackgroundProcess> start_ccload(const std::vector<std::string>& args,
                                                const std::filesystem::path& cwd,
                                                ProcessOptions options = {});

}  // namespace ccload::test
