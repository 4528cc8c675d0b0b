#pragma once
// The first read of a fresh HTTP/2 connection tells whether the server speaks HTTP/2 there. Its
// preface is a SETTINGS frame; a server that speaks only HTTP/1.1 reads the client's preface
// ("PRI * HTTP/2.0") as a bad request and answers with a status line (nginx without http2:
// "HTTP/1.1 400 Bad Request") and a close, or closes without a word. A frame header can never
// start with "HTTP/": its first byte ('H', 0x48) would make a frame over 4 MiB, past any frame
// size a server may send before the settings are agreed. No allocation: it only looks at bytes.

#include <boost/asio/error.hpp>
#include <boost/system/error_code.hpp>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ccload::engine {

enum class FirstRead : std::uint8_t {
  http2,         // bytes that may be HTTP/2, or an error not from the server (ours to classify)
  http1_answer,  // an HTTP/1.x status line where the server's preface was due
  closed,        // the server ended the connection before sending any byte
};

// `ec`, `data`, `size`: the outcome of the connection's first read_some.
inline FirstRead classify_first_read(const boost::system::error_code& ec, const void* data,
                                     std::size_t size) {
  if (size > 0) {
    constexpr std::string_view kStatusLine = "HTTP/1.";
    const std::size_t n = size < kStatusLine.size() ? size : kStatusLine.size();
    const std::string_view got(static_cast<const char*>(data), n);
    return got == kStatusLine.substr(0, n) ? FirstRead::http1_answer : FirstRead::http2;
  }
  namespace error = boost::asio::error;
  if (ec == error::eof || ec == error::connection_reset || ec == error::broken_pipe) {
    return FirstRead::closed;
  }
  return FirstRead::http2;
}

}  // namespace ccload::engine
