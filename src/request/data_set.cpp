#include "request/data_set.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>

#include "core/text.hpp"
#include "request/data_reader.hpp"

namespace ccload::request {

std::optional<std::size_t> DataSet::column(std::string_view name) const {
  const auto found = std::find(names_.begin(), names_.end(), name);
  if (found == names_.end()) return std::nullopt;
  return static_cast<std::size_t>(found - names_.begin());
}

std::string DataSet::column_list() const {
  std::string list;
  for (const auto& name : names_) {
    if (!list.empty()) list += ", ";
    list += printable(name);
  }
  return list;
}

DataSet::Builder::Builder(std::string_view name, std::string_view needs)
    : name_(printable(name)), needs_(needs) {
  set_.offsets_.push_back(0);
}

void DataSet::Builder::fail(std::size_t line, std::string_view problem) const {
  throw DataError(fmt::format("{} line {}: {}", name_, line, problem));
}

void DataSet::Builder::add_column(std::string name, std::size_t line) {
  if (name.empty()) {
    fail(line, fmt::format("column {} of the header has no name; give every column a name",
                           set_.names_.size() + 1));
  }
  if (set_.column(name)) {
    fail(line, fmt::format("column '{}' is named twice; give every column its own name",
                           printable(name)));
  }
  set_.names_.push_back(std::move(name));
  set_.longest_.push_back(0);
}

void DataSet::Builder::end_value() {
  if (set_.arena_.size() > std::numeric_limits<std::uint32_t>::max()) {
    throw DataError(fmt::format("{} holds more than 4 GiB of values; use a smaller file", name_));
  }
  const auto end = static_cast<std::uint32_t>(set_.arena_.size());
  if (!set_.names_.empty() && in_row_ < set_.names_.size()) {
    auto& longest = set_.longest_[in_row_];
    longest = std::max<std::size_t>(longest, end - set_.offsets_.back());
  }
  set_.offsets_.push_back(end);
  ++in_row_;
}

void DataSet::Builder::end_row(std::size_t line) {
  if (in_row_ != set_.names_.size()) {
    fail(line, fmt::format("{} {} where the header has {}; every row needs one value per column "
                           "(quote a value that holds a comma: \"a,b\")",
                           in_row_, in_row_ == 1 ? "value" : "values", set_.names_.size()));
  }
  ++set_.rows_;
  in_row_ = 0;
}

std::vector<std::string> DataSet::Builder::take_row() {
  std::vector<std::string> values;
  const std::size_t first = set_.offsets_.size() - 1 - in_row_;
  for (std::size_t i = first; i + 1 < set_.offsets_.size(); ++i) {
    values.emplace_back(
        set_.arena_.substr(set_.offsets_[i], set_.offsets_[i + 1] - set_.offsets_[i]));
  }
  set_.arena_.resize(set_.offsets_[first]);
  set_.offsets_.resize(first + 1);
  in_row_ = 0;
  return values;
}

DataSet DataSet::Builder::finish(bool empty_input) {
  if (empty_input || set_.names_.empty()) {
    throw DataError(fmt::format("{} is empty; it needs {}", name_, needs_));
  }
  if (set_.rows_ == 0) {
    throw DataError(
        fmt::format("{} has no rows, only its first line; add at least one row", name_));
  }
  set_.arena_.shrink_to_fit();
  set_.offsets_.shrink_to_fit();
  return std::move(set_);
}

std::optional<DataFormat> data_format(std::string_view path) {
  auto ends_with = [&](std::string_view suffix) {
    return path.size() >= suffix.size() &&
           iequals(path.substr(path.size() - suffix.size()), suffix);
  };
  if (ends_with(".csv")) return DataFormat::csv;
  if (ends_with(".jsonl")) return DataFormat::jsonl;
  return std::nullopt;
}

namespace {

// Feeds the file to `reader` in chunks, counting its bytes against the limit as it goes (a file
// that grows while it is read is refused too).
template <typename Reader>
DataSet read_with(Reader reader, int fd, const std::string& path, std::uint64_t limit_bytes) {
  std::string chunk(1 << 20, '\0');
  std::uint64_t total = 0;
  for (;;) {
    const ssize_t got = ::read(fd, chunk.data(), chunk.size());
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      throw DataError(fmt::format("cannot read {}: {}", printable(path), std::strerror(errno)));
    }
    if (got == 0) break;
    total += static_cast<std::uint64_t>(got);
    if (total > limit_bytes) {
      throw DataError(
          fmt::format("{} is more than {} bytes, the most --data reads; use a smaller file",
                      printable(path), limit_bytes));
    }
    reader.feed(std::string_view(chunk.data(), static_cast<std::size_t>(got)));
  }
  return reader.finish();
}

}  // namespace

DataSet read_data_file(const std::string& path, std::uint64_t limit_bytes) {
  const auto format = data_format(path);
  if (!format) {
    throw DataError(fmt::format("{}: a data file must end in .csv or .jsonl", printable(path)));
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw DataError(fmt::format("cannot read {}: {}", printable(path), std::strerror(errno)));
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat info {};
  if (::fstat(fd, &info) == 0 && S_ISREG(info.st_mode) &&
      static_cast<std::uint64_t>(info.st_size) > limit_bytes) {
    throw DataError(
        fmt::format("{} is {} bytes, over the {} bytes --data reads; use a smaller file",
                    printable(path), info.st_size, limit_bytes));
  }
  if (*format == DataFormat::csv) return read_with(CsvReader(path), fd, path, limit_bytes);
  return read_with(JsonlReader(path), fd, path, limit_bytes);
}

DataSet parse_data(std::string_view text, DataFormat format, std::string_view name) {
  if (format == DataFormat::csv) {
    CsvReader reader(name);
    reader.feed(text);
    return reader.finish();
  }
  JsonlReader reader(name);
  reader.feed(text);
  return reader.finish();
}

}  // namespace ccload::request
