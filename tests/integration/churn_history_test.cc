// Churn from the stored history, on both stores: the test writes a demo-like usage history
// with a planted signal (customers who leave show zero-call days, calls to competitors and a
// falling bill in the two months before), trains from it through the service, checks the
// cross-validated AUC, then runs the engine and checks that every active customer of the month
// was scored and that a manager reads only their own customers' scores.

#include <gtest/gtest.h>

#include <random>
#include <set>

#include "domain/usage_fields.h"
#include "engine/usage_store.h"
#include "store_fixture.h"

namespace kam {
namespace {

using json = nlohmann::json;
using domain::UsageField;
using testing_support::StoreFixture;
using ChurnHistoryTest = StoreFixture;

constexpr int kFirst = 202509, kMonths = 14;  // 2025-09 … 2026-10
constexpr int kLast = 202610;

struct History {
  std::vector<int64_t> mine, theirs;        // customers of manager1 / manager3
  std::map<int, std::set<int64_t>> active;  // month -> customers with an active member
};

// 600 customers with 1-5 members each; 30% leave at a random month (gone from the usage
// afterwards), with warning signs in the two months before; 10% of the others show the same
// signs now and then without leaving (noise).
History write_history(db::Database& db, const Clock& clock, uint64_t seed) {
  History h;
  auto lease = db.acquire();
  EXPECT_TRUE(lease.ok());
  auto m1 = (*lease)->query_one("SELECT id FROM users WHERE username = 'manager1'");
  auto m3 = (*lease)->query_one("SELECT id FROM users WHERE username = 'manager3'");
  EXPECT_TRUE(m1.ok() && m1->has_value() && m3.ok() && m3->has_value());
  std::mt19937_64 rng(seed);
  auto unit = [&rng] { return std::uniform_real_distribution<double>(0, 1)(rng); };
  const int n = 600;
  std::vector<int64_t> ids;
  {
    auto tx = db::Transaction::begin(*lease);
    EXPECT_TRUE(tx.ok());
    for (int i = 0; i < n; ++i) {
      int64_t manager = i % 2 ? (*m3)->i64(0) : (*m1)->i64(0);
      auto row = (*tx)->query_one(
          "INSERT INTO customers(kind, name, status, industry, account_manager_id, created_at, "
          "updated_at) VALUES (?, ?, 'active', ?, ?, ?, ?) RETURNING id",
          {std::string(i % 5 ? "group" : "individual"), "历史客户" + std::to_string(i),
           std::string(i % 3 ? "制造业" : "金融业"), manager, clock.now(), clock.now()});
      EXPECT_TRUE(row.ok()) << row.error().message;
      ids.push_back((*row)->i64(0));
      (i % 2 ? h.theirs : h.mine).push_back(ids.back());
    }
    EXPECT_TRUE(tx->commit().ok());
  }
  struct Plan {
    int leave = -1;  // month index it leaves at, -1 never
    std::vector<int64_t> members;
    double level;
  };
  std::vector<Plan> plans(n);
  int64_t next_member = 5'000'000;
  for (int i = 0; i < n; ++i) {
    plans[i].leave = unit() < 0.3 ? 4 + static_cast<int>(rng() % 10) : -1;
    int k = i % 5 == 0 ? 1 : 1 + static_cast<int>(rng() % 5);
    for (int j = 0; j < k; ++j) plans[i].members.push_back(next_member++);
    plans[i].level = 0.5 + unit();
  }
  auto tx = db::Transaction::begin(*lease);
  EXPECT_TRUE(tx.ok());
  for (int t = 0; t < kMonths; ++t) {
    int month = domain::month_add(kFirst, t);
    engine::UsageFrame f;
    f.period = month;
    auto put = [&f](UsageField fld, int64_t v) {
      f.cols[static_cast<size_t>(domain::usage_field_index(fld))].push_back(v);
    };
    for (int i = 0; i < n; ++i) {
      const Plan& p = plans[i];
      if (p.leave >= 0 && t >= p.leave) continue;  // gone
      bool signs = (p.leave >= 0 && t >= p.leave - 2) || (p.leave < 0 && unit() < 0.05);
      for (int64_t m : p.members) {
        f.member_id.push_back(m);
        f.customer_id.push_back(ids[static_cast<size_t>(i)]);
        double mult = signs ? 0.6 : 1.0;
        int64_t bill = static_cast<int64_t>(10000 * p.level * mult * (0.9 + 0.2 * unit()));
        put(UsageField::kBill, bill);
        put(UsageField::kMou, static_cast<int64_t>(300 * p.level * mult));
        put(UsageField::kDataMb, static_cast<int64_t>(5000 * p.level * mult));
        put(UsageField::kSms, 20);
        put(UsageField::kZeroCallDays, static_cast<int64_t>(rng() % 3) + (signs ? 10 : 0));
        put(UsageField::kCompetitorCalls, signs ? 1 + static_cast<int64_t>(rng() % 3) : 0);
        put(UsageField::kStatus, 0);
        h.active[month].insert(ids[static_cast<size_t>(i)]);
      }
    }
    f.fill_missing(engine::all_fields());
    auto w = engine::write_period(tx->conn(), engine::Granularity::kMonth, f, engine::all_fields(),
                                  0, clock.now());
    EXPECT_TRUE(w.ok()) << w.error().message;
  }
  EXPECT_TRUE(tx->commit().ok());
  return h;
}

TEST_P(ChurnHistoryTest, HistoryTrainingFindsThePlantedSignalAndTheEngineScoresEveryone) {
  History h = write_history(*db_, clock_, 7);
  auto analyst = actor("analyst1");

  // Managers may not train.
  auto refused = s_->churn.train_from_history(actor("manager1"), {});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kForbidden);

  services::HistoryRequest r;
  r.horizon = 3;
  r.cutoffs = 8;
  r.train.folds = 3;
  std::vector<std::string> phases;
  auto model = s_->churn.train_from_history(analyst, r, [&](const std::string& p, size_t, size_t) {
    if (phases.empty() || phases.back() != p) phases.push_back(p);
  });
  ASSERT_TRUE(model.ok()) << model.error().message;
  EXPECT_EQ(phases, (std::vector<std::string>{"reading", "training"}));
  const json& ds = (*model)["evaluation"]["dataset"];
  EXPECT_EQ(ds["last_cutoff"], "2026-07");  // three months before the newest
  EXPECT_EQ(ds["first_cutoff"], "2025-12");
  EXPECT_EQ(ds["cutoffs"].size(), 8u);
  EXPECT_GT(ds["churned"].get<int64_t>(), 150);
  EXPECT_EQ((*model)["label_column"], "churned_within_3_months");
  EXPECT_EQ((*model)["is_current"], true);
  double auc = (*model)["auc"].get<double>();
  EXPECT_GT(auc, 0.75) << "the planted signal should be found";
  EXPECT_LT(auc, 0.999) << "a third of the churners show no sign yet at the cutoff";
  EXPECT_EQ((*model)["evaluation"]["lift"].size(), 10u);
  EXPECT_GT((*model)["evaluation"]["top10"]["lift"].get<double>(), 2.0);

  // The horizon must be stored.
  services::HistoryRequest late;
  late.month = kLast;
  auto bad = s_->churn.train_from_history(analyst, late);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "month");

  // The engine run scores the month after it; every active customer gets a score.
  auto run = s_->alerts.run(analyst, kLast);
  ASSERT_TRUE(run.ok()) << run.error().message;
  auto lease = db_->acquire();
  auto rows = (*lease)->query(
      "SELECT customer_id, score, factors, model_id FROM churn_scores WHERE month = ? AND "
      "member_id IS NULL",
      {int64_t{kLast}});
  ASSERT_TRUE(rows.ok());
  std::set<int64_t> scored;
  for (const auto& row : *rows) {
    scored.insert(row.i64(0));
    EXPECT_EQ(row.i64(3), (*model)["id"].get<int64_t>());
    EXPECT_GE(row.f64(1), 0.0);
    EXPECT_LE(row.f64(1), 1.0);
  }
  EXPECT_EQ(scored, h.active[kLast]);
  // Customers showing the signs now rank above the others.
  auto top = s_->churn.list_scores(analyst, 0, 20);
  ASSERT_TRUE(top.ok()) << top.error().message;
  EXPECT_EQ((*top)["month"], "2026-10");
  EXPECT_EQ((*top)["total"].get<size_t>(), h.active[kLast].size());
  ASSERT_EQ((*top)["items"].size(), 20u);
  EXPECT_GT((*top)["items"][0]["score"].get<double>(), (*top)["items"][19]["score"].get<double>());
  EXPECT_FALSE((*top)["items"][0]["factors"].empty());

  // A manager sees only their own customers' scores.
  auto m1 = actor("manager1");
  auto own = s_->churn.list_scores(m1, 0, 500);
  ASSERT_TRUE(own.ok());
  std::set<int64_t> mine(h.mine.begin(), h.mine.end());
  EXPECT_GT((*own)["items"].size(), 100u);
  for (const auto& it : (*own)["items"]) EXPECT_TRUE(mine.count(it["customer_id"].get<int64_t>()));
  int64_t their = *h.active[kLast].begin();
  for (int64_t c : h.active[kLast]) {
    if (!mine.count(c)) {
      their = c;
      break;
    }
  }
  auto hidden = s_->churn.customer_churn(m1, their);
  ASSERT_FALSE(hidden.ok());
  EXPECT_EQ(hidden.error().code, ErrorCode::kNotFound);
  int64_t own_active = 0;
  for (int64_t c : h.active[kLast]) {
    if (mine.count(c)) {
      own_active = c;
      break;
    }
  }
  auto why = s_->churn.customer_churn(m1, own_active);
  ASSERT_TRUE(why.ok()) << why.error().message;
  EXPECT_EQ((*why)["month"], "2026-10");
  EXPECT_FALSE((*why)["factors"].empty());
  EXPECT_FALSE((*why)["percentile"].is_null());

  // Without a current model the month is not scored, and nothing fails.
  ASSERT_TRUE((*lease)->exec("UPDATE churn_models SET is_current = 0").ok());
  auto skipped = s_->churn.score_month(analyst, kLast);
  ASSERT_TRUE(skipped.ok());
  EXPECT_TRUE(skipped->contains("skipped"));
}

TEST_P(ChurnHistoryTest, TrainingJobRunsInTheBackgroundOneAtATime) {
  write_history(*db_, clock_, 11);
  auto analyst = actor("analyst1");
  services::HistoryRequest r;
  r.cutoffs = 6;
  r.train.folds = 2;
  auto job = s_->churn.submit_history_training(analyst, r);
  ASSERT_TRUE(job.ok()) << job.error().message;
  EXPECT_EQ((*job)["status"], "queued");
  auto second = s_->churn.submit_history_training(analyst, r);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, ErrorCode::kConflict);
  s_->churn.wait_idle();
  auto done = s_->churn.get_job(analyst, (*job)["id"].get<int64_t>());
  ASSERT_TRUE(done.ok());
  EXPECT_EQ((*done)["status"], "succeeded") << (*done)["message"];
  EXPECT_FALSE((*done)["model_id"].is_null());
  EXPECT_EQ((*done)["dataset"]["cutoffs"].size(), 6u);
  EXPECT_EQ((*done)["progress"]["done"], (*done)["progress"]["total"]);
  EXPECT_FALSE(s_->churn.get_job(actor("manager1"), (*job)["id"].get<int64_t>()).ok());
}

INSTANTIATE_TEST_SUITE_P(Stores, ChurnHistoryTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace kam
