// The tariff calculator: the cost of a month of usage under a package, and the advice over a
// catalogue — table-driven.

#include <gtest/gtest.h>

#include "domain/tariff.h"

namespace kam::domain {
namespace {

// 5G 58: 100 min, 10 GB, no SMS; 0.19 yuan/min, 1 fen/MB, 0.10 yuan/SMS.
const TariffPackage k58{1, "5G 58", 5800, 100, 10240, 0, 19, 1, 10};
// 5G 128: 500 min, 30 GB.
const TariffPackage k128{2, "5G 128", 12800, 500, 30720, 0, 15, 1, 10};
// 全球通 188: 1000 min, 40 GB, 100 SMS.
const TariffPackage k188{3, "全球通 188", 18800, 1000, 40960, 100, 15, 1, 10};
// Data card 30: no minutes (0.30 yuan each), 20 GB.
const TariffPackage kData{4, "流量卡 30", 3000, 0, 20480, 0, 30, 1, 10};

TEST(TariffCost, FeePlusOverageOfEachKind) {
  struct Case {
    const char* what;
    TariffPackage p;
    TariffUsage u;
    int64_t minutes_fen, data_fen, sms_fen, total_fen;
  };
  const Case cases[] = {
      {"within every allowance", k58, {80, 9000, 0}, 0, 0, 0, 5800},
      {"exactly the allowance", k58, {100, 10240, 0}, 0, 0, 0, 5800},
      {"minutes over", k58, {150, 0, 0}, 50 * 19, 0, 0, 5800 + 950},
      {"data over", k58, {0, 12240, 0}, 0, 2000, 0, 5800 + 2000},
      {"SMS over (none included)", k58, {0, 0, 30}, 0, 0, 300, 5800 + 300},
      {"all three over", k128, {600, 31720, 5}, 100 * 15, 1000, 50, 12800 + 1500 + 1000 + 50},
      {"no usage at all", k188, {0, 0, 0}, 0, 0, 0, 18800},
      {"a data card for a caller", kData, {300, 1000, 0}, 300 * 30, 0, 0, 3000 + 9000},
  };
  for (const auto& c : cases) {
    auto cost = tariff_cost(c.p, c.u);
    EXPECT_EQ(cost.minutes_fen, c.minutes_fen) << c.what;
    EXPECT_EQ(cost.data_fen, c.data_fen) << c.what;
    EXPECT_EQ(cost.sms_fen, c.sms_fen) << c.what;
    EXPECT_EQ(cost.total_fen, c.total_fen) << c.what;
    EXPECT_EQ(cost.monthly_fee_fen, c.p.monthly_fee_fen) << c.what;
  }
}

TEST(TariffAdvice, BestFitAndSavingAgainstTodaysSpend) {
  const std::vector<TariffPackage> catalogue = {k188, k128, k58, kData};
  struct Case {
    const char* what;
    TariffUsage u;
    std::optional<int64_t> current;
    int64_t best_id, best_total, saving;
  };
  const Case cases[] = {
      // 30 min, 5 GB: the data card and 30 paid minutes (39 yuan) beat any voice package.
      {"light caller", {30, 5000, 0}, 12800, 4, 3900, 8900},
      // 200 min, 9 GB: 58 + 100 min × 0.19 = 77 yuan; the data card would be 90.
      {"moderate caller on a big package", {200, 9000, 0}, 12800, 1, 7700, 5100},
      // 450 min, 25 GB: 128 covers it; 58 would cost 58 + 350 × 0.19 + 15360 MB × 0.01 = 278.10.
      {"heavy user already on the best fit", {450, 25600, 0}, 12800, 2, 12800, 0},
      // 2000 min and 100 SMS: 全球通 188 + 1000 min × 0.15 = 338 is the cheapest; paying 300 now,
      // no saving.
      {"caller with SMS", {2000, 1000, 100}, 30000, 3, 33800, 0},
      {"data only, spend unknown", {0, 15000, 0}, std::nullopt, 4, 3000, 0},
  };
  for (const auto& c : cases) {
    auto a = advise(catalogue, c.u, c.current);
    ASSERT_TRUE(a.best) << c.what;
    EXPECT_EQ(a.best->package_id, c.best_id) << c.what;
    EXPECT_EQ(a.best->total_fen, c.best_total) << c.what;
    EXPECT_EQ(a.saving_fen, c.saving) << c.what;
    ASSERT_EQ(a.options.size(), catalogue.size()) << c.what;
    for (size_t i = 1; i < a.options.size(); ++i) {
      EXPECT_LE(a.options[i - 1].total_fen, a.options[i].total_fen) << c.what << ": cheapest first";
    }
  }
}

TEST(TariffAdvice, TiesGoToThePackageThatCoversTheUsage) {
  // Both cost 100 yuan for this usage: one by its fee, the other through overage. Next month's
  // usage varies; the covering package is the safer advice.
  TariffPackage covering{7, "covering", 10000, 500, 0, 0, 10, 0, 0};
  TariffPackage cheap{3, "cheap", 5000, 0, 0, 0, 10, 0, 0};
  auto a = advise({cheap, covering}, {500, 0, 0}, 10000);
  ASSERT_TRUE(a.best);
  EXPECT_EQ(a.best->package_id, 7);
  EXPECT_EQ(a.saving_fen, 0);
}

TEST(TariffAdvice, AnEmptyCatalogueHasNoBestFit) {
  auto a = advise({}, {100, 100, 0}, 5000);
  EXPECT_FALSE(a.best);
  EXPECT_TRUE(a.options.empty());
  EXPECT_EQ(a.saving_fen, 0);
  EXPECT_EQ(a.current_fen, 5000);
}

TEST(TariffPackageSpec, DescribesTheCatalogueTable) {
  const auto& s = tariff_package_spec();
  EXPECT_EQ(s.table, "tariff_packages");
  EXPECT_EQ(s.path, "tariff-packages");
  ASSERT_NE(s.field("monthly_fee_fen"), nullptr);
  EXPECT_TRUE(s.field("monthly_fee_fen")->required);
  EXPECT_EQ(s.field("overage_mb_fen")->type, FieldType::kMoney);
  EXPECT_EQ(s.field("active")->default_value, "true");
}

}  // namespace
}  // namespace kam::domain
