#pragma once
// Value, grading and lifecycle of customers (SPEC §2): the pure rules, configurable, with the
// defaults from the seed documents. The engine applies them to every member and group each
// month; see docs/value.md for the formulas in words.

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"

namespace kam::domain {

enum class Stage { kAcquisition, kGrowth, kMaturity, kDecline, kChurn };
const char* stage_name(Stage s);  // "acquisition", "growth", "maturity", "decline", "churn"

struct ValueConfig {
  // Grading (seed 002): these organisation types make a group "important"; other groups are
  // graded by monthly spend: >= extra_large_min "extra_large", >= ordinary_min "ordinary",
  // below that "small".
  std::vector<std::string> important_org_types = {"government", "police", "enterprise",
                                                  "education"};
  int64_t ordinary_min_fen = 30'000;      // 300 yuan
  int64_t extra_large_min_fen = 100'000;  // 1000 yuan
  // A member is a key member of its group when its bill reaches this, or it is in the top
  // share of the group's members by bill.
  int64_t key_member_min_fen = 20'000;
  double key_member_top_share = 0.2;

  // Scorecard (seed 001: collection and margin 20 points each); weights are the points.
  double weight_revenue = 40, weight_margin = 20, weight_collection = 20, weight_loyalty = 20;
  double target_margin_rate = 0.6;          // margin rate earning the full margin score
  int loyalty_full_months = 60;             // tenure earning the full loyalty score
  double default_service_cost_rate = 0.15;  // cost to serve when the file gives none
  // Tiers by total score: gold >= tier_gold, silver >= tier_silver, bronze >= tier_bronze,
  // otherwise do_not_serve.
  double tier_gold = 88, tier_silver = 75, tier_bronze = 60;

  // Customer lifetime value: the expected margin over `clv_horizon_months`, discounted
  // monthly, with a monthly retention probability by lifecycle stage.
  int clv_horizon_months = 60;
  double clv_annual_discount_rate = 0.08;
  std::array<double, 5> clv_retention = {0.97, 0.985, 0.99, 0.93, 0.0};  // by Stage

  // Lifecycle: younger than acquisition_months is acquisition; then the average bill of the
  // last trend_months against the trend_months before decides growth (>= growth_pct),
  // decline (<= decline_pct) or maturity. Cancelled, pre-cancelled or gone is churn.
  int acquisition_months = 6;
  int trend_months = 3;
  double growth_pct = 10;
  double decline_pct = -15;

  nlohmann::json to_json() const;
  // A config from JSON: every key optional (defaults apply), unknown keys and out-of-range
  // values refused with the field named.
  static Result<ValueConfig> from_json(const nlohmann::json& j);
};

// "important", "extra_large", "ordinary" or "small" for groups; "individual" for individuals.
std::string group_grade(const ValueConfig& c, const std::string& kind, const std::string& org_type,
                        int64_t revenue_fen);

struct Scores {
  double revenue = 0, margin = 0, collection = 0, loyalty = 0;
  double total() const { return revenue + margin + collection + loyalty; }
};
// revenue_percentile: the share (0..1) of the month's customers with less revenue; the revenue
// score is relative so that tiers separate customers whatever the price level.
Scores score(const ValueConfig& c, double revenue_percentile, int64_t revenue_fen,
             int64_t margin_fen, int64_t arrears_fen, int tenure_months);
std::string tier_for(const ValueConfig& c,
                     double total_score);  // gold / silver / bronze / do_not_serve

// Lifecycle stage from the bills of the last months (oldest first, the current month last;
// negative = no record that month), the current status code (domain::MemberStatus) and the
// tenure in months.
Stage lifecycle_stage(const ValueConfig& c, const std::vector<int64_t>& bills, int64_t status,
                      int tenure_months);

// Lifetime value in fen from the average monthly margin and the stage.
int64_t lifetime_value(const ValueConfig& c, double monthly_margin_fen, Stage stage);

// Risk for the value × risk matrix until the warning zones exist: high for decline or churn,
// medium when revenue fell by 10 % or more month over month or there are arrears, else low.
std::string risk_level(Stage stage, int64_t revenue_fen, int64_t revenue_prev_fen,
                       int64_t arrears_fen);

}  // namespace kam::domain
