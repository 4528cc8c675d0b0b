// The data file readers (CSV, and JSONL when the first byte is odd) on any text: they return a
// data set or throw DataError with one printable line; the result (or the message) is the same
// when the text arrives in two chunks cut anywhere (the second byte picks where), and every value
// lies inside the arena with the per-column longest value right.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "request/data_reader.hpp"

namespace {

using ccload::request::DataSet;

// A data set's contents, or its error message.
using Outcome = std::variant<std::vector<std::string>, std::string>;

std::vector<std::string> contents(const DataSet& set) {
  std::vector<std::string> out = set.column_names();
  std::size_t total = 0;
  for (std::size_t c = 0; c < set.columns(); ++c) {
    std::size_t longest = 0;
    for (std::size_t r = 0; r < set.rows(); ++r) {
      const auto cell = set.cell(r, c);
      longest = std::max(longest, cell.size());
      total += cell.size();
      out.emplace_back(cell);
    }
    if (longest != set.longest(c)) __builtin_trap();
  }
  if (total != set.value_bytes() || set.rows() == 0 || set.columns() == 0) __builtin_trap();
  return out;
}

template <typename Reader>
Outcome read(std::string_view text, std::size_t cut) {
  try {
    Reader reader("fuzz.data");
    reader.feed(text.substr(0, cut));
    reader.feed(text.substr(cut));
    return contents(reader.finish());
  } catch (const ccload::request::DataError& error) {
    const std::string message = error.what();
    for (const char c : message) {
      if (static_cast<unsigned char>(c) < 0x20) __builtin_trap();
    }
    if (message.empty()) __builtin_trap();
    return message;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  if (size < 2) return 0;
  const bool jsonl = bytes[0] & 1;
  const std::string_view text(reinterpret_cast<const char*>(bytes) + 2, size - 2);
  const std::size_t cut = text.empty() ? 0 : bytes[1] % (text.size() + 1);
  const Outcome whole = jsonl ? read<ccload::request::JsonlReader>(text, text.size())
                              : read<ccload::request::CsvReader>(text, text.size());
  const Outcome split = jsonl ? read<ccload::request::JsonlReader>(text, cut)
                              : read<ccload::request::CsvReader>(text, cut);
  if (whole != split) __builtin_trap();
  return 0;
}
