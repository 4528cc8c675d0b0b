#pragma once
// One connection of a worker, run as a C++20 coroutine: it takes request slots until none are
// left, (re)connecting when needed, and measures each request (design.md, "Timing").
//
// The seam (h2load's Client and Session): a connection owns the transport (TCP or TLS, chosen
// once as a template argument), the pacing timer and the deadlines; a session owns the protocol.
// HTTP/1.1 connections run Http1Session (one request in flight); HTTP/2 connections run
// Http2Session (up to --streams in flight). The worker sees only this interface: one virtual call
// per watchdog tick, none per request.

#include <boost/asio/awaitable.hpp>
#include <memory>

#include "engine/worker.hpp"

namespace ccload::engine {

class Connection {
 public:
  virtual ~Connection() = default;

  // The connection's coroutine: ends when no slot is left and nothing is in flight.
  virtual boost::asio::awaitable<void, boost::asio::io_context::executor_type> run() = 0;

  // Called by the worker's watchdog: fails what is in flight past its deadline, so it is counted
  // as a timeout.
  virtual void expire_if_due(Clock::time_point now) = 0;

  // Called by the worker's watchdog after a stop was requested: a connection waiting for its next
  // scheduled time (rate mode) or for a free stream wakes and ends.
  virtual void stop_waiting() = 0;
};

// A connection to `origin` for the run's protocol (SharedRun::config.http2) and its scheme.
std::unique_ptr<Connection> make_connection(Worker& worker, SharedRun& run, Origin& origin);

}  // namespace ccload::engine
