// Churn in the store, on both stores, through the entry points the engine uses: training from
// a typed feature table, scoring customers and members for a month (replacing that month),
// reading a score within the customer scope.

#include <gtest/gtest.h>

#include <random>

#include "store_fixture.h"

namespace kam {
namespace {

using json = nlohmann::json;
using testing_support::StoreFixture;
using ChurnStoreTest = StoreFixture;

// A typed feature table with a planted rule, as the engine would build from usage history.
churn::Dataset planted(size_t rows, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0, 1);
  churn::FeatureTable t;
  t.rows = rows;
  t.columns = {
      {"tenure_months", true, {}, {}}, {"bill_trend", true, {}, {}}, {"package", false, {}, {}}};
  std::vector<int> labels;
  for (size_t i = 0; i < rows; ++i) {
    double tenure = 1 + static_cast<double>(rng() % 120), trend = 0.2 * normal(rng);
    std::string pkg = std::string(1, static_cast<char>('A' + rng() % 4));
    t.columns[0].numbers.push_back(tenure);
    t.columns[1].numbers.push_back(trend);
    t.columns[2].texts.push_back(pkg);
    double z = -1.5 + 1.8 * (tenure < 12) - 4 * trend + (pkg == "D" ? 1.2 : 0) + 0.8 * normal(rng);
    labels.push_back(z > 0);
  }
  auto d = churn::make_dataset(std::move(t), std::move(labels));
  EXPECT_TRUE(d.ok()) << d.error().message;
  return std::move(d).value();
}

TEST_P(ChurnStoreTest, EngineTrainsScoresAndManagersReadWithinScope) {
  auto analyst = actor("analyst1");
  auto trained = s_->churn.train_from_dataset(analyst, planted(1200, 3),
                                              {.name = "usage 2026-10", .folds = 3});
  ASSERT_TRUE(trained.ok()) << trained.error().message;
  EXPECT_EQ((*trained)["source"], "usage");
  EXPECT_EQ((*trained)["is_current"], true);
  EXPECT_GT((*trained)["auc"].get<double>(), 0.8);
  EXPECT_EQ((*trained)["evaluation"]["lift"].size(), 10u);

  // Two customers of manager1 (one with a member row), one of manager3.
  auto lease = db_->acquire();
  auto mine = (*lease)->query(
      "SELECT c.id FROM customers c JOIN users u ON u.id = c.account_manager_id WHERE u.username = "
      "'manager1' "
      "AND EXISTS (SELECT 1 FROM members m WHERE m.customer_id = c.id) ORDER BY c.id LIMIT 2");
  auto theirs = (*lease)->query(
      "SELECT c.id FROM customers c JOIN users u ON u.id = c.account_manager_id WHERE u.username = "
      "'manager3' "
      "ORDER BY c.id LIMIT 1");
  ASSERT_TRUE(mine.ok() && theirs.ok());
  ASSERT_EQ(mine->size(), 2u);
  ASSERT_EQ(theirs->size(), 1u);
  int64_t a = (*mine)[0].i64(0), b = (*mine)[1].i64(0), c = (*theirs)[0].i64(0);
  auto member =
      (*lease)->query_one("SELECT id FROM members WHERE customer_id = ? ORDER BY id LIMIT 1", {a});
  ASSERT_TRUE(member.ok() && member->has_value());
  int64_t m = (*member)->i64(0);

  services::ScoringTable t;
  t.features.rows = 4;
  t.features.columns = {{"tenure_months", true, {3, 100, 50, 4}, {}},
                        {"bill_trend", true, {-0.5, 0.2, 0, -0.4}, {}},
                        {"package", false, {}, {"D", "A", "Z", "D"}}};
  t.customer_ids = {a, b, c, a};
  t.member_ids = {std::nullopt, std::nullopt, std::nullopt, m};
  auto scored = s_->churn.score_customers(analyst, 202610, t);
  ASSERT_TRUE(scored.ok()) << scored.error().message;
  EXPECT_EQ((*scored)["rows"], 4);
  EXPECT_EQ((*scored)["rows_with_notes"], 1);  // the unseen package "Z"
  EXPECT_EQ(count("churn_scores"), 4);
  // Scoring the month again replaces it.
  ASSERT_TRUE(s_->churn.score_customers(analyst, 202610, t).ok());
  EXPECT_EQ(count("churn_scores"), 4);

  // What the alert engine reads for churn_score: the freshest month at or before the run month.
  auto lease2 = db_->acquire();
  auto latest = services::ChurnService::latest_scores(**lease2, 202612);
  ASSERT_TRUE(latest.ok()) << latest.error().message;
  EXPECT_EQ(latest->month, 202610);
  ASSERT_EQ(latest->scores.size(), 4u);
  EXPECT_EQ(services::ChurnService::latest_scores(**lease2, 202609)->month, 0);

  auto m1 = actor("manager1");
  auto why = s_->churn.customer_churn(m1, a);
  ASSERT_TRUE(why.ok()) << why.error().message;
  EXPECT_EQ((*why)["month"], "2026-10");
  EXPECT_GT((*why)["score"].get<double>(), 0.5);
  EXPECT_FALSE((*why)["factors"].empty());
  EXPECT_EQ((*why)["members"].size(), 1u);
  EXPECT_EQ((*why)["members"][0]["member_id"], m);
  EXPECT_EQ((*why)["model"]["id"], (*trained)["id"]);
  auto other = s_->churn.customer_churn(m1, c);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code, ErrorCode::kNotFound);
  EXPECT_FALSE(s_->churn.score_customers(m1, 202610, t).ok()) << "managers do not score";

  // Scoring some customers replaces their scores only; a supervisor scores within their teams'
  // customers, and a customer outside them answers 404 with nothing written.
  services::ScoringTable part;
  part.features.rows = 1;
  part.features.columns = {{"tenure_months", true, {60}, {}},
                           {"bill_trend", true, {0.1}, {}},
                           {"package", false, {}, {"A"}}};
  part.customer_ids = {b};
  ASSERT_TRUE(s_->churn.score_customers(analyst, 202610, part).ok());
  EXPECT_EQ(count("churn_scores"), 4) << "b's row replaced; a's two and c's kept";
  auto sup1 = actor("supervisor1");
  ASSERT_TRUE(s_->churn.score_customers(sup1, 202610, part).ok()) << "b is in supervisor1's teams";
  part.customer_ids = {c};
  auto outside = s_->churn.score_customers(sup1, 202610, part);
  ASSERT_FALSE(outside.ok());
  EXPECT_EQ(outside.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(count("churn_scores"), 4);
  EXPECT_EQ(s_->churn.score_month(sup1, 202610).error().code, ErrorCode::kForbidden);

  // The stored model is the same model: loading it back scores identically.
  auto current = s_->churn.current_model();
  ASSERT_TRUE(current.ok() && current->has_value());
  auto again = (*current)->score(t.features);
  ASSERT_TRUE(again.ok());
  EXPECT_NEAR(again->scores[0], (*why)["score"].get<double>(), 1e-12);
}

TEST_P(ChurnStoreTest, ScoringWithoutACurrentModelIsAConflict) {
  services::ScoringTable t;
  t.features.rows = 1;
  t.features.columns = {{"x", true, {1}, {}}};
  t.customer_ids = {1};
  auto r = s_->churn.score_customers(actor("admin"), 202610, t);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kConflict);
  EXPECT_FALSE(s_->churn.score_customers(actor("admin"), 202613, t).ok());
}

INSTANTIATE_TEST_SUITE_P(Stores, ChurnStoreTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace kam
