// is_origin_form() accepts exactly what boost::urls::parse_origin_form accepts: over hand-picked
// targets, and over every string of up to three bytes from an alphabet of the bytes that matter
// (after a leading "/"), plus random longer ones.
#include "request/origin_form.hpp"

#include <gtest/gtest.h>

#include <boost/url/parse.hpp>
#include <string>

#include "request/rng.hpp"

namespace ccload::request {
namespace {

bool boost_accepts(std::string_view target) {
  return static_cast<bool>(boost::urls::parse_origin_form(target));
}

TEST(OriginForm, HandPickedTargets) {
  for (const std::string_view good :
       {"/", "/a/b?c=d&e=f", "/%2F%7e", "/?", "/a?b?c/d", "/:@!$&'()*+,;=-._~", "//x", "/a%20b"}) {
    EXPECT_TRUE(is_origin_form(good)) << good;
    EXPECT_TRUE(boost_accepts(good)) << good;
  }
  for (const std::string_view bad :
       {"", "a", "/a b", "/a#b", "/%", "/%2", "/%G0", "/a\"b", "/\x7f", "/\xc3\xa9", "/a\r\n",
        "/[x]", "/a{b}", "/a|b", "/a\\b", "/^", "/`"}) {
    EXPECT_FALSE(is_origin_form(bad)) << bad;
    EXPECT_FALSE(boost_accepts(bad)) << bad;
  }
}

TEST(OriginForm, AgreesWithBoostUrlOnShortAndRandomTargets) {
  const std::string alphabet = "a/?%#2fG []{}\"<>|\\^`\x01\x7f\x80:@!$&'()*+,;=-._~";
  std::string target;
  for (std::size_t length = 0; length <= 3; ++length) {
    std::vector<std::size_t> digits(length, 0);
    for (;;) {
      target = "/";
      for (const std::size_t d : digits) target += alphabet[d];
      ASSERT_EQ(is_origin_form(target), boost_accepts(target)) << target;
      std::size_t i = 0;
      while (i < length && ++digits[i] == alphabet.size()) digits[i++] = 0;
      if (i == length) break;
    }
  }
  Rng rng(3, 0);
  for (int round = 0; round < 20000; ++round) {
    target = rng.below(8) == 0 ? "" : "/";
    const std::uint64_t length = rng.below(24);
    for (std::uint64_t i = 0; i < length; ++i) target += alphabet[rng.below(alphabet.size())];
    ASSERT_EQ(is_origin_form(target), boost_accepts(target)) << target;
  }
}

}  // namespace
}  // namespace ccload::request
