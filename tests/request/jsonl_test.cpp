// The JSON Lines reader: objects of strings and numbers, and every message it refuses a file with.
#include <gtest/gtest.h>

#include <vector>

#include "request/data_reader.hpp"
#include "request/data_set.hpp"

namespace ccload::request {
namespace {

using Rows = std::vector<std::vector<std::string>>;

DataSet jsonl(std::string_view text) { return parse_data(text, DataFormat::jsonl, "users.jsonl"); }

Rows rows_of(const DataSet& data) {
  Rows out;
  for (std::size_t r = 0; r < data.rows(); ++r) {
    out.emplace_back();
    for (std::size_t c = 0; c < data.columns(); ++c) out.back().emplace_back(data.cell(r, c));
  }
  return out;
}

std::string error_of(std::string_view text) {
  try {
    (void)jsonl(text);
  } catch (const DataError& error) {
    const std::string message = error.what();
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    return message;
  }
  ADD_FAILURE() << "parsed: " << text;
  return {};
}

TEST(Jsonl, ObjectsOfStringsAndNumbers) {
  const auto data = jsonl(
      "{\"id\": 1, \"email\": \"a@x\", \"score\": -1.50e+3}\n"
      "{\"email\":\"b@x\",\"score\":0,\"id\":2}\n");
  EXPECT_EQ(data.column_names(), (std::vector<std::string>{"id", "email", "score"}));
  // Numbers keep the text they were written with; keys may come in any order.
  EXPECT_EQ(rows_of(data), (Rows{{"1", "a@x", "-1.50e+3"}, {"2", "b@x", "0"}}));
}

TEST(Jsonl, StringEscapesAreDecoded) {
  const auto data = jsonl(R"({"v": "q\" b\\ s\/ \b\f\n\r\t \u0041\u00e9\u20ac \ud83d\ude00 raw é"})"
                          "\n");
  EXPECT_EQ(data.cell(0, 0),
            "q\" b\\ s/ \b\f\n\r\t A\xC3\xA9\xE2\x82\xAC \xF0\x9F\x98\x80 raw \xC3\xA9");
  EXPECT_EQ(jsonl("{\"a\\u0062\": \"\"}\n").column_names(), (std::vector<std::string>{"ab"}));
}

TEST(Jsonl, BlankLinesCrlfAndNoFinalLineBreak) {
  EXPECT_EQ(rows_of(jsonl("\n{\"a\": 1}\r\n  \r\n\t{ \"a\" : \"x\" }  \r\n{\"a\":2}")),
            (Rows{{"1"}, {"x"}, {"2"}}));
}

TEST(Jsonl, EmptyFileAndNoRows) {
  EXPECT_EQ(error_of(""),
            "users.jsonl is empty; it needs one JSON object a line, such as {\"id\": 1}");
  EXPECT_EQ(error_of("\n \n"),
            "users.jsonl is empty; it needs one JSON object a line, such as {\"id\": 1}");
  EXPECT_EQ(error_of("{}\n"),
            "users.jsonl line 1: an empty object; the first line's keys name the columns");
}

TEST(Jsonl, OtherValueTypesNameTheLineAndKey) {
  const std::string tail = "; values must be strings or numbers";
  EXPECT_EQ(error_of("{\"a\": 1}\n{\"a\": true}\n"),
            "users.jsonl line 2: the value of 'a' is a boolean" + tail);
  EXPECT_EQ(error_of("{\"a\": false}\n"),
            "users.jsonl line 1: the value of 'a' is a boolean" + tail);
  EXPECT_EQ(error_of("{\"a\": null}\n"), "users.jsonl line 1: the value of 'a' is null" + tail);
  EXPECT_EQ(error_of("{\"a\": [1]}\n"), "users.jsonl line 1: the value of 'a' is an array" + tail);
  EXPECT_EQ(error_of("{\"a\": {\"b\": 1}}\n"),
            "users.jsonl line 1: the value of 'a' is an object" + tail);
}

TEST(Jsonl, InvalidJson) {
  EXPECT_EQ(error_of("[1, 2]\n"),
            "users.jsonl line 1: not a JSON object; each line is one object, such as {\"id\": 1}");
  EXPECT_EQ(error_of("{\"a\": 1}\n\"a\"\n"),
            "users.jsonl line 2: not a JSON object; each line is one object, such as {\"id\": 1}");
  auto invalid_at = [](std::string_view text, std::string_view where) {
    const std::string message = error_of(text);
    EXPECT_NE(message.find(where), std::string::npos) << message;
  };
  EXPECT_EQ(error_of("{\"a\" 1}"),
            "users.jsonl line 1: invalid JSON at column 6: expected ':' after the key");
  EXPECT_EQ(error_of("{a: 1}"),
            "users.jsonl line 1: invalid JSON at column 2: expected a key in quotes");
  EXPECT_EQ(error_of("{\"a\": 1"),
            "users.jsonl line 1: invalid JSON at column 8: expected ',' or '}'");
  EXPECT_EQ(error_of("{\"a\": 1,}"),
            "users.jsonl line 1: invalid JSON at column 9: expected a key in quotes");
  EXPECT_EQ(error_of("{\"a\": 1} x"),
            "users.jsonl line 1: invalid JSON at column 10: expected the end of the line after the "
            "object");
  EXPECT_EQ(
      error_of("{\"a\": \"x}"),
      "users.jsonl line 1: invalid JSON at column 10: expected the closing quote of a string");
  EXPECT_EQ(error_of("{\"a\": \"x\ty\"}"),
            "users.jsonl line 1: invalid JSON at column 9: expected an escape (\\n, \\t, \\u0001) "
            "for a control character inside a string");
  invalid_at("{\"a\": \"\\x\"}", "line 1: invalid JSON at column 9: expected one of the escapes");
  invalid_at("{\"a\": \"\\u12G4\"}", "line 1: invalid JSON at column 12: expected four hex digits");
  EXPECT_NE(error_of("{\"a\": \"\\ud83d\"}").find("a low surrogate"), std::string::npos);
  EXPECT_NE(error_of("{\"a\": \"\\ud83d\\u0041\"}").find("a low surrogate"), std::string::npos);
  EXPECT_NE(error_of("{\"a\": \"\\ude00\"}").find("a high surrogate"), std::string::npos);
  EXPECT_NE(error_of("{\"a\": \"\\u12\"}").find("four hex digits"), std::string::npos);
  for (const std::string_view number : {"01", "1.", "-", "1e", "1e+", ".5", "+1", "1.e5", "--1"}) {
    const std::string message = error_of("{\"a\": " + std::string(number) + "}");
    EXPECT_NE(message.find("users.jsonl line 1: invalid JSON"), std::string::npos) << number;
  }
  EXPECT_EQ(error_of("{\"a\": x}"),
            "users.jsonl line 1: invalid JSON at column 7: expected a value");
}

TEST(Jsonl, KeysMustMatchTheFirstLine) {
  EXPECT_EQ(error_of("{\"id\": 1, \"email\": \"a\"}\n{\"id\": 2}\n"),
            "users.jsonl line 2: the key 'email' is missing; every line has the first object's "
            "keys: id, email");
  EXPECT_EQ(error_of("{\"id\": 1}\n{\"id\": 2, \"extra\": 3}\n"),
            "users.jsonl line 2: the key 'extra' is not a column; the first object's keys are the "
            "columns: id");
  EXPECT_EQ(error_of("{\"id\": 1, \"id\": 2}\n"), "users.jsonl line 1: the key 'id' appears twice");
  EXPECT_EQ(error_of("{\"id\": 1, \"b\": 2}\n{\"b\": 1, \"b\": 2}\n"),
            "users.jsonl line 2: the key 'b' appears twice");
  EXPECT_EQ(
      error_of("{\"id\": 1}\n{}\n"),
      "users.jsonl line 2: the key 'id' is missing; every line has the first object's keys: id");
}

TEST(Jsonl, LineNumbersCountBlankLines) {
  EXPECT_NE(error_of("\n{\"a\": 1}\n\n\n{\"a\": nul}\n").find("users.jsonl line 5:"),
            std::string::npos);
}

TEST(Jsonl, ChunksMayBeCutAnywhere) {
  const std::string text =
      "{\"id\": 1, \"s\": \"a\\\"b\"}\r\n\n{\"s\": \"\\u00e9\", \"id\": 22}\n{\"id\":3,\"s\":\"\"}";
  const Rows whole = rows_of(jsonl(text));
  ASSERT_EQ(whole, (Rows{{"1", "a\"b"}, {"22", "\xC3\xA9"}, {"3", ""}}));
  for (std::size_t size = 1; size <= text.size(); ++size) {
    JsonlReader reader("users.jsonl");
    for (std::size_t at = 0; at < text.size(); at += size) {
      reader.feed(std::string_view(text).substr(at, size));
    }
    EXPECT_EQ(rows_of(reader.finish()), whole) << size;
  }
}

}  // namespace
}  // namespace ccload::request
