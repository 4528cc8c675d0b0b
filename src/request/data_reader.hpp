#pragma once
// The readers behind read_data_file: push parsers fed the file in chunks of any size (the result
// does not depend on where the chunks are cut), building one DataSet. Each throws DataError (see
// data_set.hpp) as soon as the input is known to be invalid; after an error it must not be used.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "request/data_set.hpp"

namespace ccload::request {

// Collects the header and the values of a data file into a DataSet's arena and offsets.
class DataSet::Builder {
 public:
  // `needs` ends the message for an empty file: what a file of this format needs.
  Builder(std::string_view name, std::string_view needs);

  // The header: columns in order. Throws on an empty name or one given twice.
  void add_column(std::string name, std::size_t line);
  bool has_header() const { return !set_.names_.empty(); }
  const DataSet& set() const { return set_; }

  // Bytes of the value being read.
  void append(char c) { set_.arena_.push_back(c); }
  void append(std::string_view bytes) { set_.arena_.append(bytes); }
  // Ends the value being read; values_in_row() counts the ended ones of the current row.
  void end_value();
  std::size_t values_in_row() const { return in_row_; }
  // Ends a row whose values all were ended. Throws unless it has one value per column.
  void end_row(std::size_t line);
  // Undoes the values of the current row (a header read as values), returning them.
  std::vector<std::string> take_row();

  // The data set; throws when no row was read. `empty_input`: nothing at all was read.
  DataSet finish(bool empty_input);
  // Throws DataError "<name> line <line>: <problem>".
  [[noreturn]] void fail(std::size_t line, std::string_view problem) const;

 private:
  std::string name_;
  std::string_view needs_;
  DataSet set_;
  std::size_t in_row_ = 0;
};

class CsvReader {
 public:
  explicit CsvReader(std::string_view name) : out_(name, "a header line and at least one row") {}
  void feed(std::string_view chunk);
  DataSet finish();

 private:
  enum class State { field_start, unquoted, quoted, quote_in_quoted, after_cr };
  void byte(char c);
  void end_field();
  void end_record();
  DataSet::Builder out_;
  State state_ = State::field_start;
  std::size_t line_ = 1;         // of the byte being read
  std::size_t record_line_ = 1;  // where the current record started
  std::size_t quote_line_ = 1;   // where the open quoted field started
  std::size_t bom_matched_ = 0;  // bytes of a leading UTF-8 byte order mark seen so far
  bool bom_done_ = false;
  bool any_input_ = false;
  bool record_has_text_ = false;  // the current record has a byte or a field separator
};

class JsonlReader {
 public:
  explicit JsonlReader(std::string_view name)
      : out_(name, "one JSON object a line, such as {\"id\": 1}") {}
  void feed(std::string_view chunk);
  DataSet finish();

 private:
  void parse_line(std::string_view text);
  DataSet::Builder out_;
  std::string line_text_;  // the line being read, up to its line break
  std::size_t line_ = 0;   // lines finished
  bool any_input_ = false;
  // Scratch for one line: its keys and values (unescaped) and where each key's value lies.
  std::string scratch_;
  struct Member {
    std::size_t key_at, key_size, value_at, value_size;
  };
  std::vector<Member> members_;
  std::vector<std::size_t> slot_of_column_;  // index into members_ for each column
};

}  // namespace ccload::request
