// One-stop acceptance rules: every transition of the order flow (and the ones refused), pricing
// of a line with subsidy and discount in fen, the discount authority of each role per product
// line, settings validation, duration statistics and order numbers.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "domain/orders.h"

namespace kam::domain {
namespace {

TEST(OrderFlow, EveryAllowedTransition) {
  struct Case {
    const char *from, *action, *to;
    bool approval;
  };
  const Case cases[] = {
      {"requirement", "consult", "consultation", false},
      {"consultation", "design", "design", false},
      {"design", "propose", "choice", false},
      {"choice", "choose", "acceptance", false},
      {"choice", "choose", "approval", true},
      {"choice", "revise", "design", false},
      {"approval", "approve", "acceptance", false},
      {"approval", "refuse", "design", false},
      {"acceptance", "start-construction", "construction", false},
      {"construction", "finish-construction", "confirmation", false},
      {"confirmation", "rework", "construction", false},
      {"confirmation", "confirm", "billing", false},
      {"billing", "start-billing", "in_service", false},
  };
  for (const auto& c : cases) {
    auto to = next_state(c.from, c.action, c.approval);
    ASSERT_TRUE(to.has_value()) << c.from << " " << c.action;
    EXPECT_EQ(*to, c.to) << c.from << " " << c.action;
  }
}

TEST(OrderFlow, CancelFromEveryOpenStateOnly) {
  for (const auto& s : order_states()) {
    auto to = next_state(s, "cancel");
    if (is_final_state(s)) {
      EXPECT_FALSE(to.has_value()) << s;
    } else {
      ASSERT_TRUE(to.has_value()) << s;
      EXPECT_EQ(*to, "cancelled");
    }
  }
}

TEST(OrderFlow, EveryOtherPairIsRefusedAndListedActionsMatch) {
  for (const auto& s : order_states()) {
    auto allowed = state_actions(s);
    for (const auto& a : order_actions()) {
      bool listed = std::find(allowed.begin(), allowed.end(), a) != allowed.end();
      EXPECT_EQ(next_state(s, a).has_value(), listed) << s << " " << a;
    }
  }
  EXPECT_TRUE(state_actions("in_service").empty());
  EXPECT_TRUE(state_actions("cancelled").empty());
  EXPECT_FALSE(next_state("requirement", "start-billing"));
  EXPECT_FALSE(next_state("nonsense", "cancel"));
  EXPECT_EQ(order_steps().size(), order_states().size() - 2);
}

TEST(Pricing, SubsidyThenDiscountInFenRoundedHalfUp) {
  // 80 extensions at 30.00 yuan, 10 % subsidy, 3 % discount on what is left.
  PricedLine l{"voice", "monthly", 80, 3000, 1200, 1000, 300};
  auto a = price_line(l);
  EXPECT_EQ(a.list_fen, 240000);
  EXPECT_EQ(a.subsidy_fen, 24000);
  EXPECT_EQ(a.discount_fen, 6480);
  EXPECT_EQ(a.net_fen, 209520);
  EXPECT_EQ(a.cost_fen, 96000);
  EXPECT_EQ(a.margin_fen, 113520);
  EXPECT_EQ(share_bp(1, 5000), 1);  // half a fen rounds up
  EXPECT_EQ(share_bp(1, 4999), 0);
  EXPECT_EQ(share_bp(INT64_MAX / 10, 10000), INT64_MAX / 10);  // no overflow
}

TEST(Pricing, OptionTotalsOverTheTerm) {
  std::vector<PricedLine> lines = {{"voice", "monthly", 10, 1000, 400, 0, 500},
                                   {"line", "one_time", 1, 50000, 35000, 0, 0}};
  auto t = total_option(lines, 12);
  EXPECT_EQ(t.monthly.net_fen, 9500);
  EXPECT_EQ(t.one_time.net_fen, 50000);
  EXPECT_EQ(t.term.net_fen, 9500 * 12 + 50000);
  EXPECT_EQ(t.term.margin_fen, (9500 - 4000) * 12 + 15000);
  ASSERT_TRUE(t.margin_bp);
  EXPECT_EQ(*t.margin_bp, 4939);  // 81,000 / 164,000
  EXPECT_EQ(t.max_discount_bp, 500);
}

TEST(Percent, TwoDecimalsAtMostWithinRange) {
  EXPECT_EQ(pct_to_bp(5), 500);
  EXPECT_EQ(pct_to_bp(12.5), 1250);
  EXPECT_EQ(pct_to_bp(0.01), 1);
  EXPECT_FALSE(pct_to_bp(0.001));
  EXPECT_FALSE(pct_to_bp(-1));
  EXPECT_FALSE(pct_to_bp(100.01));
  EXPECT_FALSE(pct_to_bp(std::nan("")));
}

TEST(Authority, DefaultsPerRole) {
  auto d = DiscountLimits::defaults();
  for (const auto& c : product_categories()) {
    EXPECT_EQ(d.limit("account_manager", c), 500);
    EXPECT_EQ(d.limit("supervisor", c), 1500);
    EXPECT_EQ(d.limit("admin", c), 3000);
    EXPECT_EQ(d.limit("phone_manager", c), 0);
  }
}

TEST(Authority, ManagerWithinLimitNeedsNoApproval) {
  auto d = DiscountLimits::defaults();
  auto a = check_authority(d, Role::kAccountManager, {{"voice", 500}, {"data", 0}});
  EXPECT_TRUE(a.within_limit);
  EXPECT_FALSE(a.approver);
}

TEST(Authority, BeyondManagerGoesToSupervisorThenAdmin) {
  auto d = DiscountLimits::defaults();
  auto a = check_authority(d, Role::kAccountManager, {{"voice", 501}});
  EXPECT_FALSE(a.within_limit);
  ASSERT_EQ(a.over.size(), 1u);
  EXPECT_EQ(a.over[0].limit_bp, 500);
  ASSERT_TRUE(a.approver);
  EXPECT_EQ(*a.approver, Role::kSupervisor);
  auto b = check_authority(d, Role::kAccountManager, {{"voice", 1200}, {"cloud", 1600}});
  ASSERT_TRUE(b.approver);
  EXPECT_EQ(*b.approver, Role::kAdmin);
  EXPECT_EQ(b.over.size(), 2u);
  auto c = check_authority(d, Role::kAccountManager, {{"ict", 3001}});
  EXPECT_FALSE(c.approver);  // beyond every limit: nobody may approve it
}

TEST(Authority, SupervisorAndAdminOwnLimits) {
  auto d = DiscountLimits::defaults();
  EXPECT_TRUE(check_authority(d, Role::kSupervisor, {{"data", 1500}}).within_limit);
  auto s = check_authority(d, Role::kSupervisor, {{"data", 1501}});
  ASSERT_TRUE(s.approver);
  EXPECT_EQ(*s.approver, Role::kAdmin);
  EXPECT_TRUE(check_authority(d, Role::kAdmin, {{"data", 3000}}).within_limit);
  EXPECT_FALSE(check_authority(d, Role::kAdmin, {{"data", 3001}}).approver);
  EXPECT_TRUE(may_grant(d, Role::kSupervisor, {{"voice", 1500}}));
  EXPECT_FALSE(may_grant(d, Role::kAccountManager, {{"voice", 600}}));
  EXPECT_FALSE(may_grant(d, Role::kPhoneManager, {{"voice", 1}}));
}

TEST(Authority, PerProductLineLimits) {
  auto d = DiscountLimits::defaults();
  d.bp["account_manager"]["cloud"] = 1000;
  EXPECT_TRUE(check_authority(d, Role::kAccountManager, {{"cloud", 1000}}).within_limit);
  EXPECT_FALSE(check_authority(d, Role::kAccountManager, {{"voice", 1000}}).within_limit);
}

TEST(Authority, ConfigurationIsValidatedNamingTheField) {
  auto ok = DiscountLimits::from_json({{"account_manager", {{"voice", 800}}}});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->limit("account_manager", "voice"), 800);
  auto r1 = DiscountLimits::from_json({{"analyst", {{"voice", 100}}}});
  ASSERT_FALSE(r1.ok());
  EXPECT_EQ(r1.error().field, "limits.analyst");
  auto r2 = DiscountLimits::from_json({{"supervisor", {{"satellite", 100}}}});
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.error().field, "limits.supervisor.satellite");
  auto r3 = DiscountLimits::from_json({{"admin", {{"voice", 10001}}}});
  ASSERT_FALSE(r3.ok());
  EXPECT_EQ(r3.error().field, "limits.admin.voice");
  auto back = DiscountLimits::from_json(DiscountLimits::defaults().to_json());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->limit("supervisor", "ict"), 1500);
}

TEST(Steps, TargetsValidatedAndDefaults) {
  auto d = StepSettings::defaults();
  EXPECT_EQ(d.target_seconds("requirement"), 24 * 3600);
  EXPECT_EQ(d.target_seconds("in_service"), 0);
  auto ok =
      StepSettings::from_json({{"targets_hours", {{"design", 72}}}, {"survey_delay_days", 7}});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->target_seconds("design"), 72 * 3600);
  EXPECT_EQ(ok->target_seconds("choice"), 168 * 3600);
  EXPECT_EQ(ok->survey_delay_days, 7);
  auto bad = StepSettings::from_json({{"targets_hours", {{"design", 0}}}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "config.targets_hours.design");
  auto bad2 = StepSettings::from_json({{"targets_hours", {{"in_service", 5}}}});
  ASSERT_FALSE(bad2.ok());
  EXPECT_EQ(bad2.error().field, "config.targets_hours.in_service");
  auto bad3 = StepSettings::from_json({{"surveys", 1}});
  ASSERT_FALSE(bad3.ok());
  EXPECT_EQ(bad3.error().field, "config.surveys");
}

TEST(Durations, NearestRankPercentiles) {
  auto s = summarize_durations({3600, 7200, 10800, 14400, 36000});
  EXPECT_EQ(s.count, 5);
  EXPECT_DOUBLE_EQ(s.mean_hours, 4);
  EXPECT_DOUBLE_EQ(s.p50_hours, 3);
  EXPECT_DOUBLE_EQ(s.p90_hours, 10);
  EXPECT_DOUBLE_EQ(s.max_hours, 10);
  EXPECT_EQ(summarize_durations({}).count, 0);
}

TEST(OrderNumber, ShanghaiDateAndPaddedId) {
  // 2026-11-17T16:30:00Z is already the 18th in Shanghai.
  EXPECT_EQ(order_number(42, 1794933000), "DD20261118-00042");
  EXPECT_EQ(order_number(1234567, 1794933000), "DD20261118-1234567");
}

}  // namespace
}  // namespace kam::domain
