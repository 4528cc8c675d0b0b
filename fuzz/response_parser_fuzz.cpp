// engine::ResponseParser on any bytes, as a connection feeds it: the bytes arrive in reads of
// random sizes (derived from the input), each complete response is followed by the next one on
// the same connection, and the connection's close ends it. The parser must honour its contract
// (`used` within the read, every byte used unless done), and its verdicts (each response's status,
// then how the stream ends) must not depend on how the bytes were split: they are compared with
// the same bytes parsed in one read.
//
// Input: byte 0 = flags (bit 0: the request was HEAD), bytes 1-4 seed the read sizes, the rest is
// what the server sent.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "engine/response_parser.hpp"

namespace {

using ccload::engine::ResponseParser;

// What the parser concluded about a stream: the statuses of the complete responses, then how the
// stream ended (-1 failed, -2 the bytes ran out in a response, -3 the close completed it,
// -4 the bytes ran out between responses).
std::vector<int> verdicts(std::string_view stream, bool head, std::uint32_t seed, bool split) {
  static ResponseParser parser;  // reused, as a connection reuses its parser
  std::vector<int> out;
  parser.start(head);
  std::uint32_t state = seed | 1;
  std::size_t pos = 0;
  bool in_response = false;
  while (pos < stream.size()) {
    std::size_t read = stream.size() - pos;
    if (split) {
      state ^= state << 13;
      state ^= state >> 17;
      state ^= state << 5;
      read = std::min<std::size_t>(read, 1 + state % 97);
    }
    std::size_t offset = 0;
    while (offset < read) {
      std::size_t used = 0;
      in_response = true;
      const auto step = parser.parse(stream.data() + pos + offset, read - offset, used);
      if (used > read - offset) __builtin_trap();
      offset += used;
      if (step == ResponseParser::Step::failed) {
        out.push_back(-1);
        return out;
      }
      if (step == ResponseParser::Step::need_more) {
        if (offset != read) __builtin_trap();  // need_more means every byte was consumed
        break;
      }
      out.push_back(parser.status());
      (void)parser.take_failure_body();
      parser.start(head);
      in_response = false;
    }
    pos += read;
  }
  if (!in_response || !parser.got_some()) {
    out.push_back(-4);
  } else if (parser.finish() == ResponseParser::Step::done) {
    out.push_back(parser.status());
    out.push_back(-3);
  } else {
    out.push_back(-2);
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 5) return 0;
  const bool head = (data[0] & 1) != 0;
  std::uint32_t seed;
  std::memcpy(&seed, data + 1, sizeof seed);
  const std::string_view stream(reinterpret_cast<const char*>(data + 5), size - 5);
  if (verdicts(stream, head, seed, true) != verdicts(stream, head, seed, false)) __builtin_trap();
  return 0;
}
