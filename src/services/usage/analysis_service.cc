#include "services/usage/analysis_service.h"

#include <algorithm>
#include <map>

#include "domain/usage_fields.h"

namespace kam::services {
namespace {

// The grouping expression and label of each comparison dimension (a fixed table: the
// dimension name never reaches the SQL text).
struct Dimension {
  const char* name;
  const char* key;    // SQL over v (customer_value) and c (customers)
  const char* label;  // SQL for a readable name
};
const Dimension kDimensions[] = {
    {"manager", "c.account_manager_id",
     "(SELECT display_name FROM users WHERE id = c.account_manager_id)"},
    {"region", "c.city_code", "(SELECT name FROM regions WHERE code = c.city_code)"},
    {"district", "c.district_code", "(SELECT name FROM regions WHERE code = c.district_code)"},
    {"industry", "COALESCE(c.industry, '')", "COALESCE(c.industry, '')"},
    {"org_type", "COALESCE(c.org_type, '')", "COALESCE(c.org_type, '')"},
    {"grade", "v.grade", "v.grade"},
    {"tier", "v.tier", "v.tier"},
    {"stage", "v.stage", "v.stage"},
    {"risk", "v.risk", "v.risk"},
};

const Dimension* find_dimension(const std::string& n) {
  for (const auto& d : kDimensions) {
    if (n == d.name) return &d;
  }
  return nullptr;
}

struct Scoped {
  std::string join_where;  // " FROM customer_value v JOIN customers c ON c.id = v.customer_id WHERE
                           // <scope>"
  db::Params params;
};

Scoped scoped(const Actor& a) {
  auto s = customer_scope_sql(a, "c");
  return {" FROM customer_value v JOIN customers c ON c.id = v.customer_id WHERE " + s.sql,
          s.params};
}

db::Params with(db::Params p, std::initializer_list<db::Value> more) {
  p.insert(p.end(), more);
  return p;
}

double pct_change(int64_t now, int64_t before) {
  return before == 0 ? 0.0
                     : static_cast<double>(now - before) * 100.0 / static_cast<double>(before);
}

json totals_json(const db::Row& r, size_t at) {
  return {{"customers", r.i64(at)},       {"revenue_fen", r.i64(at + 1)},
          {"margin_fen", r.i64(at + 2)},  {"arrears_fen", r.i64(at + 3)},
          {"clv_fen", r.i64(at + 4)},     {"members_active", r.i64(at + 5)},
          {"members_key", r.i64(at + 6)}, {"mou", r.i64(at + 7)},
          {"data_mb", r.i64(at + 8)}};
}

constexpr const char* kTotals =
    "COUNT(*), COALESCE(SUM(v.revenue_fen), 0), COALESCE(SUM(v.margin_fen), 0), "
    "COALESCE(SUM(v.arrears_fen), 0), "
    "COALESCE(SUM(v.clv_fen), 0), COALESCE(SUM(v.members_active), 0), COALESCE(SUM(v.members_key), "
    "0), "
    "COALESCE(SUM(v.mou), 0), COALESCE(SUM(v.data_mb), 0)";

}  // namespace

Status AnalysisService::prepare(const Actor& a, db::Connection& c, AnalysisQuery& q) {
  if (!a.can(domain::Perm::kAnalysisRead))
    return Error::forbidden("your role cannot read the value analysis");
  if (q.measure != "revenue" && q.measure != "margin")
    return Error::invalid("measure", "must be revenue or margin");
  if (q.limit < 1 || q.limit > 200) return Error::invalid("limit", "must be between 1 and 200");
  if (q.offset < 0) return Error::invalid("cursor", "is not a cursor from this list");
  if (q.month == 0) {
    KAM_TRY(row, c.query_one("SELECT MAX(month) FROM customer_value"));
    if (!row || row->is_null(0)) {
      return Error::not_found("computed value (no usage has been imported and computed yet)");
    }
    q.month = static_cast<int>(row->i64(0));
  }
  return {};
}

Result<json> AnalysisService::summary(const Actor& a, AnalysisQuery q) {
  KAM_TRY(lease, records_.db().acquire());
  KAM_CHECK(prepare(a, *lease, q));
  auto s = scoped(a);
  json out;
  out["month"] = domain::month_text(q.month);
  for (auto [key, m] :
       {std::pair{"current", q.month}, std::pair{"previous", domain::month_add(q.month, -1)},
        std::pair{"year_ago", domain::month_add(q.month, -12)}}) {
    KAM_TRY(r,
            lease->query_one(std::string("SELECT ") + kTotals + s.join_where + " AND v.month = ?",
                             with(s.params, {static_cast<int64_t>(m)})));
    out[key] = totals_json(*r, 0);
  }
  out["revenue_mom_pct"] =
      pct_change(out["current"]["revenue_fen"], out["previous"]["revenue_fen"]);
  out["revenue_yoy_pct"] =
      pct_change(out["current"]["revenue_fen"], out["year_ago"]["revenue_fen"]);
  for (const char* col : {"tier", "grade", "stage", "risk"}) {
    KAM_TRY(rows, lease->query(std::string("SELECT v.") + col +
                                   ", COUNT(*), COALESCE(SUM(v.revenue_fen), 0), "
                                   "COALESCE(SUM(v.margin_fen), 0)" +
                                   s.join_where + " AND v.month = ? GROUP BY v." + col,
                               with(s.params, {static_cast<int64_t>(q.month)})));
    json by = json::object();
    for (const auto& r : rows)
      by[r.text(0)] = {
          {"customers", r.i64(1)}, {"revenue_fen", r.i64(2)}, {"margin_fen", r.i64(3)}};
    out[std::string("by_") + col] = by;
  }
  KAM_TRY(months, lease->query("SELECT DISTINCT month FROM customer_value ORDER BY month"));
  json ms = json::array();
  for (const auto& r : months) ms.push_back(domain::month_text(static_cast<int>(r.i64(0))));
  out["months"] = ms;
  return out;
}

Result<json> AnalysisService::pareto(const Actor& a, AnalysisQuery q) {
  KAM_TRY(lease, records_.db().acquire());
  KAM_CHECK(prepare(a, *lease, q));
  auto s = scoped(a);
  std::string col = q.measure == "margin" ? "v.margin_fen" : "v.revenue_fen";
  std::vector<int64_t> values;
  KAM_CHECK(
      lease->scan("SELECT " + col + s.join_where + " AND v.month = ? ORDER BY " + col + " DESC",
                  with(s.params, {static_cast<int64_t>(q.month)}),
                  [&](const db::RowRef& r) { values.push_back(r.i64(0)); }));
  int64_t total = 0;
  for (int64_t v : values) total += std::max<int64_t>(v, 0);
  json points = json::array({{{"customers_pct", 0.0}, {"cumulative_pct", 0.0}}});
  size_t n = values.size();
  size_t step = std::max<size_t>(1, n / 100);
  int64_t cum = 0;
  size_t reach80 = 0;
  double top20 = 0;
  size_t top20_n = (n * 20 + 99) / 100;
  for (size_t i = 0; i < n; ++i) {
    cum += std::max<int64_t>(values[i], 0);
    double share = total > 0 ? static_cast<double>(cum) * 100.0 / static_cast<double>(total) : 0.0;
    if (!reach80 && share >= 80.0) reach80 = i + 1;
    if (i + 1 == top20_n) top20 = share;
    if ((i + 1) % step == 0 || i + 1 == n) {
      points.push_back(
          {{"customers_pct", static_cast<double>(i + 1) * 100.0 / static_cast<double>(n)},
           {"cumulative_pct", share}});
    }
  }
  return json{{"month", domain::month_text(q.month)},
              {"measure", q.measure},
              {"customers", n},
              {"total_fen", total},
              {"top20_share_pct", top20},
              {"customers_for_80_pct", reach80},
              {"customers_for_80_share_pct",
               n ? static_cast<double>(reach80) * 100.0 / static_cast<double>(n) : 0.0},
              {"points", points}};
}

Result<json> AnalysisService::trend(const Actor& a, AnalysisQuery q) {
  KAM_TRY(lease, records_.db().acquire());
  int to = q.to;
  q.month = q.to;
  KAM_CHECK(prepare(a, *lease, q));
  to = q.month;
  int from = q.from ? q.from : domain::month_add(to, -23);
  if (from > to) return Error::invalid("from", "must not be after to");
  if (domain::months_between(from, to) > 120)
    return Error::invalid("from", "a trend covers at most 120 months");
  auto s = scoped(a);
  KAM_TRY(rows,
          lease->query(std::string("SELECT v.month, ") + kTotals +
                           ", COALESCE(SUM(v.voice_fen), 0), COALESCE(SUM(v.data_fen), 0), "
                           "COALESCE(SUM(v.sms_fen), 0), "
                           "COALESCE(SUM(v.other_fen), 0), COALESCE(SUM(v.members_new), 0), "
                           "COALESCE(SUM(v.members_churned), 0)" +
                           s.join_where +
                           " AND v.month >= ? AND v.month <= ? GROUP BY v.month ORDER BY v.month",
                       with(s.params, {static_cast<int64_t>(from), static_cast<int64_t>(to)})));
  json items = json::array();
  for (const auto& r : rows) {
    json t = totals_json(r, 1);
    t["month"] = domain::month_text(static_cast<int>(r.i64(0)));
    t["revenue_by_service_fen"] = {
        {"voice", r.i64(10)}, {"data", r.i64(11)}, {"sms", r.i64(12)}, {"other", r.i64(13)}};
    t["members_new"] = r.i64(14);
    t["members_churned"] = r.i64(15);
    items.push_back(t);
  }
  return json{{"from", domain::month_text(from)}, {"to", domain::month_text(to)}, {"items", items}};
}

Result<json> AnalysisService::compare(const Actor& a, AnalysisQuery q) {
  const Dimension* d = find_dimension(q.dimension);
  if (!d) {
    return Error::invalid(
        "dimension",
        "must be one of manager, region, district, industry, org_type, grade, tier, stage, risk");
  }
  KAM_TRY(lease, records_.db().acquire());
  KAM_CHECK(prepare(a, *lease, q));
  auto s = scoped(a);
  int64_t m = q.month, prev = domain::month_add(q.month, -1), ya = domain::month_add(q.month, -12);
  auto sum = [](const char* col, const char* which) {
    return std::string("COALESCE(SUM(CASE WHEN v.month = ") + which + " THEN v." + col +
           " END), 0)";
  };
  std::string sql =
      std::string("SELECT ") + d->key + ", MIN(" + d->label + "), " + sum("revenue_fen", "?") +
      ", " + sum("revenue_fen", "?") + ", " + sum("revenue_fen", "?") + ", " +
      sum("margin_fen", "?") + ", " + sum("margin_fen", "?") + ", " + sum("margin_fen", "?") +
      ", " + "COUNT(DISTINCT CASE WHEN v.month = ? THEN v.customer_id END), " +
      sum("members_active", "?") + ", " + sum("mou", "?") + ", " + sum("data_mb", "?") + ", " +
      sum("voice_fen", "?") + ", " + sum("data_fen", "?") + ", " + sum("sms_fen", "?") + ", " +
      sum("other_fen", "?") + s.join_where + " AND v.month IN (?, ?, ?) GROUP BY " + d->key;
  // The CASE placeholders come before the scope's in the text.
  db::Params p = {m, prev, ya, m, prev, ya, m, m, m, m, m, m, m, m};
  p.insert(p.end(), s.params.begin(), s.params.end());
  p.insert(p.end(), {m, prev, ya});
  KAM_TRY(rows, lease->query(sql, p));
  json items = json::array();
  bool margin = q.measure == "margin";
  for (const auto& r : rows) {
    int64_t now = r.i64(margin ? 5 : 2), before = r.i64(margin ? 6 : 3),
            year = r.i64(margin ? 7 : 4);
    items.push_back(
        {{"key", r.is_null(0) ? json(nullptr) : json(r.text(0))},
         {"label", r.text(1).empty() ? r.text(0) : r.text(1)},
         {"value_fen", now},
         {"previous_fen", before},
         {"year_ago_fen", year},
         {"mom_pct", pct_change(now, before)},
         {"yoy_pct", pct_change(now, year)},
         {"customers", r.i64(8)},
         {"members_active", r.i64(9)},
         {"mou", r.i64(10)},
         {"data_mb", r.i64(11)},
         {"revenue_by_service_fen",
          {{"voice", r.i64(12)}, {"data", r.i64(13)}, {"sms", r.i64(14)}, {"other", r.i64(15)}}}});
  }
  std::sort(items.begin(), items.end(),
            [](const json& x, const json& y) { return x["value_fen"] > y["value_fen"]; });
  return json{{"month", domain::month_text(q.month)},
              {"dimension", q.dimension},
              {"measure", q.measure},
              {"items", items}};
}

Result<json> AnalysisService::matrix(const Actor& a, AnalysisQuery q) {
  KAM_TRY(lease, records_.db().acquire());
  KAM_CHECK(prepare(a, *lease, q));
  auto s = scoped(a);
  KAM_TRY(rows, lease->query("SELECT v.tier, v.risk, COUNT(*), COALESCE(SUM(v.revenue_fen), 0), "
                             "COALESCE(SUM(v.clv_fen), 0)" +
                                 s.join_where + " AND v.month = ? GROUP BY v.tier, v.risk",
                             with(s.params, {static_cast<int64_t>(q.month)})));
  json cells = json::array();
  for (const auto& r : rows) {
    cells.push_back({{"tier", r.text(0)},
                     {"risk", r.text(1)},
                     {"customers", r.i64(2)},
                     {"revenue_fen", r.i64(3)},
                     {"clv_fen", r.i64(4)}});
  }
  return json{{"month", domain::month_text(q.month)},
              {"tiers", {"gold", "silver", "bronze", "do_not_serve"}},
              {"risks", {"low", "medium", "high"}},
              {"cells", cells}};
}

Result<json> AnalysisService::customers(const Actor& a, AnalysisQuery q) {
  KAM_TRY(lease, records_.db().acquire());
  KAM_CHECK(prepare(a, *lease, q));
  static const std::map<std::string, std::string> sorts = {
      {"rank", "v.value_rank ASC"},     {"-rank", "v.value_rank DESC"},
      {"revenue", "v.revenue_fen ASC"}, {"-revenue", "v.revenue_fen DESC"},
      {"margin", "v.margin_fen ASC"},   {"-margin", "v.margin_fen DESC"},
      {"clv", "v.clv_fen ASC"},         {"-clv", "v.clv_fen DESC"},
      {"score", "v.total_score ASC"},   {"-score", "v.total_score DESC"}};
  auto sort = sorts.find(q.sort);
  if (sort == sorts.end())
    return Error::invalid("sort",
                          "must be rank, revenue, margin, clv or score (prefix - for descending)");
  auto s = scoped(a);
  std::string where = s.join_where + " AND v.month = ?";
  db::Params p = with(s.params, {static_cast<int64_t>(q.month)});
  for (auto [col, val] : {std::pair{"tier", &q.tier}, std::pair{"stage", &q.stage},
                          std::pair{"risk", &q.risk}, std::pair{"grade", &q.grade}}) {
    if (val->empty()) continue;
    where += std::string(" AND v.") + col + " = ?";
    p.push_back(*val);
  }
  KAM_TRY(total, lease->query_one("SELECT COUNT(*)" + where, p));
  db::Params page = p;
  page.push_back(static_cast<int64_t>(q.limit));
  page.push_back(q.offset);
  KAM_TRY(
      rows,
      lease->query(
          "SELECT v.customer_id, c.name, c.kind, c.industry, "
          "(SELECT display_name FROM users WHERE id = c.account_manager_id), v.value_rank, v.tier, "
          "v.grade, v.stage, v.risk, v.revenue_fen, v.margin_fen, v.clv_fen, v.total_score, "
          "v.members_active, v.revenue_prev_fen" +
              where + " ORDER BY " + sort->second + ", v.customer_id LIMIT ? OFFSET ?",
          page));
  json items = json::array();
  for (const auto& r : rows) {
    items.push_back({{"customer_id", r.i64(0)},
                     {"name", r.text(1)},
                     {"kind", r.text(2)},
                     {"industry", r.text(3)},
                     {"account_manager_name", r.text(4)},
                     {"rank", r.i64(5)},
                     {"tier", r.text(6)},
                     {"grade", r.text(7)},
                     {"stage", r.text(8)},
                     {"risk", r.text(9)},
                     {"revenue_fen", r.i64(10)},
                     {"margin_fen", r.i64(11)},
                     {"clv_fen", r.i64(12)},
                     {"total_score", r.f64(13)},
                     {"members_active", r.i64(14)},
                     {"revenue_prev_fen", r.is_null(15) ? json(nullptr) : json(r.i64(15))}});
  }
  int64_t next = q.offset + q.limit;
  int64_t n = total ? total->i64(0) : 0;
  return json{{"month", domain::month_text(q.month)},
              {"items", items},
              {"next_cursor", next < n ? json(std::to_string(next)) : json(nullptr)},
              {"total", n}};
}

}  // namespace kam::services
