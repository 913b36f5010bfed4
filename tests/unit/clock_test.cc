// The one clock: a `--now` / KAM_NOW value starts it at a fixed instant; dates format for HTTP.

#include <gtest/gtest.h>

#include "common/clock.h"

namespace kam {
namespace {

TEST(Clock, SpecStartsTheClockAtThatInstant) {
  std::string why;
  auto c = clock_from_spec("2026-11-24T08:00:00+08:00", &why);
  ASSERT_NE(c, nullptr) << why;
  int64_t start = *parse_iso8601("2026-11-24T00:00:00Z");
  EXPECT_GE(c->now(), start);
  EXPECT_LE(c->now(), start + 5);  // it advances with real time, from there
  EXPECT_EQ(shanghai_date(c->now()), "2026-11-24");
}

TEST(Clock, EmptySpecMeansRealTimeAndABadOneSaysWhy) {
  std::string why;
  EXPECT_EQ(clock_from_spec("", &why), nullptr);
  EXPECT_TRUE(why.empty());
  EXPECT_EQ(clock_from_spec("next tuesday", &why), nullptr);
  EXPECT_NE(why.find("ISO 8601"), std::string::npos);
  EXPECT_EQ(clock_from_spec("2026-02-30T00:00:00Z", &why), nullptr);
}

TEST(Clock, ShiftedClockAtAMonthEndCrossesIntoTheNextDayInShanghai) {
  ShiftedClock c(*parse_iso8601("2026-12-31T15:59:59Z"));
  EXPECT_EQ(shanghai_date(c.now()), "2026-12-31");
  EXPECT_EQ(shanghai_date(c.now() + 1), "2027-01-01");
}

TEST(Clock, HttpDate) {
  EXPECT_EQ(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
  EXPECT_EQ(http_date(*parse_iso8601("2026-12-07T16:12:40Z")), "Mon, 07 Dec 2026 16:12:40 GMT");
  EXPECT_EQ(http_date(*parse_iso8601("2028-02-29T23:59:59Z")), "Tue, 29 Feb 2028 23:59:59 GMT");
}

}  // namespace
}  // namespace kam
