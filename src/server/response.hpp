#pragma once
// The built-in server's answer to one request, free of any protocol: a status, header fields, a
// body, and the fault to act out. route() fills it; the HTTP/1.1 writer (http1.hpp) and the
// HTTP/2 session (h2_session.hpp) each write it in their own way. Reused per connection or
// stream: clear() keeps every buffer's capacity, so answering allocates nothing once warm.

#include <charconv>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ccload::server {

struct Response {
  int status = 200;

  // The header fields, in order, with names as HTTP/1.1 writes them ("Content-Type"); HTTP/2
  // lower-cases them. Content-Length is one of them (route() adds it); connection-level fields
  // (Connection) are not: each protocol adds its own.
  void add_field(std::string_view name, std::string_view value);
  void add_field(std::string_view name, std::uint64_t value);
  std::size_t field_count() const { return fields_.size(); }
  std::string_view field_name(std::size_t i) const {
    return std::string_view(store_).substr(fields_[i].name_offset, fields_[i].name_size);
  }
  std::string_view field_value(std::size_t i) const {
    return std::string_view(store_).substr(fields_[i].value_offset, fields_[i].value_size);
  }
  // The value of the first field with this exact name, "" when absent (for tests).
  std::string_view field(std::string_view name) const;

  std::string body;  // the body, unless `use_shared` is set
  // When use_shared, the body is the first shared_size bytes of *shared (/bytes/N). `shared` is
  // kept across clear() so the next /bytes request on this connection can reuse it without a lock.
  std::shared_ptr<const std::string> shared;
  std::size_t shared_size = 0;
  bool use_shared = false;
  std::chrono::milliseconds delay{0};  // wait this long before writing anything
  bool close = false;                  // HTTP/1.1: close the connection after writing
  bool head_only = false;              // HEAD request: the fields (with Content-Length) only

  // How the response departs from "fields, then the body". Each protocol acts out the same fault:
  enum class Fault : std::uint8_t {
    none,
    // The fields and half the body, then a reset: HTTP/1.1 a TCP reset (SO_LINGER 0, close),
    // HTTP/2 a RST_STREAM (INTERNAL_ERROR) on that stream only.
    reset,
    // Nothing: the connection (TCP) is closed before anything of the response. HTTP/2: every
    // stream of the connection goes with it.
    close,
    // Bytes that break the protocol, then the connection is closed: HTTP/1.1 a line that is no
    // status line, HTTP/2 a DATA frame on stream 0 (a connection error, RFC 9113 section 6.1).
    malformed,
    // The fields, then the body one byte every `trickle_interval` (HTTP/2: one DATA frame each).
    trickle,
    // Nothing, ever. HTTP/1.1: the connection's bytes are read and dropped until the peer closes;
    // HTTP/2: the stream stays open, the connection's other streams are answered.
    hang,
  };
  Fault fault = Fault::none;
  std::chrono::milliseconds trickle_interval{0};
  // /headers/N: the header section is padded to this many bytes with X-Fill fields (0: none).
  // HTTP/1.1: the head (status line, fields, blank line) is exactly this long; HTTP/2: the
  // fields' names and values (":status" included, before HPACK) come to about this much.
  std::size_t header_bytes = 0;

  void clear() {
    status = 200;
    store_.clear();
    fields_.clear();
    body.clear();
    shared_size = 0;
    use_shared = false;
    delay = std::chrono::milliseconds{0};
    close = false;
    head_only = false;
    fault = Fault::none;
    trickle_interval = std::chrono::milliseconds{0};
    header_bytes = 0;
  }
  std::size_t body_size() const { return use_shared ? shared_size : body.size(); }
  const char* body_data() const { return use_shared ? shared->data() : body.data(); }

 private:
  struct FieldRef {
    std::uint32_t name_offset, name_size, value_offset, value_size;
  };
  std::string store_;  // names and values, back to back
  std::vector<FieldRef> fields_;
};

inline void Response::add_field(std::string_view name, std::string_view value) {
  FieldRef ref{};
  ref.name_offset = static_cast<std::uint32_t>(store_.size());
  ref.name_size = static_cast<std::uint32_t>(name.size());
  store_.append(name);
  ref.value_offset = static_cast<std::uint32_t>(store_.size());
  ref.value_size = static_cast<std::uint32_t>(value.size());
  store_.append(value);
  fields_.push_back(ref);
}

inline void Response::add_field(std::string_view name, std::uint64_t value) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
  (void)ec;
  add_field(name, std::string_view(digits, static_cast<std::size_t>(end - digits)));
}

inline std::string_view Response::field(std::string_view name) const {
  for (std::size_t i = 0; i < fields_.size(); ++i) {
    if (field_name(i) == name) return field_value(i);
  }
  return {};
}

}  // namespace ccload::server
