#pragma once
// `ccload serve --port 0` in a child process, for tests that must not share the test's process
// (allocation counting, signals). Stopped with SIGTERM when destroyed.

#include <sys/types.h>

#include <string>
#include <vector>

namespace ccload::test {

class ServeProcess {
 public:
  explicit ServeProcess(std::vector<std::string> extra_args = {});
  ~ServeProcess();
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;

  const std::string& base_url() const { return base_url_; }  // from "listening on URL"
  int stop();  // SIGTERM, wait; returns the exit status (128 + signal when killed)

 private:
  pid_t pid_ = -1;
  std::string base_url_;
};

}  // namespace ccload::test
