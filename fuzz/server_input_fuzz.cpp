// The built-in server's input paths on any bytes, as its connections feed them: HTTP/1.1 through
// Http1Reader, route() and append_http1_head(); HTTP/2 through H2Session (nghttp2's server,
// route(), every fault acted out) with its timers run as far as they are due. The bytes arrive in
// reads of a size derived from the input. Nothing may crash, hang or leak, and the HTTP/1.1 head
// must be what it claims (a status line, the blank line at its end, exactly /headers/N's size).
//
// Input: byte 0 = flags (bit 0: HTTP/2; bit 1: HTTP/2 with the client preface put in front),
// byte 1 = the read size (1 to 256), the rest is what the client sent.

#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "server/h2_session.hpp"
#include "server/http1.hpp"
#include "server/router.hpp"

namespace {

using namespace ccload::server;

constexpr std::string_view kPreface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

ServerState& state() {
  static ServerState shared;  // as a server's connections share it (the /flaky counter, /bytes)
  return shared;
}

void check(bool ok) {
  if (!ok) std::abort();
}

void http1(std::string_view input, std::size_t read_size) {
  RequestData req;
  Http1Reader reader(req);
  Response res;
  std::string head;
  boost::beast::flat_buffer buffer;
  std::size_t fed = 0;
  reader.next();
  for (int steps = 0; steps < 100000; ++steps) {
    const Http1Reader::Step step = reader.parse(buffer);
    if (step == Http1Reader::Step::respond) {
      reader.answer(state(), res);
      head.clear();
      append_http1_head(res, req.version(), head);
      check(head.starts_with("HTTP/1.1 ") && head.ends_with("\r\n\r\n"));
      check(res.header_bytes == 0 || head.size() >= res.header_bytes);
      if (res.close || res.fault != Response::Fault::none) return;
      reader.next();
    } else if (step == Http1Reader::Step::read) {
      if (fed == input.size()) return;  // the peer closed
      const std::size_t n = std::min(read_size, input.size() - fed);
      boost::asio::buffer_copy(buffer.prepare(n), boost::asio::buffer(input.data() + fed, n));
      buffer.commit(n);
      fed += n;
    }
  }
}

void http2(std::string_view input, std::size_t read_size) {
  boost::asio::io_context io(1);
  H2Session session(io.get_executor(), state(), [] {});
  std::vector<char> out;
  auto drain = [&] {
    for (int i = 0; i < 64; ++i) {
      out.clear();
      session.take_output(out, 64 * 1024);
      if (out.empty()) return;
    }
  };
  drain();
  for (std::size_t fed = 0; fed < input.size();) {
    const std::size_t n = std::min(read_size, input.size() - fed);
    if (!session.receive(reinterpret_cast<const std::uint8_t*>(input.data() + fed), n)) return;
    fed += n;
    drain();
    io.restart();  // an io_context that ran out of work stays stopped until restarted
    io.poll();     // the timers already due (/trickle/0)
    drain();
  }
  for (int i = 0; i < 16; ++i) {
    io.restart();
    io.poll();
    drain();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::uint8_t flags = data[0];
  const std::size_t read_size = std::size_t{data[1]} + 1;
  const std::string_view input(reinterpret_cast<const char*>(data + 2), size - 2);
  if ((flags & 1) == 0) {
    http1(input, read_size);
  } else if ((flags & 2) != 0) {
    http2(std::string(kPreface) + std::string(input), read_size);
  } else {
    http2(input, read_size);
  }
  return 0;
}
