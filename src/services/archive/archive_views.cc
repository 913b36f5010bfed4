// Composite reads of the archive: the 360 overview, the group hierarchy, assignment history
// and the per-user workbench.

#include <map>

#include "domain/masking.h"
#include "domain/usage_fields.h"
#include "services/archive/archive_service.h"

namespace kam::services {
namespace {

// A colleague's card; their phone masked like any number for roles that see numbers masked.
json user_brief(db::Connection& c, const Actor& a, const json& id) {
  if (!id.is_number_integer()) return nullptr;
  auto r = c.query_one(
      "SELECT u.id, u.display_name, u.role, u.phone, u.email, t.name, u.senior FROM users u "
      "LEFT JOIN teams t ON t.id = u.team_id WHERE u.id = ?",
      {id.get<int64_t>()});
  if (!r || !*r) return nullptr;
  const auto& row = **r;
  return {{"id", row.i64(0)},
          {"display_name", row.text(1)},
          {"role", row.text(2)},
          {"phone", !row.opt_text(3)                 ? json(nullptr)
                    : a.can(domain::Perm::kSeePhone) ? json(row.text(3))
                                                     : json(domain::mask_phone(row.text(3)))},
          {"email", row.opt_text(4) ? json(row.text(4)) : json(nullptr)},
          {"team_name", row.opt_text(5) ? json(row.text(5)) : json(nullptr)},
          {"senior", row.i64(6) != 0}};
}

json to_array(std::vector<json> v) {
  json a = json::array();
  for (auto& x : v) a.push_back(std::move(x));
  return a;
}

}  // namespace

Result<json> ArchiveService::overview(const Actor& a, int64_t id) {
  if (!a.can(domain::Perm::kArchiveRead))
    return Error::forbidden("your role cannot read the customer archive");
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(tx, db::Transaction::begin(lease, false));
  auto& c = tx.conn();
  const auto& cs = domain::customer_spec();
  KAM_TRY(cust, records_.load(c, a, cs, id, &customer_));
  if (!cust) return Error::not_found("customer");
  json out;
  json customer = *cust;
  Records::mask(a, cs, customer);
  out["customer"] = customer;

  auto scope = customer_scope_sql(a, "t");
  // Parent and branches, only those the caller may see.
  out["parent"] = nullptr;
  if (customer["parent_id"].is_number_integer()) {
    db::Params p = {customer["parent_id"].get<int64_t>()};
    p.insert(p.end(), scope.params.begin(), scope.params.end());
    KAM_TRY(par,
            c.query_one("SELECT t.id, t.name FROM customers t WHERE t.id = ? AND " + scope.sql, p));
    if (par) out["parent"] = {{"id", par->i64(0)}, {"name", par->text(1)}};
  }
  {
    db::Params p = {id};
    p.insert(p.end(), scope.params.begin(), scope.params.end());
    KAM_TRY(kids,
            c.query("SELECT t.id, t.name, t.status FROM customers t WHERE t.parent_id = ? AND " +
                        scope.sql + " ORDER BY t.name LIMIT 200",
                    p));
    json arr = json::array();
    for (const auto& k : kids)
      arr.push_back({{"id", k.i64(0)}, {"name", k.text(1)}, {"status", k.text(2)}});
    out["children"] = arr;
  }

  const auto& ms = domain::member_spec();
  KAM_TRY(members, records_.load_where(c, ms, "t.customer_id = ?", {id}, "t.id", 20, &member_));
  for (auto& m : members) Records::mask(a, ms, m);
  KAM_TRY(mcount, c.query("SELECT status, COUNT(*), SUM(monthly_spend_fen) FROM members WHERE "
                          "customer_id = ? GROUP BY status",
                          {id}));
  json by_status = json::object();
  int64_t total = 0, spend = 0;
  for (const auto& r : mcount) {
    by_status[r.text(0)] = r.i64(1);
    total += r.i64(1);
    spend += r.i64(2);
  }
  out["members"] = {{"items", to_array(std::move(members))},
                    {"total", total},
                    {"by_status", by_status},
                    {"monthly_spend_fen", spend}};

  const auto& ks = domain::key_person_spec();
  KAM_TRY(kps, records_.load_where(c, ks, "t.customer_id = ?", {id}, "t.id", 200, &key_person_));
  for (auto& k : kps) Records::mask(a, ks, k);
  out["key_persons"] = to_array(std::move(kps));

  KAM_TRY(contracts, records_.load_where(c, domain::contract_spec(), "t.customer_id = ?", {id},
                                         "t.end_date DESC, t.id DESC", 50, &contract_));
  out["contracts"] = to_array(std::move(contracts));

  KAM_TRY(contacts, records_.load_where(c, domain::contact_spec(), "t.customer_id = ?", {id},
                                        "t.occurred_at DESC, t.id DESC", 20, &contact_));
  out["contacts"] = to_array(std::move(contacts));

  KAM_TRY(needs, records_.load_where(c, domain::need_spec(), "t.customer_id = ?", {id},
                                     "t.updated_at DESC, t.id DESC", 50, &need_));
  out["needs"] = to_array(std::move(needs));

  KAM_TRY(assign, assignment_history(c, id));
  out["team"] = {{"account_manager", user_brief(c, a, customer["account_manager_id"])},
                 {"phone_manager", user_brief(c, a, customer["phone_manager_id"])},
                 {"assignments", assign["items"]}};
  KAM_TRY(
      open,
      c.query_one(
          "SELECT id FROM handovers WHERE customer_id = ? AND status = 'open' ORDER BY id LIMIT 1",
          {id}));
  out["open_handover"] = nullptr;
  if (open) {
    KAM_TRY(h, load_handover(c, open->i64(0)));
    out["open_handover"] = h;
  }
  // Filled by later areas (value, risk, service desk, orders); present so clients can rely on them.
  out["value"] = nullptr;
  out["risk_zone"] = nullptr;
  out["alerts"] = json::array();
  out["work_orders"] = json::array();
  out["orders"] = json::array();
  return out;
}

Result<json> ArchiveService::hierarchy(const Actor& a, int64_t id) {
  if (!a.can(domain::Perm::kArchiveRead))
    return Error::forbidden("your role cannot read the customer archive");
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(visible, records_.customer_visible(*lease, a, id));
  if (!visible) return Error::not_found("customer");
  // Climb to the highest ancestor the caller may see.
  int64_t root = id;
  for (int depth = 0; depth < 32; ++depth) {
    KAM_TRY(up, lease->query_one("SELECT parent_id FROM customers WHERE id = ?", {root}));
    if (!up || up->is_null(0)) break;
    KAM_TRY(ok, records_.customer_visible(*lease, a, up->i64(0)));
    if (!ok) break;
    root = up->i64(0);
  }
  auto scope = customer_scope_sql(a, "c");
  db::Params p = {root};
  p.insert(p.end(), scope.params.begin(), scope.params.end());
  KAM_TRY(
      rows,
      lease->query(
          "WITH RECURSIVE tree(id, depth) AS (SELECT CAST(? AS BIGINT), 0 UNION ALL "
          "SELECT c.id, tree.depth + 1 FROM customers c JOIN tree ON c.parent_id = tree.id "
          "WHERE tree.depth < 12 AND " +
              scope.sql +
              ") "
              "SELECT c.id, c.parent_id, c.name, c.status, c.kind, tree.depth, "
              "(SELECT COUNT(*) FROM members m WHERE m.customer_id = c.id) "
              "FROM tree JOIN customers c ON c.id = tree.id ORDER BY tree.depth, c.name LIMIT 2000",
          p));
  std::map<int64_t, json> nodes;
  std::vector<std::pair<int64_t, int64_t>> links;  // child, parent
  for (const auto& r : rows) {
    nodes[r.i64(0)] = {{"id", r.i64(0)},           {"name", r.text(2)},
                       {"status", r.text(3)},      {"kind", r.text(4)},
                       {"member_count", r.i64(6)}, {"current", r.i64(0) == id},
                       {"children", json::array()}};
    if (r.i64(0) != root) links.emplace_back(r.i64(0), r.i64(1));
  }
  // Attach deepest first so subtrees are complete when copied into their parents.
  for (auto it = links.rbegin(); it != links.rend(); ++it) {
    if (nodes.count(it->second))
      nodes[it->second]["children"].insert(nodes[it->second]["children"].begin(), nodes[it->first]);
  }
  return json{{"root", nodes[root]}, {"size", rows.size()}};
}

Result<json> ArchiveService::assignments(const Actor& a, int64_t id) {
  if (!a.can(domain::Perm::kArchiveRead))
    return Error::forbidden("your role cannot read the customer archive");
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(visible, records_.customer_visible(*lease, a, id));
  if (!visible) return Error::not_found("customer");
  return assignment_history(*lease, id);
}

Result<json> ArchiveService::assignment_history(db::Connection& c, int64_t id) {
  KAM_TRY(
      rows,
      c.query(
          "SELECT a.id, a.role, a.user_id, u.display_name, a.started_at, a.ended_at, a.reason, "
          "b.display_name FROM assignments a JOIN users u ON u.id = a.user_id LEFT JOIN users b "
          "ON b.id = a.assigned_by WHERE a.customer_id = ? ORDER BY a.started_at DESC, a.id DESC",
          {id}));
  json items = json::array();
  for (const auto& r : rows) {
    items.push_back({{"id", r.i64(0)},
                     {"role", r.text(1)},
                     {"user_id", r.i64(2)},
                     {"user_name", r.text(3)},
                     {"started_at", iso8601(r.i64(4))},
                     {"ended_at", r.is_null(5) ? json(nullptr) : json(iso8601(r.i64(5)))},
                     {"reason", r.text(6)},
                     {"assigned_by_name", r.is_null(7) ? json(nullptr) : json(r.text(7))}});
  }
  return json{{"items", items}, {"next_cursor", nullptr}, {"total", items.size()}};
}

Result<json> ArchiveService::workbench(const Actor& a) {
  if (!a.can(domain::Perm::kArchiveRead))
    return Error::forbidden("your role cannot read the customer archive");
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(tx, db::Transaction::begin(lease, false));
  auto& c = tx.conn();
  auto scope = customer_scope_sql(a, "c");
  json out;
  auto group_count = [&](const std::string& col) -> Result<json> {
    KAM_TRY(rows, c.query("SELECT COALESCE(c." + col + ", ''), COUNT(*) FROM customers c WHERE " +
                              scope.sql + " GROUP BY COALESCE(c." + col + ", '') ORDER BY 2 DESC",
                          scope.params));
    json o = json::object();
    for (const auto& r : rows) o[r.text(0).empty() ? "unknown" : r.text(0)] = r.i64(1);
    return o;
  };
  KAM_TRY(by_status, group_count("status"));
  KAM_TRY(by_org, group_count("org_type"));
  KAM_TRY(by_kind, group_count("kind"));
  KAM_TRY(by_industry, group_count("industry"));  // also the industry choices of the customer list
  out["customers_by_status"] = by_status;
  out["customers_by_org_type"] = by_org;
  out["customers_by_kind"] = by_kind;
  out["customers_by_industry"] = by_industry;
  {
    KAM_TRY(rows, c.query("SELECT COALESCE(r.name, ''), COUNT(*) FROM customers c LEFT JOIN "
                          "regions r ON r.code = c.city_code WHERE " +
                              scope.sql + " GROUP BY COALESCE(r.name, '') ORDER BY 2 DESC",
                          scope.params));
    json o = json::object();
    for (const auto& r : rows) o[r.text(0).empty() ? "unknown" : r.text(0)] = r.i64(1);
    out["customers_by_city"] = o;
  }
  {
    // Value tier of the latest computed month (gold / silver / bronze / do_not_serve); customers
    // without a value that month count as "unknown".
    KAM_TRY(
        rows,
        c.query(
            "SELECT COALESCE(v.tier, ''), COUNT(*) FROM customers c LEFT JOIN customer_value v ON "
            "v.customer_id = c.id AND v.month = (SELECT MAX(month) FROM customer_value) WHERE " +
                scope.sql + " GROUP BY COALESCE(v.tier, '') ORDER BY 2 DESC",
            scope.params));
    json o = json::object();
    for (const auto& r : rows) o[r.text(0).empty() ? "unknown" : r.text(0)] = r.i64(1);
    out["customers_by_tier"] = o;
    KAM_TRY(month, c.query_one("SELECT MAX(month) FROM customer_value"));
    out["value_month"] = month && !month->is_null(0)
                             ? json(domain::month_text(static_cast<int>(month->i64(0))))
                             : json(nullptr);
  }
  std::string in_scope = "t.customer_id IN (SELECT c.id FROM customers c WHERE " + scope.sql + ")";
  if (scope.all) in_scope = "1=1";
  int64_t now = records_.clock().now();
  std::string today = shanghai_date(now);
  int64_t today_days = *days_from_date(today);

  {
    // Recent contacts: the caller's own for managers, their scope's for everyone else.
    std::string where = in_scope;
    db::Params p = scope.all ? db::Params{} : scope.params;
    if (domain::customer_scope(a.role) == domain::Scope::kOwn) {
      where += " AND t.user_id = ?";
      p.push_back(a.user_id);
    }
    KAM_TRY(recent, records_.load_where(c, domain::contact_spec(), where, p,
                                        "t.occurred_at DESC, t.id DESC", 10, &contact_));
    out["recent_contacts"] = to_array(std::move(recent));
  }
  {
    db::Params p = scope.all ? db::Params{} : scope.params;
    std::vector<std::string> mds;
    for (int d = 0; d < 31; ++d) mds.push_back(date_from_days(today_days + d).substr(5));
    p.insert(p.end(), mds.begin(), mds.end());
    KAM_TRY(rows, c.query("SELECT t.id, t.name, t.customer_id, (SELECT name FROM customers WHERE "
                          "id = t.customer_id), "
                          "CAST(t.birthday AS TEXT), t.title FROM key_persons t WHERE " +
                              in_scope + " AND substr(CAST(t.birthday AS TEXT), 6, 5) IN " +
                              db::placeholders(mds.size()) + " LIMIT 500",
                          p));
    std::vector<json> list;
    for (const auto& r : rows) {
      std::string md = r.text(4).substr(5);
      int64_t until = 0;
      for (size_t d = 0; d < mds.size(); ++d) {
        if (mds[d] == md) {
          until = static_cast<int64_t>(d);
          break;
        }
      }
      list.push_back({{"key_person_id", r.i64(0)},
                      {"name", r.text(1)},
                      {"customer_id", r.i64(2)},
                      {"customer_name", r.text(3)},
                      {"birthday", r.text(4)},
                      {"title", r.text(5)},
                      {"days_until", until}});
    }
    std::sort(list.begin(), list.end(),
              [](const json& x, const json& y) { return x["days_until"] < y["days_until"]; });
    if (list.size() > 20) list.resize(20);
    out["upcoming_birthdays"] = to_array(std::move(list));
  }
  {
    db::Params p = scope.all ? db::Params{} : scope.params;
    p.push_back(today);
    p.push_back(date_from_days(today_days + 90));
    KAM_TRY(rows, c.query("SELECT t.id, t.customer_id, (SELECT name FROM customers WHERE id = "
                          "t.customer_id), t.title, "
                          "CAST(t.end_date AS TEXT) FROM contracts t WHERE " +
                              in_scope +
                              " AND t.status = 'active' AND t.end_date >= ? AND t.end_date <= ? "
                              "ORDER BY t.end_date LIMIT 20",
                          p));
    json arr = json::array();
    for (const auto& r : rows) {
      arr.push_back({{"contract_id", r.i64(0)},
                     {"customer_id", r.i64(1)},
                     {"customer_name", r.text(2)},
                     {"title", r.text(3)},
                     {"end_date", r.text(4)},
                     {"days_left", *days_from_date(r.text(4)) - today_days}});
    }
    out["expiring_contracts"] = arr;
  }
  {
    db::Params p = {a.user_id, date_from_days(today_days - 7), date_from_days(today_days + 7)};
    KAM_TRY(rows, c.query("SELECT t.id, t.customer_id, (SELECT name FROM customers WHERE id = "
                          "t.customer_id), t.next_step, "
                          "CAST(t.next_step_date AS TEXT) FROM contacts t WHERE t.user_id = ? AND "
                          "t.next_step_date >= ? "
                          "AND t.next_step_date <= ? ORDER BY t.next_step_date LIMIT 20",
                          p));
    json arr = json::array();
    for (const auto& r : rows) {
      arr.push_back({{"contact_id", r.i64(0)},
                     {"customer_id", r.i64(1)},
                     {"customer_name", r.text(2)},
                     {"next_step", r.text(3)},
                     {"next_step_date", r.text(4)},
                     {"overdue", r.text(4) < today}});
    }
    out["next_steps_due"] = arr;
  }
  {
    db::Params p = scope.all ? db::Params{} : scope.params;
    KAM_TRY(n, c.query_one(
                   "SELECT COUNT(*) FROM handovers t WHERE t.status = 'open' AND " + in_scope, p));
    out["open_handovers"] = n ? n->i64(0) : 0;
  }
  out["today"] = today;
  return out;
}

}  // namespace kam::services
