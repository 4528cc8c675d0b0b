#include "support/background_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <stdexcept>
#include <thread>

#include "support/ccload_run.hpp"

extern char** environ;

namespace ccload::test {

BackgroundProcess::BackgroundProcess(const std::vector<std::string>& argv,
                                     const ProcessOptions& options,
                                     const std::filesystem::path& output_prefix)
    : prefix_(output_prefix) {
  // Everything the child needs is made here: after fork() it only calls async-signal-safe code.
  std::vector<std::string> env;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string item(*entry);
    const std::string name = item.substr(0, item.find('='));
    bool drop = options.env.count(name) > 0;
    for (const auto& unset : options.unset_env) drop = drop || unset == name;
    if (!drop) env.push_back(item);
  }
  for (const auto& [name, value] : options.env) env.push_back(name + "=" + value);
  std::vector<char*> argv_ptrs, env_ptrs;
  for (const auto& arg : argv) argv_ptrs.push_back(const_cast<char*>(arg.c_str()));
  argv_ptrs.push_back(nullptr);
  for (const auto& item : env) env_ptrs.push_back(const_cast<char*>(item.c_str()));
  env_ptrs.push_back(nullptr);
  const std::string out = prefix_.string() + ".out", err = prefix_.string() + ".err";

  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    const int out_fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err_fd = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int null_fd = open("/dev/null", O_RDONLY);
    if (out_fd < 0 || err_fd < 0 || null_fd < 0) _exit(126);
    dup2(out_fd, 1);
    dup2(err_fd, 2);
    dup2(null_fd, 0);
    if (!options.cwd.empty() && chdir(options.cwd.c_str()) != 0) _exit(126);
    execve(argv_ptrs[0], argv_ptrs.data(), env_ptrs.data());
    _exit(127);
  }
}

BackgroundProcess::~BackgroundProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    wait();
  }
}

void BackgroundProcess::signal(int number) {
  if (pid_ > 0) kill(pid_, number);
}

bool BackgroundProcess::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) != pid_) return true;
  exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  pid_ = -1;
  return false;
}

int BackgroundProcess::wait(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (running()) {
    if (std::chrono::steady_clock::now() >= deadline) {
      kill(pid_, SIGKILL);
      int status = 0;
      waitpid(pid_, &status, 0);
      exit_code_ = 128 + SIGKILL;
      pid_ = -1;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return exit_code_;
}

std::string BackgroundProcess::out() const { return read_file(prefix_.string() + ".out"); }
std::string BackgroundProcess::err() const { return read_file(prefix_.string() + ".err"); }

std::unique_ptr<BackgroundProcess> start_ccload(const std::vector<std::string>& args,
                                                const std::filesystem::path& cwd,
                                                ProcessOptions options) {
  static std::atomic<int> started{0};
  std::vector<std::string> argv{ccload_binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  options.cwd = cwd.string();
  // The same clean configuration environment as run_ccload's.
  for (const char* name : {"PYLOAD_CONFIG", "DATABASE_URL", "LOGTAIL_URL", "LOGTAIL_TOKEN",
                           "LOKI_URL", "USERNAME", "PASSWORD", "timeout"}) {
    if (options.env.count(name) == 0) options.unset_env.push_back(name);
  }
  return std::make_unique<BackgroundProcess>(argv, options,
                                             cwd / ("ccload-" + std::to_string(++started)));
}

}  // namespace ccload::test
