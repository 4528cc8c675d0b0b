#pragma once
// Helpers for integration tests that run the real ccload binary in a temporary directory.

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/process.hpp"

namespace ccload::test {

// A fresh temporary directory, removed with everything in it when destroyed.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// Runs `ccload ARGS...` in `cwd` with a clean configuration environment (no PYLOAD_CONFIG,
// DATABASE_URL, LOGTAIL_*, LOKI_URL, USERNAME, PASSWORD, timeout) plus `options.env`.
ProcessResult run_ccload(const std::vector<std::string>& args, const std::filesystem::path& cwd,
                         ProcessOptions options = {});

// Runs ccload with `--json PATH` appended and returns the parsed summary (fails the test if the
// file is missing). The process result is stored in *result when given.
nlohmann::json run_ccload_json(const std::vector<std::string>& args,
                               const std::filesystem::path& cwd, ProcessResult* result = nullptr,
                               ProcessOptions options = {});

std::string read_file(const std::filesystem::path& path);

}  // namespace ccload::test
