#include "engine/response_parser.hpp"

#include <fmt/format.h>

namespace ccload::engine {

namespace {
ResponseParser& self(llhttp_t* parser) { return *static_cast<ResponseParser*>(parser->data); }
}  // namespace

// Three settings: `plain` looks at no field; `watching` (locations on) adds one callback per
// response, at the end of the status line, which switches a redirect's parse to `fields` for its
// header fields. So a 200 pays one call, not one per field, for redirects being followed.
const llhttp_settings_t& ResponseParser::settings(Fields which) {
  static const auto make = [](Fields kind) {
    llhttp_settings_t s;
    llhttp_settings_init(&s);
    s.on_headers_complete = &ResponseParser::on_headers_complete;
    s.on_body = &ResponseParser::on_body;
    s.on_message_complete = &ResponseParser::on_message_complete;
    if (kind != Fields::none) s.on_status_complete = &ResponseParser::on_status_complete;
    if (kind == Fields::capture) {
      s.on_header_field = &ResponseParser::on_capture_field;
      s.on_header_value = &ResponseParser::on_capture_value;
      s.on_header_value_complete = &ResponseParser::on_capture_value_complete;
    }
    if (kind == Fields::location) {
      s.on_header_field = &ResponseParser::on_header_field;
      s.on_header_value = &ResponseParser::on_header_value;
      s.on_header_value_complete = &ResponseParser::on_header_value_complete;
    }
    return s;
  };
  static const llhttp_settings_t none = make(Fields::none), watching = make(Fields::watching),
                                 location = make(Fields::location), capture = make(Fields::capture);
  switch (which) {
    case Fields::none:
      return none;
    case Fields::watching:
      return watching;
    case Fields::capture:
      return capture;
    case Fields::location:
      break;
  }
  return location;
}

int ResponseParser::on_status_complete(llhttp_t* parser) {
  const int status = parser->status_code;
  if (status >= 300 && status < 400) {
    parser->settings = const_cast<void*>(static_cast<const void*>(&settings(Fields::location)));
  }
  return 0;
}

ResponseParser::ResponseParser(bool locations)
    : base_(&settings(locations ? Fields::watching : Fields::none)), locations_(locations) {
  llhttp_init(&parser_, HTTP_RESPONSE, base_);
  parser_.data = this;
}

void ResponseParser::capture(const core::ResponseNeeds& needs) {
  needs_ = needs;
  if (!needs.any()) return;
  base_ = &settings(Fields::capture);  // field callbacks for every response (and redirects')
  llhttp_init(&parser_, HTTP_RESPONSE, base_);
  parser_.data = this;
}

// Capture: the fields of the head (not trailers), names lowercased; then the redirect rules.
int ResponseParser::on_capture_field(llhttp_t* parser, const char* data, std::size_t size) {
  ResponseParser& p = self(parser);
  if (p.needs_.headers && !p.headers_done_) {
    if (p.new_field_) {
      p.new_field_ = false;
      p.field_spans_.push_back({p.head_.size(), 0, 0});
    }
    for (std::size_t i = 0; i < size; ++i) {
      const char c = data[i];
      p.head_ += c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c;
    }
    p.field_spans_.back().value = p.field_spans_.back().end = p.head_.size();
  }
  return p.locations_ ? on_header_field(parser, data, size) : 0;
}

int ResponseParser::on_capture_value(llhttp_t* parser, const char* data, std::size_t size) {
  ResponseParser& p = self(parser);
  if (p.needs_.headers && !p.headers_done_ && !p.field_spans_.empty()) {
    p.head_.append(data, size);
    p.field_spans_.back().end = p.head_.size();
  }
  return p.locations_ ? on_header_value(parser, data, size) : 0;
}

int ResponseParser::on_capture_value_complete(llhttp_t* parser) {
  ResponseParser& p = self(parser);
  p.new_field_ = true;
  return p.locations_ ? on_header_value_complete(parser) : 0;
}

core::ServerResponse ResponseParser::response() const {
  return {.status = status_,
          .headers = fields_,
          .body = body_,
          .body_truncated = body_truncated_,
          .body_size = body_bytes_};
}

void ResponseParser::start(bool head_request) {
  // After a complete keep-alive response llhttp is paused right at its end (on_message_complete)
  // and goes on with the next message when resumed; anything else starts afresh.
  if (complete_ && keep_alive_ && llhttp_get_errno(&parser_) == HPE_PAUSED) {
    llhttp_resume(&parser_);
  } else {
    llhttp_reset(&parser_);
  }
  parser_.settings = const_cast<void*>(static_cast<const void*>(base_));
  head_request_ = head_request;
  headers_done_ = complete_ = keep_alive_ = capture_ = interim_done_ = false;
  status_ = 0;
  fed_ = body_bytes_ = 0;
  head_room_ = kHeadLimit;
  captured_.clear();
  location_.clear();
  field_matched_ = 0;
  field_is_location_ = in_value_ = location_done_ = false;
  if (needs_.any()) clear_capture();
}

void ResponseParser::clear_capture() {
  new_field_ = true;
  head_.clear();
  field_spans_.clear();
  fields_.clear();
  body_.clear();
  body_truncated_ = false;
}

int ResponseParser::on_header_field(llhttp_t* parser, const char* data, std::size_t size) {
  const int status = parser->status_code;
  if (status < 300 || status >= 400) return 0;  // only redirects' fields are looked at
  ResponseParser& p = self(parser);
  if (p.headers_done_) return 0;  // trailers of a chunked body carry no Location
  if (p.in_value_) {              // a new field begins
    p.in_value_ = false;
    p.field_matched_ = 0;
  }
  static constexpr std::string_view kLocation = "location";
  for (std::size_t i = 0; i < size; ++i) {
    const char c = static_cast<char>(data[i] | 0x20);  // ASCII lower case (letters only matter)
    if (p.field_matched_ < kLocation.size() && c == kLocation[p.field_matched_]) {
      ++p.field_matched_;
    } else {
      p.field_matched_ = kLocation.size() + 1;  // cannot match any more
    }
  }
  p.field_is_location_ = p.field_matched_ == kLocation.size();
  return 0;
}

int ResponseParser::on_header_value(llhttp_t* parser, const char* data, std::size_t size) {
  const int status = parser->status_code;
  if (status < 300 || status >= 400) return 0;
  ResponseParser& p = self(parser);
  if (p.headers_done_) return 0;
  p.in_value_ = true;
  // The first Location field only (a second one is ignored, not appended to it).
  if (p.field_is_location_ && !p.location_done_ && p.location_.size() < 8192) {
    p.location_.append(data, size);
  }
  return 0;
}

int ResponseParser::on_header_value_complete(llhttp_t* parser) {
  ResponseParser& p = self(parser);
  p.in_value_ = true;  // the next field callback starts a new name
  if (p.field_is_location_ && !p.headers_done_) p.location_done_ = true;
  return 0;
}

int ResponseParser::on_headers_complete(llhttp_t* parser) {
  ResponseParser& p = self(parser);
  p.headers_done_ = true;
  p.status_ = parser->status_code;
  p.capture_ = !is_success_status(p.status_);
  if (p.needs_.headers) {  // head_ is complete: its views are stable now
    for (const FieldSpan& span : p.field_spans_) {
      const std::string_view head(p.head_);
      p.fields_.push_back({head.substr(span.name, span.value - span.name),
                           head.substr(span.value, span.end - span.value)});
    }
  }
  // 1: the message has no body, whatever Content-Length says (RFC 9110, 6.4.1: responses to
  // HEAD, 1xx, 204 and 304; llhttp would otherwise wait for a 304's announced length).
  const int status = p.status_;
  const bool bodyless = p.head_request_ || (status >= 100 && status < 200 && status != 101) ||
                        status == 204 || status == 304;
  return bodyless ? 1 : 0;
}

int ResponseParser::on_body(llhttp_t* parser, const char* data, std::size_t size) {
  ResponseParser& p = self(parser);
  p.body_bytes_ += size;
  if (p.needs_.body) {
    const std::size_t room = p.needs_.body_cap - p.body_.size();
    if (size > room) p.body_truncated_ = true;
    p.body_.append(data, std::min(size, room));
  }
  if (p.capture_ && p.captured_.size() < kCapturedBodyLimit) {
    p.captured_.append(data, std::min(size, kCapturedBodyLimit - p.captured_.size()));
  }
  return 0;
}

int ResponseParser::on_message_complete(llhttp_t* parser) {
  ResponseParser& p = self(parser);
  const int status = parser->status_code;
  const bool interim = status >= 100 && status < 200 && status != 101;
  if (interim) {
    // The final response follows. Pause here and let parse() start a fresh message: llhttp
    // would treat an interim response without keep-alive as the end of the connection.
    p.interim_done_ = true;
    return HPE_PAUSED;
  }
  p.complete_ = true;
  // After 101 Switching Protocols the connection speaks another protocol: never reuse it.
  p.keep_alive_ = status != 101 && parser->upgrade == 0 && llhttp_should_keep_alive(parser) != 0;
  return HPE_PAUSED;  // stop right after this response; later bytes belong to the next one
}

ResponseParser::Step ResponseParser::parse(const char* data, std::size_t size, std::size_t& used) {
  used = 0;
  while (used < size) {
    // While in a head, the parser gets no more than the head may still take, so a head over the
    // limit is caught exactly, whatever the read sizes.
    const bool in_head = !headers_done_;
    if (in_head && head_room_ == 0) return Step::failed;
    const std::size_t chunk = in_head ? std::min(size - used, head_room_) : size - used;
    const char* at = data + used;
    const llhttp_errno_t error = llhttp_execute(&parser_, at, chunk);
    std::size_t took = chunk;
    const bool paused =
        (error == HPE_PAUSED || error == HPE_PAUSED_UPGRADE) && (complete_ || interim_done_);
    if (error != HPE_OK) {
      if (!paused) return Step::failed;
      took = static_cast<std::size_t>(llhttp_get_error_pos(&parser_) - at);
    }
    if (in_head) head_room_ -= took;
    used += took;
    fed_ += took;
    if (complete_) return Step::done;
    if (interim_done_) {  // parse the final response as a message of its own
      interim_done_ = false;
      headers_done_ = false;
      status_ = 0;
      location_.clear();
      location_done_ = false;
      if (needs_.any()) clear_capture();  // an interim response's fields are not the final's
      llhttp_reset(&parser_);
      parser_.settings = const_cast<void*>(static_cast<const void*>(base_));
    }
  }
  return Step::need_more;
}

ResponseParser::Step ResponseParser::finish() {
  if (complete_) return Step::done;
  if (fed_ == 0) return Step::failed;
  const llhttp_errno_t error = llhttp_finish(&parser_);  // may run on_message_complete
  return (error == HPE_OK || error == HPE_PAUSED) && complete_ ? Step::done : Step::failed;
}

std::string ResponseParser::take_failure_body() {
  if (!capture_) return {};
  if (body_bytes_ > captured_.size()) {
    captured_ +=
        fmt::format("\n[ccload: body cut at {} of {} bytes]", captured_.size(), body_bytes_);
  }
  return std::move(captured_);
}

}  // namespace ccload::engine
