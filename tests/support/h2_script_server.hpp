#pragma once
// A small scripted HTTP/2 (h2c, prior knowledge) server on nghttp2 for failure tests: one thread,
// blocking sockets, one connection at a time. For each request (numbered from 1 over the server's
// life) the script says whether to answer 200 or reset the stream with RST_STREAM, or to send
// bytes that are not HTTP/2 at all.

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>

namespace ccload::test {

enum class H2Action { answer, reset, garbage };

class H2ScriptServer {
 public:
  explicit H2ScriptServer(std::function<H2Action(std::uint64_t request)> script);
  ~H2ScriptServer();
  H2ScriptServer(const H2ScriptServer&) = delete;
  H2ScriptServer& operator=(const H2ScriptServer&) = delete;

  std::string url(const std::string& path) const;
  std::uint64_t requests() const { return requests_.load(); }

 private:
  void serve(int fd);

  std::function<H2Action(std::uint64_t)> script_;
  int listener_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> requests_{0};
  std::thread thread_;
};

}  // namespace ccload::test
