#include "support/recording_server.hpp"

#include <sys/socket.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>
#include <condition_variable>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace ccload::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

bool has_header(const ScriptedResponse& r, std::string_view name) {
  for (const auto& [n, v] : r.headers) {
    if (iequals(n, name)) return true;
  }
  return false;
}

std::string format_head(const ScriptedResponse& r, bool add_close) {
  std::string head = "HTTP/1.1 " + std::to_string(r.status) + " ";
  head.append(http::obsolete_reason(static_cast<http::status>(r.status)));
  head.append("\r\n");
  for (const auto& [name, value] : r.headers) head.append(name + ": " + value + "\r\n");
  if (!has_header(r, "content-length") && !has_header(r, "transfer-encoding")) {
    head.append("Content-Length: " + std::to_string(r.body.size()) + "\r\n");
  }
  if (add_close && !has_header(r, "connection")) head.append("Connection: close\r\n");
  head.append("\r\n");
  return head;
}

}  // namespace

std::string ReceivedRequest::header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (iequals(n, name)) return v;
  }
  return {};
}

struct RecordingServer::Impl {
  Handler handler;
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::uint16_t port = 0;
  std::thread accept_thread;

  mutable std::mutex mutex;
  std::condition_variable wake;  // notified when stopping
  bool stopping = false;
  std::vector<ReceivedRequest> requests;
  std::size_t total = 0, open = 0, max_open = 0;
  std::map<std::uint64_t, std::shared_ptr<tcp::socket>> sockets;  // open connections
  std::map<std::uint64_t, std::thread> threads;                   // not joined yet
  std::vector<std::uint64_t> finished;                            // threads that ended

  std::mutex stop_mutex;
  bool stopped = false;

  // Sleeps for d unless the server stops first; false when stopping.
  bool wait_for(std::chrono::milliseconds d) {
    std::unique_lock lock(mutex);
    if (d.count() > 0) wake.wait_for(lock, d, [&] { return stopping; });
    return !stopping;
  }

  void reap_finished() {
    std::vector<std::thread> done;
    {
      std::lock_guard lock(mutex);
      for (auto id : finished) {
        auto it = threads.find(id);
        if (it != threads.end()) {
          done.push_back(std::move(it->second));
          threads.erase(it);
        }
      }
      finished.clear();
    }
    for (auto& t : done) t.join();
  }

  void accept_loop() {
    for (;;) {
      auto socket = std::make_shared<tcp::socket>(io);
      error_code ec;
      acceptor.accept(*socket, ec);
      reap_finished();
      std::lock_guard lock(mutex);
      if (stopping) return;
      if (ec) {
        if (ec == asio::error::invalid_argument || ec == asio::error::bad_descriptor) return;
        continue;  // e.g. ECONNABORTED: try again
      }
      const std::uint64_t id = ++total;
      ++open;
      if (open > max_open) max_open = open;
      sockets[id] = socket;
      threads[id] = std::thread([this, id, socket] { serve(id, *socket); });
    }
  }

  void write_all(tcp::socket& socket, std::string_view data, error_code& ec) {
    asio::write(socket, asio::buffer(data.data(), data.size()), ec);
  }

  void serve(std::uint64_t id, tcp::socket& socket) {
    beast::flat_buffer buffer;
    for (;;) {
      error_code ec;
      http::request_parser<http::string_body> parser;
      parser.body_limit(64u * 1024u * 1024u);
      parser.header_limit(1024u * 1024u);
      http::read_header(socket, buffer, parser, ec);
      if (ec) break;
      if (iequals(parser.get()[http::field::expect], "100-continue")) {
        write_all(socket, "HTTP/1.1 100 Continue\r\n\r\n", ec);
        if (ec) break;
      }
      if (!parser.is_done()) http::read(socket, buffer, parser, ec);
      if (ec) break;
      const auto& msg = parser.get();

      ReceivedRequest req;
      req.method = std::string(msg.method_string());
      req.target = std::string(msg.target());
      req.body = msg.body();
      for (const auto& field : msg) {
        req.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
      }
      req.connection_id = id;
      std::uint64_t index = 0;
      {
        std::lock_guard lock(mutex);
        index = requests.size();
        requests.push_back(req);
      }

      ScriptedResponse res;
      if (handler) {
        try {
          res = handler(req, index);
        } catch (const std::exception& e) {
          res = ScriptedResponse{};
          res.status = 500;
          res.body = std::string("handler threw: ") + e.what();
          res.close_after = true;
        }
      }

      if (!wait_for(res.delay_before_head)) break;
      if (res.hang) {
        std::unique_lock lock(mutex);
        wake.wait(lock, [&] { return stopping; });
        break;
      }
      if (!res.raw.empty()) {
        write_all(socket, res.raw, ec);
        break;
      }
      const bool keep_alive = msg.keep_alive() && !res.close_after;
      std::string head = format_head(res, !keep_alive);
      if (res.delay_before_body.count() > 0) {
        write_all(socket, head, ec);
        if (ec || !wait_for(res.delay_before_body)) break;
        write_all(socket, res.body, ec);
      } else {
        head.append(res.body);
        write_all(socket, head, ec);
      }
      if (ec || !keep_alive) break;
    }

    std::lock_guard lock(mutex);
    // Leave the map first, so stop() never touches a socket that is being closed.
    sockets.erase(id);
    error_code ignored;
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
    --open;
    finished.push_back(id);
  }
};

RecordingServer::RecordingServer(Handler handler) : impl_(std::make_unique<Impl>()) {
  impl_->handler = std::move(handler);
  auto& acceptor = impl_->acceptor;
  const tcp::endpoint endpoint(asio::ip::address_v4::loopback(), 0);
  acceptor.open(endpoint.protocol());
  acceptor.bind(endpoint);
  acceptor.listen(asio::socket_base::max_listen_connections);
  impl_->port = acceptor.local_endpoint().port();
  impl_->accept_thread = std::thread([impl = impl_.get()] { impl->accept_loop(); });
}

RecordingServer::~RecordingServer() { stop(); }

std::uint16_t RecordingServer::port() const { return impl_->port; }

std::string RecordingServer::url(std::string_view path) const {
  return "http://127.0.0.1:" + std::to_string(impl_->port) + std::string(path);
}

std::vector<ReceivedRequest> RecordingServer::requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->requests;
}

std::size_t RecordingServer::request_count() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->requests.size();
}

std::size_t RecordingServer::total_connections() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->total;
}

std::size_t RecordingServer::max_concurrent_connections() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->max_open;
}

void RecordingServer::stop() {
  Impl& s = *impl_;
  std::lock_guard stop_lock(s.stop_mutex);
  if (s.stopped) return;
  s.stopped = true;
  {
    std::lock_guard lock(s.mutex);
    s.stopping = true;
    // shutdown() wakes threads blocked in accept() / recv() on these descriptors (Linux).
    ::shutdown(s.acceptor.native_handle(), SHUT_RDWR);
    for (auto& [id, socket] : s.sockets) ::shutdown(socket->native_handle(), SHUT_RDWR);
  }
  s.wake.notify_all();
  s.accept_thread.join();
  std::map<std::uint64_t, std::thread> threads;
  {
    std::lock_guard lock(s.mutex);
    threads.swap(s.threads);
  }
  for (auto& [id, thread] : threads) thread.join();
  error_code ignored;
  s.acceptor.close(ignored);
}

std::uint16_t unused_port() {
  asio::io_context io;
  tcp::acceptor acceptor(io);
  const tcp::endpoint endpoint(asio::ip::address_v4::loopback(), 0);
  acceptor.open(endpoint.protocol());
  acceptor.bind(endpoint);
  const std::uint16_t port = acceptor.local_endpoint().port();
  acceptor.close();
  return port;
}

}  // namespace ccload::test
