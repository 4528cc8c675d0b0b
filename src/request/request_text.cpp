#include "request/request_text.hpp"

#include <llhttp.h>

namespace ccload::request {

namespace {

// What the callbacks fill: the request being parsed, and how far the pieces reached.
struct Splitting {
  std::vector<RequestText>* out = nullptr;
  std::size_t count = 0;  // requests complete so far
  const char* text = nullptr;
  bool in_field = false;  // the last piece was a field name (the next value is its)
  bool chunked = false;
  RequestText& current() { return (*out)[count]; }
};

Splitting& of(llhttp_t* parser) { return *static_cast<Splitting*>(parser->data); }

// Pieces of one element arrive contiguously (one text is parsed in one call): grows `view`.
void extend(std::string_view& view, const char* at, std::size_t size) {
  view = view.empty()
             ? std::string_view(at, size)
             : std::string_view(view.data(), static_cast<std::size_t>(at + size - view.data()));
}

int on_message_begin(llhttp_t* parser) {
  Splitting& s = of(parser);
  if (s.out->size() == s.count) s.out->emplace_back();
  RequestText& r = s.current();
  r.method = r.target = r.body = {};
  r.headers.clear();
  r.offset = r.size = 0;
  s.in_field = false;
  return 0;
}
int on_method(llhttp_t* parser, const char* at, std::size_t size) {
  Splitting& s = of(parser);
  RequestText& r = s.current();
  if (r.method.empty()) r.offset = static_cast<std::size_t>(at - s.text);
  extend(r.method, at, size);
  return 0;
}
int on_url(llhttp_t* parser, const char* at, std::size_t size) {
  extend(of(parser).current().target, at, size);
  return 0;
}
int on_header_field(llhttp_t* parser, const char* at, std::size_t size) {
  Splitting& s = of(parser);
  RequestText& r = s.current();
  if (!s.in_field) r.headers.push_back({});
  s.in_field = true;
  extend(r.headers.back().name, at, size);
  return 0;
}
int on_header_value(llhttp_t* parser, const char* at, std::size_t size) {
  Splitting& s = of(parser);
  s.in_field = false;
  extend(s.current().headers.back().value, at, size);
  return 0;
}
int on_body(llhttp_t* parser, const char* at, std::size_t size) {
  Splitting& s = of(parser);
  RequestText& r = s.current();
  if (!r.body.empty() && r.body.data() + r.body.size() != at) {
    s.chunked = true;  // framing between the pieces: a chunked body
    return -1;
  }
  extend(r.body, at, size);
  return 0;
}
int on_message_complete(llhttp_t* parser) {
  if (parser->flags & F_CHUNKED) {
    of(parser).chunked = true;
    return -1;
  }
  return HPE_PAUSED;  // the caller notes where the request ended
}

const llhttp_settings_t& settings() {
  static const llhttp_settings_t s = [] {
    llhttp_settings_t v;
    llhttp_settings_init(&v);
    v.on_message_begin = on_message_begin;
    v.on_method = on_method;
    v.on_url = on_url;
    v.on_header_field = on_header_field;
    v.on_header_value = on_header_value;
    v.on_body = on_body;
    v.on_message_complete = on_message_complete;
    return v;
  }();
  return s;
}

}  // namespace

std::size_t split_requests(std::string_view text, std::vector<RequestText>& out,
                           std::string& error) {
  Splitting s{&out, 0, text.data()};
  llhttp_t parser;
  llhttp_init(&parser, HTTP_REQUEST, &settings());
  parser.data = &s;
  const char* at = text.data();
  const char* const end = text.data() + text.size();
  while (at < end) {
    const llhttp_errno_t result = llhttp_execute(&parser, at, static_cast<std::size_t>(end - at));
    if (result == HPE_PAUSED) {
      const char* stop = llhttp_get_error_pos(&parser);
      RequestText& r = s.current();
      r.size = static_cast<std::size_t>(stop - text.data()) - r.offset;
      ++s.count;
      llhttp_resume(&parser);
      at = stop;
      continue;
    }
    if (s.chunked) {
      error = "a request with a chunked body: give the body with Content-Length (wrk.format does)";
    } else if (result == HPE_OK) {
      error = "the text ends inside a request: its head or body is cut short";
    } else {
      error = "not an HTTP/1.1 request: " + std::string(llhttp_errno_name(result)) + " (" +
              std::string(llhttp_get_error_reason(&parser)) + ")";
    }
    return 0;
  }
  if (s.count == 0) error = "no request: the text is empty";
  return s.count;
}

}  // namespace ccload::request
