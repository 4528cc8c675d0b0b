#include "support/recording_server.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "server/sync_client.hpp"

namespace ccload::test {
namespace {

namespace http = boost::beast::http;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

TEST(RecordingServer, RecordsWhatItReceives) {
  RecordingServer server;
  EXPECT_EQ(server.url("/x"), "http://127.0.0.1:" + std::to_string(server.port()) + "/x");
  SyncClient client(server.port());
  auto res = client.send(http::verb::post, "/ingest?a=b", "hello body",
                         {{"Authorization", "Bearer t0k"}, {"X-Multi", "1"}});
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(res.body(), "ok");
  client.get("/second");

  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(server.request_count(), 2u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].target, "/ingest?a=b");
  EXPECT_EQ(requests[0].body, "hello body");
  EXPECT_EQ(requests[0].header("authorization"), "Bearer t0k");
  EXPECT_EQ(requests[0].header("X-MULTI"), "1");
  EXPECT_EQ(requests[0].header("absent"), "");
  EXPECT_EQ(requests[0].connection_id, 1u);
  EXPECT_EQ(requests[1].method, "GET");
  EXPECT_EQ(requests[1].target, "/second");
  EXPECT_EQ(requests[1].connection_id, 1u);
  EXPECT_EQ(server.total_connections(), 1u);
}

TEST(RecordingServer, AnswersFromTheScript) {
  RecordingServer server([](const ReceivedRequest& req, std::uint64_t index) {
    ScriptedResponse r;
    r.status = index == 0 ? 503 : 201;
    r.body = "n=" + std::to_string(index) + " " + req.target;
    r.headers = {{"X-Index", std::to_string(index)}};
    return r;
  });
  SyncClient client(server.port());
  auto first = client.get("/a");
  EXPECT_EQ(first.result_int(), 503);
  EXPECT_EQ(first.body(), "n=0 /a");
  EXPECT_EQ(first["X-Index"], "0");
  auto second = client.get("/b");
  EXPECT_EQ(second.result_int(), 201);
  EXPECT_EQ(second.body(), "n=1 /b");
}

TEST(RecordingServer, DelayBeforeHead) {
  RecordingServer server([](const ReceivedRequest&, std::uint64_t) {
    ScriptedResponse r;
    r.delay_before_head = 200ms;
    return r;
  });
  SyncClient client(server.port());
  const auto start = Clock::now();
  EXPECT_EQ(client.get("/").result_int(), 200);
  const auto elapsed = Clock::now() - start;
  EXPECT_GE(elapsed, 200ms);
  EXPECT_LT(elapsed, 2s);
}

TEST(RecordingServer, DelayBeforeBodySendsHeadFirst) {
  RecordingServer server([](const ReceivedRequest&, std::uint64_t) {
    ScriptedResponse r;
    r.body = "the body";
    r.delay_before_body = 300ms;
    return r;
  });
  SyncClient client(server.port());
  client.write(make_request(http::verb::get, "/"));
  const auto start = Clock::now();
  http::response_parser<http::string_body> parser;
  http::read_header(client.socket(), client.buffer(), parser);
  const auto head_at = Clock::now() - start;
  http::read(client.socket(), client.buffer(), parser);
  const auto body_at = Clock::now() - start;
  EXPECT_LT(head_at, 250ms);
  EXPECT_GE(body_at, 300ms);
  EXPECT_EQ(parser.get().body(), "the body");
}

TEST(RecordingServer, HangingRequestDoesNotBlockStop) {
  RecordingServer server([](const ReceivedRequest&, std::uint64_t) {
    ScriptedResponse r;
    r.hang = true;
    return r;
  });
  SyncClient client(server.port());
  client.write(make_request(http::verb::get, "/hang"));
  while (server.request_count() == 0) std::this_thread::sleep_for(5ms);
  const auto start = Clock::now();
  server.stop();
  EXPECT_LT(Clock::now() - start, 1s);
  EXPECT_TRUE(client.closed_by_peer());
  server.stop();  // idempotent
  EXPECT_EQ(server.requests().at(0).target, "/hang");
}

TEST(RecordingServer, StopWithIdleAndDelayedConnections) {
  RecordingServer server([](const ReceivedRequest&, std::uint64_t) {
    ScriptedResponse r;
    r.delay_before_head = 10s;
    return r;
  });
  SyncClient idle(server.port());
  SyncClient waiting(server.port());
  waiting.write(make_request(http::verb::get, "/slow"));
  while (server.request_count() == 0) std::this_thread::sleep_for(5ms);
  const auto start = Clock::now();
  server.stop();
  EXPECT_LT(Clock::now() - start, 1s);
}

TEST(RecordingServer, CountsConcurrentConnections) {
  RecordingServer server;
  {
    SyncClient a(server.port());
    SyncClient b(server.port());
    SyncClient c(server.port());
    for (auto* client : {&a, &b, &c}) EXPECT_EQ(client->get("/").result_int(), 200);
    EXPECT_EQ(server.total_connections(), 3u);
    EXPECT_EQ(server.max_concurrent_connections(), 3u);
    auto requests = server.requests();
    ASSERT_EQ(requests.size(), 3u);
    EXPECT_EQ(requests[0].connection_id, 1u);
    EXPECT_EQ(requests[1].connection_id, 2u);
    EXPECT_EQ(requests[2].connection_id, 3u);
  }
  // Once those have closed, a new one raises the total but not the high-water mark.
  std::this_thread::sleep_for(100ms);
  SyncClient d(server.port());
  EXPECT_EQ(d.get("/").result_int(), 200);
  EXPECT_EQ(server.total_connections(), 4u);
  EXPECT_EQ(server.max_concurrent_connections(), 3u);
}

TEST(RecordingServer, CloseAfterClosesTheConnection) {
  RecordingServer server([](const ReceivedRequest&, std::uint64_t) {
    ScriptedResponse r;
    r.close_after = true;
    return r;
  });
  SyncClient client(server.port());
  auto res = client.get("/");
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_FALSE(res.keep_alive());
  EXPECT_TRUE(client.closed_by_peer());
}

TEST(RecordingServer, ClientConnectionCloseIsHonoured) {
  RecordingServer server;
  SyncClient client(server.port());
  auto res = client.send(http::verb::get, "/", {}, {{"Connection", "close"}});
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_TRUE(client.closed_by_peer());
}

TEST(RecordingServer, RawIsSentVerbatimThenCloses) {
  RecordingServer server([](const ReceivedRequest&, std::uint64_t) {
    ScriptedResponse r;
    r.raw = "HTTP/1.1 299 Custom\r\nContent-Length: 2\r\nX-Raw: yes\r\n\r\nhi";
    return r;
  });
  SyncClient client(server.port());
  auto res = client.get("/");
  EXPECT_EQ(res.result_int(), 299);
  EXPECT_EQ(res["X-Raw"], "yes");
  EXPECT_EQ(res.body(), "hi");
  EXPECT_TRUE(client.closed_by_peer());
}

TEST(RecordingServer, RawGarbageIsAMalformedResponse) {
  RecordingServer server([](const ReceivedRequest&, std::uint64_t) {
    ScriptedResponse r;
    r.raw = "this is not http\r\n\r\n";
    return r;
  });
  SyncClient client(server.port());
  EXPECT_THROW(client.get("/"), boost::system::system_error);
}

TEST(RecordingServer, ParallelClientsAreAllRecorded) {
  RecordingServer server;
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&] {
      SyncClient client(server.port());
      for (int i = 0; i < 10; ++i) client.get("/p");
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(server.request_count(), 60u);
  EXPECT_EQ(server.total_connections(), 6u);
  EXPECT_LE(server.max_concurrent_connections(), 6u);
}

TEST(UnusedPort, IsRefused) {
  const std::uint16_t port = unused_port();
  EXPECT_NE(port, 0);
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  boost::system::error_code ec;
  socket.connect({boost::asio::ip::address_v4::loopback(), port}, ec);
  EXPECT_EQ(ec, boost::asio::error::connection_refused);
}

}  // namespace
}  // namespace ccload::test
