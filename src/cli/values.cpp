#include "cli/values.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace ccload::cli {

std::uint64_t parse_positive(const std::string& text, const std::string& flag,
                             const std::string& meaning, std::uint64_t max) {
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value == 0 ||
      value > max) {
    throw UsageError(fmt::format("{} must be a whole number from 1 to {} ({}), not '{}'", flag, max,
                                 meaning, text));
  }
  return value;
}

double parse_rate(const std::string& text) {
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() ||
      !std::isfinite(value) || value <= 0 || value > 10'000'000) {
    throw UsageError(fmt::format(
        "--rate must be requests per second, greater than 0 and at most 10000000 (for example "
        "--rate 500 or --rate 0.5), not '{}'",
        text));
  }
  return value;
}

std::vector<Stage> parse_stages(const std::string& text) {
  const std::string example = "for example --stages '30s:100,1m:500,30s:0'";
  std::vector<Stage> stages;
  double total_s = 0;
  std::size_t from = 0;
  for (;;) {
    const std::size_t comma = text.find(',', from);
    const std::string item =
        text.substr(from, comma == std::string::npos ? std::string::npos : comma - from);
    const std::size_t colon = item.find(':');
    if (item.empty() || colon == std::string::npos) {
      throw UsageError(fmt::format(
          "--stages '{}' cannot be read: give DURATION:RATE stages separated by commas, {}", text,
          example));
    }
    const std::string duration = item.substr(0, colon), rate = item.substr(colon + 1);
    Stage stage;
    try {
      stage.duration_s = parse_duration(duration, "--stages duration");
    } catch (const UsageError&) {
      throw UsageError(
          fmt::format("--stages: '{}' is not a duration (30s, 1m, 500ms) in stage '{}', {}",
                      duration, item, example));
    }
    auto [end, ec] = std::from_chars(rate.data(), rate.data() + rate.size(), stage.target_rate);
    if (rate.empty() || ec != std::errc() || end != rate.data() + rate.size() ||
        !std::isfinite(stage.target_rate) || stage.target_rate > 10'000'000) {
      throw UsageError(
          fmt::format("--stages: '{}' is not a rate (requests per second) in stage '{}', {}", rate,
                      item, example));
    }
    if (stage.target_rate < 0) {
      throw UsageError(fmt::format(
          "--stages: stage '{}' has a negative rate; rates are requests per second, 0 or more",
          item));
    }
    if (stage.duration_s <= 0) {
      throw UsageError(
          fmt::format("--stages: stage '{}' lasts no time; give each stage a duration above 0, {}",
                      item, example));
    }
    total_s += stage.duration_s;
    stages.push_back(stage);
    if (comma == std::string::npos) break;
    from = comma + 1;
  }
  if (total_s <= 0 || total_s > 366.0 * 86400) {
    throw UsageError(
        fmt::format("--stages '{}' must last longer than 0 and at most a year in total", text));
  }
  return stages;
}

std::string read_body(const std::string& data) {
  if (data.empty() || data[0] != '@') return data;
  std::string path = data.substr(1);
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    throw UsageError(fmt::format(
        "-d {}: '{}' is a directory: give the path of the JSON file to send (or -d '{{...}}' for "
        "inline JSON)",
        data, path));
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    throw UsageError(fmt::format(
        "-d {}: cannot read the file '{}': check the path (use -d '{{...}}' for inline JSON)", data,
        path));
  }
  std::ostringstream content;
  content << file.rdbuf();
  return content.str();
}

void validate_json(const std::string& body) {
  try {
    nlohmann::json parsed = nlohmann::json::parse(body);
    (void)parsed;
  } catch (const nlohmann::json::parse_error& error) {
    std::string what = error.what();
    auto colon = what.find("parse error");
    if (colon != std::string::npos) what = what.substr(colon);
    throw UsageError(fmt::format(
        "-d is not valid JSON ({}): quote it in single quotes, e.g. -d '{{\"a\": 1}}'", what));
  }
}

std::pair<std::string, std::string> parse_header(const std::string& text) {
  auto colon = text.find(':');
  if (colon == std::string::npos || colon == 0) {
    throw UsageError(fmt::format(
        "-H '{}' is not a header: write it as 'Name: value', e.g. -H 'X-Api-Key: secret'", text));
  }
  std::string name = text.substr(0, colon);
  std::string value = text.substr(colon + 1);
  auto not_space = [](char c) { return c != ' ' && c != '\t'; };
  value.erase(value.begin(), std::find_if(value.begin(), value.end(), not_space));
  value.erase(std::find_if(value.rbegin(), value.rend(), not_space).base(), value.end());
  if (name.find_first_of(" \t\r\n") != std::string::npos ||
      value.find_first_of("\r\n") != std::string::npos) {
    throw UsageError(
        fmt::format("-H '{}': header names cannot contain spaces and values cannot "
                    "contain line breaks",
                    text));
  }
  return {name, value};
}

std::string upper(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

std::vector<stats::Threshold> parse_fail_on(const std::vector<std::string>& values) {
  std::vector<stats::Threshold> out;
  try {
    for (const auto& value : values) {
      for (auto& threshold : stats::parse_thresholds(value)) out.push_back(std::move(threshold));
    }
  } catch (const stats::ThresholdError& error) {
    throw UsageError(error.what());
  }
  return out;
}

double parse_tolerance(const std::string& text) {
  std::string_view digits = text;
  if (digits.ends_with('%')) digits.remove_suffix(1);
  double value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() ||
      !std::isfinite(value) || value < 0 || value > 1000) {
    throw UsageError(fmt::format(
        "--tolerance must be a percentage from 0 to 1000, for example --tolerance 10%, not '{}'",
        text));
  }
  return value / 100;
}

}  // namespace ccload::cli
