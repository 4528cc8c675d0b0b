// The request filler: a templated target's filled request is the same bytes a static target with
// those values would send, its parts are exposed for HTTP/2, a value that cannot be sent is a
// failure value, the same seed gives the same requests, and 10,000 fills allocate nothing.
#include "request/request_filler.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "request/alloc_counter.hpp"

namespace ccload::request {
namespace {

std::shared_ptr<const DataSet> users() {
  static const auto set = std::make_shared<const DataSet>(parse_data(
      "id,email,note\n1,a@x.com,plain\n2,\"b\"\"q\"\"@x.com\",\"back\\slash\"\n3,c@x.com,\"two\r\n"
      "lines\"\n",
      DataFormat::csv, "users.csv"));
  return set;
}

core::RunPlan plan_of(std::vector<TargetSpec> targets, RowOrder order = RowOrder::sequential,
                      std::uint64_t seed = 7) {
  core::RunPlan plan;
  plan.targets = std::move(targets);
  plan.seed = seed;
  plan.templates = compile_templates(plan.targets, users(), "users.csv", order, {}, seed);
  return plan;
}

// The HTTP/1.1 bytes a static target sends (what the engine prebuilds once per run).
std::string static_bytes(TargetSpec target) {
  return compile_templates({std::move(target)}, nullptr, "", RowOrder::sequential, {}, 0)
      ->targets.front()
      .static_request;
}

TEST(RequestFiller, AFilledRequestIsTheBytesOfTheStaticTargetWithItsValues) {
  TargetSpec templated{.method = "POST",
                       .url = "http://127.0.0.1:8080/users/{{col id}}?n={{seq}}#top",
                       .headers = {{"X-Email", "{{col email}}"}, {"Content-Length", "99"}},
                       .body = R"({"id": {{col id}}, "seq": {{seq}}})",
                       .content_type = "application/json"};
  const core::RunPlan plan = plan_of({templated});
  RequestFiller filler(plan);
  FilledRequest request;
  ASSERT_EQ(filler.fill(0, 3, 0, request), FillFailure::none);  // seq 4: row 3 mod 3 = 0
  TargetSpec literal{.method = "POST",
                     .url = "http://127.0.0.1:8080/users/1?n=4",
                     .headers = {{"X-Email", "a@x.com"}, {"Content-Length", "99"}},
                     .body = R"({"id": 1, "seq": 4})",
                     .content_type = "application/json"};
  EXPECT_EQ(request.http1, static_bytes(literal));
  EXPECT_EQ(request.http1.substr(0, 37), "POST /users/1?n=4 HTTP/1.1\r\nHost: 127");
  // The same parts, protocol-neutrally.
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.scheme, "http");
  EXPECT_EQ(request.authority, "127.0.0.1:8080");
  EXPECT_EQ(request.path, "/users/1?n=4");
  EXPECT_EQ(request.url, "http://127.0.0.1:8080/users/1?n=4#top");
  ASSERT_EQ(request.headers.size(), 2u);
  EXPECT_EQ(request.headers[0].name, "X-Email");
  EXPECT_EQ(request.headers[0].value, "a@x.com");
  EXPECT_EQ(request.body, R"({"id": 1, "seq": 4})");
  EXPECT_EQ(request.content_type, "application/json");
  EXPECT_EQ(request.row, 0u);
}

TEST(RequestFiller, AStaticTargetKeepsItsPrebuiltBytes) {
  const core::RunPlan plan =
      plan_of({{.url = "http://h/static?a=1", .headers = {{"X-Braces", "a{{{{b"}}}});
  ASSERT_TRUE(plan.templates->targets[0].is_static);
  RequestFiller filler(plan);
  FilledRequest request;
  ASSERT_EQ(filler.fill(0, 0, 0, request), FillFailure::none);
  EXPECT_EQ(request.http1.data(), plan.templates->targets[0].static_request.data()) << "no copy";
  EXPECT_EQ(request.path, "/static?a=1");
  ASSERT_EQ(request.headers.size(), 1u);
  EXPECT_EQ(request.headers[0].value, "a{{b") << "{{{{ written as {{";
  EXPECT_NE(request.http1.find("X-Braces: a{{b\r\n"), std::string_view::npos);
  EXPECT_FALSE(request.row);
}

TEST(RequestFiller, AJsonBodyStaysValidJsonWhateverTheRowHolds) {
  const core::RunPlan plan =
      plan_of({{.method = "POST",
                .url = "http://h/",
                .body = R"({"email": "{{col email}}", "note": "{{col note}}"})",
                .content_type = "application/json"}});
  RequestFiller filler(plan);
  for (std::uint64_t slot = 0; slot < 3; ++slot) {
    FilledRequest request;
    ASSERT_EQ(filler.fill(0, slot, 0, request), FillFailure::none);
    const auto json = nlohmann::json::parse(request.body);  // throws when invalid
    EXPECT_EQ(json["email"], users()->cell(slot, 1));
    EXPECT_EQ(json["note"], users()->cell(slot, 2));
  }
}

TEST(RequestFiller, AHeaderValueWithALineBreakIsAFailureNotARequest) {
  const core::RunPlan plan =
      plan_of({{.url = "http://h/", .headers = {{"X-Note", "{{col note}}"}}}});
  RequestFiller filler(plan);
  FilledRequest request;
  EXPECT_EQ(filler.fill(0, 0, 0, request), FillFailure::none);
  EXPECT_EQ(filler.fill(0, 1, 0, request), FillFailure::none);
  EXPECT_EQ(filler.fill(0, 2, 0, request), FillFailure::header_value) << "row 3: CR LF";
}

TEST(RequestFiller, OnceEndsWhenTheShardsRowsAreUsedUp) {
  const core::RunPlan plan = plan_of({{.url = "http://h/{{col id}}"}}, RowOrder::once);
  RequestFiller filler(plan);
  FilledRequest request;
  for (std::uint64_t slot = 0; slot < 3; ++slot) {
    ASSERT_EQ(filler.fill(0, slot, 0, request), FillFailure::none);
    EXPECT_EQ(request.path, "/" + std::to_string(slot + 1));
  }
  EXPECT_EQ(filler.fill(0, 3, 0, request), FillFailure::no_row);
}

TEST(RequestFiller, TheSameSeedSendsTheSameRequestsWhicheverFillerSendsThem) {
  // Two fillers (two connections, maybe on two workers) taking the slots in another order.
  auto requests = [](std::uint64_t seed, bool reversed) {
    const core::RunPlan plan = plan_of(
        {{.url = "http://h/{{uuid}}/{{randint 1 1000000}}/{{col id}}"}}, RowOrder::random, seed);
    RequestFiller even(plan), odd(plan);
    std::vector<std::string> out(50);
    for (std::uint64_t i = 0; i < 50; ++i) {
      const std::uint64_t slot = reversed ? 49 - i : i;
      FilledRequest request;
      EXPECT_EQ((slot % 2 ? odd : even).fill(0, slot, 0, request), FillFailure::none);
      out[slot] = std::string(request.http1);
    }
    return out;
  };
  const auto first = requests(7, false);
  EXPECT_EQ(requests(7, true), first);
  EXPECT_NE(requests(8, false), first);
  EXPECT_EQ(std::set<std::string>(first.begin(), first.end()).size(), 50u) << "each its own draws";
}

TEST(RequestFiller, SequentialRowsContinueAcrossShards) {
  // Two shards: shard 0's slots take rows 0 and 2, shard 1's rows 1 and 3.
  const auto four =
      std::make_shared<const DataSet>(parse_data("id\n0\n1\n2\n3\n", DataFormat::csv, "four.csv"));
  std::set<std::string> rows;
  for (unsigned shard = 0; shard < 2; ++shard) {
    core::RunPlan plan;
    plan.targets = {{.url = "http://h/{{col id}}"}};
    plan.shard_index = shard;
    plan.shard_count = 2;
    plan.templates = compile_templates(plan.targets, four, "four.csv", RowOrder::sequential, {}, 1);
    RequestFiller filler(plan);
    for (std::uint64_t slot = 0; slot < 2; ++slot) {
      FilledRequest request;
      ASSERT_EQ(filler.fill(0, slot, 0, request), FillFailure::none);
      EXPECT_EQ(request.path, "/" + std::to_string(slot * 2 + shard));
      rows.emplace(request.path);
    }
  }
  EXPECT_EQ(rows, (std::set<std::string>{"/0", "/1", "/2", "/3"}));
}

// Named as the sanitized runs' exclusion expects (scripts/test.sh: "...Allocations."): under a
// sanitizer it could only be skipped.
TEST(FillerAllocations, TenThousandFillsAllocateNothing) {
#ifdef CCLOAD_SANITIZER
  GTEST_SKIP() << "sanitizers own the allocator";
#endif
  const core::RunPlan plan =
      plan_of({{.method = "POST",
                .url = "http://h:8080/u/{{col email}}?s={{seq}}&id={{uuid}}",
                .headers = {{"X-Note", "{{col note}}"}, {"X-R", "{{randstr 16}}"}},
                .body = R"({"n": "{{col note}}", "t": {{now_ms}}, "r": {{randint -5 5}}})",
                .content_type = "application/json"},
               {.url = "http://h:8080/static"}},
              RowOrder::random);
  RequestFiller filler(plan);
  FilledRequest request;
  std::uint64_t sent = 0, refused = 0;
  const auto before = test::allocation_count();
  for (std::uint64_t slot = 0; slot < 10000; ++slot) {
    const FillFailure failure =
        filler.fill(static_cast<std::uint32_t>(slot % 2), slot, 1764633600000, request);
    if (failure == FillFailure::none) {
      sent += request.http1.size() > 0;
    } else {
      ++refused;
    }
  }
  EXPECT_EQ(test::allocation_count() - before, 0u);
  EXPECT_GT(sent, 5000u);
  EXPECT_GT(refused, 0u) << "the row whose note has a line break cannot be a header value";
}

}  // namespace
}  // namespace ccload::request
