// TIMESTAMP as text in a PyLoad database: six decimals, rounded to the microsecond; and which
// declarations count as text.

#include "store/timestamp_text.hpp"

#include <gtest/gtest.h>

#include "store/sqlite.hpp"

namespace ccload::store {
namespace {

std::string text_of(std::int64_t unix_ns) {
  char buffer[kTimestampTextSize];
  return std::string(timestamp_text(unix_ns, buffer));
}

TEST(TimestampText, SixDecimalsRoundedToTheMicrosecond) {
  EXPECT_EQ(text_of(1'704'067'200'123'456'789), "1704067200.123457");
  EXPECT_EQ(text_of(1'704'067'200'123'456'499), "1704067200.123456");
  EXPECT_EQ(text_of(1'704'067'200'999'999'500), "1704067201.000000");
  EXPECT_EQ(text_of(1'704'067'200'999'999'499), "1704067200.999999");
  EXPECT_EQ(text_of(1'704'067'200'000'000'000), "1704067200.000000");
  EXPECT_EQ(text_of(0), "0.000000");
  EXPECT_EQ(text_of(-1'500'000), "-0.001500");
}

TEST(TimestampText, TheSeedsTextDeclarationIsText) {
  for (const auto& [declaration, text] :
       std::vector<std::pair<std::string, bool>>{{"TEXT NOT NULL", true},
                                                 {"varchar(32)", true},
                                                 {"REAL NOT NULL", false},
                                                 {"DOUBLE PRECISION", false},
                                                 {"", false}}) {
    sql::Database db(":memory:", sql::Database::Mode::read_write_create);
    EXPECT_FALSE(timestamp_is_text(db)) << "no table yet";
    db.exec("CREATE TABLE LOADTEST(REQUESTID INTEGER PRIMARY KEY, TIMESTAMP " + declaration +
            ", URL TEXT)");
    EXPECT_EQ(timestamp_is_text(db), text) << declaration;
  }
}

}  // namespace
}  // namespace ccload::store
