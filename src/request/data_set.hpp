#pragma once
// A data file (--data): rows of named text values that fill the templates' {{col NAME}} fields.
//
// Formats, chosen by the file's extension:
// - `.csv`: RFC 4180. The first record is the header (the column names: none empty, none twice).
//   Fields are separated by commas, records by CRLF or LF (a lone CR ends a record too). A field
//   may be quoted ("..."); inside quotes commas, line breaks and doubled quotes ("" for ") are
//   data. A quote inside an unquoted field, or text after a closing quote, is an error. Every
//   record has as many fields as the header. Blank lines are skipped (so a one-column file writes
//   an empty value as ""). A UTF-8 byte order mark at the start is dropped.
// - `.jsonl`: one JSON object a line, its values strings or numbers (a number keeps the text it
//   was written with). The first object's keys are the columns, in its order; every later object
//   has exactly those keys (in any order). Blank lines are skipped; a trailing CR is dropped.
//   Strings are unescaped (\uXXXX, surrogate pairs included, to UTF-8).
// Bytes are kept as they are (no UTF-8 check). At least one row is required.
//
// Storage: the file is read in chunks (never whole in memory) into one arena holding every value's
// bytes, row after row, plus one 32-bit offset per value; a file above the size limit (1 GiB by
// default) is refused before it is read. A DataSet is immutable once built and may be read from
// every worker at once.
//
// Errors: DataError, whose what() is one line naming the file, the line number where it applies,
// the problem and the fix.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ccload::request {

struct DataError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

// The largest data file --data reads, in bytes (1 GiB; the offsets are 32-bit).
inline constexpr std::uint64_t kDataLimitBytes = std::uint64_t{1} << 30;

class DataSet {
 public:
  std::size_t rows() const { return rows_; }
  std::size_t columns() const { return names_.size(); }
  const std::vector<std::string>& column_names() const { return names_; }
  // The index of the column called `name` (exact, case-sensitive), or nothing.
  std::optional<std::size_t> column(std::string_view name) const;
  // The columns as one comma-separated list, for messages ("id, email, name").
  std::string column_list() const;
  // The value of `column` in `row` (both in range; not checked).
  std::string_view cell(std::size_t row, std::size_t column) const {
    const std::size_t i = row * names_.size() + column;
    return std::string_view(arena_).substr(offsets_[i], offsets_[i + 1] - offsets_[i]);
  }
  // The longest value of `column`, in bytes (to size the buffers the templates fill).
  std::size_t longest(std::size_t column) const { return longest_[column]; }
  // Bytes held for the values (the arena), not counting the offsets.
  std::size_t value_bytes() const { return arena_.size(); }

  // Used by the readers (data_reader.hpp) while a file is read.
  class Builder;

 private:
  std::vector<std::string> names_;
  std::string arena_;                   // every value's bytes, row-major
  std::vector<std::uint32_t> offsets_;  // value i is arena_[offsets_[i], offsets_[i + 1])
  std::vector<std::size_t> longest_;    // per column
  std::size_t rows_ = 0;
};

enum class DataFormat { csv, jsonl };

// The format named by the extension of `path` (.csv or .jsonl, any case), or nothing.
std::optional<DataFormat> data_format(std::string_view path);

// Reads the data file at `path`, its format from its extension. Throws DataError when it has
// another extension, cannot be read, is larger than `limit_bytes`, is empty, has a header but no
// rows, or is not valid (with the line number).
DataSet read_data_file(const std::string& path, std::uint64_t limit_bytes = kDataLimitBytes);

// The same from text already read; `name` is quoted in the messages.
DataSet parse_data(std::string_view text, DataFormat format, std::string_view name);

}  // namespace ccload::request
