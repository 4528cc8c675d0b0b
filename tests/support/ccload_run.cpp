#include "support/ccload_run.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <random>
#include <sstream>

namespace ccload::test {

TempDir::TempDir() {
  std::random_device random;
  path_ = std::filesystem::temp_directory_path() /
          ("ccload-test-" + std::to_string(getpid()) + "-" + std::to_string(random()));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::permissions(path_, std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::add, ignored);
  std::filesystem::remove_all(path_, ignored);
}

ProcessResult run_ccload(const std::vector<std::string>& args, const std::filesystem::path& cwd,
                         ProcessOptions options) {
  std::vector<std::string> argv = options.wrapper;
  argv.push_back(ccload_binary());
  argv.insert(argv.end(), args.begin(), args.end());
  options.cwd = cwd.string();
  for (const char* name : {"PYLOAD_CONFIG", "DATABASE_URL", "LOGTAIL_URL", "LOGTAIL_TOKEN",
                           "LOKI_URL", "USERNAME", "PASSWORD", "timeout"}) {
    if (options.env.count(name) == 0) options.unset_env.push_back(name);
  }
  return run_process(argv, options);
}

nlohmann::json run_ccload_json(const std::vector<std::string>& args,
                               const std::filesystem::path& cwd, ProcessResult* result,
                               ProcessOptions options) {
  std::filesystem::path json_path = cwd / "summary.json";
  std::filesystem::remove(json_path);
  std::vector<std::string> with_json = args;
  with_json.push_back("--json");
  with_json.push_back(json_path.string());
  ProcessResult process = run_ccload(with_json, cwd, options);
  if (result != nullptr) *result = process;
  std::string text = read_file(json_path);
  if (text.empty()) {
    ADD_FAILURE() << "no JSON summary; exit " << process.exit_code << "\nstdout:\n"
                  << process.out << "\nstderr:\n"
                  << process.err;
    return nlohmann::json::object();
  }
  return nlohmann::json::parse(text);
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream content;
  content << file.rdbuf();
  return content.str();
}

}  // namespace ccload::test
