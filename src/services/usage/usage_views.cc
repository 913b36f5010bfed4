// Reading usage and value back: stored periods, a customer's monthly value and usage, a
// member's monthly or daily usage.

#include <cmath>
#include <map>

#include "engine/value_compute.h"
#include "services/usage/usage_service.h"

namespace kam::services {
namespace {

using engine::Granularity;

json value_row_json(const db::Row& r) {
  auto opt = [&](size_t i) { return r.is_null(i) ? json(nullptr) : json(r.i64(i)); };
  return {{"month", domain::month_text(static_cast<int>(r.i64(0)))},
          {"members_total", r.i64(1)},
          {"members_active", r.i64(2)},
          {"members_key", r.i64(3)},
          {"members_new", r.i64(4)},
          {"members_churned", r.i64(5)},
          {"revenue_fen", r.i64(6)},
          {"revenue_by_service_fen",
           {{"voice", r.i64(7)}, {"data", r.i64(8)}, {"sms", r.i64(9)}, {"other", r.i64(10)}}},
          {"cost_fen", r.i64(11)},
          {"margin_fen", r.i64(12)},
          {"arrears_fen", r.i64(13)},
          {"mou", r.i64(14)},
          {"data_mb", r.i64(15)},
          {"sms", r.i64(16)},
          {"scores",
           {{"revenue", r.f64(17)},
            {"margin", r.f64(18)},
            {"collection", r.f64(19)},
            {"loyalty", r.f64(20)},
            {"total", r.f64(21)}}},
          {"rank", r.i64(22)},
          {"tier", r.text(23)},
          {"grade", r.text(24)},
          {"stage", r.text(25)},
          {"risk", r.text(26)},
          {"clv_fen", r.i64(27)},
          {"revenue_prev_fen", opt(28)},
          {"revenue_yoy_fen", opt(29)}};
}

constexpr const char* kValueColumns =
    "month, members_total, members_active, members_key, members_new, members_churned, revenue_fen, "
    "voice_fen, data_fen, "
    "sms_fen, other_fen, cost_fen, margin_fen, arrears_fen, mou, data_mb, sms, revenue_score, "
    "margin_score, "
    "collection_score, loyalty_score, total_score, value_rank, tier, grade, stage, risk, clv_fen, "
    "revenue_prev_fen, "
    "revenue_yoy_fen";

std::string ymd_text(int ymd) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", ymd / 10000, ymd / 100 % 100, ymd % 100);
  return buf;
}

json usage_row_json(const engine::UsageFrame& f, size_t r, bool daily) {
  json j;
  j["period"] = daily ? ymd_text(f.period) : domain::month_text(f.period);
  const auto& specs = domain::usage_fields();
  for (size_t i = 0; i < specs.size(); ++i) {
    if (f.cols[i].empty()) continue;
    int64_t v = f.cols[i][r];
    if (specs[i].kind == domain::UsageKind::kDate) {
      j[specs[i].name] = v == domain::kNoDate ? json(nullptr) : json(date_from_days(v));
    } else if (specs[i].kind == domain::UsageKind::kStatus) {
      j[specs[i].name] = domain::member_status_name(v);
    } else {
      j[specs[i].name] = v;
    }
  }
  return j;
}

}  // namespace

Result<json> UsageService::periods(const Actor& a) {
  if (!a.can(domain::Perm::kAnalysisRead) && !a.can(domain::Perm::kUsageImport)) {
    return Error::forbidden("your role cannot see usage data");
  }
  KAM_TRY(lease, records_.db().acquire());
  json out;
  for (auto g : {Granularity::kMonth, Granularity::kDay}) {
    KAM_TRY(ps, engine::list_periods(*lease, g));
    json items = json::array();
    for (const auto& p : ps) {
      json fields = json::array();
      for (size_t i = 0; i < domain::usage_fields().size(); ++i) {
        if (p.fields.test(i)) fields.push_back(domain::usage_fields()[i].name);
      }
      items.push_back(
          {{"period", g == Granularity::kMonth ? domain::month_text(p.period) : ymd_text(p.period)},
           {"rows", p.rows},
           {"customers", p.customers},
           {"bill_fen", p.bill_fen},
           {"fields", fields},
           {"imported_at", iso8601(p.imported_at)},
           {"computed_at", p.computed_at ? json(iso8601(*p.computed_at)) : json(nullptr)}});
    }
    out[g == Granularity::kMonth ? "months" : "days"] = items;
  }
  return out;
}

Result<json> UsageService::customer_value(db::Connection& c, int64_t customer_id, int months) {
  KAM_TRY(rows,
          c.query(std::string("SELECT ") + kValueColumns +
                      " FROM customer_value WHERE customer_id = ? ORDER BY month DESC LIMIT ?",
                  {customer_id, static_cast<int64_t>(months)}));
  if (rows.empty()) return json(nullptr);
  json history = json::array();
  for (size_t i = rows.size(); i-- > 0;) history.push_back(value_row_json(rows[i]));
  json latest = value_row_json(rows[0]);
  KAM_TRY(n, c.query_one("SELECT COUNT(*) FROM customer_value WHERE month = ?", {rows[0].i64(0)}));
  latest["rank_of"] = n ? n->i64(0) : 0;
  return json{{"latest", latest}, {"history", history}};
}

Result<json> UsageService::customer_value(const Actor& a, int64_t customer_id, int months) {
  if (!a.can(domain::Perm::kArchiveRead))
    return Error::forbidden("your role cannot read the customer archive");
  if (months < 1 || months > 120) return Error::invalid("months", "must be between 1 and 120");
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(visible, records_.customer_visible(*lease, a, customer_id));
  if (!visible) return Error::not_found("customer");
  return customer_value(*lease, customer_id, months);
}

Result<json> UsageService::customer_usage(const Actor& a, int64_t customer_id, int months) {
  if (!a.can(domain::Perm::kArchiveRead))
    return Error::forbidden("your role cannot read the customer archive");
  if (months < 1 || months > 120) return Error::invalid("months", "must be between 1 and 120");
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(visible, records_.customer_visible(*lease, a, customer_id));
  if (!visible) return Error::not_found("customer");
  KAM_TRY(value, customer_value(*lease, customer_id, months));
  json out = {{"value", value}, {"members", json::array()}, {"month", nullptr}};
  // The members' latest month, with stage and key-member flag computed by the same rules.
  KAM_TRY(last, lease->query_one("SELECT MAX(month) FROM customer_value WHERE customer_id = ?",
                                 {customer_id}));
  if (!last || last->is_null(0)) return out;
  int month = static_cast<int>(last->i64(0));
  KAM_TRY(ids_rows,
          lease->query(
              "SELECT id, number, name FROM members WHERE customer_id = ? ORDER BY id LIMIT 2000",
              {customer_id}));
  std::vector<int64_t> ids;
  std::map<int64_t, std::pair<std::string, std::string>> names;
  for (const auto& r : ids_rows) {
    ids.push_back(r.i64(0));
    names[r.i64(0)] = {r.text(1), r.text(2)};
  }
  KAM_TRY(cur, engine::read_members(*lease, Granularity::kMonth, month, ids));
  KAM_TRY(cfg, load_config(*lease));
  int hist = engine::months_of_history(cfg);
  std::vector<engine::UsageFrame> prior;
  const engine::FieldMask light =
      engine::fields_of({domain::UsageField::kBill, domain::UsageField::kStatus});
  for (int k = 1; k <= hist; ++k) {
    KAM_TRY(f, engine::read_members(*lease, Granularity::kMonth, domain::month_add(month, -k),
                                    cur.member_id, light));
    prior.push_back(std::move(f));
  }
  KAM_TRY(archive_rows,
          lease->query("SELECT id, CAST(join_date AS TEXT) FROM members WHERE customer_id = ?",
                       {customer_id}));
  std::map<int64_t, int64_t> join;
  for (const auto& r : archive_rows) {
    auto d = days_from_date(r.text(1).substr(0, 10));
    if (d) join[r.i64(0)] = *d;
  }
  auto end_day = days_from_date(domain::month_text(month) + "-01");
  int64_t month_end = (end_day ? *end_day : 0) + domain::days_in_month(month) - 1;
  json members = json::array();
  const auto& bill = cur.col(domain::UsageField::kBill);
  std::vector<size_t> order(cur.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t x, size_t y) { return bill[x] > bill[y]; });
  size_t top =
      static_cast<size_t>(std::ceil(cfg.key_member_top_share * static_cast<double>(cur.size())));
  for (size_t k = 0; k < order.size(); ++k) {
    size_t r = order[k];
    std::vector<int64_t> series(static_cast<size_t>(hist) + 1, -1);
    for (int h = 0; h < hist; ++h) {
      int64_t pr = prior[static_cast<size_t>(h)].find(cur.member_id[r]);
      if (pr >= 0)
        series[static_cast<size_t>(hist - 1 - h)] =
            prior[static_cast<size_t>(h)].col(domain::UsageField::kBill)[static_cast<size_t>(pr)];
    }
    series.back() = bill[r];
    auto it = join.find(cur.member_id[r]);
    int tenure = it == join.end() || it->second > month_end
                     ? 0
                     : static_cast<int>((month_end - it->second) / 30);
    auto stage =
        domain::lifecycle_stage(cfg, series, cur.col(domain::UsageField::kStatus)[r], tenure);
    json row = usage_row_json(cur, r, false);
    row["member_id"] = cur.member_id[r];
    const auto& [number, name] = names[cur.member_id[r]];
    row["number"] = number;
    row["name"] = name;
    row["stage"] = domain::stage_name(stage);
    row["key_member"] = bill[r] > 0 && (bill[r] >= cfg.key_member_min_fen || k < top);
    members.push_back(std::move(row));
  }
  for (auto& row : members) Records::mask(a, domain::member_spec(), row);
  out["month"] = domain::month_text(month);
  out["members"] = members;
  return out;
}

Result<json> UsageService::member_usage(const Actor& a, int64_t member_id, int months,
                                        const std::string& from_day, const std::string& to_day) {
  if (!a.can(domain::Perm::kArchiveRead))
    return Error::forbidden("your role cannot read the customer archive");
  if (months < 1 || months > 120) return Error::invalid("months", "must be between 1 and 120");
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(m, lease->query_one("SELECT customer_id, number FROM members WHERE id = ?", {member_id}));
  if (!m) return Error::not_found("member");
  KAM_TRY(visible, records_.customer_visible(*lease, a, m->i64(0)));
  if (!visible) return Error::not_found("member");
  json out = {{"member_id", member_id}, {"customer_id", m->i64(0)}};
  std::vector<int64_t> ids = {member_id};
  if (!from_day.empty() || !to_day.empty()) {
    auto f = days_from_date(from_day), t = days_from_date(to_day);
    if (!f) return Error::invalid("from", "must be a date YYYY-MM-DD");
    if (!t) return Error::invalid("to", "must be a date YYYY-MM-DD");
    if (*t < *f || *t - *f > 366)
      return Error::invalid("to", "must be on or after from, at most a year later");
    json days = json::array();
    KAM_TRY(ps, engine::list_periods(*lease, Granularity::kDay));
    for (const auto& p : ps) {
      std::string d = ymd_text(p.period);
      auto pd = days_from_date(d);
      if (!pd || *pd < *f || *pd > *t) continue;
      KAM_TRY(fr, engine::read_members(*lease, Granularity::kDay, p.period, ids));
      if (fr.size() == 1) {
        days.push_back(usage_row_json(fr, 0, true));
      }
    }
    out["days"] = days;
    return out;
  }
  KAM_TRY(ps, engine::list_periods(*lease, Granularity::kMonth));
  json items = json::array();
  size_t start =
      ps.size() > static_cast<size_t>(months) ? ps.size() - static_cast<size_t>(months) : 0;
  for (size_t i = start; i < ps.size(); ++i) {
    KAM_TRY(fr, engine::read_members(*lease, Granularity::kMonth, ps[i].period, ids));
    if (fr.size() == 1) items.push_back(usage_row_json(fr, 0, false));
  }
  out["months"] = items;
  return out;
}

}  // namespace kam::services
