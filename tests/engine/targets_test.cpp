// The pure rules behind several targets and redirects: origins and their share of c, where a
// redirect leads, and which slots an origin's connections take.
#include <gtest/gtest.h>

#include <numeric>
#include <set>

#include "engine/engine.hpp"
#include "engine/redirect.hpp"
#include "engine/worker.hpp"

namespace ccload::engine {
namespace {

std::vector<TargetSpec> targets(std::initializer_list<const char*> urls) {
  std::vector<TargetSpec> out;
  for (const char* url : urls) out.push_back({.url = url});
  return out;
}

TEST(Origins, TargetsGroupByScheme_HostAndPort) {
  const auto groups = targets_by_origin(
      targets({"http://a/1", "https://a/2", "http://A:80/3", "http://b/4", "http://a:81/5"}));
  EXPECT_EQ(groups, (std::vector<std::vector<std::uint32_t>>{{0, 2}, {1}, {3}, {4}}));
}

TEST(Origins, ConnectionsFollowTheNumberOfTargetsAtLeastOneEach) {
  EXPECT_EQ(spread_connections(3, {2, 1}), (std::vector<unsigned>{2, 1}));
  EXPECT_EQ(spread_connections(2, {5, 1}), (std::vector<unsigned>{1, 1}));
  EXPECT_EQ(spread_connections(10, {1, 1, 1}), (std::vector<unsigned>{4, 3, 3}));
  EXPECT_EQ(spread_connections(50, {3, 1}), (std::vector<unsigned>{37, 13}));
  for (unsigned c = 4; c < 40; ++c) {
    const auto spread = spread_connections(c, {1, 2, 3, 4});
    EXPECT_EQ(std::accumulate(spread.begin(), spread.end(), 0u), c) << c;
  }
}

TEST(Redirects, LocationsResolveAgainstTheHopTheyCameFrom) {
  const net::Target from = net::parse_target("https://shop.example:8443/a/b?q=1");
  EXPECT_EQ(redirect_target(from, "/c")->url, "https://shop.example:8443/c");
  EXPECT_EQ(redirect_target(from, "d?x=2")->url, "https://shop.example:8443/a/d?x=2");
  EXPECT_EQ(redirect_target(from, "../e")->url, "https://shop.example:8443/e");
  EXPECT_EQ(redirect_target(from, "http://other:81/f#frag")->url, "http://other:81/f");
  EXPECT_EQ(redirect_target(from, "//cdn.example/g")->url, "https://cdn.example/g");
  EXPECT_EQ(redirect_target(from, "http://other:81/f")->request_target, "/f");
  EXPECT_FALSE(redirect_target(from, "ftp://files/x").has_value());
  EXPECT_FALSE(redirect_target(from, "http://bad port/").has_value());
  EXPECT_FALSE(redirect_target(from, "http://h:99999/").has_value());
}

TEST(Redirects, WhichStatusesAreFollowedAndWhichKeepTheMethod) {
  for (int status : {301, 302, 303, 307, 308}) EXPECT_TRUE(is_followed_redirect(status));
  for (int status : {200, 300, 304, 305, 306, 399, 404}) EXPECT_FALSE(is_followed_redirect(status));
  EXPECT_TRUE(redirect_keeps_method(307));
  EXPECT_TRUE(redirect_keeps_method(308));
  EXPECT_FALSE(redirect_keeps_method(301));
  EXPECT_FALSE(redirect_keeps_method(303));
  EXPECT_TRUE(same_origin(net::parse_target("http://H/a"), net::parse_target("http://h:80/b")));
  EXPECT_FALSE(same_origin(net::parse_target("http://h/"), net::parse_target("https://h:80/")));
}

TEST(SlotLanes, EveryOriginTakesItsTargetsSlotsInOrderAndTogetherExactlyN) {
  core::RunPlan config;
  config.targets = targets({"http://a/1", "http://b/2", "http://a/3", "http://c/4"});
  SharedRun run{.config = config};
  run.targets.resize(4);
  for (const auto& lane : targets_by_origin(config.targets)) run.origins.emplace_back().lane = lane;
  run.slot_limit = 10;
  std::multiset<std::uint64_t> taken;
  std::vector<std::size_t> per_target(4);
  std::uint64_t dropped = 0;
  for (Origin& origin : run.origins) {
    std::uint64_t last = 0;
    bool first = true;
    while (auto slot = run.take_slot(origin, dropped)) {
      EXPECT_EQ(slot->slot % 4, slot->target) << "round robin over the run's slots";
      EXPECT_TRUE(first || slot->slot > last);
      first = false;
      last = slot->slot;
      taken.insert(slot->slot);
      ++per_target[slot->target];
    }
  }
  EXPECT_EQ(taken.size(), 10u);
  EXPECT_EQ(dropped, 0u) << "a closed model drops nothing";
  for (std::uint64_t k = 0; k < 10; ++k) EXPECT_EQ(taken.count(k), 1u) << k;
  EXPECT_EQ(per_target, (std::vector<std::size_t>{3, 3, 2, 2}));
}

}  // namespace
}  // namespace ccload::engine
