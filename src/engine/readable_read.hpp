#pragma once
// A read that waits for the reactor to report the socket readable before it reads: no recv()
// when it starts. Asio's async_read_some always tries one recv() at once, which right after a
// request went out comes back EAGAIN (a system call for nothing) whenever the response has not
// arrived yet. This one starts like Asio's own reads, but its first attempt is skipped, so the
// operation is queued on the descriptor (no epoll_ctl either: the socket stays registered
// edge-triggered for input) and the recv() happens once epoll says data came.
//
// Contract: only for a socket with nothing unread that no input event can have been reported for
// since it was last drained, such as right after a request was written onto a connection whose
// last read took everything there was (an edge reported while no operation was queued would not
// be reported again). Errors and cancellation are Asio's: closing the socket completes the read
// with operation_aborted; EOF is asio::error::eof.
//
// This uses Boost.Asio's reactor internals (detail::reactor_op, the epoll reactor's start_op and
// the socket's per-descriptor data) as Boost 1.81 (Debian 12) defines them; a static_assert
// below stops the build on another Asio.

#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/recycling_allocator.hpp>
#include <boost/asio/version.hpp>

// Asio's detail headers after its public ones (they rely on what those declare).
#include <boost/asio/detail/reactor.hpp>
#include <boost/asio/detail/reactor_op.hpp>
#include <boost/asio/detail/socket_ops.hpp>
#include <memory>
#include <utility>

static_assert(BOOST_ASIO_VERSION == 102600,
              "readable_read.hpp is written against Boost.Asio 1.26.0 (Boost 1.81)");

namespace ccload::engine {

// A stream socket whose reads can wait for readability (read_when_readable below).
template <class Executor>
class ReactorSocket : public boost::asio::basic_stream_socket<boost::asio::ip::tcp, Executor> {
  using Base = boost::asio::basic_stream_socket<boost::asio::ip::tcp, Executor>;

 public:
  explicit ReactorSocket(boost::asio::io_context& io)
      : Base(io), reactor_(boost::asio::use_service<boost::asio::detail::reactor>(io)) {}

  // Reads into `space` once the socket is readable; completes like async_read_some.
  template <class Token>
  auto async_read_when_readable(boost::asio::mutable_buffer space, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
        [this, space](auto handler) { start(space, std::move(handler)); }, token);
  }

 private:
  template <class Handler>
  class Op : public boost::asio::detail::reactor_op {
   public:
    Op(int socket, boost::asio::mutable_buffer space, Handler&& handler)
        : reactor_op(boost::system::error_code(), &Op::perform, &Op::complete),
          socket_(socket),
          space_(space),
          handler_(std::move(handler)) {}
    bool skip = true;  // the reactor's first attempt, made as the operation starts, does nothing

   private:
    static status perform(reactor_op* base) {
      Op& op = *static_cast<Op*>(base);
      if (op.skip) {
        op.skip = false;
        return not_done;
      }
      return boost::asio::detail::socket_ops::non_blocking_recv1(op.socket_, op.space_.data(),
                                                                 op.space_.size(), 0, true, op.ec_,
                                                                 op.bytes_transferred_)
                 ? done
                 : not_done;
    }
    // `owner` null: the io_context is being destroyed; free the operation, call nothing.
    static void complete(void* owner, boost::asio::detail::scheduler_operation* base,
                         const boost::system::error_code&, std::size_t) {
      Op* op = static_cast<Op*>(base);
      Handler handler(std::move(op->handler_));
      const boost::system::error_code ec = op->ec_;
      const std::size_t got = op->bytes_transferred_;
      Allocator<Handler> allocator;
      op->~Op();
      allocator.deallocate(op, 1);
      if (owner != nullptr) std::move(handler)(ec, got);
    }

    int socket_;
    boost::asio::mutable_buffer space_;
    Handler handler_;
  };
  // Asio's per-thread recycling allocator, as its own operations use: no malloc once warm.
  template <class Handler>
  using Allocator = boost::asio::recycling_allocator<Op<Handler>>;

  template <class Handler>
  void start(boost::asio::mutable_buffer space, Handler handler) {
    auto& impl = this->impl_.get_implementation();
    boost::asio::detail::reactor& reactor = reactor_;
    Allocator<Handler> allocator;
    Op<Handler>* op = allocator.allocate(1);
    new (op) Op<Handler>(impl.socket_, space, std::move(handler));
    if ((impl.state_ & boost::asio::detail::socket_ops::non_blocking) == 0 &&
        !boost::asio::detail::socket_ops::set_internal_non_blocking(impl.socket_, impl.state_, true,
                                                                    op->ec_)) {
      reactor.post_immediate_completion(op, false);  // completes with that error
      return;
    }
    // Speculative start (Asio's own for reads): no epoll_ctl; the first perform() is the skip.
    // When the descriptor is not in a state to try at once, the skip must not eat the first
    // real attempt, hence it is cleared after start_op (one thread runs this io_context).
    reactor.start_op(boost::asio::detail::reactor::read_op, impl.socket_, impl.reactor_data_, op,
                     false, true);
    op->skip = false;
  }

  boost::asio::detail::reactor& reactor_;  // the io_context's, looked up once (it takes a lock)
};

}  // namespace ccload::engine
