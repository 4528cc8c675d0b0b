// Filling a template does not allocate once the buffer is warm: the global operator new of this
// test executable is replaced by a counting one (alloc_counter.cpp).
#include <gtest/gtest.h>

#include "request/alloc_counter.hpp"
#include "request/row_order.hpp"
#include "request/template.hpp"

namespace ccload::request {
namespace {

const DataSet& data() {
  static const DataSet set = parse_data(
      "id,email,note\n1,a@x.com,short\n2,\"b\"\"q\"\"@x.com\",\"a much longer note, with a "
      "comma and \"\"quotes\"\" and a\nline break\"\n3,c@x.com,\n",
      DataFormat::csv, "users.csv");
  return set;
}

TEST(FillAllocation, TheCounterCounts) {
  const auto before = test::allocation_count();
  auto* p = new std::string(100, 'x');
  delete p;
  EXPECT_GE(test::allocation_count() - before, 1u);
}

TEST(FillAllocation, NoAllocationPerFillForEveryFieldAndEscape) {
#ifdef CCLOAD_SANITIZER
  GTEST_SKIP() << "sanitizers own the allocator";
#endif
  for (const auto escape : {Escape::none, Escape::json, Escape::url, Escape::header}) {
    const std::string text =
        escape == Escape::url ? "http://h/u/{{col email}}?n={{col note}}&s={{seq}}&u={{uuid}}&r="
                                "{{randint 1 1000000}}&x={{randstr 24}}&t={{now_ms}}"
                              : "{\"id\": {{col id}}, \"e\": \"{{col email}}\", \"n\": \"{{col "
                                "note}}\", \"s\": {{seq}}, \"u\": \"{{uuid}}\", \"r\": {{randint "
                                "-5 5}}, \"x\": \"{{randstr 24}}\", \"t\": {{now_ms}}}";
    const auto t = Template::compile(text, {.escape = escape, .data = &data()});

    std::string buffer;
    buffer.reserve(t.max_filled_size());  // once per connection
    const auto before = test::allocation_count();
    std::uint64_t refused = 0;
    for (std::uint64_t seq = 1; seq <= 20000; ++seq) {
      buffer.clear();
      Rng rng = request_rng(7, seq - 1, 0, 1);
      const auto row = *pick_row(RowOrder::random, seq - 1, data().rows(), 0, 1, rng);
      if (!t.fill(buffer, rng, {.seq = seq, .now_ms = 1764633600000, .row = row})) ++refused;
    }
    EXPECT_EQ(test::allocation_count() - before, 0u) << static_cast<int>(escape);
    // Only the header mode refuses, and only the row with a line break.
    EXPECT_EQ(refused > 0, escape == Escape::header);
  }
}

TEST(FillAllocation, NoAllocationOnceWarmWithoutReserving) {
#ifdef CCLOAD_SANITIZER
  GTEST_SKIP() << "sanitizers own the allocator";
#endif
  const auto t =
      Template::compile("http://h/{{col note}}/{{uuid}}", {.escape = Escape::url, .data = &data()});
  Rng rng(1, 0);
  std::string buffer;
  for (std::size_t row = 0; row < data().rows(); ++row) {  // warm up: the longest row once
    buffer.clear();
    ASSERT_TRUE(t.fill(buffer, rng, {.row = row}));
  }
  const auto before = test::allocation_count();
  for (int i = 0; i < 3000; ++i) {
    buffer.clear();
    ASSERT_TRUE(t.fill(buffer, rng, {.row = static_cast<std::size_t>(i) % data().rows()}));
  }
  EXPECT_EQ(test::allocation_count() - before, 0u);
}

}  // namespace
}  // namespace ccload::request
