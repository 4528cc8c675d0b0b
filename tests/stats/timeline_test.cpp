#include "stats/timeline.hpp"

#include <gtest/gtest.h>

namespace ccload::stats {
namespace {

Record response(std::int64_t total_ns, std::uint16_t status = 200) {
  Record record;
  record.status = status;
  record.total_ns = total_ns;
  return record;
}

TEST(Timeline, CountsEachSecondAndMergesWorkers) {
  Timeline a, b;
  a.add(0, response(1000));
  a.add(0, response(3000, 500));
  a.add(2, response(5000));
  Record refused;
  refused.error = ErrorCategory::connect;
  b.add(2, refused);
  b.add(3, response(7000));
  a.merge(b);

  const auto& s = a.seconds();
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s[0].requests, 2u);
  EXPECT_EQ(s[0].failed, 1u) << "the 500";
  EXPECT_EQ(s[0].responses, 2u);
  EXPECT_EQ(s[0].total_ns_sum, 4000);
  EXPECT_EQ(s[0].total_ns_max, 3000);
  EXPECT_EQ(s[1].requests, 0u) << "a quiet second is kept, with zeros";
  EXPECT_EQ(s[2].requests, 2u);
  EXPECT_EQ(s[2].failed, 1u) << "the refused connection";
  EXPECT_EQ(s[2].responses, 1u) << "no latency from a transport error";
  EXPECT_EQ(s[2].total_ns_max, 5000);
  EXPECT_EQ(s[3].total_ns_sum, 7000);
}

TEST(Timeline, SecondsPastTheCapGoToTheLastOne) {
  Timeline t;
  t.add(Timeline::kMaxSeconds + 500, response(1));
  ASSERT_EQ(t.seconds().size(), Timeline::kMaxSeconds);
  EXPECT_EQ(t.seconds().back().requests, 1u);
}

}  // namespace
}  // namespace ccload::stats
