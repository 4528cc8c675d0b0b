#pragma once
// HTTP/1.1 for the built-in target server, without sockets: Http1Reader parses requests out of the
// bytes a connection has read, and append_http1_head() writes a Response's head. The connection
// loop (target_server.cpp) and the fault writer (fault_writer.hpp) do the I/O; the fuzz target
// (fuzz/server_input_fuzz.cpp) drives the same code with arbitrary bytes.

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/system/error_code.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "server/http_request.hpp"
#include "server/response.hpp"
#include "server/router.hpp"

namespace ccload::server {

inline constexpr std::uint64_t kHttp1BodyLimit = 32u * 1024u * 1024u;  // request bodies
inline constexpr std::uint32_t kHttp1HeaderLimit = 64u * 1024u;        // request heads

// What /malformed sends over HTTP/1.1 instead of a response.
inline constexpr std::string_view kHttp1Garbage =
    "SPAM/9 this is not a status line\r\nnor: a header\r\n\r\n";

// Parses one request after another into `req`. Keeps nothing between requests but `req`'s
// buffers (a Beast parser parses one message, so each request gets a fresh one, without
// allocating).
class Http1Reader {
 public:
  explicit Http1Reader(RequestData& req) : req_(req) {}

  // Begins the next request (call before the first parse() too).
  void next();

  enum class Step : std::uint8_t {
    read,            // append more bytes to the buffer (the peer closing now ends the connection)
    write_continue,  // send kContinue, then parse() again
    respond,         // the request is complete or failed: answer() it
  };
  // Parses what `buffer` holds (consuming what it used).
  Step parse(boost::beast::flat_buffer& buffer);

  // After Step::respond: route()'s answer, or the error response (413, 431, 400) for a request
  // that failed to parse.
  void answer(ServerState& state, Response& out) const;

  static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

 private:
  RequestData& req_;
  std::optional<RequestParser> parser_;
  boost::system::error_code error_;
  bool sent_continue_ = false;
};

// Appends the HTTP/1.1 head of `res` to `out`: the status line, the fields, "Connection: close"
// when res.close (or "Connection: keep-alive" to an HTTP/1.0 client, `version` 10), and the blank
// line. With res.header_bytes, X-Fill fields of at most 1000 bytes and then spaces after the
// reason phrase make the head exactly that many bytes (when it is more than the plain head).
void append_http1_head(const Response& res, int version, std::string& out);

}  // namespace ccload::server
