// The five colour zones, case by case from SPEC §3 (A = 100 yuan, B = 200 minutes).

#include <gtest/gtest.h>

#include "domain/zones.h"

namespace kam::domain {
namespace {

MemberMonth m(int64_t bill_yuan, int64_t mou, int64_t min_spend_yuan = 0, int64_t status = 0) {
  return {true, bill_yuan * 100, mou, min_spend_yuan * 100, status};
}

TEST(Zones, EachZoneExactlyAsDefined) {
  ZoneConfig c;
  MemberMonth absent;
  struct Case {
    MemberMonth before, last;
    Zone zone;
  } cases[] = {
      {m(150, 300), m(120, 250, 80), Zone::kBlue},  // >= A, >= B, with a commitment
      {m(150, 300), m(120, 250), Zone::kGreen},     // the same without
      {absent, m(100, 200), Zone::kGreen},          // thresholds are inclusive; history not needed
      {m(150, 300), m(60, 250), Zone::kYellow},     // was good, bill fell below A
      {m(100, 200), m(99, 10), Zone::kYellow},      // bill below A wins over MOU below B
      {m(150, 300), m(120, 150), Zone::kRed},       // was good, bill still >= A, MOU below B
      {m(150, 300), m(120, 250, 0, 1), Zone::kWhite},  // suspended
      {m(150, 300), m(0, 0, 0, 2), Zone::kWhite},      // pre-cancelled
      {m(50, 300), m(40, 100), Zone::kNone},           // never reached A
      {m(150, 100), m(60, 250), Zone::kNone},          // month before below B: not "was good"
      {absent, m(60, 50), Zone::kNone},
      {m(150, 300), absent, Zone::kNone},  // no record this month
  };
  for (size_t i = 0; i < std::size(cases); ++i) {
    EXPECT_EQ(member_zone(c, cases[i].before, cases[i].last), cases[i].zone) << "case " << i;
  }
  ZoneConfig higher;
  higher.bill_a_fen = 20'000;
  EXPECT_EQ(member_zone(higher, m(150, 300), m(120, 250)), Zone::kNone);
}

TEST(Zones, GroupTakesTheMostSevereZoneWithEnoughRevenue) {
  ZoneConfig c;  // 30 %
  auto z = [&](std::array<int64_t, kZoneCount> r) { return group_zone(c, r); };
  EXPECT_EQ(z({0, 70, 0, 0, 0, 30}), Zone::kWhite);  // 30 % white
  EXPECT_EQ(z({0, 50, 25, 25, 0, 0}),
            Zone::kBlue);  // yellow and green have 25 %: only blue reaches 30 %
  EXPECT_EQ(z({0, 80, 0, 10, 10, 0}), Zone::kBlue);     // most severe with 30 %: blue
  EXPECT_EQ(z({40, 10, 10, 10, 10, 20}), Zone::kNone);  // largest share, when nothing reaches 30 %
  EXPECT_EQ(z({0, 0, 0, 0, 0, 0}), Zone::kNone);
}

TEST(Zones, ConfigIsValidatedByField) {
  EXPECT_EQ(ZoneConfig::from_json({{"bill_a_fen", -1}}).error().field, "bill_a_fen");
  EXPECT_EQ(ZoneConfig::from_json({{"mou_b", 1.5}}).error().field, "mou_b");
  EXPECT_EQ(ZoneConfig::from_json({{"group_share", 0}}).error().field, "group_share");
  EXPECT_EQ(ZoneConfig::from_json({{"care_actions", {{"purple", "x"}}}}).error().field,
            "care_actions.purple");
  EXPECT_EQ(ZoneConfig::from_json({{"colour", 1}}).error().field, "colour");
  auto ok = ZoneConfig::from_json({{"bill_a_fen", 15000}, {"care_actions", {{"red", "外呼"}}}});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->care_actions[static_cast<size_t>(Zone::kRed)], "外呼");
  EXPECT_EQ(ZoneConfig::from_json(ok->to_json())->to_json(), ok->to_json());
}

}  // namespace
}  // namespace kam::domain
