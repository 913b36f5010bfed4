#include "engine/value_compute.h"

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "domain/usage_fields.h"

namespace kam::engine {
namespace {

using domain::UsageField;

// Days since 1970 of "YYYY-MM-DD" (the first ten characters), or INT32_MIN.
int32_t parse_day(std::string_view s) {
  if (s.size() < 10) return INT32_MIN;
  auto d = days_from_date(s.substr(0, 10));
  return d ? static_cast<int32_t>(*d) : INT32_MIN;
}

int64_t month_end_day(int month) {
  auto d = days_from_date(domain::month_text(month) + "-01");
  return (d ? *d : 0) + domain::days_in_month(month) - 1;
}

int tenure_months(int64_t join_day, int64_t month_end) {
  if (join_day == INT32_MIN || join_day == INT64_MAX || join_day > month_end) return 0;
  return static_cast<int>((month_end - join_day) / 30);
}

// Moves a cursor through a frame sorted by member id: rows of ascending members, in O(n).
struct Cursor {
  const UsageFrame* f = nullptr;
  size_t at = 0;
  int64_t seek(int64_t member) {
    if (!f) return -1;
    const auto& ids = f->member_id;
    while (at < ids.size() && ids[at] < member) ++at;
    return at < ids.size() && ids[at] == member ? static_cast<int64_t>(at) : -1;
  }
};

}  // namespace

Result<ArchiveSnapshot> ArchiveSnapshot::load(db::Connection& c) {
  ArchiveSnapshot a;
  KAM_TRY(maxc, c.query_one("SELECT COALESCE(MAX(id), 0) FROM customers"));
  a.position.assign(static_cast<size_t>(maxc ? maxc->i64(0) : 0) + 1, -1);
  KAM_CHECK(
      c.scan("SELECT id, kind, COALESCE(org_type, ''), status, COALESCE(industry, ''), "
             "account_manager_id, "
             "COALESCE(phone_manager_id, 0), competitors FROM customers ORDER BY id",
             {}, [&a](const db::RowRef& r) {
               a.position[static_cast<size_t>(r.i64(0))] = static_cast<int32_t>(a.customers.size());
               ArchiveSnapshot::Customer cu;
               cu.id = r.i64(0);
               cu.kind = std::string(r.text(1));
               cu.org_type = std::string(r.text(2));
               cu.status = std::string(r.text(3));
               cu.industry = std::string(r.text(4));
               cu.account_manager_id = r.i64(5);
               cu.phone_manager_id = r.i64(6);
               std::string_view comp = r.text(7);
               if (comp.size() > 2) {
                 auto j = nlohmann::json::parse(comp, nullptr, false);
                 if (j.is_array() && !j.empty()) {
                   cu.has_competitor = true;
                   for (const auto& x : j) {
                     if (!x.is_object() || !x.contains("bundle_end_date") ||
                         !x["bundle_end_date"].is_string())
                       continue;
                     auto d = days_from_date(x["bundle_end_date"].get<std::string>());
                     if (d && (cu.competitor_bundle_end_day == INT64_MIN ||
                               *d < cu.competitor_bundle_end_day)) {
                       cu.competitor_bundle_end_day = *d;
                     }
                   }
                 }
               }
               a.customers.push_back(std::move(cu));
             }));
  KAM_CHECK(
      c.scan("SELECT customer_id, MIN(CAST(end_date AS TEXT)) FROM contracts WHERE status = "
             "'active' GROUP BY customer_id",
             {}, [&a](const db::RowRef& r) {
               int64_t pos = a.position_of(r.i64(0));
               auto d = days_from_date(r.text(1).substr(0, 10));
               if (pos >= 0 && d) a.customers[static_cast<size_t>(pos)].contract_end_day = *d;
             }));
  KAM_TRY(maxid, c.query_one("SELECT COALESCE(MAX(id), 0) FROM members"));
  a.member_join_day.assign(static_cast<size_t>(maxid ? maxid->i64(0) : 0) + 1, INT32_MIN);
  KAM_CHECK(c.scan("SELECT id, customer_id, CAST(join_date AS TEXT) FROM members", {},
                   [&a](const db::RowRef& r) {
                     int32_t day = parse_day(r.text(2));
                     a.member_join_day[static_cast<size_t>(r.i64(0))] = day;
                     int64_t pos = a.position_of(r.i64(1));
                     if (pos >= 0 && day != INT32_MIN) {
                       auto& first = a.customers[static_cast<size_t>(pos)].first_join_day;
                       first = std::min<int64_t>(first, day);
                     }
                   }));
  return a;
}

std::vector<uint8_t> key_members(const UsageFrame& f, const std::vector<int64_t>& position,
                                 size_t nc, const domain::ValueConfig& cfg,
                                 std::vector<int64_t>* per_customer) {
  // Members bucketed by group (counting sort on the group's position), then each small
  // group sorted by bill.
  const size_t n = f.size();
  const auto& bill = f.col(domain::UsageField::kBill);
  std::vector<uint8_t> out(n, 0);
  std::vector<uint32_t> start(nc + 2, 0);
  for (size_t r = 0; r < n; ++r) ++start[static_cast<size_t>(position[r] + 1) + 1];
  for (size_t i = 1; i < start.size(); ++i) start[i] += start[i - 1];
  std::vector<uint32_t> order(n);
  {
    std::vector<uint32_t> fill(start.begin(), start.end() - 1);
    for (size_t r = 0; r < n; ++r)
      order[fill[static_cast<size_t>(position[r] + 1)]++] = static_cast<uint32_t>(r);
  }
  for (size_t g = 1; g + 1 < start.size(); ++g) {  // bucket 0: members of unknown groups
    size_t i = start[g], j = start[g + 1];
    if (i == j) continue;
    std::sort(order.begin() + static_cast<std::ptrdiff_t>(i),
              order.begin() + static_cast<std::ptrdiff_t>(j),
              [&](uint32_t x, uint32_t y) { return bill[x] > bill[y]; });
    size_t top =
        static_cast<size_t>(std::ceil(cfg.key_member_top_share * static_cast<double>(j - i)));
    for (size_t k = i; k < j; ++k) {
      uint32_t r = order[k];
      bool key = bill[r] > 0 && (bill[r] >= cfg.key_member_min_fen || k - i < top);
      out[r] = key;
      if (key && per_customer) (*per_customer)[g - 1] += 1;
    }
  }
  return out;
}

int months_of_history(const domain::ValueConfig& c) {
  return std::max(2 * c.trend_months - 1, 5);
}

MonthValues compute_month(const MonthWindow& w, const ArchiveSnapshot& a,
                          const domain::ValueConfig& cfg) {
  MonthValues out;
  out.month = w.month;
  const UsageFrame& f = *w.current;
  const size_t n = f.size();
  const size_t hist = static_cast<size_t>(months_of_history(cfg));
  const int64_t month_end = month_end_day(w.month);

  // Per customer accumulators, by position in the snapshot.
  const size_t nc = a.customers.size();
  std::vector<CustomerValue> acc(nc);
  std::vector<uint8_t> seen(nc, 0);
  std::vector<std::vector<int64_t>> series(nc);  // customer revenue, oldest first, -1 = no rows
  auto cust_pos = [&](int64_t customer_id) { return a.position_of(customer_id); };

  // Revenue of each customer in the months before (oldest first), and last month's members
  // that are gone this month.
  for (size_t k = hist; k-- > 0;) {
    const std::vector<int64_t>* known = k < w.prior_revenue.size() ? w.prior_revenue[k] : nullptr;
    if (known) {
      for (size_t i = 0; i < nc && i < known->size(); ++i) {
        if ((*known)[i] < 0) continue;
        auto& s = series[i];
        if (s.empty()) s.assign(hist + 1, -1);
        s[hist - 1 - k] = (*known)[i];
      }
      continue;
    }
    const UsageFrame* p = k < w.prior.size() ? w.prior[k] : nullptr;
    if (!p) continue;
    const auto& bill = p->col(UsageField::kBill);
    for (size_t r = 0; r < p->size(); ++r) {
      int64_t cp = cust_pos(p->customer_id[r]);
      if (cp < 0) continue;
      auto& s = series[static_cast<size_t>(cp)];
      if (s.empty()) s.assign(hist + 1, -1);
      auto& slot = s[hist - 1 - k];
      slot = std::max<int64_t>(slot, 0) + bill[r];
    }
  }

  const bool has_cost = w.current_fields.test(
      static_cast<size_t>(domain::usage_field_index(UsageField::kServiceCost)));
  const auto& bill = f.col(UsageField::kBill);
  const auto& status = f.col(UsageField::kStatus);
  const auto& arrears = f.col(UsageField::kArrears);
  const auto& voice = f.col(UsageField::kVoiceRevenue);
  const auto& data_rev = f.col(UsageField::kDataRevenue);
  const auto& sms_rev = f.col(UsageField::kSmsRevenue);
  const auto& other_rev = f.col(UsageField::kOtherRevenue);
  const auto& discount = f.col(UsageField::kDiscount);
  const auto& subsidy = f.col(UsageField::kSubsidy);
  const auto& service_cost = f.col(UsageField::kServiceCost);
  const auto& mou = f.col(UsageField::kMou);
  const auto& data_mb = f.col(UsageField::kDataMb);
  const auto& sms = f.col(UsageField::kSms);

  std::vector<Cursor> cur(hist);
  for (size_t k = 0; k < hist; ++k) cur[k].f = k < w.prior.size() ? w.prior[k] : nullptr;
  std::vector<int64_t> mseries(hist + 1);
  std::vector<int64_t> member_cust(n, -1);
  out.members.resize(n);
  for (size_t r = 0; r < n; ++r) {
    int64_t mid = f.member_id[r];
    // The member's bills over the window, oldest first.
    for (size_t k = 0; k < hist; ++k) {
      int64_t pr = cur[k].seek(mid);
      mseries[hist - 1 - k] =
          pr < 0 ? -1 : cur[k].f->col(UsageField::kBill)[static_cast<size_t>(pr)];
    }
    mseries[hist] = bill[r];
    int64_t join = static_cast<size_t>(mid) < a.member_join_day.size()
                       ? a.member_join_day[static_cast<size_t>(mid)]
                       : INT32_MIN;
    int ten = tenure_months(join, month_end);
    domain::Stage st = domain::lifecycle_stage(cfg, mseries, status[r], ten);
    out.members[r] = {mid, st, false};

    int64_t cp = cust_pos(f.customer_id[r]);
    member_cust[r] = cp;
    if (cp < 0) continue;
    auto& c = acc[static_cast<size_t>(cp)];
    seen[static_cast<size_t>(cp)] = 1;
    c.members_total += 1;
    c.members_active += status[r] == static_cast<int64_t>(domain::MemberStatus::kNormal);
    c.members_new += cur[0].f && mseries[hist - 1] < 0;
    c.revenue_fen += bill[r];
    int64_t split = voice[r] + data_rev[r] + sms_rev[r];
    c.voice_fen += voice[r];
    c.data_fen += data_rev[r];
    c.sms_fen += sms_rev[r];
    // Revenue the file did not split by service counts as "other".
    c.other_fen += other_rev[r] + std::max<int64_t>(0, bill[r] - split - other_rev[r]);
    int64_t cost = discount[r] + subsidy[r] +
                   (has_cost ? service_cost[r]
                             : static_cast<int64_t>(std::llround(static_cast<double>(bill[r]) *
                                                                 cfg.default_service_cost_rate)));
    c.cost_fen += cost;
    c.arrears_fen += arrears[r];
    c.mou += mou[r];
    c.data_mb += data_mb[r];
    c.sms += sms[r];
    auto& s = series[static_cast<size_t>(cp)];
    if (s.empty()) s.assign(hist + 1, -1);
    s[hist] = std::max<int64_t>(s[hist], 0) + bill[r];
  }

  // Members of last month that are gone this month count as churned for their group.
  if (cur[0].f) {
    const UsageFrame& prev = *cur[0].f;
    size_t j = 0;
    for (size_t r = 0; r < prev.size(); ++r) {
      while (j < n && f.member_id[j] < prev.member_id[r]) ++j;
      bool gone = j >= n || f.member_id[j] != prev.member_id[r];
      if (!gone) continue;
      int64_t cp = cust_pos(prev.customer_id[r]);
      if (cp < 0) continue;
      acc[static_cast<size_t>(cp)].members_churned += 1;
      seen[static_cast<size_t>(cp)] = 1;
    }
  }
  for (size_t r = 0; r < n; ++r) {
    if (out.members[r].stage == domain::Stage::kChurn && member_cust[r] >= 0)
      acc[static_cast<size_t>(member_cust[r])].members_churned += 1;
  }

  {
    std::vector<int64_t> keys(nc, 0);
    auto flags = key_members(f, member_cust, nc, cfg, &keys);
    for (size_t r = 0; r < n; ++r) out.members[r].key = flags[r] != 0;
    for (size_t i = 0; i < nc; ++i) acc[i].members_key = keys[i];
  }

  // Year-ago revenue per customer.
  std::vector<int64_t> yoy(nc, -1);
  if (w.year_ago) {
    const auto& yb = w.year_ago->col(UsageField::kBill);
    for (size_t r = 0; r < w.year_ago->size(); ++r) {
      int64_t cp = cust_pos(w.year_ago->customer_id[r]);
      if (cp >= 0)
        yoy[static_cast<size_t>(cp)] = std::max<int64_t>(yoy[static_cast<size_t>(cp)], 0) + yb[r];
    }
  }

  // Revenue percentile of each customer among this month's customers.
  std::vector<int64_t> revenues;
  for (size_t i = 0; i < nc; ++i) {
    if (seen[i]) revenues.push_back(acc[i].revenue_fen);
  }
  std::sort(revenues.begin(), revenues.end());
  auto percentile = [&](int64_t rev) {
    if (revenues.size() <= 1) return 1.0;
    auto below = std::lower_bound(revenues.begin(), revenues.end(), rev) - revenues.begin();
    return static_cast<double>(below) / static_cast<double>(revenues.size() - 1);
  };
  for (size_t i = 0; i < nc; ++i) {
    if (!seen[i]) continue;
    const auto& cust = a.customers[i];
    CustomerValue c = std::move(acc[i]);
    c.customer_id = cust.id;
    c.margin_fen = c.revenue_fen - c.cost_fen;
    auto& s = series[i];
    if (s.empty()) s.assign(hist + 1, -1);
    if (s[hist - 1] >= 0) c.revenue_prev_fen = s[hist - 1];
    if (yoy[i] >= 0) c.revenue_yoy_fen = yoy[i];
    int ten = tenure_months(cust.first_join_day, month_end);
    bool gone = c.members_total == 0 || (c.members_active == 0 && c.revenue_fen == 0);
    int64_t group_status = cust.status == "churned" || gone
                               ? static_cast<int64_t>(domain::MemberStatus::kCancelled)
                               : 0;
    c.stage = domain::lifecycle_stage(cfg, s, group_status, ten);
    c.scores = domain::score(cfg, percentile(c.revenue_fen), c.revenue_fen, c.margin_fen,
                             c.arrears_fen, ten);
    c.tier = domain::tier_for(cfg, c.scores.total());
    c.grade = domain::group_grade(cfg, cust.kind, cust.org_type, c.revenue_fen);
    c.risk =
        domain::risk_level(c.stage, c.revenue_fen, c.revenue_prev_fen.value_or(0), c.arrears_fen);
    // CLV: this month's margin rate applied to the average revenue of the recent months.
    double rate = c.revenue_fen > 0
                      ? static_cast<double>(c.margin_fen) / static_cast<double>(c.revenue_fen)
                      : 0.0;
    double avg = 0;
    int months = 0;
    for (size_t k = s.size() >= 6 ? s.size() - 6 : 0; k < s.size(); ++k) {
      if (s[k] >= 0) avg += static_cast<double>(s[k]), ++months;
    }
    avg = months ? avg / months : 0;
    c.clv_fen = domain::lifetime_value(cfg, avg * rate, c.stage);
    out.customers.push_back(std::move(c));
  }
  std::sort(out.customers.begin(), out.customers.end(),
            [](const CustomerValue& x, const CustomerValue& y) {
              double tx = x.scores.total(), ty = y.scores.total();
              if (tx != ty) return tx > ty;
              if (x.revenue_fen != y.revenue_fen) return x.revenue_fen > y.revenue_fen;
              return x.customer_id < y.customer_id;
            });
  for (size_t i = 0; i < out.customers.size(); ++i)
    out.customers[i].rank = static_cast<int64_t>(i + 1);
  out.revenue_by_position.assign(nc, -1);
  for (size_t i = 0; i < nc; ++i) {
    if (!series[i].empty()) out.revenue_by_position[i] = series[i][hist];
  }
  return out;
}

Status write_values(db::Connection& c, const MonthValues& v, int64_t now) {
  KAM_CHECK(c.exec("DELETE FROM customer_value WHERE month = ?", {static_cast<int64_t>(v.month)}));
  static const char* kCols =
      "INSERT INTO customer_value(month, customer_id, members_total, members_active, members_key, "
      "members_new, "
      "members_churned, revenue_fen, voice_fen, data_fen, sms_fen, other_fen, cost_fen, "
      "margin_fen, arrears_fen, mou, "
      "data_mb, sms, revenue_score, margin_score, collection_score, loyalty_score, total_score, "
      "value_rank, tier, grade, "
      "stage, risk, clv_fen, revenue_prev_fen, revenue_yoy_fen) VALUES ";
  constexpr size_t kCols_n = 31, kBatch = 100;
  std::string row = "(" + std::string(kCols_n * 2 - 1, '?') + ")";
  for (size_t i = 2; i < row.size() - 1; i += 2) row[i] = ',';
  for (size_t b = 0; b < v.customers.size(); b += kBatch) {
    size_t e = std::min(v.customers.size(), b + kBatch);
    std::string sql = kCols;
    db::Params p;
    p.reserve((e - b) * kCols_n);
    for (size_t i = b; i < e; ++i) {
      const auto& x = v.customers[i];
      if (i > b) sql += ",";
      sql += row;
      auto opt = [](const std::optional<int64_t>& o) {
        return o ? db::Value(*o) : db::Value(nullptr);
      };
      p.insert(p.end(), {static_cast<int64_t>(v.month),
                         x.customer_id,
                         x.members_total,
                         x.members_active,
                         x.members_key,
                         x.members_new,
                         x.members_churned,
                         x.revenue_fen,
                         x.voice_fen,
                         x.data_fen,
                         x.sms_fen,
                         x.other_fen,
                         x.cost_fen,
                         x.margin_fen,
                         x.arrears_fen,
                         x.mou,
                         x.data_mb,
                         x.sms,
                         x.scores.revenue,
                         x.scores.margin,
                         x.scores.collection,
                         x.scores.loyalty,
                         x.scores.total(),
                         x.rank,
                         x.tier,
                         x.grade,
                         std::string(domain::stage_name(x.stage)),
                         x.risk,
                         x.clv_fen,
                         opt(x.revenue_prev_fen),
                         opt(x.revenue_yoy_fen)});
    }
    KAM_CHECK(c.exec(sql, p));
  }
  KAM_CHECK(c.exec("UPDATE usage_periods SET computed_at = ? WHERE kind = 'month' AND period = ?",
                   {now, static_cast<int64_t>(v.month)}));
  return {};
}

}  // namespace kam::engine
