// The CSV reader (RFC 4180, see data_set.hpp): a byte-at-a-time state machine, so a chunk may be
// cut anywhere, even inside a CRLF or a doubled quote.
#include "request/data_reader.hpp"

namespace ccload::request {

namespace {
constexpr char kBom[] = "\xEF\xBB\xBF";
}  // namespace

void CsvReader::feed(std::string_view chunk) {
  for (const char c : chunk) {
    if (!bom_done_) {
      if (c == kBom[bom_matched_]) {
        bom_done_ = ++bom_matched_ == 3;
        continue;
      }
      bom_done_ = true;
      for (std::size_t i = 0; i < bom_matched_; ++i) byte(kBom[i]);
    }
    byte(c);
  }
}

void CsvReader::end_field() {
  out_.end_value();
  record_has_text_ = true;
}

void CsvReader::end_record() {
  if (record_has_text_) {  // a blank line has no text and is skipped
    out_.end_value();
    if (out_.has_header()) {
      out_.end_row(record_line_);
    } else {
      for (auto& name : out_.take_row()) out_.add_column(std::move(name), record_line_);
    }
  }
  record_has_text_ = false;
  record_line_ = ++line_;
}

void CsvReader::byte(char c) {
  any_input_ = true;
  switch (state_) {
    case State::after_cr:
      state_ = State::field_start;
      if (c == '\n') return;  // CRLF: the line break was counted at the CR
      [[fallthrough]];
    case State::field_start:
      if (c == '"') {
        state_ = State::quoted;
        quote_line_ = line_;
        record_has_text_ = true;
        return;
      }
      [[fallthrough]];
    case State::unquoted:
      switch (c) {
        case ',':
          end_field();
          state_ = State::field_start;
          return;
        case '\r':
          end_record();
          state_ = State::after_cr;
          return;
        case '\n':
          end_record();
          state_ = State::field_start;
          return;
        case '"':
          out_.fail(line_,
                    "a quote inside an unquoted value; quote the whole value and double the quotes "
                    "inside it (\"say \"\"hi\"\"\")");
        default:
          out_.append(c);
          record_has_text_ = true;
          state_ = State::unquoted;
          return;
      }
    case State::quoted:
      if (c == '"') {
        state_ = State::quote_in_quoted;
        return;
      }
      if (c == '\n') ++line_;
      out_.append(c);
      return;
    case State::quote_in_quoted:
      switch (c) {
        case '"':  // a doubled quote is one quote of the value
          out_.append('"');
          state_ = State::quoted;
          return;
        case ',':
          end_field();
          state_ = State::field_start;
          return;
        case '\r':
          end_record();
          state_ = State::after_cr;
          return;
        case '\n':
          end_record();
          state_ = State::field_start;
          return;
        default:
          out_.fail(line_,
                    "text after the closing quote of a value; a value is quoted whole, with its "
                    "quotes doubled (\"say \"\"hi\"\"\")");
      }
  }
}

DataSet CsvReader::finish() {
  if (!bom_done_) {
    bom_done_ = true;
    for (std::size_t i = 0; i < bom_matched_; ++i) byte(kBom[i]);
  }
  if (state_ == State::quoted) {
    out_.fail(quote_line_,
              "a quoted value is never closed; end it with a quote (a quote inside it is written "
              "\"\")");
  }
  if (record_has_text_) end_record();
  return out_.finish(!any_input_);
}

}  // namespace ccload::request
