#pragma once
// One keep-alive connection of a worker, run as a C++20 coroutine: it takes request slots until
// none are left, (re)connecting when needed, and measures each request (design.md, "Timing").

#include <array>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <optional>

#include "engine/response_parser.hpp"
#include "engine/worker.hpp"

namespace ccload::engine {

class Connection {
 public:
  Connection(Worker& worker, SharedRun& run);

  boost::asio::awaitable<void> run();

  // Called by the worker's watchdog: closes the socket when the request in flight is past its
  // deadline, so the pending operation fails and the request is counted as a timeout.
  void expire_if_due(Clock::time_point now);

 private:
  enum class Outcome { complete, failed, failed_before_response };

  boost::asio::awaitable<void> perform(Record& record);
  boost::asio::awaitable<ErrorCategory> connect(Record& record);
  boost::asio::awaitable<Outcome> exchange(Record& record);
  boost::asio::awaitable<std::size_t> read_some(boost::system::error_code& ec);
  ErrorCategory classify(ErrorCategory otherwise) const;
  void close();

  Worker& worker_;
  SharedRun& run_;
  boost::asio::ip::tcp::socket socket_;
  std::optional<boost::asio::ssl::stream<boost::asio::ip::tcp::socket&>> tls_;
  std::optional<ResponseParser> parser_;
  bool open_ = false;
  std::uint64_t requests_on_connection_ = 0;

  bool in_flight_ = false;
  bool timed_out_ = false;
  Clock::time_point deadline_{};

  // Response bytes read but not yet parsed are buffer_[begin_, end_).
  static constexpr std::size_t kBufferSize = 64 * 1024;
  std::unique_ptr<char[]> buffer_;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
};

}  // namespace ccload::engine
