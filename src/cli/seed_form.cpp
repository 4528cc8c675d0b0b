#include "cli/seed_form.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <set>
#include <string_view>

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

// The seed form's short options that take a value: PyLoad's (-u, -n, -c, -d) and ccload's
// additions to the form (-f, -z, -H).
constexpr std::array<std::string_view, 7> kValueOptions = {"-u", "-n", "-c", "-d",
                                                           "-f", "-z", "-H"};

// The seed's flags whose first letters could be read as an option and its value (-m onthly).
bool is_history_flag(std::string_view token) {
  return token == "-history" || token == "-weekly" || token == "-monthly" || token == "-yearly";
}

bool takes_value(std::string_view token) {
  return std::find(kValueOptions.begin(), kValueOptions.end(), token) != kValueOptions.end();
}

// Values attached to their option as PyLoad's argparse takes them (`-n5`, `-n=5`, `-c10`,
// `-uhttp://h/`) split into the option and its value (`-n 5`); a method flag (`-HEAD`), a history
// flag, a long option, the value of an option given on its own and everything after `--` stay as
// they are.
std::vector<std::string> detach_values(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& token = args[i];
    if (token == "--") {
      out.insert(out.end(), args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
      break;
    }
    if (takes_value(token) && i + 1 < args.size()) {
      out.push_back(token);
      out.push_back(args[++i]);
      continue;
    }
    const std::string_view option = std::string_view(token).substr(0, 2);
    if (token.size() <= 2 || is_method_flag(token) || is_history_flag(token) ||
        !takes_value(option)) {
      out.push_back(token);
      continue;
    }
    out.emplace_back(option);
    out.push_back(token.substr(token[2] == '=' ? 3 : 2));
  }
  return out;
}

}  // namespace

std::vector<std::string> rewrite_seed_form(std::vector<std::string> args) {
  if (!args.empty() && kSubcommands.count(args[0]) > 0) return args;
  args = detach_values(args);
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
