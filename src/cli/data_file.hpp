#pragma once
// --data, --data-order and --seed: the data file read once (its rows, size and SHA-256) and the
// run's seed.

#include <cstdint>
#include <string>

#include "cli/command.hpp"

namespace ccload::cli {

// Sets run.data_file, data, data_bytes, data_sha256, data_order, seed and seed_given from the
// options as given (each empty when not given). Throws UsageError: a data file that cannot be
// read, is empty or invalid (with its line), --data-order other than sequential, random or once
// or without --data, a --seed that is not a whole number from 0 to 2^64 - 1.
void read_data_options(const std::string& data_file, const std::string& data_order,
                       const std::string& seed, RunCommand& run);

// The size in bytes and the SHA-256 (lower-case hex) of the file at `path`; throws UsageError
// when it cannot be read.
std::pair<std::uint64_t, std::string> file_digest(const std::string& path);

}  // namespace ccload::cli
