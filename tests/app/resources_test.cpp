#include "app/resources.hpp"

#include <gtest/gtest.h>

namespace ccload::app {
namespace {

TEST(Resources, ConnectionsWithinTheLimitPass) {
  const DescriptorLimit limit{1024, 1024, 1024};
  EXPECT_EQ(descriptors_needed(100, 2), 100u + 32u + 8u);
  EXPECT_FALSE(descriptor_problem(100, 2, limit));
  EXPECT_FALSE(descriptor_problem(1024 - 40, 2, limit)) << "exactly at the limit";
}

TEST(Resources, TooManyConnectionsIsOneLineWithTheNumbersAndTheFix) {
  const DescriptorLimit limit{1024, 1024, 4096};
  const auto problem = descriptor_problem(5000, 2, limit);
  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->find('\n'), std::string::npos);
  for (const char* part :
       {"-c 5000 needs 5040 file descriptors", "5000 connections + 40", "at most 1024",
        "hard limit 4096", "ulimit -n 5040", "lower -c to 984 or less"}) {
    EXPECT_NE(problem->find(part), std::string::npos) << part << " in: " << *problem;
  }
}

TEST(Resources, RaisingNeverLowersTheSoftLimit) {
  const DescriptorLimit limit = raise_descriptor_limit();
  EXPECT_GE(limit.soft, limit.soft_before);
  EXPECT_LE(limit.soft, limit.hard);
}

}  // namespace
}  // namespace ccload::app
