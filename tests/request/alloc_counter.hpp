#pragma once
// Counts the heap allocations (global operator new) made by the test_request executable, to check
// that filling templates never allocates (the technique of tests/stats/alloc_counter.hpp).

#include <cstdint>

namespace ccload::request::test {

std::uint64_t allocation_count();

}  // namespace ccload::request::test
