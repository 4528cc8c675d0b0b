// classify_first_read: what the first read of an h2c connection says about the server.

#include "engine/h2c_refusal.hpp"

#include <gtest/gtest.h>

#include <string_view>

namespace ccload::engine {
namespace {

FirstRead classify(std::string_view bytes, boost::system::error_code ec = {}) {
  return classify_first_read(ec, bytes.data(), bytes.size());
}

TEST(H2cRefusal, AStatusLineIsAnHttp1Answer) {
  EXPECT_EQ(classify("HTTP/1.1 400 Bad Request\r\n"), FirstRead::http1_answer);
  EXPECT_EQ(classify("HTTP/1.0 505 HTTP Version Not Supported\r\n"), FirstRead::http1_answer);
  EXPECT_EQ(classify("HTT"), FirstRead::http1_answer);  // its start, read alone
}

TEST(H2cRefusal, ASettingsFrameIsHttp2) {
  // length 6, type SETTINGS (4), flags 0, stream 0, then one setting.
  constexpr char kSettings[] = "\x00\x00\x06\x04\x00\x00\x00\x00\x00\x00\x03\x00\x00\x00\x64";
  EXPECT_EQ(classify({kSettings, sizeof kSettings - 1}), FirstRead::http2);
  EXPECT_EQ(classify("HTTP/2"), FirstRead::http2);
}

TEST(H2cRefusal, AnEndBeforeAnyByteIsClosedAndOurOwnAbortIsNot) {
  namespace error = boost::asio::error;
  EXPECT_EQ(classify("", error::eof), FirstRead::closed);
  EXPECT_EQ(classify("", error::connection_reset), FirstRead::closed);
  EXPECT_EQ(classify("", error::operation_aborted), FirstRead::http2);
}

}  // namespace
}  // namespace ccload::engine
