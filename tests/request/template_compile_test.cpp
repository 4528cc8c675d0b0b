// Template::compile: what it accepts, and every message it refuses a template with.
#include <gtest/gtest.h>

#include <map>

#include "request/template.hpp"

namespace ccload::request {
namespace {

const DataSet& users() {
  static const DataSet data =
      parse_data("id,email,first name\n1,a@example.com,Ann\n", DataFormat::csv, "users.csv");
  return data;
}

EnvLookup fake_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    static const std::map<std::string, std::string> vars = {
        {"TOKEN", "s3cret"}, {"SPACEY", "a b/c"}, {"NEWLINE", "a\r\nb"}, {"EMPTY", ""}};
    const auto found = vars.find(name);
    if (found == vars.end()) return std::nullopt;
    return found->second;
  };
}

Template compile(std::string_view text, Escape escape = Escape::none,
                 std::string_view part = "the body") {
  return Template::compile(text,
                           {.part = part, .escape = escape, .env = fake_env(), .data = &users()});
}

std::string error_of(std::string_view text, Escape escape = Escape::none,
                     const DataSet* data = &users(), std::string_view part = "the body") {
  try {
    (void)Template::compile(text,
                            {.part = part, .escape = escape, .env = fake_env(), .data = data});
  } catch (const TemplateError& error) {
    const std::string message = error.what();
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    return message;
  }
  ADD_FAILURE() << "compiled: " << text;
  return {};
}

TEST(TemplateCompile, TextWithoutFieldsIsStatic) {
  for (const std::string_view text : {"", "plain", "{\"a\": {\"b\": 1}}", "}} and } and {"}) {
    const auto t = compile(text);
    EXPECT_TRUE(t.is_static()) << text;
    EXPECT_EQ(t.static_text(), text);
    EXPECT_FALSE(t.uses_row() || t.uses_now() || t.uses_rng());
    EXPECT_EQ(t.max_filled_size(), text.size());
  }
}

TEST(TemplateCompile, EscapedBracesAndEnvAreStaticText) {
  auto t = compile("a{{{{b}}");
  EXPECT_TRUE(t.is_static());
  EXPECT_EQ(t.static_text(), "a{{b}}");
  t = compile("{{{{{{{{");
  EXPECT_EQ(t.static_text(), "{{{{");
  t = compile("Bearer {{env TOKEN}}!{{ env EMPTY }}");
  EXPECT_TRUE(t.is_static());
  EXPECT_EQ(t.static_text(), "Bearer s3cret!");
  // {{env}} in a URL is a value, encoded like any other.
  t = compile("http://h/x/{{env SPACEY}}", Escape::url);
  EXPECT_EQ(t.static_text(), "http://h/x/a%20b%2Fc");
}

TEST(TemplateCompile, FieldsMakeItDynamicAndSayWhatTheyUse) {
  auto t = compile("{{seq}}");
  EXPECT_FALSE(t.is_static());
  EXPECT_FALSE(t.uses_row() || t.uses_now() || t.uses_rng());
  EXPECT_TRUE(compile("{{uuid}}").uses_rng());
  EXPECT_TRUE(compile("{{randint 1 2}}").uses_rng());
  EXPECT_TRUE(compile("{{randstr 3}}").uses_rng());
  EXPECT_TRUE(compile("{{now_ms}}").uses_now());
  EXPECT_TRUE(compile("{{col id}}").uses_row());
  EXPECT_TRUE(compile("{{ col first name }}").uses_row());
  EXPECT_TRUE(compile("{{\trandint\t-5  5 }}").uses_rng());
}

TEST(TemplateCompile, MaxFilledSizeBoundsEveryField) {
  // "x" + seq 20 + uuid 36 + randint 20 + randstr 7 + now_ms 20 + email (13 bytes) as it is.
  EXPECT_EQ(compile("x{{seq}}{{uuid}}{{randint 1 2}}{{randstr 7}}{{now_ms}}{{col email}}")
                .max_filled_size(),
            1u + 20 + 36 + 20 + 7 + 20 + 13);
  EXPECT_EQ(compile("{{col email}}", Escape::json).max_filled_size(), 13u * 6);
  EXPECT_EQ(compile("http://h/{{col email}}", Escape::url).max_filled_size(), 9u + 13 * 3);
}

TEST(TemplateCompile, UnknownField) {
  EXPECT_EQ(error_of("{\"id\": \"{{user}}\"}"),
            "the body at column 9: unknown field {{user}}; the fields are {{seq}}, {{uuid}}, "
            "{{randint A B}}, {{randstr N}}, {{now_ms}}, {{env NAME}} and {{col NAME}} (write {{{{ "
            "for a literal {{)");
  EXPECT_NE(error_of("{{}}").find("unknown field {{}}"), std::string::npos);
  EXPECT_NE(error_of("{{ SEQ }}").find("unknown field {{ SEQ }}"), std::string::npos);
  EXPECT_NE(error_of("{{{seq}}}").find("unknown field {{{seq}}"), std::string::npos);
  // Long or control-laden text is shortened and made printable.
  const std::string message = error_of("{{" + std::string(100, 'x') + "\n}}");
  EXPECT_NE(message.find("{{" + std::string(40, 'x') + "...}}"), std::string::npos) << message;
  EXPECT_NE(error_of("{{a\x01}}").find("{{a\\x01}}"), std::string::npos);
}

TEST(TemplateCompile, PositionIsLineAndColumnInTextWithLineBreaks) {
  EXPECT_NE(error_of("{{nope}}").find("at column 1"), std::string::npos);
  EXPECT_NE(error_of("{\n  \"a\": 1,\n  \"b\": \"{{nope}}\"\n}").find("at line 3, column 9"),
            std::string::npos);
  EXPECT_NE(error_of("\n{{nope}}").find("at line 2, column 1"), std::string::npos);
}

TEST(TemplateCompile, UnclosedField) {
  EXPECT_EQ(error_of("id={{seq", Escape::none, &users(), "the URL"),
            "the URL at column 4: {{ is never closed; end the field with }}, or write {{{{ for a "
            "literal {{");
  EXPECT_NE(error_of("{{seq}} {{").find("never closed"), std::string::npos);
  EXPECT_NE(error_of("{{seq} }").find("never closed"), std::string::npos);
}

TEST(TemplateCompile, ArgumentsOfFieldsWithoutThem) {
  EXPECT_EQ(error_of("{{seq 1}}"), "the body at column 1: {{seq}} takes no arguments");
  EXPECT_EQ(error_of("x{{uuid v4}}"), "the body at column 2: {{uuid}} takes no arguments");
  EXPECT_EQ(error_of("{{now_ms s}}"), "the body at column 1: {{now_ms}} takes no arguments");
}

TEST(TemplateCompile, Randint) {
  EXPECT_EQ(error_of("{{randint 9 1}}"),
            "the body at column 1: {{randint A B}} needs A <= B, not 9 > 1");
  const std::string needs =
      "the body at column 1: {{randint A B}} needs two whole numbers, as in {{randint 1 100}}, "
      "not ";
  EXPECT_EQ(error_of("{{randint}}"), needs + "{{randint}}");
  EXPECT_EQ(error_of("{{randint 1}}"), needs + "{{randint 1}}");
  EXPECT_EQ(error_of("{{randint 1 2 3}}"), needs + "{{randint 1 2 3}}");
  EXPECT_EQ(error_of("{{randint a 2}}"), needs + "{{randint a 2}}");
  EXPECT_EQ(error_of("{{randint 1 2.5}}"), needs + "{{randint 1 2.5}}");
  EXPECT_EQ(error_of("{{randint +1 2}}"), needs + "{{randint +1 2}}");
  EXPECT_EQ(error_of("{{randint 1 99999999999999999999}}"),
            needs + "{{randint 1 99999999999999999999}}");
  (void)compile("{{randint -9223372036854775808 9223372036854775807}}");
  (void)compile("{{randint 5 5}}");
}

TEST(TemplateCompile, Randstr) {
  const std::string needs =
      "the body at column 1: {{randstr N}} needs a length N from 1 to 65536, as in {{randstr 12}}, "
      "not ";
  EXPECT_EQ(error_of("{{randstr}}"), needs + "{{randstr}}");
  EXPECT_EQ(error_of("{{randstr 0}}"), needs + "{{randstr 0}}");
  EXPECT_EQ(error_of("{{randstr 65537}}"), needs + "{{randstr 65537}}");
  EXPECT_EQ(error_of("{{randstr -1}}"), needs + "{{randstr -1}}");
  EXPECT_EQ(error_of("{{randstr 1 2}}"), needs + "{{randstr 1 2}}");
  EXPECT_EQ(compile("{{randstr 65536}}").max_filled_size(), 65536u);
}

TEST(TemplateCompile, Env) {
  EXPECT_EQ(error_of("{{env}}"),
            "the body at column 1: {{env NAME}} needs a variable name, as in {{env API_TOKEN}}");
  EXPECT_EQ(error_of("{{env MISSING}}"),
            "the body at column 1: the environment variable MISSING is not set (for {{env "
            "MISSING}}); set it, or write the text itself");
  // Without a lookup no variable is set.
  try {
    (void)Template::compile("{{env TOKEN}}", {});
    ADD_FAILURE();
  } catch (const TemplateError& error) {
    EXPECT_NE(std::string(error.what()).find("TOKEN is not set"), std::string::npos);
  }
  EXPECT_EQ(error_of("{{env NEWLINE}}", Escape::header, &users(), "header X-Token"),
            "header X-Token at column 1: the environment variable NEWLINE holds a line break or "
            "another control byte, which a header value cannot hold");
  EXPECT_EQ(compile("{{env NEWLINE}}", Escape::json).static_text(), "a\\r\\nb");
}

TEST(TemplateCompile, EnvIsReadOnceAtCompileTime) {
  int reads = 0;
  const auto t = Template::compile("{{env A}}-{{env A}}", {.env = [&](const std::string&) {
                                     ++reads;
                                     return std::optional<std::string>("v");
                                   }});
  EXPECT_EQ(reads, 2);
  std::string out;
  Rng rng(1, 0);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(t.fill(out, rng, {}));
  EXPECT_EQ(reads, 2);
  EXPECT_EQ(out, "v-vv-vv-v");
}

TEST(TemplateCompile, Col) {
  EXPECT_EQ(error_of("{{col}}"),
            "the body at column 1: {{col NAME}} needs a column name, as in {{col email}}");
  EXPECT_EQ(
      error_of("{{col email}}", Escape::none, nullptr),
      "the body at column 1: {{col email}} needs a data file (--data FILE.csv or FILE.jsonl)");
  EXPECT_EQ(error_of("{{col emial}}"),
            "the body at column 1: the data file has no column 'emial'; its columns are: id, "
            "email, first name");
  EXPECT_NE(error_of("{{col Email}}").find("no column 'Email'"), std::string::npos);
  EXPECT_NE(error_of("{{col first  name}}").find("no column 'first  name'"), std::string::npos);
}

TEST(TemplateCompile, UrlFieldsOnlyInThePathOrQuery) {
  auto origin = [](int column) {
    return "the URL at column " + std::to_string(column) +
           ": a field cannot stand in the scheme, host or port (a run's connections go to one "
           "origin); put it in the path or the query";
  };
  auto url_error = [](std::string_view text) {
    return error_of(text, Escape::url, &users(), "the URL");
  };
  EXPECT_EQ(url_error("{{env TOKEN}}://h/"), origin(1));
  EXPECT_EQ(url_error("http://{{col id}}.example.com/"), origin(8));
  EXPECT_EQ(url_error("http://h:{{randint 1 9}}/"), origin(10));
  EXPECT_EQ(url_error("http://h{{seq}}"), origin(9));
  EXPECT_EQ(url_error("http://h/a#{{seq}}"),
            "the URL at column 12: a field after # is never sent (the fragment stays in the "
            "client); put it in the path or the query");
  (void)compile("http://h/{{seq}}", Escape::url);
  (void)compile("http://h?id={{seq}}", Escape::url);
  (void)compile("https://h:8443/a/{{col id}}/b?x={{uuid}}&y={{randstr 4}}", Escape::url);
  // Only the URL mode looks at the URL's parts.
  (void)compile("http://{{seq}}/", Escape::none);
}

}  // namespace
}  // namespace ccload::request
