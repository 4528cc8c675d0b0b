// H2Session without sockets: an nghttp2 client in the test talks to it through memory, so what each
// fault does to its stream, and to the others on the same connection, is seen frame by frame.

#include "server/h2_session.hpp"

#include <gtest/gtest.h>
#include <nghttp2/nghttp2.h>

#include <boost/asio/io_context.hpp>
#include <map>
#include <string>
#include <vector>

namespace ccload::server {
namespace {

struct ClientStream {
  std::map<std::string, std::string> fields;
  std::size_t field_bytes = 0;  // names and values, as H2Session counts them for /headers/N
  std::string body;
  int data_frames = 0;
  bool closed = false;
  std::uint32_t close_error = 0;
};

class H2SessionTest : public ::testing::Test {
 protected:
  boost::asio::io_context io{1};
  ServerState state;
  int wakes = 0;
  H2Session session{io.get_executor(), state, [this] { ++wakes; }};
  nghttp2_session* client = nullptr;
  std::map<std::int32_t, ClientStream> streams;
  bool connection_closed = false;      // receive() said: close now
  std::uint32_t goaway_sent = 0xffff;  // the error code of the client's GOAWAY, if it sent one

  H2SessionTest() {
    nghttp2_session_callbacks* callbacks = nullptr;
    nghttp2_session_callbacks_new(&callbacks);
    nghttp2_session_callbacks_set_on_header_callback(
        callbacks, [](nghttp2_session*, const nghttp2_frame* frame, const std::uint8_t* name,
                      std::size_t namelen, const std::uint8_t* value, std::size_t valuelen,
                      std::uint8_t, void* self) {
          auto& s = static_cast<H2SessionTest*>(self)->streams[frame->hd.stream_id];
          s.fields[std::string(reinterpret_cast<const char*>(name), namelen)] =
              std::string(reinterpret_cast<const char*>(value), valuelen);
          s.field_bytes += namelen + valuelen;
          return 0;
        });
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(
        callbacks, [](nghttp2_session*, std::uint8_t, std::int32_t id, const std::uint8_t* data,
                      std::size_t len, void* self) {
          auto& s = static_cast<H2SessionTest*>(self)->streams[id];
          s.body.append(reinterpret_cast<const char*>(data), len);
          return 0;
        });
    nghttp2_session_callbacks_set_on_frame_recv_callback(
        callbacks, [](nghttp2_session*, const nghttp2_frame* frame, void* self) {
          if (frame->hd.type == NGHTTP2_DATA && frame->hd.length > 0) {
            ++static_cast<H2SessionTest*>(self)->streams[frame->hd.stream_id].data_frames;
          }
          return 0;
        });
    nghttp2_session_callbacks_set_on_frame_send_callback(
        callbacks, [](nghttp2_session*, const nghttp2_frame* frame, void* self) {
          if (frame->hd.type == NGHTTP2_GOAWAY) {
            static_cast<H2SessionTest*>(self)->goaway_sent = frame->goaway.error_code;
          }
          return 0;
        });
    nghttp2_session_callbacks_set_on_stream_close_callback(
        callbacks, [](nghttp2_session*, std::int32_t id, std::uint32_t error, void* self) {
          auto& s = static_cast<H2SessionTest*>(self)->streams[id];
          s.closed = true;
          s.close_error = error;
          return 0;
        });
    nghttp2_session_client_new(&client, callbacks, this);
    nghttp2_session_callbacks_del(callbacks);
    nghttp2_submit_settings(client, NGHTTP2_FLAG_NONE, nullptr, 0);
  }
  ~H2SessionTest() override { nghttp2_session_del(client); }

  std::int32_t get(const std::string& path) {
    const nghttp2_nv nva[] = {
        {bytes(":method"), bytes("GET"), 7, 3, NGHTTP2_NV_FLAG_NONE},
        {bytes(":path"), bytes(path.c_str()), 5, path.size(), NGHTTP2_NV_FLAG_NONE},
        {bytes(":scheme"), bytes("http"), 7, 4, NGHTTP2_NV_FLAG_NONE},
        {bytes(":authority"), bytes("h"), 10, 1, NGHTTP2_NV_FLAG_NONE},
    };
    return nghttp2_submit_request(client, nullptr, nva, std::size(nva), nullptr, nullptr);
  }

  // Moves bytes both ways and runs the due timers until nothing moves (bounded).
  void pump() {
    std::vector<char> out;
    for (int round = 0; round < 1000 && !connection_closed; ++round) {
      bool moved = false;
      const std::uint8_t* data = nullptr;
      for (ssize_t n; (n = nghttp2_session_mem_send(client, &data)) > 0;) {
        moved = true;
        if (!session.receive(data, static_cast<std::size_t>(n))) {
          connection_closed = true;
          return;
        }
      }
      out.clear();
      session.take_output(out, 1u << 20);
      if (!out.empty()) {
        moved = true;
        nghttp2_session_mem_recv(client, reinterpret_cast<const std::uint8_t*>(out.data()),
                                 out.size());
      }
      io.restart();  // an io_context that ran out of work stays stopped until restarted
      if (io.poll() > 0) moved = true;
      // Waits for a timer that is due (a 0 ms one may not be seen by poll() yet); returns at once
      // when none is pending.
      if (!moved && io.run_one_for(std::chrono::seconds(5)) == 0) return;
    }
  }

  static std::uint8_t* bytes(const char* s) {
    return reinterpret_cast<std::uint8_t*>(const_cast<char*>(s));
  }
};

TEST_F(H2SessionTest, GetIsAnsweredWithFieldsFromTheNeutralResponse) {
  const auto id = get("/get");
  pump();
  const ClientStream& s = streams[id];
  EXPECT_EQ(s.fields.at(":status"), "200");
  EXPECT_EQ(s.fields.at("server"), "ccload");
  EXPECT_EQ(s.fields.at("content-type"), "application/json");
  EXPECT_EQ(s.fields.at("content-length"), std::to_string(s.body.size()));
  EXPECT_EQ(s.fields.count("connection"), 0u) << "no connection-level field in HTTP/2";
  EXPECT_TRUE(s.closed);
  EXPECT_EQ(s.close_error, 0u);
}

TEST_F(H2SessionTest, HangHoldsItsStreamAndTheOthersAreAnswered) {
  const auto hung = get("/hang");
  const auto other = get("/get");
  pump();
  EXPECT_FALSE(streams[hung].closed);
  EXPECT_EQ(streams[hung].fields.count(":status"), 0u);
  EXPECT_EQ(streams[other].fields[":status"], "200");
  EXPECT_TRUE(streams[other].closed);
  EXPECT_FALSE(session.finished());
}

TEST_F(H2SessionTest, ResetSendsHalfTheBodyThenRstStreamOnThatStreamOnly) {
  const auto reset = get("/reset");
  pump();
  EXPECT_EQ(streams[reset].fields[":status"], "200");
  EXPECT_EQ(streams[reset].fields["content-length"], "1000");
  EXPECT_EQ(streams[reset].body.size(), 500u);
  EXPECT_TRUE(streams[reset].closed);
  EXPECT_EQ(streams[reset].close_error, static_cast<std::uint32_t>(NGHTTP2_INTERNAL_ERROR));
  const auto after = get("/status/201");
  pump();
  EXPECT_EQ(streams[after].fields[":status"], "201") << "the connection goes on";
}

TEST_F(H2SessionTest, CloseEndsTheConnectionAtOnce) {
  get("/close");
  pump();
  EXPECT_TRUE(connection_closed);
}

TEST_F(H2SessionTest, MalformedIsAConnectionErrorForTheClient) {
  const auto id = get("/malformed");
  pump();
  EXPECT_EQ(goaway_sent, static_cast<std::uint32_t>(NGHTTP2_PROTOCOL_ERROR));
  EXPECT_EQ(streams[id].fields.count(":status"), 0u);
  EXPECT_TRUE(session.finished());
}

TEST_F(H2SessionTest, TricklePacesOneDataFramePerByte) {
  const auto id = get("/trickle/0");
  pump();
  EXPECT_EQ(streams[id].body, "trickling\n");
  EXPECT_EQ(streams[id].data_frames, 10);
  EXPECT_GE(wakes, 10) << "each paced byte wakes the connection";
}

TEST_F(H2SessionTest, HeadersSendsAboutNBytesOfFields) {
  for (std::size_t n : {std::size_t{2000}, std::size_t{70000}}) {
    const auto id = get("/headers/" + std::to_string(n));
    pump();
    EXPECT_EQ(streams[id].fields[":status"], "200");
    EXPECT_LE(streams[id].field_bytes, n);
    EXPECT_GE(streams[id].field_bytes + 6, n);
    EXPECT_EQ(streams[id].body, "headers\n");
  }
}

TEST_F(H2SessionTest, DelayAnswersWhenItsTimerFires) {
  const auto id = get("/delay/1");
  pump();  // waits for the timer
  EXPECT_EQ(streams[id].fields[":status"], "200");
  EXPECT_EQ(wakes, 1);
}

}  // namespace
}  // namespace ccload::server
