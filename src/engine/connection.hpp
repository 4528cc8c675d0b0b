#pragma once
// One keep-alive connection of a worker, run as a C++20 coroutine: it takes request slots until
// none are left, (re)connecting when needed, and measures each request (design.md, "Timing").

#include <array>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <optional>

#include "engine/response_parser.hpp"
#include "engine/worker.hpp"

namespace ccload::engine {

// Coroutines and sockets bound to the worker's io_context executor type: no type-erased executor
// on the hot path.
using Executor = boost::asio::io_context::executor_type;
template <class T>
using Task = boost::asio::awaitable<T, Executor>;
using Socket = boost::asio::basic_stream_socket<boost::asio::ip::tcp, Executor>;
using Timer = boost::asio::basic_waitable_timer<Clock, boost::asio::wait_traits<Clock>, Executor>;

class Connection {
 public:
  Connection(Worker& worker, SharedRun& run);

  Task<void> run();

  // Called by the worker's watchdog: closes the socket when the request in flight is past its
  // deadline, so the pending operation fails and the request is counted as a timeout.
  void expire_if_due(Clock::time_point now);

  // Called by the worker's watchdog after a stop was requested: a connection waiting for its next
  // scheduled time (rate mode) wakes and ends.
  void stop_waiting() { pacer_.cancel(); }

 private:
  enum class Outcome { complete, failed, failed_before_response };

  Task<ErrorCategory> connect(Record& record);
  // Sends the request (at `written`) and reads its response; `finished` is set to when it
  // completed or failed.
  Task<Outcome> exchange(Record& record, Clock::time_point written, Clock::time_point& finished);
  // The read into the free part of the buffer, as an operation to co_await (not a coroutine).
  Task<std::size_t> read_some(boost::system::error_code& ec);
  ErrorCategory classify(ErrorCategory otherwise) const;
  void close();

  Worker& worker_;
  SharedRun& run_;
  Socket socket_;
  std::optional<boost::asio::ssl::stream<Socket&>> tls_;
  Timer pacer_;  // waits for the next request's scheduled time (rate mode)
  ResponseParser parser_;
  bool open_ = false;
  std::uint64_t requests_on_connection_ = 0;

  bool in_flight_ = false;
  bool timed_out_ = false;
  Clock::time_point deadline_{};

  // Response bytes read but not yet parsed are buffer_[begin_, end_).
  // The parser streams, so the buffer only sets how much one read may take.
  static constexpr std::size_t kBufferSize = 16 * 1024;
  std::unique_ptr<char[]> buffer_;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
};

}  // namespace ccload::engine
