#pragma once
// Debian's nginx (built with http_v2) in a child process with a temporary configuration, for tests
// against a second HTTP/2 implementation. available() is false where nginx is not installed (the
// tests then skip). Stopped with SIGTERM when destroyed.

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "support/ccload_run.hpp"

namespace ccload::test {

class NginxProcess {
 public:
  static bool available();

  // `servers` is the inside of the http block, with PORT standing for a free port (every PORT is
  // the same port). The prefix folder holds logs/access.log (one line per request).
  explicit NginxProcess(const std::string& servers);
  ~NginxProcess();
  NginxProcess(const NginxProcess&) = delete;
  NginxProcess& operator=(const NginxProcess&) = delete;

  std::uint16_t port() const { return port_; }
  // Lines in the access log once it has settled (nginx writes a request's line after its
  // response went out; this waits until no line was added for 100 ms, at most 3 s).
  std::size_t requests_logged() const;
  // The lines of logs/NAME once it has settled (as above): a log the configuration names, such as
  // `access_log logs/ids.log ids;` with a `log_format ids ...` of its own.
  std::vector<std::string> log_lines(const std::string& name) const;
  // The sum of $body_bytes_sent over the access log's lines (its default `combined` format: the
  // field after the status), once the log has settled as requests_logged() waits for it.
  std::uint64_t body_bytes_logged() const;

 private:
  TempDir dir_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
};

}  // namespace ccload::test
