#pragma once
// The request side of the built-in target server: a Beast basic_parser subclass that writes every
// part of a request into a RequestData owned by the connection. RequestData keeps its strings and
// vectors between requests (clear() keeps capacity), so a keep-alive connection parses request
// after request without allocating once its buffers have grown to fit.

#include <boost/beast/http/basic_parser.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ccload::server {

// One parsed request. Views returned by the accessors are valid until the next clear().
class RequestData {
 public:
  void clear();

  std::string_view method() const { return method_; }
  boost::beast::http::verb verb() const { return verb_; }
  std::string_view target() const { return target_; }
  // The target up to (not including) '?'.
  std::string_view path() const;
  // What follows '?' in the target ("" when none).
  std::string_view query() const;
  int version() const { return version_; }  // 10 or 11
  const std::string& body() const { return body_; }
  bool keep_alive() const { return keep_alive_; }
  bool expect_continue() const { return expect_continue_; }

  std::size_t header_count() const { return headers_.size(); }
  std::string_view header_name(std::size_t i) const;
  std::string_view header_value(std::size_t i) const;
  // The first header with this name (ASCII case-insensitive), "" when absent.
  std::string_view header(std::string_view name) const;

 private:
  friend class RequestParser;
  friend struct Http2RequestBuilder;  // fills a RequestData from HTTP/2 header fields
  struct HeaderRef {
    std::uint32_t name_offset, name_size, value_offset, value_size;
  };

  boost::beast::http::verb verb_ = boost::beast::http::verb::unknown;
  std::string method_;
  std::string target_;
  int version_ = 11;
  std::string header_store_;  // names and values, back to back
  std::vector<HeaderRef> headers_;
  std::string body_;
  bool keep_alive_ = true;
  bool expect_continue_ = false;
};

// Parses one request into a RequestData (which it clears first). Not reusable: Beast parsers parse
// one message each, so a connection emplaces a fresh one (cheap: no allocation) per request.
class RequestParser final : public boost::beast::http::basic_parser<true> {
 public:
  // body_limit: bodies larger than this fail with http::error::body_limit.
  RequestParser(RequestData& data, std::uint64_t body_limit, std::uint32_t header_limit);

 private:
  void on_request_impl(boost::beast::http::verb method, boost::beast::string_view method_str,
                       boost::beast::string_view target, int version,
                       boost::beast::error_code& ec) override;
  void on_response_impl(int code, boost::beast::string_view reason, int version,
                        boost::beast::error_code& ec) override;
  void on_field_impl(boost::beast::http::field name, boost::beast::string_view name_string,
                     boost::beast::string_view value, boost::beast::error_code& ec) override;
  void on_header_impl(boost::beast::error_code& ec) override;
  void on_body_init_impl(const boost::optional<std::uint64_t>& content_length,
                         boost::beast::error_code& ec) override;
  std::size_t on_body_impl(boost::beast::string_view body, boost::beast::error_code& ec) override;
  void on_chunk_header_impl(std::uint64_t size, boost::beast::string_view extensions,
                            boost::beast::error_code& ec) override;
  std::size_t on_chunk_body_impl(std::uint64_t remain, boost::beast::string_view body,
                                 boost::beast::error_code& ec) override;
  void on_finish_impl(boost::beast::error_code& ec) override;

  RequestData& data_;
};

// ASCII case-insensitive equality (header names, tokens).
bool iequals(std::string_view a, std::string_view b);

}  // namespace ccload::server
