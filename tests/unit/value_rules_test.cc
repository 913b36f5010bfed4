// The value, grading and lifecycle rules, as tables of cases.

#include <gtest/gtest.h>

#include "domain/value_rules.h"

namespace kam::domain {
namespace {

TEST(Grading, ImportantByOrgTypeOtherwiseBySpend) {
  ValueConfig c;
  struct Case {
    std::string kind, org_type;
    int64_t revenue_fen;
    std::string grade;
  } cases[] = {
      {"group", "government", 0, "important"},
      {"group", "police", 10'000, "important"},
      {"group", "education", 5'000'000, "important"},
      {"group", "finance", 100'000, "extra_large"},
      {"group", "finance", 99'999, "ordinary"},
      {"group", "healthcare", 30'000, "ordinary"},
      {"group", "other", 29'999, "small"},
      {"individual", "", 500'000, "individual"},
  };
  for (const auto& k : cases) {
    EXPECT_EQ(group_grade(c, k.kind, k.org_type, k.revenue_fen), k.grade)
        << k.org_type << " " << k.revenue_fen;
  }
}

TEST(Scorecard, MarginAndCollectionTwentyPointsEach) {
  ValueConfig c;
  // Full margin (rate at target), nothing owed, long tenure, top revenue: every point.
  Scores top = score(c, 1.0, 100'000, 60'000, 0, 120);
  EXPECT_DOUBLE_EQ(top.revenue, 40);
  EXPECT_DOUBLE_EQ(top.margin, 20);
  EXPECT_DOUBLE_EQ(top.collection, 20);
  EXPECT_DOUBLE_EQ(top.loyalty, 20);
  EXPECT_DOUBLE_EQ(top.total(), 100);
  // Half the target margin, a quarter unpaid, half the loyalty horizon.
  Scores mid = score(c, 0.5, 100'000, 30'000, 25'000, 30);
  EXPECT_DOUBLE_EQ(mid.revenue, 20);
  EXPECT_DOUBLE_EQ(mid.margin, 10);
  EXPECT_DOUBLE_EQ(mid.collection, 15);
  EXPECT_DOUBLE_EQ(mid.loyalty, 10);
  // Negative margin scores zero, not below.
  EXPECT_DOUBLE_EQ(score(c, 0.5, 100'000, -5'000, 0, 0).margin, 0);
  // No revenue: collection is full only when nothing is owed.
  EXPECT_DOUBLE_EQ(score(c, 0, 0, 0, 0, 0).collection, 20);
  EXPECT_DOUBLE_EQ(score(c, 0, 0, 0, 100, 0).collection, 0);
}

TEST(Scorecard, TiersByThreshold) {
  ValueConfig c;
  EXPECT_EQ(tier_for(c, 95), "gold");
  EXPECT_EQ(tier_for(c, c.tier_gold), "gold");
  EXPECT_EQ(tier_for(c, c.tier_gold - 0.01), "silver");
  EXPECT_EQ(tier_for(c, c.tier_bronze), "bronze");
  EXPECT_EQ(tier_for(c, c.tier_bronze - 1), "do_not_serve");
}

TEST(Lifecycle, StagesFromTenureTrendAndStatus) {
  ValueConfig c;  // 6 months of acquisition, 3-month windows, +10 % / -15 %
  struct Case {
    std::vector<int64_t> bills;
    int64_t status;
    int tenure;
    Stage stage;
  } cases[] = {
      {{100, 100, 100, 100, 100, 100}, 0, 3, Stage::kAcquisition},
      {{100, 100, 100, 100, 100, 100}, 0, 24, Stage::kMaturity},
      {{100, 100, 100, 115, 110, 112}, 0, 24, Stage::kGrowth},
      {{100, 100, 100, 80, 85, 80}, 0, 24, Stage::kDecline},
      {{100, 100, 100, 90, 90, 90}, 0, 24, Stage::kMaturity},    // -10 % is not yet decline
      {{100, 100, 100, 100, 100, 100}, 3, 24, Stage::kChurn},    // cancelled
      {{100, 100, 100, 100, 100, 100}, 2, 24, Stage::kChurn},    // pre-cancelled
      {{100, 100, 100, 100, 100, -1}, 0, 24, Stage::kChurn},     // no record this month
      {{100, 100, 100, 100, 100, 100}, 1, 24, Stage::kDecline},  // suspended
      {{-1, -1, -1, 100, 100, 100}, 0, 24, Stage::kMaturity},    // too little history for a trend
      {{0, 0, 0, 50, 50, 50}, 0, 24, Stage::kGrowth},
  };
  for (size_t i = 0; i < std::size(cases); ++i) {
    EXPECT_EQ(lifecycle_stage(c, cases[i].bills, cases[i].status, cases[i].tenure), cases[i].stage)
        << "case " << i;
  }
}

TEST(LifetimeValue, DiscountedRetainedMarginOverTheHorizon) {
  ValueConfig c;
  c.clv_horizon_months = 12;
  c.clv_annual_discount_rate = 0;
  c.clv_retention = {1, 1, 1, 1, 0};
  // No discounting, certain retention: twelve months of margin.
  EXPECT_EQ(lifetime_value(c, 1000, Stage::kMaturity), 12'000);
  // Churned customers are worth nothing; negative margins count as zero.
  EXPECT_EQ(lifetime_value(c, 1000, Stage::kChurn), 0);
  EXPECT_EQ(lifetime_value(c, -1000, Stage::kMaturity), 0);
  // Retention 0.5 a month: 0.5 + 0.25 + … ≈ 1 month of margin.
  c.clv_retention[static_cast<size_t>(Stage::kDecline)] = 0.5;
  EXPECT_NEAR(static_cast<double>(lifetime_value(c, 1000, Stage::kDecline)),
              1000 * (1 - std::pow(0.5, 12)), 1);
  // Discounting lowers it.
  ValueConfig d;
  EXPECT_LT(lifetime_value(d, 1000, Stage::kMaturity),
            static_cast<int64_t>(1000 * d.clv_horizon_months));
}

TEST(ValueConfig, JsonRoundTripAndFieldNamedErrors) {
  ValueConfig c;
  auto back = ValueConfig::from_json(c.to_json());
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->to_json(), c.to_json());
  struct Bad {
    nlohmann::json j;
    std::string field;
  } bad[] = {
      {{{"weight_margin", 150}}, "weight_margin"},
      {{{"weight_margin", "twenty"}}, "weight_margin"},
      {{{"no_such_setting", 1}}, "no_such_setting"},
      {{{"tier_gold", 50}, {"tier_silver", 60}}, "tier_silver"},
      {{{"ordinary_min_fen", 200000}, {"extra_large_min_fen", 100000}}, "extra_large_min_fen"},
      {{{"clv_retention", {{"decline", 1.5}}}}, "clv_retention.decline"},
      {{{"clv_retention", {{"zombie", 0.5}}}}, "clv_retention.zombie"},
      {{{"trend_months", 2.5}}, "trend_months"},
      {{{"important_org_types", "government"}}, "important_org_types"},
      {{{"weight_margin", 25}}, "weight_revenue"},  // 105 points in all
  };
  for (const auto& b : bad) {
    auto r = ValueConfig::from_json(b.j);
    ASSERT_FALSE(r.ok()) << b.j.dump();
    EXPECT_EQ(r.error().field, b.field) << b.j.dump() << ": " << r.error().message;
  }
  auto partial =
      ValueConfig::from_json({{"weight_margin", 15}, {"important_org_types", {"government"}}});
  ASSERT_TRUE(partial.ok());
  EXPECT_EQ(partial->weight_margin, 15);
  EXPECT_EQ(partial->weight_revenue, 40);  // untouched keys keep their defaults
  EXPECT_EQ(group_grade(*partial, "group", "police", 0), "small");
}

}  // namespace
}  // namespace kam::domain
