#include "cli/seed_form.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "cli/command.hpp"
#include "core/target.hpp"

namespace ccload::cli {

namespace {

const std::set<std::string> kSubcommands = {"run",    "history", "serve",
                                            "report", "compare", "import"};

bool is_method_flag(const std::string& token) {
  return token.size() > 1 && token[0] == '-' &&
         std::find(kHttpMethods.begin(), kHttpMethods.end(), std::string_view(token).substr(1)) !=
             kHttpMethods.end();
}

bool contains(const std::vector<std::string>& args, const std::string& token) {
  return std::find(args.begin(), args.end(), token) != args.end();
}

}  // namespace

std::vector<std::string> rewrite_seed_form(std::vector<std::string> args) {
  if (!args.empty() && kSubcommands.count(args[0]) > 0) return args;
  // -f FILE stands in for -u URL and the method flag: the file names each target's method.
  const bool targets_file = contains(args, "-f");
  const bool url = contains(args, "-u") || targets_file;
  const bool history = contains(args, "-history");
  if (!url && !history) {
    if (args.empty()) {
      throw UsageError(fmt::format(
          "nothing to do: give -u URL to run a load test (for example: {}) or -history; see "
          "ccload --help",
          kExample));
    }
    bool asks_for_info = args[0] == "-h" || args[0] == "--help" || args[0] == "--version";
    if (!asks_for_info) {
      throw UsageError(fmt::format(
          "missing -u URL or -history: for example {}, or ccload -history; see ccload --help",
          kExample));
    }
    return args;
  }
  if (url && history) {
    throw UsageError(
        "-u and -history cannot be used together: run a load test with -u, or show the history "
        "with -history");
  }
  // The seed's README: a leading positional word (conventionally `ccload`) may stand first.
  if (!args.empty() && !args[0].empty() && args[0][0] != '-') args.erase(args.begin());

  std::vector<std::string> rewritten;
  if (history) {
    rewritten.push_back("history");
    for (const auto& token : args) {
      if (token == "-history") continue;
      if (token == "-weekly" || token == "-monthly" || token == "-yearly") {
        rewritten.push_back("-" + token);
      } else {
        rewritten.push_back(token);
      }
    }
    return rewritten;
  }
  rewritten = {"run", "--seed-form"};
  std::vector<std::string> methods;
  for (const auto& token : args) {
    if (is_method_flag(token)) {
      methods.push_back(token);
      rewritten.push_back("-m");
      rewritten.push_back(token.substr(1));
    } else {
      rewritten.push_back(token);
    }
  }
  if (methods.size() > 1) {
    throw UsageError(
        fmt::format("two HTTP methods given ({} and {}): choose one", methods[0], methods[1]));
  }
  if (!contains(args, "-n") && !contains(args, "-z")) {
    throw UsageError(fmt::format(
        "-n (the number of requests) is required with -u (or -z for a duration): for example {}",
        kExample));
  }
  if (!contains(args, "-c")) {
    throw UsageError(fmt::format(
        "-c (the number of concurrent requests) is required with -u: for example {}", kExample));
  }
  if (targets_file && !methods.empty()) {
    throw UsageError(fmt::format("{} with -f: the targets file names each target's method; drop {}",
                                 methods[0], methods[0]));
  }
  if (methods.empty() && !targets_file) {
    throw UsageError(fmt::format(
        "choose the HTTP method with -GET, -POST, -PUT, -PATCH or -DELETE: for example {}",
        kExample));
  }
  return rewritten;
}

}  // namespace ccload::cli
