#include "cli/distributed.hpp"

#include <gtest/gtest.h>

#include "cli/command.hpp"

namespace ccload::cli {
namespace {

std::optional<std::string> no_env(const std::string&) { return std::nullopt; }

TEST(Shard, IndexOfCount) {
  const Shard s = parse_shard("2/3", no_env);
  EXPECT_EQ(s.index, 2u);
  EXPECT_EQ(s.count, 3u);
  for (const char* bad : {"3/3", "1/0", "x/3", "1-3", "/3", "1/", "-1/3", "auto"}) {
    EXPECT_THROW(parse_shard(bad, no_env), UsageError) << bad;
  }
}

TEST(Shard, AutoReadsTheJobIndex) {
  auto env = [](const std::string& name) -> std::optional<std::string> {
    if (name == "JOB_COMPLETION_INDEX") return "1";
    return std::nullopt;
  };
  EXPECT_EQ(parse_shard("auto/3", env).index, 1u);
  EXPECT_THROW(parse_shard("auto/3", no_env), UsageError);
  auto beyond = [](const std::string&) -> std::optional<std::string> { return "5"; };
  EXPECT_THROW(parse_shard("auto/3", beyond), UsageError);
}

TEST(StartAt, Rfc3339AndDelays) {
  const std::int64_t now = 1'795'963'296'000'000'000;  // 2026-11-29T14:41:36Z
  EXPECT_EQ(parse_start_at("2026-11-29T14:42:00Z", now), 1'795'963'320'000'000'000);
  EXPECT_EQ(parse_start_at("2026-11-29T15:42:00.250+01:00", now), 1'795'963'320'250'000'000);
  EXPECT_EQ(parse_start_at("2026-11-29T13:42:00-01:00", now), 1'795'963'320'000'000'000);
  EXPECT_EQ(parse_start_at("+30s", now), now + 30'000'000'000);
  EXPECT_EQ(parse_start_at("+2m", now), now + 120'000'000'000);
  for (const char* bad : {"tomorrow", "2026-11-29 14:42:00", "2026-11-29T14:42:00", "+x", "+-3s",
                          "2026-11-29T14:42:00+1", "2026-12-01T14:42:00Z"}) {
    EXPECT_THROW(parse_start_at(bad, now), UsageError) << bad;
  }
}

TEST(RunName, LettersDigitsDashesNotAnId) {
  EXPECT_EQ(check_run_name("checkout-2026.11_28"), "checkout-2026.11_28");
  for (const char* bad : {"", "42", "last", "last~1", "a b", "x/y"}) {
    EXPECT_THROW(check_run_name(bad), UsageError) << bad;
  }
}

}  // namespace
}  // namespace ccload::cli
