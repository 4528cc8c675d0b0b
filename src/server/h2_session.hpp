#pragma once
// One HTTP/2 connection of the built-in target server, without sockets: the bytes the client sent
// go in (receive()), the bytes to send come out (take_output()), and timers on `executor` pace what
// must wait (/delay/MS, /trickle/MS). One request per stream, answered by route(); each fault is
// acted out as Response::Fault describes for HTTP/2, and never stops the other streams of the
// connection except /close and /malformed, which end the connection by design.
// The connection loop (h2_connection.cpp) does the I/O; the fuzz target
// (fuzz/server_input_fuzz.cpp) drives the same code with arbitrary bytes.
//
// Not thread-safe: receive(), take_output() and the timers' handlers run on one thread (the
// connection's io_context runs on one).

#include <boost/asio/any_io_executor.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include "server/router.hpp"

struct nghttp2_session;

namespace ccload::server {

struct H2Stream;

class H2Session {
 public:
  // `wake` is called from a timer's handler when output is waiting (the connection then calls
  // take_output()). Throws std::runtime_error when nghttp2 cannot make a session (out of memory).
  H2Session(boost::asio::any_io_executor executor, ServerState& state, std::function<void()> wake);
  ~H2Session();
  H2Session(const H2Session&) = delete;
  H2Session& operator=(const H2Session&) = delete;

  // Takes bytes read from the client. False: close the connection at once (the client's bytes
  // broke HTTP/2 beyond a GOAWAY, or /close was asked for).
  bool receive(const std::uint8_t* data, std::size_t size);
  // Appends the bytes to send now to `out`, until about `limit` bytes are there.
  void take_output(std::vector<char>& out, std::size_t limit);
  // Nothing more will be sent once take_output() gives nothing: the connection may shut down its
  // sending side and read until the client closes (after a GOAWAY, or /malformed's frame).
  bool finished() const;

 private:
  friend struct H2Callbacks;
  H2Stream* find(std::int32_t id);
  void answer(H2Stream& stream);
  void submit(H2Stream& stream);
  void start_trickle(H2Stream& stream);

  boost::asio::any_io_executor executor_;
  ServerState& state_;
  std::function<void()> wake_;
  nghttp2_session* session_ = nullptr;
  std::map<std::int32_t, std::unique_ptr<H2Stream>> streams_;
  bool close_now_ = false;          // /close: the connection goes without another byte
  bool malformed_pending_ = false;  // /malformed: its frame goes after what nghttp2 has queued
  bool done_ = false;               // /malformed's frame is out: nothing more is sent or read
  // Timer handlers hold a weak_ptr to this: once the session is gone they do nothing.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace ccload::server
