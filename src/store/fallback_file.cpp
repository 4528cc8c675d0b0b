#include "store/fallback_file.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <nlohmann/json.hpp>
#include <random>
#include <stdexcept>

namespace ccload::store {
namespace fs = std::filesystem;

namespace {

std::string json_text(const std::string& text) {
  return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

std::string runs_row_json_text(const RunsRow& row) { return dump(runs_row_json(row)); }

RunsRow runs_row_from_json_text(const std::string& object) {
  const nlohmann::json j = nlohmann::json::parse(object, nullptr, false);
  if (!j.is_object()) throw std::invalid_argument("not a JSON object of RUNS columns");
  RunsRow row;
  for (const auto& [column, value] : j.items()) {
    if (value.is_number_integer()) {
      row.set(column, value.get<std::int64_t>());
    } else if (value.is_number()) {
      row.set(column, value.get<double>());
    } else if (value.is_string()) {
      row.set(column, value.get<std::string>());
    } else if (value.is_null()) {
      row.set(column, std::monostate{});
    } else {
      throw std::invalid_argument("the RUNS column " + column + " is neither a number nor text");
    }
  }
  return row;
}

std::string fallback_header_line(const std::string& run_key, std::int64_t run_id,
                                 const std::string& database, const RunsRow& identity) {
  nlohmann::json j = nlohmann::json::object();
  j["ccload_fallback"] = 1;
  j["run_key"] = run_key;
  j["run_id"] = run_id;
  j["database"] = database;
  j["run"] = runs_row_json(identity);
  return dump(j);
}

std::string fallback_end_line(const RunsRow& summary) {
  nlohmann::json j = nlohmann::json::object();
  j["run_end"] = runs_row_json(summary);
  return dump(j);
}

std::string new_run_key() {
  std::random_device device;
  std::string key;
  for (int i = 0; i < 4; ++i) key += fmt::format("{:08x}", device());
  return key;
}

FallbackFile::FallbackFile(fs::path database, const std::vector<TargetName>& targets)
    : database_(std::move(database)) {
  for (const auto& target : targets) {
    target_json_.emplace_back(json_text(target.url), json_text(target.method));
  }
  if (target_json_.empty()) target_json_.emplace_back("\"\"", "\"\"");
}

FallbackFile::~FallbackFile() { close(); }

bool FallbackFile::open() {
  static std::atomic<unsigned> sequence{0};
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &utc);
  const std::string name =
      fmt::format("ccload-fallback-{}-{}-{}.ndjson", stamp, ::getpid(), ++sequence);

  // Next to the database when that folder takes files, else in the temporary folder.
  std::vector<fs::path> folders;
  const fs::path parent = database_.parent_path();
  folders.push_back(parent.empty() ? fs::path(".") : parent);
  std::error_code ec;
  if (auto tmp = fs::temp_directory_path(ec); !ec) {
    folders.insert(prefer_temporary_ ? folders.begin() : folders.end(), tmp);
  }
  std::string reasons;
  for (const auto& folder : folders) {
    const fs::path candidate = folder / name;
    file_ = std::fopen(candidate.c_str(), "wx");
    if (file_) {
      std::setvbuf(file_, nullptr, _IOFBF, 1 << 20);
      path_ = fs::absolute(candidate, ec).lexically_normal();  // "/db/dir/x", not "/db/dir/./x"
      if (ec) path_ = candidate;
      if (!header_.empty()) {
        header_ += '\n';
        if (std::fwrite(header_.data(), 1, header_.size(), file_) != header_.size()) {
          error_ = path_.string() + ": " + std::strerror(errno);
        }
      }
      return true;
    }
    if (!reasons.empty()) reasons += ", ";
    reasons += candidate.string() + ": " + std::strerror(errno);
  }
  failed_ = true;
  error_ = "no fallback file could be created (" + reasons + ")";
  return false;
}

bool FallbackFile::write(const std::vector<Record>& records, std::int64_t run_id) {
  if (!file_ && !failed_) open();
  if (!file_) {
    lost_ += records.size();
    return false;
  }
  fmt::memory_buffer line;
  for (const auto& r : records) {
    const std::size_t target = r.target < target_json_.size() ? r.target : 0;
    const auto& [url_json, method_json] = target_json_[target];
    line.clear();
    fmt::format_to(std::back_inserter(line),
                   "{{\"run_id\":{},\"request_id\":{},\"timestamp\":{:.6f},\"url\":{},"
                   "\"method\":{},\"status\":{},\"response_time\":{},\"ttfb\":{},\"ttlb\":{},"
                   "\"connect\":{},\"wait\":{},\"bytes\":{},\"error\":\"{}\",\"target\":{},"
                   "\"redirects\":{},\"final_url\":{}}}\n",
                   run_id, r.request_id, static_cast<double>(r.start_unix_ns) / 1e9,
                   r.url.empty() ? url_json : json_text(r.url), method_json, r.status,
                   static_cast<double>(r.total_ns) / 1e9, static_cast<double>(r.ttfb_ns) / 1e9,
                   static_cast<double>(r.ttlb_ns) / 1e9, static_cast<double>(r.connect_ns) / 1e9,
                   static_cast<double>(r.wait_ns) / 1e9, r.bytes, to_string(r.error), target,
                   static_cast<unsigned>(r.redirects),
                   r.redirects > 0 ? json_text(r.final_url) : std::string("null"));
    if (std::fwrite(line.data(), 1, line.size(), file_) != line.size()) {
      error_ = path_.string() + ": " + std::strerror(errno);
      lost_ += records.size() - static_cast<std::size_t>(&r - records.data());
      return false;
    }
    ++written_;
  }
  // Flushed per call (a call carries many batches), so a full disk shows up here, counted.
  if (std::fflush(file_) != 0) {
    error_ = path_.string() + ": " + std::strerror(errno);
    const auto unsure = std::min<std::uint64_t>(written_, records.size());
    written_ -= unsure;
    lost_ += unsure;
    return false;
  }
  return true;
}

bool FallbackFile::write_end(const std::string& line) {
  if (!file_) return true;
  const std::string text = line + '\n';
  if (std::fwrite(text.data(), 1, text.size(), file_) != text.size() || std::fflush(file_) != 0) {
    if (error_.empty()) error_ = path_.string() + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

bool FallbackFile::close() {
  if (!file_) return !failed_ || written_ == 0;
  bool ok = std::fflush(file_) == 0;
  if (!ok && error_.empty()) error_ = path_.string() + ": " + std::strerror(errno);
  ok = std::fclose(file_) == 0 && ok;
  file_ = nullptr;
  return ok;
}

}  // namespace ccload::store
