#pragma once
// A small scripted HTTP/2 (h2c, prior knowledge) server on nghttp2 for failure tests: one thread,
// blocking sockets, one connection at a time. For each request (numbered from 1 over the server's
// life) the script says whether to answer 200 or reset the stream with RST_STREAM, or to send
// bytes that are not HTTP/2 at all.

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace ccload::test {

// answer: 200 with no body; late_body: 200 HEADERS at once, the body 200 ms later; reset:
// RST_STREAM (INTERNAL_ERROR); garbage: an HTTP/1.1 response on the HTTP/2 connection; redirect:
// the status and Location set by redirect_with(), no body.
enum class H2Action { answer, late_body, reset, garbage, redirect };

// A request as the server saw it: header fields (pseudo-headers included, names as sent) and body.
struct H2Received {
  std::multimap<std::string, std::string> fields;
  std::string body;
  std::string field(const std::string& name) const {
    auto it = fields.find(name);
    return it == fields.end() ? "" : it->second;
  }
};

class H2ScriptServer {
 public:
  explicit H2ScriptServer(std::function<H2Action(std::uint64_t request)> script);
  ~H2ScriptServer();
  H2ScriptServer(const H2ScriptServer&) = delete;
  H2ScriptServer& operator=(const H2ScriptServer&) = delete;

  std::string url(const std::string& path) const;
  std::uint64_t requests() const { return requests_.load(); }
  // What H2Action::redirect answers (set before requests come).
  void redirect_with(int status, std::string location) {
    redirect_status_ = std::to_string(status);
    redirect_location_ = std::move(location);
  }
  const std::string& redirect_status() const { return redirect_status_; }
  const std::string& redirect_location() const { return redirect_location_; }
  // Every complete request so far, in the order they completed.
  std::vector<H2Received> received() const;
  void record(H2Received request);

 private:
  void serve(int fd);

  std::function<H2Action(std::uint64_t)> script_;
  int listener_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> requests_{0};
  mutable std::mutex mutex_;
  std::vector<H2Received> received_;
  std::string redirect_status_ = "302", redirect_location_ = "/";
  std::thread thread_;
};

}  // namespace ccload::test
