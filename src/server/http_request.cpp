#include "server/http_request.hpp"

#include <limits>

namespace ccload::server {

namespace http = boost::beast::http;

namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// True when the comma-separated token list `list` contains `token` (case-insensitive).
bool has_token(std::string_view list, std::string_view token) {
  while (!list.empty()) {
    std::size_t comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (iequals(item, token)) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

void RequestData::clear() {
  verb_ = http::verb::unknown;
  method_.clear();
  target_.clear();
  version_ = 11;
  header_store_.clear();
  headers_.clear();
  body_.clear();
  keep_alive_ = true;
  expect_continue_ = false;
}

std::string_view RequestData::path() const {
  std::string_view t = target_;
  return t.substr(0, t.find('?'));
}

std::string_view RequestData::query() const {
  std::string_view t = target_;
  std::size_t q = t.find('?');
  return q == std::string_view::npos ? std::string_view{} : t.substr(q + 1);
}

std::string_view RequestData::header_name(std::size_t i) const {
  const HeaderRef& h = headers_[i];
  return std::string_view(header_store_).substr(h.name_offset, h.name_size);
}

std::string_view RequestData::header_value(std::size_t i) const {
  const HeaderRef& h = headers_[i];
  return std::string_view(header_store_).substr(h.value_offset, h.value_size);
}

std::string_view RequestData::header(std::string_view name) const {
  for (std::size_t i = 0; i < headers_.size(); ++i) {
    if (iequals(header_name(i), name)) return header_value(i);
  }
  return {};
}

RequestParser::RequestParser(RequestData& data, std::uint64_t body_limit,
                             std::uint32_t header_limit)
    : data_(data) {
  data_.clear();
  this->body_limit(body_limit);
  this->header_limit(header_limit);
  this->eager(true);
}

void RequestParser::on_request_impl(http::verb method, boost::beast::string_view method_str,
                                    boost::beast::string_view target, int version,
                                    boost::beast::error_code&) {
  data_.verb_ = method;
  data_.method_.assign(method_str);
  data_.target_.assign(target);
  data_.version_ = version;
}

void RequestParser::on_response_impl(int, boost::beast::string_view, int,
                                     boost::beast::error_code& ec) {
  ec = http::error::bad_version;  // never called for a request parser
}

void RequestParser::on_field_impl(http::field name, boost::beast::string_view name_string,
                                  boost::beast::string_view value, boost::beast::error_code&) {
  RequestData::HeaderRef ref{};
  ref.name_offset = static_cast<std::uint32_t>(data_.header_store_.size());
  ref.name_size = static_cast<std::uint32_t>(name_string.size());
  data_.header_store_.append(name_string);
  ref.value_offset = static_cast<std::uint32_t>(data_.header_store_.size());
  ref.value_size = static_cast<std::uint32_t>(value.size());
  data_.header_store_.append(value);
  data_.headers_.push_back(ref);
  if (name == http::field::expect && has_token(value, "100-continue")) {
    data_.expect_continue_ = true;
  }
}

void RequestParser::on_header_impl(boost::beast::error_code&) {
  data_.keep_alive_ = this->keep_alive();
}

void RequestParser::on_body_init_impl(const boost::optional<std::uint64_t>& content_length,
                                      boost::beast::error_code&) {
  if (content_length) {
    // Bounded by body_limit, which the parser checked already.
    data_.body_.reserve(static_cast<std::size_t>(*content_length));
  }
}

std::size_t RequestParser::on_body_impl(boost::beast::string_view body, boost::beast::error_code&) {
  data_.body_.append(body);
  return body.size();
}

void RequestParser::on_chunk_header_impl(std::uint64_t, boost::beast::string_view,
                                         boost::beast::error_code&) {}

std::size_t RequestParser::on_chunk_body_impl(std::uint64_t, boost::beast::string_view body,
                                              boost::beast::error_code&) {
  data_.body_.append(body);
  return body.size();
}

void RequestParser::on_finish_impl(boost::beast::error_code&) {}

}  // namespace ccload::server
