#include "check/check.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace ccload::check {
namespace {

Check parsed(std::string_view expr) {
  std::string error;
  std::optional<Check> check = parse_check(expr, error);
  EXPECT_TRUE(check) << expr << ": " << error;
  if (!check) return Check();
  return std::move(*check);
}

std::string error_of(std::string_view expr) {
  std::string error;
  EXPECT_FALSE(parse_check(expr, error)) << expr;
  return error;
}

TEST(CheckParse, EveryForm) {
  EXPECT_EQ(parsed("status==201").kind, Kind::status_eq);
  EXPECT_EQ(parsed("status==201").status, 201);
  EXPECT_EQ(parsed("status!=500").kind, Kind::status_ne);
  EXPECT_EQ(parsed("body~ok").kind, Kind::body_match);
  EXPECT_EQ(parsed("body!~error").kind, Kind::body_no_match);
  const Check header = parsed("header.Content-Type~json");
  EXPECT_EQ(header.kind, Kind::header_match);
  EXPECT_EQ(header.header, "content-type");
  const Check eq = parsed("json./data/0/id==42");
  EXPECT_EQ(eq.kind, Kind::json_eq);
  EXPECT_EQ(eq.pointer.to_string(), "/data/0/id");
  EXPECT_EQ(eq.value, nlohmann::json(42));
  EXPECT_EQ(parsed("json./name==alice").value, nlohmann::json("alice")) << "a bare string";
  EXPECT_EQ(parsed("json./name==\"7\"").value, nlohmann::json("7"));
  EXPECT_EQ(parsed("json./id exists").kind, Kind::json_exists);
  EXPECT_EQ(parsed("size<=100").compare, Compare::le);
  EXPECT_EQ(parsed("size<100").compare, Compare::lt);
  EXPECT_EQ(parsed("size>100").compare, Compare::gt);
  EXPECT_EQ(parsed("size>=100").compare, Compare::ge);
  EXPECT_EQ(parsed("size==100").size, 100u);
}

TEST(CheckParse, BadInputIsOneLineWithTheForms) {
  for (const char* bad : {"status=201", "status==abc", "status==42", "nope", "body~", "header.~x",
                          "header.a b~x", "json.id exists", "json./a", "size!5", "size<=x"}) {
    const std::string error = error_of(bad);
    EXPECT_NE(error.find(bad), std::string::npos) << error;
    EXPECT_NE(error.find(kForms), std::string::npos) << error;
    EXPECT_EQ(error.find('\n'), std::string::npos) << error;
  }
  EXPECT_NE(error_of("body~(unclosed").find("does not compile"), std::string::npos);
  EXPECT_NE(error_of("json./a~2 exists").find("JSON Pointer"), std::string::npos);
}

TEST(CheckNeeds, UnionOfTheChecks) {
  std::vector<Check> checks;
  EXPECT_FALSE(needs_of(checks).any());
  checks.push_back(parsed("status==200"));
  checks.push_back(parsed("size<10"));
  EXPECT_FALSE(needs_of(checks).any()) << "status and size need no capture";
  checks.push_back(parsed("header.x~y"));
  EXPECT_TRUE(needs_of(checks).headers);
  EXPECT_FALSE(needs_of(checks).body);
  checks.push_back(parsed("json./a exists"));
  EXPECT_TRUE(needs_of(checks).body);
}

class CheckEvaluate : public ::testing::Test {
 protected:
  bool passes(std::string_view expr) { return evaluate(parsed(expr), response, matcher); }
  std::vector<core::ResponseField> fields{{"content-type", "application/json"}, {"x-id", "abc"}};
  core::ServerResponse response{.status = 201,
                                .headers = fields,
                                .body = R"({"id": 7, "data": [{"name": "alice"}]})",
                                .body_truncated = false,
                                .body_size = 38};
  Matcher matcher;
};

TEST_F(CheckEvaluate, Status) {
  EXPECT_TRUE(passes("status==201"));
  EXPECT_FALSE(passes("status==200"));
  EXPECT_TRUE(passes("status!=500"));
  EXPECT_FALSE(passes("status!=201"));
}

TEST_F(CheckEvaluate, BodyAndHeaders) {
  EXPECT_TRUE(passes("body~alice"));
  EXPECT_FALSE(passes("body~bob"));
  EXPECT_TRUE(passes("body!~error"));
  EXPECT_FALSE(passes("body!~\"id\""));
  EXPECT_TRUE(passes("header.Content-Type~^application/json$"));
  EXPECT_FALSE(passes("header.content-type~xml"));
  EXPECT_FALSE(passes("header.x-missing~.*")) << "an absent field fails";
}

TEST_F(CheckEvaluate, Json) {
  EXPECT_TRUE(passes("json./id exists"));
  EXPECT_FALSE(passes("json./nope exists"));
  EXPECT_TRUE(passes("json./id==7"));
  EXPECT_FALSE(passes("json./id==8"));
  EXPECT_TRUE(passes("json./data/0/name==alice"));
  EXPECT_FALSE(passes("json./data/1/name exists"));
  response.body = "not json";
  EXPECT_FALSE(passes("json./id exists"));
}

TEST_F(CheckEvaluate, SizeCountsTheWholeBody) {
  EXPECT_TRUE(passes("size==38"));
  EXPECT_TRUE(passes("size<=38"));
  EXPECT_FALSE(passes("size<38"));
  EXPECT_TRUE(passes("size>37"));
  EXPECT_FALSE(passes("size>=39"));
}

TEST_F(CheckEvaluate, ABodyCutAtTheCapFailsBodyChecks) {
  response.body_truncated = true;
  response.body_size = 5000;
  EXPECT_FALSE(passes("body!~error"));
  EXPECT_FALSE(passes("json./id exists"));
  EXPECT_TRUE(passes("size==5000")) << "size is not a body check";
  EXPECT_TRUE(passes("status==201"));
}

}  // namespace
}  // namespace ccload::check
