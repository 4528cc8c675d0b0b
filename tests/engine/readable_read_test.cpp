// ReactorSocket::async_read_when_readable (engine/readable_read.hpp) on a real loopback TCP
// pair: it reads what comes after it started, what came before it started but was not yet
// reported, EOF, and it ends with operation_aborted when the socket is closed under it.

#include "engine/readable_read.hpp"

#include <gtest/gtest.h>

#include <array>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <thread>

namespace ccload::engine {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;
using Executor = asio::io_context::executor_type;

// A connected pair on 127.0.0.1: `client` is the ReactorSocket, `server` a plain blocking socket
// on a second io_context (written to synchronously).
class ReadableRead : public ::testing::Test {
 protected:
  void SetUp() override {
    tcp::acceptor acceptor(server_io_, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    client_.connect(acceptor.local_endpoint());
    acceptor.accept(server_);
    // The first asynchronous operation registers the socket with the reactor; a wait that
    // completes at once (the socket is writable) does it without reading anything.
    bool registered = false;
    client_.async_wait(tcp::socket::wait_write, [&](error_code) { registered = true; });
    io_.run();
    io_.restart();
    ASSERT_TRUE(registered);
  }

  struct Result {
    error_code ec;
    std::size_t got = 0;
  };
  std::optional<Result> start_read() {
    result_.reset();
    client_.async_read_when_readable(asio::buffer(space_), [this](error_code ec, std::size_t n) {
      result_ = Result{ec, n};
    });
    return result_;
  }
  // Runs the client's loop until the read completed (or 5 s passed).
  void run_until_done() {
    io_.restart();  // a loop that ran out of work stays stopped until restarted
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!result_ && std::chrono::steady_clock::now() < until) {
      io_.run_one_for(std::chrono::milliseconds(100));
    }
  }
  std::string read_text() const { return std::string(space_.data(), result_->got); }

  asio::io_context io_{BOOST_ASIO_CONCURRENCY_HINT_UNSAFE};
  asio::io_context server_io_;
  ReactorSocket<Executor> client_{io_};
  tcp::socket server_{server_io_};
  std::array<char, 64> space_{};
  std::optional<Result> result_;
};

TEST_F(ReadableRead, ReadsWhatComesAfterItStarted) {
  EXPECT_FALSE(start_read().has_value()) << "it completed before anything was sent";
  // Nothing has come: polling the loop does not complete it (no read came back empty).
  io_.poll();
  io_.restart();
  EXPECT_FALSE(result_.has_value());
  asio::write(server_, asio::buffer(std::string("HTTP/1.1 200 OK\r\n")));
  run_until_done();
  ASSERT_TRUE(result_.has_value());
  EXPECT_FALSE(result_->ec) << result_->ec.message();
  EXPECT_EQ(read_text(), "HTTP/1.1 200 OK\r\n");
}

TEST_F(ReadableRead, ReadsWhatCameBeforeItStartedWhileTheLoopDidNotLook) {
  // The bytes arrive before the read starts; the loop has not polled since, so their input
  // event is still to be reported (the contract's case: a response to a request just written).
  asio::write(server_, asio::buffer(std::string("early")));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_FALSE(start_read().has_value());
  run_until_done();
  ASSERT_TRUE(result_.has_value());
  EXPECT_FALSE(result_->ec) << result_->ec.message();
  EXPECT_EQ(read_text(), "early");
}

// What tells it from Asio's async_read_some: starting it makes no recv(). Bytes whose input event
// the loop already saw (no read was queued then) stay unread until the next input comes, which
// then reads them all. async_read_some would read "one" at once.
TEST_F(ReadableRead, StartingMakesNoReadAndTheNextInputReadsEverything) {
  asio::write(server_, asio::buffer(std::string("one")));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  asio::steady_timer keep_polling(io_, std::chrono::seconds(30));
  keep_polling.async_wait([](error_code) {});
  io_.restart();
  io_.poll();  // the loop sees the input while no read is queued
  EXPECT_FALSE(start_read().has_value());
  io_.poll();
  EXPECT_FALSE(result_.has_value()) << "a read was made when it started";
  asio::write(server_, asio::buffer(std::string("two")));
  run_until_done();
  ASSERT_TRUE(result_.has_value());
  EXPECT_EQ(read_text(), "onetwo");
  keep_polling.cancel();
}

TEST_F(ReadableRead, TwoReadsInTurnEachGetTheirBytes) {
  for (const std::string text : {"first", "second"}) {
    start_read();
    asio::write(server_, asio::buffer(text));
    run_until_done();
    ASSERT_TRUE(result_.has_value()) << text;
    EXPECT_EQ(read_text(), text);
  }
}

TEST_F(ReadableRead, ThePeerClosingIsEndOfFile) {
  start_read();
  server_.close();
  run_until_done();
  ASSERT_TRUE(result_.has_value());
  EXPECT_EQ(result_->ec, asio::error::eof);
  EXPECT_EQ(result_->got, 0u);
}

TEST_F(ReadableRead, ClosingTheSocketAbortsAPendingRead) {
  start_read();
  io_.poll();
  io_.restart();
  ASSERT_FALSE(result_.has_value());
  error_code ignored;
  client_.close(ignored);
  run_until_done();
  ASSERT_TRUE(result_.has_value());
  EXPECT_EQ(result_->ec, asio::error::operation_aborted);
}

TEST_F(ReadableRead, APendingReadIsFreedWhenTheLoopIsDestroyed) {
  // Under ASan this fails as a leak if the operation is not freed with the io_context.
  auto io = std::make_unique<asio::io_context>(BOOST_ASIO_CONCURRENCY_HINT_UNSAFE);
  auto socket = std::make_unique<ReactorSocket<Executor>>(*io);
  tcp::acceptor acceptor(server_io_, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  socket->connect(acceptor.local_endpoint());
  tcp::socket peer(server_io_);
  acceptor.accept(peer);
  socket->async_wait(tcp::socket::wait_write, [](error_code) {});
  io->run();
  io->restart();
  bool called = false;
  socket->async_read_when_readable(asio::buffer(space_),
                                   [&called](error_code, std::size_t) { called = true; });
  io->poll();
  socket.reset();  // closing aborts the read; the loop still holds its completion
  io.reset();      // destroyed without running it: the operation is freed, not called
  EXPECT_FALSE(called);
}

}  // namespace
}  // namespace ccload::engine
