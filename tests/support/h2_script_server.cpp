#include "support/h2_script_server.hpp"

#include <netinet/in.h>
#include <nghttp2/nghttp2.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

namespace ccload::test {

namespace {

struct Session {
  H2ScriptServer* server;
  std::function<H2Action(std::uint64_t)>* script;
  std::atomic<std::uint64_t>* requests;
  nghttp2_session* session = nullptr;
  bool garbage = false;
  std::map<std::int32_t, H2Received> open = {};
  std::vector<std::int32_t> deferred = {};  // late bodies not yet released
  std::set<std::int32_t> released = {};
};

constexpr std::string_view kLateBody = "late body";

ssize_t late_read(nghttp2_session*, std::int32_t id, std::uint8_t* buf, std::size_t length,
                  std::uint32_t* flags, nghttp2_data_source* source, void*) {
  auto& me = *static_cast<Session*>(source->ptr);
  if (me.released.count(id) == 0) return NGHTTP2_ERR_DEFERRED;
  const std::size_t n = std::min(length, kLateBody.size());
  std::memcpy(buf, kLateBody.data(), n);
  *flags |= NGHTTP2_DATA_FLAG_EOF;
  return static_cast<ssize_t>(n);
}

int on_header(nghttp2_session*, const nghttp2_frame* frame, const std::uint8_t* name,
              std::size_t namelen, const std::uint8_t* value, std::size_t valuelen, std::uint8_t,
              void* user) {
  auto& me = *static_cast<Session*>(user);
  me.open[frame->hd.stream_id].fields.emplace(
      std::string(reinterpret_cast<const char*>(name), namelen),
      std::string(reinterpret_cast<const char*>(value), valuelen));
  return 0;
}

int on_data(nghttp2_session*, std::uint8_t, std::int32_t id, const std::uint8_t* data,
            std::size_t len, void* user) {
  auto& me = *static_cast<Session*>(user);
  me.open[id].body.append(reinterpret_cast<const char*>(data), len);
  return 0;
}

int on_frame_recv(nghttp2_session* session, const nghttp2_frame* frame, void* user) {
  auto& me = *static_cast<Session*>(user);
  if ((frame->hd.type != NGHTTP2_HEADERS && frame->hd.type != NGHTTP2_DATA) ||
      (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) == 0) {
    return 0;
  }
  me.server->record(std::move(me.open[frame->hd.stream_id]));
  me.open.erase(frame->hd.stream_id);
  const std::uint64_t k = me.requests->fetch_add(1) + 1;
  switch ((*me.script)(k)) {
    case H2Action::answer: {
      static std::uint8_t status_name[] = ":status", status_value[] = "200";
      nghttp2_nv nv{status_name, status_value, 7, 3, NGHTTP2_NV_FLAG_NONE};
      nghttp2_submit_response(session, frame->hd.stream_id, &nv, 1, nullptr);
      break;
    }
    case H2Action::late_body: {
      static std::uint8_t status_name[] = ":status", status_value[] = "200";
      nghttp2_nv nv{status_name, status_value, 7, 3, NGHTTP2_NV_FLAG_NONE};
      nghttp2_data_provider provider{};
      provider.source.ptr = &me;
      provider.read_callback = late_read;
      nghttp2_submit_response(session, frame->hd.stream_id, &nv, 1, &provider);
      me.deferred.push_back(frame->hd.stream_id);
      break;
    }
    case H2Action::reset:
      nghttp2_submit_rst_stream(session, NGHTTP2_FLAG_NONE, frame->hd.stream_id,
                                NGHTTP2_INTERNAL_ERROR);
      break;
    case H2Action::garbage:
      me.garbage = true;
      break;
    case H2Action::redirect: {
      const std::string& status = me.server->redirect_status();
      const std::string& location = me.server->redirect_location();
      static std::uint8_t status_name[] = ":status", location_name[] = "location";
      nghttp2_nv nv[] = {
          {status_name, reinterpret_cast<std::uint8_t*>(const_cast<char*>(status.data())), 7,
           status.size(), NGHTTP2_NV_FLAG_NONE},
          {location_name, reinterpret_cast<std::uint8_t*>(const_cast<char*>(location.data())), 8,
           location.size(), NGHTTP2_NV_FLAG_NONE}};
      nghttp2_submit_response(session, frame->hd.stream_id, nv, 2, nullptr);
      break;
    }
  }
  return 0;
}

}  // namespace

H2ScriptServer::H2ScriptServer(std::function<H2Action(std::uint64_t)> script)
    : script_(std::move(script)) {
  listener_ = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      listen(listener_, 16) != 0) {
    throw std::runtime_error("H2ScriptServer: cannot listen");
  }
  socklen_t size = sizeof address;
  getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &size);
  port_ = ntohs(address.sin_port);
  thread_ = std::thread([this] {
    while (!stopping_) {
      int fd = accept(listener_, nullptr, nullptr);
      if (fd < 0 || stopping_) {
        if (fd >= 0) close(fd);
        break;
      }
      serve(fd);
      close(fd);
    }
  });
}

H2ScriptServer::~H2ScriptServer() {
  stopping_ = true;
  shutdown(listener_, SHUT_RDWR);
  close(listener_);
  thread_.join();
}

std::vector<H2Received> H2ScriptServer::received() const {
  std::lock_guard lock(mutex_);
  return received_;
}

void H2ScriptServer::record(H2Received request) {
  std::lock_guard lock(mutex_);
  received_.push_back(std::move(request));
}

std::string H2ScriptServer::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

void H2ScriptServer::serve(int fd) {
  Session me{this, &script_, &requests_};
  nghttp2_session_callbacks* callbacks = nullptr;
  nghttp2_session_callbacks_new(&callbacks);
  nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, on_frame_recv);
  nghttp2_session_callbacks_set_on_header_callback(callbacks, on_header);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, on_data);
  nghttp2_session_server_new(&me.session, callbacks, &me);
  nghttp2_session_callbacks_del(callbacks);
  nghttp2_submit_settings(me.session, NGHTTP2_FLAG_NONE, nullptr, 0);
  std::vector<std::uint8_t> input(16 * 1024);
  for (;;) {
    for (;;) {
      const std::uint8_t* data = nullptr;
      const ssize_t n = nghttp2_session_mem_send(me.session, &data);
      if (n <= 0) break;
      if (send(fd, data, static_cast<std::size_t>(n), MSG_NOSIGNAL) != n) break;
    }
    if (!me.deferred.empty()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      for (std::int32_t id : me.deferred) {
        me.released.insert(id);
        nghttp2_session_resume_data(me.session, id);
      }
      me.deferred.clear();
      continue;  // send the bodies now
    }
    if (me.garbage) {
      static constexpr char kGarbage[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
      send(fd, kGarbage, sizeof kGarbage - 1, MSG_NOSIGNAL);
      me.garbage = false;
    }
    const ssize_t got = recv(fd, input.data(), input.size(), 0);
    if (got <= 0) break;
    if (nghttp2_session_mem_recv(me.session, input.data(), static_cast<std::size_t>(got)) < 0) {
      break;
    }
  }
  nghttp2_session_del(me.session);
}

}  // namespace ccload::test
