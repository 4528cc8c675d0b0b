// cli::parse_command_line on an argv made from the input (arguments separated by NUL bytes),
// including the seed-form rewrite: it returns a Command or throws UsageError, nothing else.
//
// `-d @FILE` reads a file: the target runs in an empty temporary directory and skips inputs that
// name device or kernel files (/dev/zero would never end), so only missing files are read.

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "cli/command.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  char directory[] = "/tmp/ccload-fuzz-cli-XXXXXX";
  if (mkdtemp(directory) == nullptr || chdir(directory) != 0) std::abort();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  for (std::string_view special : {"/dev", "/proc", "/sys"}) {
    if (input.find(special) != std::string_view::npos) return 0;
  }
  std::vector<std::string> args{"ccload"};
  std::size_t start = 0;
  while (start <= input.size()) {
    const std::size_t end = std::min(input.find('\0', start), input.size());
    args.emplace_back(input.substr(start, end - start));
    start = end + 1;
  }
  if (input.empty()) args.pop_back();
  std::vector<const char*> argv;
  for (const auto& arg : args) argv.push_back(arg.c_str());
  try {
    const ccload::cli::Command command =
        ccload::cli::parse_command_line(static_cast<int>(argv.size()), argv.data());
    (void)command;
  } catch (const ccload::cli::UsageError&) {
  }
  return 0;
}
