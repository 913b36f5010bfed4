#include "services/churn/churn_history.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>

#include "common/clock.h"
#include "domain/usage_fields.h"
#include "engine/usage_store.h"
#include "engine/value_compute.h"

namespace kam::services {
namespace {

using domain::UsageField;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// One month of usage summed per customer position (the frame itself is dropped after this).
struct MonthAgg {
  bool present = false;
  std::vector<double> bill, mou, data, sms, zero_days, competitor, arrears, min_gap, points;
  std::vector<double> contract_end;                 // nearest member contract end (days), NaN none
  std::vector<int32_t> active, suspended, leaving;  // status 0/1, status 1, status 2/3
  std::vector<int64_t> active_members;              // sorted ids of members with status 0/1
  std::vector<int32_t> active_member_pos;           // their customer position
};

// Static facts of each customer position: kind, industry, organisation type, region, tenure.
struct CustomerFacts {
  std::vector<std::string> region;
};

const engine::FieldMask& wanted_fields() {
  static const engine::FieldMask m =
      engine::fields_of({UsageField::kBill, UsageField::kMou, UsageField::kDataMb, UsageField::kSms,
                         UsageField::kZeroCallDays, UsageField::kCompetitorCalls,
                         UsageField::kArrears, UsageField::kStatus, UsageField::kMinSpend,
                         UsageField::kContractEnd, UsageField::kPointsBalance});
  return m;
}

Result<MonthAgg> aggregate_month(db::Connection& c, int month, const engine::ArchiveSnapshot& a) {
  KAM_TRY(f, engine::read_period(c, engine::Granularity::kMonth, month, wanted_fields()));
  MonthAgg m;
  const size_t nc = a.customers.size();
  if (f.size() == 0) return m;
  f.fill_missing(wanted_fields());
  m.present = true;
  for (auto* v : {&m.bill, &m.mou, &m.data, &m.sms, &m.zero_days, &m.competitor, &m.arrears,
                  &m.min_gap, &m.points})
    v->assign(nc, 0.0);
  m.contract_end.assign(nc, kNaN);
  m.active.assign(nc, 0);
  m.suspended.assign(nc, 0);
  m.leaving.assign(nc, 0);
  const auto &bill = f.col(UsageField::kBill), &mou = f.col(UsageField::kMou),
             &data = f.col(UsageField::kDataMb), &sms = f.col(UsageField::kSms),
             &zero = f.col(UsageField::kZeroCallDays), &comp = f.col(UsageField::kCompetitorCalls),
             &arrears = f.col(UsageField::kArrears), &status = f.col(UsageField::kStatus),
             &min_spend = f.col(UsageField::kMinSpend), &contract = f.col(UsageField::kContractEnd),
             &points = f.col(UsageField::kPointsBalance);
  m.active_members.reserve(f.size());
  m.active_member_pos.reserve(f.size());
  for (size_t r = 0; r < f.size(); ++r) {
    int64_t p64 = a.position_of(f.customer_id[r]);
    if (p64 < 0) continue;
    auto p = static_cast<size_t>(p64);
    if (status[r] >= 2) {
      ++m.leaving[p];
      continue;  // a member leaving does not count in the group's usage levels
    }
    ++m.active[p];
    if (status[r] == 1) ++m.suspended[p];
    m.active_members.push_back(f.member_id[r]);
    m.active_member_pos.push_back(static_cast<int32_t>(p));
    m.bill[p] += static_cast<double>(bill[r]);
    m.mou[p] += static_cast<double>(mou[r]);
    m.data[p] += static_cast<double>(data[r]);
    m.sms[p] += static_cast<double>(sms[r]);
    m.zero_days[p] += static_cast<double>(zero[r]);
    m.competitor[p] += static_cast<double>(comp[r]);
    m.arrears[p] += static_cast<double>(arrears[r]);
    m.points[p] += static_cast<double>(points[r]);
    if (min_spend[r] > bill[r]) m.min_gap[p] += static_cast<double>(min_spend[r] - bill[r]);
    if (contract[r] != domain::kNoDate) {
      double d = static_cast<double>(contract[r]);
      if (std::isnan(m.contract_end[p]) || d < m.contract_end[p]) m.contract_end[p] = d;
    }
  }
  return m;
}

// Reads and aggregates the months [from, to] (ascending), one frame at a time.
Result<std::map<int, MonthAgg>> aggregate_months(
    db::Connection& c, int from, int to, const engine::ArchiveSnapshot& a,
    const std::function<void(size_t, size_t)>& progress) {
  std::map<int, MonthAgg> out;
  size_t total = static_cast<size_t>(domain::months_between(from, to) + 1), done = 0;
  for (int m = from; m <= to; m = domain::month_add(m, 1)) {
    KAM_TRY(agg, aggregate_month(c, m, a));
    out.emplace(m, std::move(agg));
    if (progress) progress(++done, total);
  }
  return out;
}

int64_t month_end_day(int month) {
  auto d = days_from_date(domain::month_text(month) + "-01");
  return (d ? *d : 0) + domain::days_in_month(month) - 1;
}

// Texts per customer position of a month's table (value tier, zone), "" where there is none.
Result<std::vector<std::string>> month_texts(db::Connection& c, const std::string& sql, int month,
                                             const engine::ArchiveSnapshot& a) {
  std::vector<std::string> out(a.customers.size());
  KAM_CHECK(c.scan(sql, {static_cast<int64_t>(month)}, [&](const db::RowRef& r) {
    int64_t p = a.position_of(r.i64(0));
    if (p >= 0) out[static_cast<size_t>(p)] = std::string(r.text(1));
  }));
  return out;
}

struct Builder {
  const engine::ArchiveSnapshot& a;
  const std::map<int, MonthAgg>& aggs;
  const CustomerFacts& facts;

  const MonthAgg* at(int month) const {
    auto it = aggs.find(month);
    return it == aggs.end() || !it->second.present ? nullptr : &it->second;
  }
  // Sum of a field over months [m - k + 1, m]; NaN when any of them is not stored.
  double sum(std::vector<double> MonthAgg::*field, int m, int k, size_t p) const {
    double s = 0;
    for (int i = 0; i < k; ++i) {
      const MonthAgg* g = at(domain::month_add(m, -i));
      if (!g) return kNaN;
      s += (g->*field)[p];
    }
    return s;
  }
  static double ratio(double now, double before) {
    if (std::isnan(now) || std::isnan(before) || before <= 0) return kNaN;
    return std::round((now / before - 1.0) * 1e4) / 1e4;
  }
  static double per(double x, double n) { return n > 0 ? x / n : kNaN; }

  // Appends the rows of cutoff `m`: every position with an active member.
  void add_rows(int m, std::vector<size_t>& positions, churn::FeatureTable& t,
                const std::vector<std::string>& tier, const std::vector<std::string>& zone) const {
    const MonthAgg* g = at(m);
    if (!g) return;
    const MonthAgg* g3 = at(domain::month_add(m, -3));
    int64_t end_day = month_end_day(m);
    size_t ci = 0;  // columns are filled in the order empty_table() declares them
    auto col = [&t, &ci](const std::string& name) -> churn::Column& {
      churn::Column& c = t.columns.at(ci++);
      if (c.name != name) throw std::logic_error("churn feature order: " + name + " at " + c.name);
      return c;
    };
    auto num = [&](const std::string& name, double v) { col(name).numbers.push_back(v); };
    auto text = [&](const std::string& name, std::string v) {
      col(name).texts.push_back(std::move(v));
    };
    for (size_t p = 0; p < a.customers.size(); ++p) {
      double n = g->active[p];
      if (n <= 0) continue;
      ci = 0;
      positions.push_back(p);
      const auto& cu = a.customers[p];
      t.ids.push_back(std::to_string(cu.id));
      ++t.rows;
      num("members_active", n);
      num("members_change_3m", g3 ? ratio(n, g3->active[p]) : kNaN);
      num("suspended_share", std::round(1e4 * g->suspended[p] / n) / 1e4);
      double leaving = 0;
      bool known = true;
      for (int i = 0; i < 3; ++i) {
        const MonthAgg* gi = at(domain::month_add(m, -i));
        if (!gi)
          known = false;
        else
          leaving += gi->leaving[p];
      }
      num("leaving_members_3m", known ? leaving : kNaN);
      for (auto [name, field, scale] :
           {std::tuple{"bill", &MonthAgg::bill, 100.0}, std::tuple{"mou", &MonthAgg::mou, 1.0},
            std::tuple{"data_mb", &MonthAgg::data, 1.0}, std::tuple{"sms", &MonthAgg::sms, 1.0}}) {
        std::string base = name;
        double now = (g->*field)[p];
        num(base + (base == "bill" ? "_yuan" : ""), std::round(now / scale * 100) / 100);
        num(base + "_per_member", std::round(now / scale / n * 100) / 100);
        num(base + "_trend_3m", ratio(now, sum(field, domain::month_add(m, -1), 3, p) / 3));
        num(base + "_trend_6m",
            ratio(sum(field, m, 3, p), sum(field, domain::month_add(m, -3), 3, p)));
      }
      double zero = per(g->zero_days[p], n);
      num("zero_call_days", std::round(zero * 100) / 100);
      double zero_before = 0;
      bool zb = true;
      for (int i = 1; i <= 3; ++i) {
        const MonthAgg* gi = at(domain::month_add(m, -i));
        if (!gi || gi->active[p] == 0) {
          zb = false;
          break;
        }
        zero_before += gi->zero_days[p] / gi->active[p] / 3;
      }
      num("zero_call_days_change", zb ? std::round((zero - zero_before) * 100) / 100 : kNaN);
      num("competitor_calls", g->competitor[p]);
      num("competitor_calls_3m", sum(&MonthAgg::competitor, m, 3, p));
      num("arrears_yuan", std::round(g->arrears[p]) / 100);
      num("arrears_share",
          g->bill[p] > 0 ? std::round(1e4 * g->arrears[p] / g->bill[p]) / 1e4 : kNaN);
      num("min_spend_gap_yuan", std::round(g->min_gap[p]) / 100);
      num("contract_days_left", std::isnan(g->contract_end[p])
                                    ? kNaN
                                    : g->contract_end[p] - static_cast<double>(end_day));
      num("points_per_member", std::round(g->points[p] / n));
      num("tenure_months", cu.first_join_day == INT64_MAX || cu.first_join_day > end_day
                               ? kNaN
                               : static_cast<double>((end_day - cu.first_join_day) / 30));
      text("kind", cu.kind);
      text("industry", cu.industry);
      text("org_type", cu.org_type);
      text("region", facts.region[p]);
      text("value_tier", tier[p]);
      text("zone", zone[p]);
    }
  }
};

churn::FeatureTable empty_table() {
  churn::FeatureTable t;
  for (const char* n : {"members_active",
                        "members_change_3m",
                        "suspended_share",
                        "leaving_members_3m",
                        "bill_yuan",
                        "bill_per_member",
                        "bill_trend_3m",
                        "bill_trend_6m",
                        "mou",
                        "mou_per_member",
                        "mou_trend_3m",
                        "mou_trend_6m",
                        "data_mb",
                        "data_mb_per_member",
                        "data_mb_trend_3m",
                        "data_mb_trend_6m",
                        "sms",
                        "sms_per_member",
                        "sms_trend_3m",
                        "sms_trend_6m",
                        "zero_call_days",
                        "zero_call_days_change",
                        "competitor_calls",
                        "competitor_calls_3m",
                        "arrears_yuan",
                        "arrears_share",
                        "min_spend_gap_yuan",
                        "contract_days_left",
                        "points_per_member",
                        "tenure_months"})
    t.columns.push_back({n, true, {}, {}});
  for (const char* n : {"kind", "industry", "org_type", "region", "value_tier", "zone"})
    t.columns.push_back({n, false, {}, {}});
  return t;
}

Result<CustomerFacts> load_facts(db::Connection& c, const engine::ArchiveSnapshot& a) {
  CustomerFacts f;
  f.region.assign(a.customers.size(), "");
  KAM_CHECK(
      c.scan("SELECT c.id, COALESCE(r.name, '') FROM customers c "
             "LEFT JOIN regions r ON r.code = c.city_code",
             {}, [&](const db::RowRef& r) {
               int64_t p = a.position_of(r.i64(0));
               if (p >= 0) f.region[static_cast<size_t>(p)] = std::string(r.text(1));
             }));
  return f;
}

const char* kTierSql = "SELECT customer_id, tier FROM customer_value WHERE month = ?";
const char* kZoneSql = "SELECT customer_id, zone FROM customer_zones WHERE month = ?";

}  // namespace

Result<ScoringTable> churn_features(db::Connection& c, int month) {
  KAM_TRY(archive, engine::ArchiveSnapshot::load(c));
  KAM_TRY(facts, load_facts(c, archive));
  KAM_TRY(aggs, aggregate_months(c, domain::month_add(month, -(kChurnLookbackMonths - 1)), month,
                                 archive, {}));
  if (!aggs[month].present) return Error::not_found("usage of " + domain::month_text(month));
  KAM_TRY(tier, month_texts(c, kTierSql, month, archive));
  KAM_TRY(zone, month_texts(c, kZoneSql, month, archive));
  ScoringTable out;
  out.features = empty_table();
  std::vector<size_t> positions;
  Builder{archive, aggs, facts}.add_rows(month, positions, out.features, tier, zone);
  for (size_t p : positions) out.customer_ids.push_back(archive.customers[p].id);
  return out;
}

Result<HistoryDataset> churn_history_dataset(db::Connection& c, const HistoryOptions& o,
                                             const std::function<void(size_t, size_t)>& progress) {
  if (o.horizon < 1 || o.horizon > 12) return Error::invalid("horizon", "must be between 1 and 12");
  if (o.cutoffs < 1 || o.cutoffs > 36) return Error::invalid("cutoffs", "must be between 1 and 36");
  KAM_TRY(periods, engine::list_periods(c, engine::Granularity::kMonth));
  if (periods.empty()) return Error::not_found("usage months (import usage first)");
  int first_stored = periods.front().period, last_stored = periods.back().period;
  int last_cut = o.month ? o.month : domain::month_add(last_stored, -o.horizon);
  if (domain::month_add(last_cut, o.horizon) > last_stored) {
    return Error::invalid("month", "the " + std::to_string(o.horizon) + " months after " +
                                       domain::month_text(last_cut) +
                                       " are not all stored (the newest usage month is " +
                                       domain::month_text(last_stored) + ")");
  }
  // Cutoffs need one month before them at least (trends); the oldest ones may lack the rest.
  int first_cut =
      std::max(domain::month_add(last_cut, -(o.cutoffs - 1)), domain::month_add(first_stored, 1));
  if (first_cut > last_cut) {
    return Error::invalid("month", "needs at least one stored month before " +
                                       domain::month_text(last_cut) + " and " +
                                       std::to_string(o.horizon) + " after it");
  }
  KAM_TRY(archive, engine::ArchiveSnapshot::load(c));
  KAM_TRY(facts, load_facts(c, archive));
  KAM_TRY(aggs,
          aggregate_months(
              c, std::max(first_stored, domain::month_add(first_cut, -(kChurnLookbackMonths - 1))),
              domain::month_add(last_cut, o.horizon), archive, progress));
  HistoryDataset out;
  churn::FeatureTable t = empty_table();
  std::vector<int> labels;
  json cuts = json::array();
  Builder b{archive, aggs, facts};
  for (int m = last_cut; m >= first_cut; m = domain::month_add(m, -1)) {
    const MonthAgg* g = b.at(m);
    if (!g) continue;
    for (int k = 1; k <= o.horizon; ++k) {
      if (!b.at(domain::month_add(m, k))) {
        return Error::invalid("month", "usage of " + domain::month_text(domain::month_add(m, k)) +
                                           " is not stored: the label needs it");
      }
    }
    // Members active at m lost by m + k, per customer position; the worst month counts.
    std::vector<int32_t> worst(archive.customers.size(), 0);
    for (int k = 1; k <= o.horizon; ++k) {
      const MonthAgg* later = b.at(domain::month_add(m, k));
      std::vector<int32_t> lost(archive.customers.size(), 0);
      size_t j = 0;
      for (size_t i = 0; i < g->active_members.size(); ++i) {
        int64_t id = g->active_members[i];
        while (j < later->active_members.size() && later->active_members[j] < id) ++j;
        if (j >= later->active_members.size() || later->active_members[j] != id)
          ++lost[static_cast<size_t>(g->active_member_pos[i])];
      }
      for (size_t p = 0; p < lost.size(); ++p) worst[p] = std::max(worst[p], lost[p]);
    }
    KAM_TRY(tier, month_texts(c, kTierSql, m, archive));
    KAM_TRY(zone, month_texts(c, kZoneSql, m, archive));
    std::vector<size_t> positions;
    size_t before = t.rows;
    b.add_rows(m, positions, t, tier, zone);
    int64_t churned = 0;
    for (size_t p : positions) {
      int y = 2 * worst[p] > g->active[p] ? 1 : 0;
      churned += y;
      labels.push_back(y);
    }
    cuts.push_back(
        {{"month", domain::month_text(m)}, {"rows", t.rows - before}, {"churned", churned}});
  }
  int64_t positives = std::count(labels.begin(), labels.end(), 1);
  out.summary = {{"cutoffs", cuts},
                 {"first_cutoff", domain::month_text(first_cut)},
                 {"last_cutoff", domain::month_text(last_cut)},
                 {"horizon", o.horizon},
                 {"rows", t.rows},
                 {"churned", positives}};
  std::string label = "churned_within_" + std::to_string(o.horizon) + "_months";
  KAM_TRY(d, churn::make_dataset(std::move(t), std::move(labels), label));
  out.dataset = std::move(d);
  return out;
}

}  // namespace kam::services
