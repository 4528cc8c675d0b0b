#pragma once
// Runs a program (the real ccload binary, usually) and captures its output and exit code.

#include <chrono>
#include <csignal>
#include <map>
#include <string>
#include <vector>

namespace ccload::test {

struct ProcessResult {
  int exit_code = -1;  // the exit status, or 128 + signal number when killed by a signal
  std::string out;     // everything written to stdout
  std::string err;     // everything written to stderr
};

struct ProcessOptions {
  std::string cwd;                            // empty: inherit
  std::map<std::string, std::string> env;     // added to (or overriding) the environment
  std::vector<std::string> unset_env;         // removed from the environment
  std::chrono::milliseconds timeout{120000};  // killed (SIGKILL) after this
  // When > 0: send `interrupt_signal` this long after start (Ctrl-C, SIGTERM, SIGHUP tests).
  std::chrono::milliseconds interrupt_after{0};
  // When > 0: send `interrupt_signal` again this long after start.
  std::chrono::milliseconds second_interrupt_after{0};
  int interrupt_signal = SIGINT;
  // run_ccload only: the binary runs through this command, e.g. {"prlimit", "--nofile=64:64"}.
  std::vector<std::string> wrapper;
};

ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options = {});

// The ccload binary built with the tests.
inline std::string ccload_binary() { return CCLOAD_BINARY; }

}  // namespace ccload::test
