#include "app/output_files.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <vector>

#include "app/app.hpp"
#include "report/compare_text.hpp"
#include "report/csv_summary.hpp"
#include "report/html_report.hpp"
#include "report/json_summary.hpp"
#include "report/terminal.hpp"

namespace ccload::app {

std::optional<std::string> output_problem(const std::string& flag, const std::string& path) {
  namespace fs = std::filesystem;
  if (path.empty()) return std::nullopt;
  if (path == "-") {
    return fmt::format("{} needs a file path ('-' for stdout is only for --json)", flag);
  }
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (fs::exists(status)) {
    if (!fs::is_regular_file(status)) {
      return fmt::format("{} '{}' is not a regular file: give the path of a file", flag, path);
    }
    if (access(path.c_str(), W_OK) != 0) {
      return fmt::format("{} '{}' cannot be written: make it writable or give another path", flag,
                         path);
    }
    return std::nullopt;
  }
  fs::path folder = fs::path(path).parent_path();
  if (folder.empty()) folder = ".";
  if (!fs::is_directory(folder, ec) || access(folder.c_str(), W_OK | X_OK) != 0) {
    return fmt::format("{} '{}' cannot be written: check that its folder exists and is writable",
                       flag, path);
  }
  return std::nullopt;
}

bool write_file(const std::string& path, const std::string& content, const char* what) {
  std::ofstream file(path);
  file << content;
  file.close();
  if (!file) {
    print_error(fmt::format("cannot write the {} to '{}'", what, path));
    return false;
  }
  return true;
}

namespace {

bool append_csv(const std::string& path, const stats::RunSummary& summary) {
  std::error_code size_error;
  const bool fresh = std::filesystem::file_size(path, size_error) == 0 || size_error;
  std::ofstream file(path, std::ios::app);
  if (fresh) file << report::csv_header() << '\n';
  file << report::csv_row(summary) << '\n';
  file.close();
  if (!file) {
    print_error(fmt::format("cannot append the CSV row to '{}'", path));
    return false;
  }
  return true;
}

}  // namespace

bool write_outputs(const stats::RunSummary& summary, const OutputPaths& outputs,
                   std::ostream& human, const std::optional<std::string>& store_error) {
  report::print_report(human, summary, {.verdicts_last = outputs.verdicts_last});
  report::print_thresholds(human, summary.thresholds);
  if (const auto& comparison = summary.baseline) {
    report::print_comparison(human, *comparison, comparison->label_a(), comparison->label_b());
  }
  human.flush();
  if (store_error) print_error(*store_error);

  bool ok = true;
  std::vector<std::string> written;  // "the JSON summary to PATH", in the order written
  if (!outputs.json.empty()) {
    const nlohmann::json json = report::summary_json(summary);
    if (outputs.json == "-") {
      std::cout << json.dump(2) << std::endl;
    } else if (write_file(outputs.json, json.dump(2) + "\n", "JSON summary")) {
      written.push_back("the JSON summary to " + outputs.json);
    } else {
      ok = false;
    }
  }
  if (!outputs.html.empty()) {
    if (write_file(outputs.html, report::html_report(summary), "HTML report")) {
      written.push_back("the HTML report to " + outputs.html);
    } else {
      ok = false;
    }
  }
  if (!outputs.csv.empty()) {
    if (append_csv(outputs.csv, summary)) {
      written.push_back("its CSV row to " + outputs.csv);
    } else {
      ok = false;
    }
  }
  if (auto line = written_line(written)) human << *line << '\n' << std::flush;
  return ok;
}

std::optional<std::string> written_line(const std::vector<std::string>& written) {
  if (written.empty()) return std::nullopt;
  std::string line = "Wrote ";
  for (std::size_t i = 0; i < written.size(); ++i) {
    if (i > 0) line += i + 1 == written.size() ? " and " : ", ";
    line += written[i];
  }
  return line + ".";
}

}  // namespace ccload::app
