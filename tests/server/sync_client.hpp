#pragma once
// A small synchronous Beast HTTP client for the server tests: one connection, many requests.

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ccload::test {

using Headers = std::vector<std::pair<std::string, std::string>>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;

inline boost::beast::http::request<boost::beast::http::string_body> make_request(
    boost::beast::http::verb method, const std::string& target, const std::string& body = {},
    const Headers& headers = {}, int version = 11) {
  namespace http = boost::beast::http;
  http::request<http::string_body> req{method, target, version};
  req.set(http::field::host, "localhost");
  for (const auto& [name, value] : headers) req.set(name, value);
  if (!body.empty() || method == http::verb::post || method == http::verb::put) {
    req.body() = body;
    req.prepare_payload();
  }
  return req;
}

// A plain TCP connection to 127.0.0.1:port.
class SyncClient {
 public:
  explicit SyncClient(std::uint16_t port) : socket_(io_) {
    socket_.connect({boost::asio::ip::address_v4::loopback(), port});
  }

  Response send(boost::beast::http::verb method, const std::string& target,
                const std::string& body = {}, const Headers& headers = {}, int version = 11) {
    write(make_request(method, target, body, headers, version));
    return read(method == boost::beast::http::verb::head);
  }
  Response get(const std::string& target) { return send(boost::beast::http::verb::get, target); }

  void write(const boost::beast::http::request<boost::beast::http::string_body>& req) {
    boost::beast::http::write(socket_, req);
  }
  Response read(bool head = false) {
    boost::beast::http::response_parser<boost::beast::http::string_body> parser;
    parser.body_limit(200u * 1024u * 1024u);
    if (head) parser.skip(true);
    boost::beast::http::read(socket_, buffer_, parser);
    return parser.release();
  }
  // True when the server closed the connection (a read gets EOF).
  bool closed_by_peer() {
    boost::system::error_code ec;
    char c;
    socket_.read_some(boost::asio::buffer(&c, 1), ec);
    return ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset;
  }
  boost::asio::ip::tcp::socket& socket() { return socket_; }
  boost::beast::flat_buffer& buffer() { return buffer_; }

 private:
  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
};

}  // namespace ccload::test
