#pragma once
// Counts the heap allocations (global operator new) made by this test executable, to check that
// the hot paths of the statistics module never allocate.

#include <cstdint>

namespace ccload::stats::test {

std::uint64_t allocation_count();

}  // namespace ccload::stats::test
