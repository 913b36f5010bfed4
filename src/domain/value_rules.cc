#include "domain/value_rules.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "domain/usage_fields.h"

namespace kam::domain {
namespace {

using json = nlohmann::json;

const char* const kStageNames[] = {"acquisition", "growth", "maturity", "decline", "churn"};

// Reads an optional number within [lo, hi] into `out`.
template <class T>
Status read_number(const json& j, const char* key, double lo, double hi, T& out) {
  if (!j.contains(key)) return {};
  const auto& v = j[key];
  if (!v.is_number()) return Error::invalid(key, "must be a number");
  double d = v.get<double>();
  if (!(d >= lo && d <= hi)) {
    return Error::invalid(key, "must be between " + std::to_string(static_cast<long long>(lo)) +
                                   " and " + std::to_string(static_cast<long long>(hi)));
  }
  if constexpr (std::is_integral_v<T>) {
    if (d != std::floor(d)) return Error::invalid(key, "must be a whole number");
    out = static_cast<T>(d);
  } else {
    out = static_cast<T>(d);
  }
  return {};
}

}  // namespace

const char* stage_name(Stage s) {
  return kStageNames[static_cast<int>(s)];
}

json ValueConfig::to_json() const {
  json retention = json::object();
  for (int s = 0; s < 5; ++s) retention[kStageNames[s]] = clv_retention[static_cast<size_t>(s)];
  return {{"important_org_types", important_org_types},
          {"ordinary_min_fen", ordinary_min_fen},
          {"extra_large_min_fen", extra_large_min_fen},
          {"key_member_min_fen", key_member_min_fen},
          {"key_member_top_share", key_member_top_share},
          {"weight_revenue", weight_revenue},
          {"weight_margin", weight_margin},
          {"weight_collection", weight_collection},
          {"weight_loyalty", weight_loyalty},
          {"target_margin_rate", target_margin_rate},
          {"loyalty_full_months", loyalty_full_months},
          {"default_service_cost_rate", default_service_cost_rate},
          {"tier_gold", tier_gold},
          {"tier_silver", tier_silver},
          {"tier_bronze", tier_bronze},
          {"clv_horizon_months", clv_horizon_months},
          {"clv_annual_discount_rate", clv_annual_discount_rate},
          {"clv_retention", retention},
          {"acquisition_months", acquisition_months},
          {"trend_months", trend_months},
          {"growth_pct", growth_pct},
          {"decline_pct", decline_pct}};
}

Result<ValueConfig> ValueConfig::from_json(const json& j) {
  if (!j.is_object()) return Error::invalid("", "the value configuration must be a JSON object");
  ValueConfig c;
  static const std::set<std::string> known = {"important_org_types",
                                              "ordinary_min_fen",
                                              "extra_large_min_fen",
                                              "key_member_min_fen",
                                              "key_member_top_share",
                                              "weight_revenue",
                                              "weight_margin",
                                              "weight_collection",
                                              "weight_loyalty",
                                              "target_margin_rate",
                                              "loyalty_full_months",
                                              "default_service_cost_rate",
                                              "tier_gold",
                                              "tier_silver",
                                              "tier_bronze",
                                              "clv_horizon_months",
                                              "clv_annual_discount_rate",
                                              "clv_retention",
                                              "acquisition_months",
                                              "trend_months",
                                              "growth_pct",
                                              "decline_pct"};
  for (const auto& [k, v] : j.items()) {
    if (!known.count(k)) return Error::invalid(k, "is not a setting of the value configuration");
  }
  if (j.contains("important_org_types")) {
    const auto& a = j["important_org_types"];
    if (!a.is_array())
      return Error::invalid("important_org_types", "must be a list of organisation types");
    c.important_org_types.clear();
    for (const auto& t : a) {
      if (!t.is_string() || t.get<std::string>().empty() || t.get<std::string>().size() > 40) {
        return Error::invalid("important_org_types", "must be a list of organisation type names");
      }
      c.important_org_types.push_back(t.get<std::string>());
    }
  }
  constexpr double kMaxFen = 1e12;
  for (auto s : {read_number(j, "ordinary_min_fen", 0, kMaxFen, c.ordinary_min_fen),
                 read_number(j, "extra_large_min_fen", 0, kMaxFen, c.extra_large_min_fen),
                 read_number(j, "key_member_min_fen", 0, kMaxFen, c.key_member_min_fen),
                 read_number(j, "key_member_top_share", 0, 1, c.key_member_top_share),
                 read_number(j, "weight_revenue", 0, 100, c.weight_revenue),
                 read_number(j, "weight_margin", 0, 100, c.weight_margin),
                 read_number(j, "weight_collection", 0, 100, c.weight_collection),
                 read_number(j, "weight_loyalty", 0, 100, c.weight_loyalty),
                 read_number(j, "target_margin_rate", 0.01, 1, c.target_margin_rate),
                 read_number(j, "loyalty_full_months", 1, 600, c.loyalty_full_months),
                 read_number(j, "default_service_cost_rate", 0, 1, c.default_service_cost_rate),
                 read_number(j, "tier_gold", 0, 100, c.tier_gold),
                 read_number(j, "tier_silver", 0, 100, c.tier_silver),
                 read_number(j, "tier_bronze", 0, 100, c.tier_bronze),
                 read_number(j, "clv_horizon_months", 1, 240, c.clv_horizon_months),
                 read_number(j, "clv_annual_discount_rate", 0, 1, c.clv_annual_discount_rate),
                 read_number(j, "acquisition_months", 0, 60, c.acquisition_months),
                 read_number(j, "trend_months", 1, 12, c.trend_months),
                 read_number(j, "growth_pct", 0, 1000, c.growth_pct),
                 read_number(j, "decline_pct", -100, 0, c.decline_pct)}) {
    if (!s) return s.error();
  }
  if (j.contains("clv_retention")) {
    const auto& r = j["clv_retention"];
    if (!r.is_object())
      return Error::invalid("clv_retention", "must map each lifecycle stage to a probability");
    for (const auto& [k, v] : r.items()) {
      auto it = std::find(std::begin(kStageNames), std::end(kStageNames), k);
      if (it == std::end(kStageNames))
        return Error::invalid("clv_retention." + k, "is not a lifecycle stage");
      if (!v.is_number() || v.get<double>() < 0 || v.get<double>() > 1) {
        return Error::invalid("clv_retention." + k, "must be a probability between 0 and 1");
      }
      c.clv_retention[static_cast<size_t>(it - std::begin(kStageNames))] = v.get<double>();
    }
  }
  if (c.extra_large_min_fen < c.ordinary_min_fen) {
    return Error::invalid("extra_large_min_fen", "must not be below ordinary_min_fen");
  }
  if (!(c.tier_gold >= c.tier_silver && c.tier_silver >= c.tier_bronze)) {
    return Error::invalid("tier_silver",
                          "tiers must be ordered: tier_gold >= tier_silver >= tier_bronze");
  }
  double weights = c.weight_revenue + c.weight_margin + c.weight_collection + c.weight_loyalty;
  if (weights <= 0 || weights > 100)
    return Error::invalid("weight_revenue", "the weights must add up to between 1 and 100 points");
  return c;
}

std::string group_grade(const ValueConfig& c, const std::string& kind, const std::string& org_type,
                        int64_t revenue_fen) {
  if (kind == "individual") return "individual";
  if (std::find(c.important_org_types.begin(), c.important_org_types.end(), org_type) !=
      c.important_org_types.end()) {
    return "important";
  }
  if (revenue_fen >= c.extra_large_min_fen) return "extra_large";
  if (revenue_fen >= c.ordinary_min_fen) return "ordinary";
  return "small";
}

Scores score(const ValueConfig& c, double revenue_percentile, int64_t revenue, int64_t margin,
             int64_t arrears, int tenure_months) {
  Scores s;
  s.revenue = c.weight_revenue * std::clamp(revenue_percentile, 0.0, 1.0);
  if (revenue > 0) {
    double rate = static_cast<double>(margin) / static_cast<double>(revenue);
    s.margin = c.weight_margin * std::clamp(rate / c.target_margin_rate, 0.0, 1.0);
    s.collection =
        c.weight_collection *
        std::clamp(1.0 - static_cast<double>(arrears) / static_cast<double>(revenue), 0.0, 1.0);
  } else {
    s.collection = arrears > 0 ? 0 : c.weight_collection;
  }
  s.loyalty = c.weight_loyalty *
              std::clamp(static_cast<double>(tenure_months) / c.loyalty_full_months, 0.0, 1.0);
  return s;
}

std::string tier_for(const ValueConfig& c, double total) {
  if (total >= c.tier_gold) return "gold";
  if (total >= c.tier_silver) return "silver";
  if (total >= c.tier_bronze) return "bronze";
  return "do_not_serve";
}

Stage lifecycle_stage(const ValueConfig& c, const std::vector<int64_t>& bills, int64_t status,
                      int tenure_months) {
  if (status == static_cast<int64_t>(MemberStatus::kCancelled) ||
      status == static_cast<int64_t>(MemberStatus::kPreCancelled)) {
    return Stage::kChurn;
  }
  if (bills.empty() || bills.back() < 0) return Stage::kChurn;  // no record this month: gone
  if (tenure_months < c.acquisition_months) return Stage::kAcquisition;
  if (status == static_cast<int64_t>(MemberStatus::kSuspended)) return Stage::kDecline;
  size_t n = static_cast<size_t>(c.trend_months);
  if (bills.size() < 2 * n) return Stage::kMaturity;
  double recent = 0, before = 0;
  size_t rn = 0, bn = 0;
  for (size_t i = bills.size() - n; i < bills.size(); ++i) {
    if (bills[i] >= 0) recent += static_cast<double>(bills[i]), ++rn;
  }
  for (size_t i = bills.size() - 2 * n; i < bills.size() - n; ++i) {
    if (bills[i] >= 0) before += static_cast<double>(bills[i]), ++bn;
  }
  if (bn == 0) return Stage::kMaturity;  // history too short to show a trend
  recent /= static_cast<double>(std::max<size_t>(rn, 1));
  before /= static_cast<double>(bn);
  if (before <= 0) return recent > 0 ? Stage::kGrowth : Stage::kMaturity;
  double pct = (recent - before) / before * 100.0;
  if (pct >= c.growth_pct) return Stage::kGrowth;
  if (pct <= c.decline_pct) return Stage::kDecline;
  return Stage::kMaturity;
}

int64_t lifetime_value(const ValueConfig& c, double monthly_margin, Stage stage) {
  if (monthly_margin <= 0) return 0;
  double r = c.clv_retention[static_cast<size_t>(stage)];
  double d = std::pow(1.0 + c.clv_annual_discount_rate, 1.0 / 12.0) - 1.0;
  double q = r / (1.0 + d);
  int h = c.clv_horizon_months;
  // Sum over t = 1..h of m q^t = m q (1 - q^h) / (1 - q).
  double factor = q >= 1.0 ? h : q * (1.0 - std::pow(q, h)) / (1.0 - q);
  return static_cast<int64_t>(std::llround(monthly_margin * factor));
}

std::string risk_level(Stage stage, int64_t revenue, int64_t revenue_prev, int64_t arrears) {
  if (stage == Stage::kDecline || stage == Stage::kChurn) return "high";
  if (arrears > 0 || (revenue_prev > 0 && revenue * 10 <= revenue_prev * 9)) return "medium";
  return "low";
}

}  // namespace kam::domain
