// The CSV reader: RFC 4180 quoting, line ends, and every message it refuses a file with.
#include <gtest/gtest.h>

#include <vector>

#include "request/data_reader.hpp"
#include "request/data_set.hpp"

namespace ccload::request {
namespace {

using Rows = std::vector<std::vector<std::string>>;

DataSet csv(std::string_view text) { return parse_data(text, DataFormat::csv, "users.csv"); }

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
    (void)csv(text);
  } catch (const DataError& error) {
    const std::string message = error.what();
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    return message;
  }
  ADD_FAILURE() << "parsed: " << text;
  return {};
}

TEST(Csv, HeaderAndRows) {
  const auto data = csv("id,email\n1,a@x\n2,b@x\n");
  EXPECT_EQ(data.column_names(), (std::vector<std::string>{"id", "email"}));
  EXPECT_EQ(data.columns(), 2u);
  EXPECT_EQ(rows_of(data), (Rows{{"1", "a@x"}, {"2", "b@x"}}));
  EXPECT_EQ(data.column("email"), 1u);
  EXPECT_EQ(data.column("Email"), std::nullopt);
  EXPECT_EQ(data.column_list(), "id, email");
  EXPECT_EQ(data.longest(0), 1u);
  EXPECT_EQ(data.longest(1), 3u);
  EXPECT_EQ(data.value_bytes(), 8u);  // one arena: 1 a@x 2 b@x
}

TEST(Csv, LineEndsCrlfLfAndLoneCrAndNoFinalLineBreak) {
  const Rows expected{{"1", "2"}, {"3", "4"}};
  EXPECT_EQ(rows_of(csv("a,b\r\n1,2\r\n3,4\r\n")), expected);
  EXPECT_EQ(rows_of(csv("a,b\n1,2\n3,4")), expected);
  EXPECT_EQ(rows_of(csv("a,b\r1,2\r3,4\r")), expected);
  EXPECT_EQ(rows_of(csv("a,b\r\n1,2\n3,4")), expected);
}

TEST(Csv, QuotedFields) {
  EXPECT_EQ(rows_of(csv("a,b\n\"x,y\",\"say \"\"hi\"\"\"\n")), (Rows{{"x,y", "say \"hi\""}}));
  EXPECT_EQ(rows_of(csv("a,b\n\"two\nlines\",\"crlf\r\nin\"\n")),
            (Rows{{"two\nlines", "crlf\r\nin"}}));
  EXPECT_EQ(rows_of(csv("a,b\n\"\",\"\"\"\"\n")), (Rows{{"", "\""}}));
  EXPECT_EQ(rows_of(csv("\"first name\",\"a,b\"\nAnn,1\n")), (Rows{{"Ann", "1"}}));
  EXPECT_EQ(csv("\"first name\",\"a,b\"\nAnn,1\n").column_names(),
            (std::vector<std::string>{"first name", "a,b"}));
}

TEST(Csv, EmptyValues) {
  EXPECT_EQ(rows_of(csv("a,b,c\n,,\n1,,3\n,2,\n")),
            (Rows{{"", "", ""}, {"1", "", "3"}, {"", "2", ""}}));
  // One column: a blank line is skipped, "" is an empty value.
  EXPECT_EQ(rows_of(csv("a\n1\n\n\"\"\n2\n\n")), (Rows{{"1"}, {""}, {"2"}}));
}

TEST(Csv, BlankLinesAreSkipped) {
  EXPECT_EQ(rows_of(csv("\n\na,b\n\n1,2\r\n\r\n3,4\n\n")), (Rows{{"1", "2"}, {"3", "4"}}));
}

TEST(Csv, SpacesAndBytesAreKept) {
  EXPECT_EQ(rows_of(csv("a,b\n x , y\xC3\xBC\t\n")), (Rows{{" x ", " y\xC3\xBC\t"}}));
  EXPECT_EQ(rows_of(csv(std::string("a\nx\0y\n", 6))), (Rows{{std::string("x\0y", 3)}}));
}

TEST(Csv, ByteOrderMarkIsDropped) {
  const auto data = csv("\xEF\xBB\xBFid\n1\n");
  EXPECT_EQ(data.column_names(), (std::vector<std::string>{"id"}));
  // Only at the start, and only whole.
  EXPECT_EQ(csv("\xEF\xBBid\n1\n").column_names(), (std::vector<std::string>{"\xEF\xBBid"}));
  EXPECT_EQ(rows_of(csv("id\n\xEF\xBB\xBF\n")), (Rows{{"\xEF\xBB\xBF"}}));
}

TEST(Csv, EmptyFile) {
  const std::string empty = "users.csv is empty; it needs a header line and at least one row";
  EXPECT_EQ(error_of(""), empty);
  EXPECT_EQ(error_of("\n\r\n\n"), empty);
  EXPECT_EQ(error_of("\xEF\xBB\xBF"), empty);
  EXPECT_EQ(error_of("id,email\n"),
            "users.csv has no rows, only its first line; add at least one row");
  EXPECT_EQ(error_of("id,email\n\n\n"),
            "users.csv has no rows, only its first line; add at least one row");
}

TEST(Csv, RaggedRowsNameTheirLine) {
  EXPECT_EQ(error_of("a,b\n1,2\n3\n"),
            "users.csv line 3: 1 value where the header has 2; every row needs one value per "
            "column (quote a value that holds a comma: \"a,b\")");
  EXPECT_EQ(error_of("a,b\n1,2,3\n"),
            "users.csv line 2: 3 values where the header has 2; every row needs one value per "
            "column (quote a value that holds a comma: \"a,b\")");
  // Lines are counted across blank lines and quoted line breaks; the row's first line is named.
  EXPECT_NE(error_of("a,b\n\n\"x\ny\",1\n\"p\nq\"\n").find("users.csv line 5: 1 value"),
            std::string::npos);
  EXPECT_NE(error_of("a,b\r\n1,2\r\n\r\n1\r\n").find("line 4:"), std::string::npos);
}

TEST(Csv, HeaderNames) {
  EXPECT_EQ(error_of("id,,name\n1,2,3\n"),
            "users.csv line 1: column 2 of the header has no name; give every column a name");
  EXPECT_EQ(error_of("id,name,id\n1,2,3\n"),
            "users.csv line 1: column 'id' is named twice; give every column its own name");
  EXPECT_NE(error_of("\n\nid,\n").find("line 3: column 2 of the header has no name"),
            std::string::npos);
}

TEST(Csv, QuotingErrors) {
  EXPECT_EQ(error_of("a\n5'11\"\n"),
            "users.csv line 2: a quote inside an unquoted value; quote the whole value and double "
            "the quotes inside it (\"say \"\"hi\"\"\")");
  EXPECT_EQ(error_of("a,b\n\"x\"y,1\n"),
            "users.csv line 2: text after the closing quote of a value; a value is quoted whole, "
            "with its quotes doubled (\"say \"\"hi\"\"\")");
  EXPECT_EQ(error_of("a,b\n1,2\n\"open,3\n4,5\n"),
            "users.csv line 3: a quoted value is never closed; end it with a quote (a quote inside "
            "it is written \"\")");
  EXPECT_NE(error_of("a\n\"x\" \n").find("text after the closing quote"), std::string::npos);
}

TEST(Csv, ChunksMayBeCutAnywhere) {
  const std::string valid =
      "\xEF\xBB\xBFid,\"na,me\"\r\n1,\"a \"\"q\"\"\r\nb\"\r\n\r\n2,\"\"\r\n3,x\ry,z";
  const Rows whole = rows_of(csv(valid));
  ASSERT_EQ(whole, (Rows{{"1", "a \"q\"\r\nb"}, {"2", ""}, {"3", "x"}, {"y", "z"}}));
  for (std::size_t size = 1; size <= valid.size(); ++size) {
    CsvReader reader("users.csv");
    for (std::size_t at = 0; at < valid.size(); at += size) {
      reader.feed(std::string_view(valid).substr(at, size));
    }
    EXPECT_EQ(rows_of(reader.finish()), whole) << size;
  }
}

}  // namespace
}  // namespace ccload::request
