// Template::fill: what each field writes, escaping by where a value lands, and repeatability.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <regex>
#include <set>

#include "request/template.hpp"

namespace ccload::request {
namespace {

const DataSet& rows() {
  static const DataSet data = parse_data(
      "name,quote,path,ctl\n"
      "plain,\"say \"\"hi\"\"\",a/b c,\"line\r\nbreak\"\n"
      "back\\slash,\"tab\there\",100%,\"nul\x01\"\n"
      "ünï,\"{\"\"x\"\":1}\",?q=1#f,ok\n",
      DataFormat::csv, "rows.csv");
  return data;
}

Template compile(std::string_view text, Escape escape = Escape::none) {
  return Template::compile(text, {.escape = escape, .data = &rows()});
}

std::string fill(const Template& t, FillValues values = {}, std::uint64_t seed = 1) {
  Rng rng(seed, 0);
  std::string out;
  EXPECT_TRUE(t.fill(out, rng, values));
  EXPECT_LE(out.size(), t.max_filled_size());
  return out;
}

TEST(TemplateFill, StaticTemplateFillsItsText) {
  EXPECT_EQ(fill(compile("a{{{{b}}c")), "a{{b}}c");
  EXPECT_EQ(fill(compile("")), "");
}

TEST(TemplateFill, FillAppendsToWhatTheBufferHolds) {
  const auto t = compile("/{{seq}}");
  std::string out = "GET ";
  Rng rng(1, 0);
  ASSERT_TRUE(t.fill(out, rng, {.seq = 5}));
  ASSERT_TRUE(t.fill(out, rng, {.seq = 6}));
  EXPECT_EQ(out, "GET /5/6");
}

TEST(TemplateFill, SeqAndNowAreTheCallersValues) {
  const auto t = compile("id={{seq}} at={{now_ms}}");
  EXPECT_EQ(fill(t, {.seq = 1, .now_ms = 1764633600123}), "id=1 at=1764633600123");
  EXPECT_EQ(fill(t, {.seq = 18446744073709551615ULL, .now_ms = -5}),
            "id=18446744073709551615 at=-5");
}

TEST(TemplateFill, UuidIsVersion4WithTheRfcVariant) {
  const auto t = compile("{{uuid}}");
  const std::regex form("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  Rng rng(9, 0);
  std::set<std::string> seen;
  std::set<char> variants;
  for (int i = 0; i < 2000; ++i) {
    std::string out;
    ASSERT_TRUE(t.fill(out, rng, {}));
    ASSERT_TRUE(std::regex_match(out, form)) << out;
    variants.insert(out[19]);
    seen.insert(out);
  }
  EXPECT_EQ(seen.size(), 2000u);
  EXPECT_EQ(variants, (std::set<char>{'8', '9', 'a', 'b'}));
}

TEST(TemplateFill, RandintStaysWithinItsBoundsAndReachesThem) {
  const auto t = compile("{{randint -3 3}}");
  Rng rng(4, 0);
  std::set<long> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string out;
    ASSERT_TRUE(t.fill(out, rng, {}));
    const long value = std::stol(out);
    ASSERT_GE(value, -3);
    ASSERT_LE(value, 3);
    seen.insert(value);
  }
  EXPECT_EQ(seen.size(), 7u);
  EXPECT_EQ(fill(compile("{{randint 42 42}}")), "42");
  EXPECT_EQ(fill(compile("{{randint -9223372036854775808 -9223372036854775808}}")),
            "-9223372036854775808");
}

TEST(TemplateFill, RandstrHasItsLengthAndAlphabet) {
  const auto t = compile("{{randstr 5000}}");
  const std::string out = fill(t);
  ASSERT_EQ(out.size(), 5000u);
  std::set<char> seen(out.begin(), out.end());
  for (const char c : seen) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c))) << c;
  EXPECT_EQ(seen.size(), 62u);  // every letter and digit turns up in 5000 draws
  EXPECT_EQ(fill(compile("{{randstr 1}}")).size(), 1u);
}

TEST(TemplateFill, ColFillsTheRowsValueAsItIs) {
  const auto t = compile("{{col name}}|{{col quote}}|{{col path}}");
  EXPECT_EQ(fill(t, {.row = 0}), "plain|say \"hi\"|a/b c");
  EXPECT_EQ(fill(t, {.row = 1}), "back\\slash|tab\there|100%");
  EXPECT_EQ(fill(t, {.row = 2}), "ünï|{\"x\":1}|?q=1#f");
}

TEST(TemplateFill, JsonEscapingKeepsTheBodyValid) {
  const auto t = compile(
      R"({"name": "{{col name}}", "quote": "{{col quote}}", "ctl": "{{col ctl}}", "id": {{seq}}})",
      Escape::json);
  for (std::size_t row = 0; row < rows().rows(); ++row) {
    const std::string body = fill(t, {.seq = row + 1, .row = row});
    const auto parsed = nlohmann::json::parse(body);  // throws when invalid
    EXPECT_EQ(parsed["name"], std::string(rows().cell(row, 0))) << body;
    EXPECT_EQ(parsed["quote"], std::string(rows().cell(row, 1))) << body;
    EXPECT_EQ(parsed["ctl"], std::string(rows().cell(row, 3))) << body;
    EXPECT_EQ(parsed["id"], row + 1);
  }
  EXPECT_EQ(fill(compile("{{col quote}}", Escape::json), {.row = 0}), "say \\\"hi\\\"");
  EXPECT_EQ(fill(compile("{{col name}}", Escape::json), {.row = 1}), "back\\\\slash");
  EXPECT_EQ(fill(compile("{{col ctl}}", Escape::json), {.row = 0}), "line\\r\\nbreak");
  EXPECT_EQ(fill(compile("{{col ctl}}", Escape::json), {.row = 1}), "nul\\u0001");
  EXPECT_EQ(fill(compile("{{col quote}}", Escape::json), {.row = 1}), "tab\\there");
}

TEST(TemplateFill, JsonEscapesEveryControlByte) {
  std::string all;
  for (int c = 1; c < 0x20; ++c) all += static_cast<char>(c);
  const DataSet data = parse_data("v\n\"" + all + "\"\n", DataFormat::csv, "c.csv");
  const auto t = Template::compile("\"{{col v}}\"", {.escape = Escape::json, .data = &data});
  Rng rng(1, 0);
  std::string out;
  ASSERT_TRUE(t.fill(out, rng, {}));
  EXPECT_EQ(nlohmann::json::parse(out).get<std::string>(), all);
  EXPECT_EQ(out.find_first_of(all), std::string::npos);
}

TEST(TemplateFill, UrlValuesArePercentEncoded) {
  const auto t = compile("http://h/u/{{col path}}?n={{col name}}", Escape::url);
  EXPECT_EQ(fill(t, {.row = 0}), "http://h/u/a%2Fb%20c?n=plain");
  EXPECT_EQ(fill(t, {.row = 1}), "http://h/u/100%25?n=back%5Cslash");
  EXPECT_EQ(fill(t, {.row = 2}), "http://h/u/%3Fq%3D1%23f?n=%C3%BCn%C3%AF");
  // Unreserved characters, and the other fields, stay as they are.
  EXPECT_EQ(fill(compile("http://h/{{seq}}-{{randint -1 -1}}", Escape::url), {.seq = 3}),
            "http://h/3--1");
}

TEST(TemplateFill, UrlFillsHoldOnlyUrlCharacters) {
  // Whatever the row holds, the filled URL has only characters a request target may carry.
  const auto t =
      compile("http://h/{{col name}}/{{col quote}}?a={{col path}}&b={{col ctl}}", Escape::url);
  for (std::size_t row = 0; row < rows().rows(); ++row) {
    const std::string url = fill(t, {.row = row});
    for (const char c : url) {
      ASSERT_TRUE(std::isalnum(static_cast<unsigned char>(c)) ||
                  std::string_view("-._~%/?=&:").find(c) != std::string_view::npos)
          << url;
    }
  }
}

TEST(TemplateFill, HeaderValueWithAControlByteIsRefused) {
  const auto t = compile("v={{col ctl}}", Escape::header);
  Rng rng(1, 0);
  std::string out = "kept";
  EXPECT_FALSE(t.fill(out, rng, {.row = 0}));  // CR LF
  EXPECT_EQ(out, "kept");
  EXPECT_FALSE(t.fill(out, rng, {.row = 1}));  // \x01
  EXPECT_EQ(out, "kept");
  EXPECT_TRUE(t.fill(out, rng, {.row = 2}));
  EXPECT_EQ(out, "keptv=ok");
  // A tab is allowed in a header value.
  out.clear();
  EXPECT_TRUE(compile("{{col quote}}", Escape::header).fill(out, rng, {.row = 1}));
  EXPECT_EQ(out, "tab\there");
}

TEST(TemplateFill, SameSeedGivesTheSameRequests) {
  const auto t = compile("/{{uuid}}/{{randint 1 1000000}}/{{randstr 16}}/{{seq}}");
  auto run = [&](std::uint64_t seed, std::uint64_t worker) {
    Rng rng(seed, worker);
    std::string out;
    for (std::uint64_t seq = 1; seq <= 100; ++seq) {
      EXPECT_TRUE(t.fill(out, rng, {.seq = seq}));
      out += '\n';
    }
    return out;
  };
  EXPECT_EQ(run(7, 0), run(7, 0));
  EXPECT_EQ(run(7, 3), run(7, 3));
  EXPECT_NE(run(7, 0), run(8, 0));
  EXPECT_NE(run(7, 0), run(7, 1));
}

TEST(TemplateFill, FieldsDrawInTheirOrder) {
  // The same generator through two templates: {{uuid}} then {{randint}} draws the same numbers
  // whether they are in one template or two.
  Rng a(11, 0), b(11, 0);
  std::string one, two;
  ASSERT_TRUE(compile("{{uuid}}{{randint 0 999}}").fill(one, a, {}));
  ASSERT_TRUE(compile("{{uuid}}").fill(two, b, {}));
  ASSERT_TRUE(compile("{{randint 0 999}}").fill(two, b, {}));
  EXPECT_EQ(one, two);
}

}  // namespace
}  // namespace ccload::request
