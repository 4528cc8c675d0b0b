#pragma once
// HTTP/2 for the built-in target server: the socket loops around an H2Session (h2_session.hpp),
// which answers every endpoint and acts out every fault, one request per stream, many streams at
// once. /delay/MS delays its own stream with a timer and never holds up the others. ServerState
// counts the streams open at once (http2_streams_max). A session that has nothing more to send
// (after a GOAWAY, or /malformed's frame) waits up to 5 s for the client to close the connection,
// so that the client reads the last frames before the close.
//
// The connection decides the protocol before any request is parsed:
//   cleartext: the client preface "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" (prior knowledge, h2c),
//              peeked from the socket, so HTTP/1.1 connections are served unchanged;
//   TLS:       ALPN "h2" (offered next to "http/1.1"; the client's preference is followed).

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>

#include "server/router.hpp"

namespace ccload::server {

// Serves HTTP/2 on a connected stream until the peer closes or the connection fails.
boost::asio::awaitable<void> serve_http2(boost::asio::ip::tcp::socket& stream, ServerState& state);
boost::asio::awaitable<void> serve_http2(
    boost::asio::ssl::stream<boost::asio::ip::tcp::socket>& stream, ServerState& state);

// True when the connection starts with the HTTP/2 client preface; reads nothing (MSG_PEEK).
boost::asio::awaitable<bool> starts_with_http2_preface(boost::asio::ip::tcp::socket& socket);

// Offers h2 and http/1.1 by ALPN on a server context.
void enable_http2_alpn(boost::asio::ssl::context& context);

// After the handshake: whether the client and server agreed on h2.
bool negotiated_http2(boost::asio::ssl::stream<boost::asio::ip::tcp::socket>& stream);

}  // namespace ccload::server
