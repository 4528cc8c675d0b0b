#pragma once
// An HTTP/1.x response parser for the hot path, on llhttp (Node.js's parser, shipped by Debian as
// node-llhttp). It keeps no headers: it notes the status and keep-alive, counts the body and, only
// for failed statuses, captures the body (capped at kCapturedBodyLimit, marked when cut).
// Reused for every response of a connection; start() and parse() do not allocate except to
// capture a failure body.

#include <llhttp.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/record.hpp"
#include "core/server_response.hpp"

namespace ccload::engine {

class ResponseParser {
 public:
  // A response head (status line and fields) longer than this is a protocol error.
  static constexpr std::size_t kHeadLimit = 16 * 1024;

  enum class Step {
    need_more,  // every byte given was consumed; the response is not complete yet
    done,       // a complete final response ends where `used` says
    failed,     // not valid HTTP/1.x, or a head over kHeadLimit
  };

  // `locations`: note the Location field of redirect responses (3xx) for location(); otherwise
  // no field is looked at.
  explicit ResponseParser(bool locations = false);
  ResponseParser(const ResponseParser&) = delete;
  ResponseParser& operator=(const ResponseParser&) = delete;

  // Checks and scripts: also keep what `needs` asks of every response, for response(). Called
  // once, before the first start(); without it (or with needs.any() false) nothing more is kept
  // and the parse is the same as before. Capture allocates until its buffers reached the sizes
  // the responses need (they are reused, never shrunk).
  void capture(const core::ResponseNeeds& needs);

  // Begins a new response. A response to HEAD has no body whatever its fields say.
  void start(bool head_request);

  // Parses the next bytes of the response; `used` is how many were consumed. Interim 1xx
  // responses (100 Continue, 103 Early Hints) are skipped: done means the final response.
  Step parse(const char* data, std::size_t size, std::size_t& used);

  // The server closed the connection: done when that ends the response (a body read until the
  // close), failed when the response was cut short.
  Step finish();

  bool got_some() const { return fed_ > 0; }
  // The body bytes of this response so far, without its head or chunked framing (what the
  // server's application sent: nginx's $body_bytes_sent for a response of known length).
  std::uint64_t body_bytes() const { return body_bytes_; }
  int status() const { return status_; }
  // Whether the connection may carry another request after this (complete) response.
  bool keep_alive() const { return keep_alive_; }
  // The captured body of a failed response (empty for successes); moved out.
  std::string take_failure_body();
  // The Location field of a complete 3xx response (empty when it had none or locations are not
  // noted). Valid until the next start().
  const std::string& location() const { return location_; }
  // The complete response as captured (capture()): status, fields (names lowercased) and body up
  // to the cap. Views valid until the next start().
  core::ServerResponse response() const;
  bool captures() const { return needs_.any(); }

 private:
  static int on_headers_complete(llhttp_t* parser);
  static int on_body(llhttp_t* parser, const char* data, std::size_t size);
  static int on_message_complete(llhttp_t* parser);
  enum class Fields { none, watching, location, capture };
  static int on_capture_field(llhttp_t* parser, const char* data, std::size_t size);
  static int on_capture_value(llhttp_t* parser, const char* data, std::size_t size);
  static int on_capture_value_complete(llhttp_t* parser);
  static int on_status_complete(llhttp_t* parser);
  // Empties what capture() keeps, for the next response (its buffers keep their capacity).
  void clear_capture();
  static int on_header_field(llhttp_t* parser, const char* data, std::size_t size);
  static int on_header_value(llhttp_t* parser, const char* data, std::size_t size);
  static int on_header_value_complete(llhttp_t* parser);
  static const llhttp_settings_t& settings(Fields which);

  const llhttp_settings_t* base_;  // the settings each response starts with
  llhttp_t parser_;
  bool head_request_ = false;
  bool headers_done_ = false;
  bool complete_ = false;
  bool interim_done_ = false;  // a 1xx interim response just ended; the final one comes next
  bool keep_alive_ = false;
  bool capture_ = false;
  int status_ = 0;
  std::uint64_t fed_ = 0;               // bytes of this response consumed by parse()
  std::size_t head_room_ = kHeadLimit;  // bytes the head(s) of this response may still take
  std::uint64_t body_bytes_ = 0;
  std::string captured_;
  // The field being parsed is Location: its name so far matched (a name may arrive in pieces).
  std::size_t field_matched_ = 0;
  bool field_is_location_ = false;
  bool in_value_ = false;
  bool location_done_ = false;  // the first Location field is complete
  std::string location_;
  // capture(): what is kept. Field names and values go into head_ as [begin, end) offsets
  // (field_spans_: name begin, name end, value end), turned into views (fields_) once the head
  // is complete; the body into body_, up to needs_.body_cap.
  core::ResponseNeeds needs_;
  bool locations_ = false;
  bool new_field_ = true;  // the next name byte starts a new field
  std::string head_;
  struct FieldSpan {
    std::size_t name, value, end;
  };
  std::vector<FieldSpan> field_spans_;
  std::vector<core::ResponseField> fields_;
  std::string body_;
  bool body_truncated_ = false;
};

}  // namespace ccload::engine
