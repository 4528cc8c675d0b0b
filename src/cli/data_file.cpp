#include "cli/data_file.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <memory>
#include <random>
#include <tuple>

#include "core/text.hpp"
#include "request/data_set.hpp"

namespace ccload::cli {

std::pair<std::uint64_t, std::string> file_digest(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                        &EVP_MD_CTX_free);
  if (!file || !context || EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) != 1) {
    throw UsageError(
        fmt::format("--data {}: cannot read the file: {}", printable(path), std::strerror(errno)));
  }
  std::string chunk(1 << 20, '\0');
  std::uint64_t size = 0;
  while (file) {
    file.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    const auto got = static_cast<std::size_t>(file.gcount());
    size += got;
    if (got > 0) EVP_DigestUpdate(context.get(), chunk.data(), got);
  }
  if (file.bad()) {
    throw UsageError(fmt::format("--data {}: cannot read the file", printable(path)));
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(context.get(), digest, &length);
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) hex += fmt::format("{:02x}", digest[i]);
  return {size, hex};
}

void read_data_options(const std::string& data_file, const std::string& data_order,
                       const std::string& seed, RunCommand& run) {
  if (!seed.empty()) {
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(seed.data(), seed.data() + seed.size(), value);
    if (error != std::errc() || end != seed.data() + seed.size()) {
      throw UsageError(fmt::format(
          "--seed '{}' is not a whole number from 0 to 18446744073709551615: give one like "
          "--seed 7",
          printable(seed)));
    }
    run.seed = value;
    run.seed_given = true;
  } else {
    std::random_device device;
    run.seed = (std::uint64_t{device()} << 32) | device();
  }
  if (!data_order.empty()) {
    const auto order = request::parse_row_order(data_order);
    if (!order) {
      throw UsageError(
          fmt::format("--data-order '{}' is not an order: use sequential, random or once",
                      printable(data_order)));
    }
    if (data_file.empty()) {
      throw UsageError(fmt::format(
          "--data-order {} orders the rows of a data file: add --data FILE.csv (or FILE.jsonl)",
          data_order));
    }
    run.data_order = *order;
  }
  if (data_file.empty()) return;
  if (!request::data_format(data_file)) {
    throw UsageError(fmt::format(
        "--data {}: a data file must end in .csv or .jsonl (the request body is -d/--body)",
        printable(data_file)));
  }
  try {
    run.data = std::make_shared<const request::DataSet>(request::read_data_file(data_file));
  } catch (const request::DataError& error) {
    throw UsageError(fmt::format("--data: {}", error.what()));
  }
  run.data_file = data_file;
  std::tie(run.data_bytes, run.data_sha256) = file_digest(data_file);
}

}  // namespace ccload::cli
