// Reading the colour zones: counts per month, a customer's zone history with its members'
// zones, and the month's zone transitions.

#include <map>

#include "domain/usage_fields.h"
#include "engine/zone_store.h"
#include "services/alerts/alert_service.h"

namespace kam::services {

Result<json> AlertService::zone_summary(const Actor& a, int month) {
  if (!a.can(domain::Perm::kArchiveRead)) return Error::forbidden("your role cannot see the zones");
  KAM_TRY(lease, records_.db().acquire());
  if (!month) {
    KAM_TRY(row, lease->query_one("SELECT MAX(month) FROM customer_zones"));
    if (!row || row->is_null(0)) return Error::not_found("zones (run the warning engine first)");
    month = static_cast<int>(row->i64(0));
  }
  auto scope = customer_scope_sql(a, "c");
  KAM_TRY(cfg, load_zone_config(*lease));
  json out = {{"month", domain::month_text(month)}, {"config", cfg.to_json()}};
  for (int k = 0; k < 2; ++k) {
    int m = domain::month_add(month, -k);
    json customers = json::object(), members = json::object();
    for (int z = 0; z < domain::kZoneCount; ++z) {
      customers[domain::zone_name(static_cast<domain::Zone>(z))] = 0;
      members[domain::zone_name(static_cast<domain::Zone>(z))] = 0;
    }
    db::Params p = {static_cast<int64_t>(m)};
    p.insert(p.end(), scope.params.begin(), scope.params.end());
    KAM_CHECK(
        lease->scan("SELECT z.zone, z.members_by_zone FROM customer_zones z JOIN customers c ON "
                    "c.id = z.customer_id WHERE "
                    "z.month = ? AND " +
                        scope.sql,
                    p, [&](const db::RowRef& r) {
                      std::string zone(r.text(0));
                      customers[zone] = customers[zone].get<int64_t>() + 1;
                      auto by = json::parse(r.text(1), nullptr, false);
                      if (!by.is_object()) return;
                      for (const auto& [k2, v] : by.items()) {
                        if (members.contains(k2) && v.is_number_integer())
                          members[k2] = members[k2].get<int64_t>() + v.get<int64_t>();
                      }
                    }));
    out[k == 0 ? "current" : "previous"] = {
        {"month", domain::month_text(m)}, {"customers", customers}, {"members", members}};
  }
  db::Params p = {static_cast<int64_t>(month)};
  p.insert(p.end(), scope.params.begin(), scope.params.end());
  KAM_TRY(moves, lease->query("SELECT e.from_zone, e.to_zone, COUNT(*) FROM zone_events e JOIN "
                              "customers c ON c.id = e.customer_id "
                              "WHERE e.month = ? AND " +
                                  scope.sql + " GROUP BY e.from_zone, e.to_zone ORDER BY 3 DESC",
                              p));
  json transitions = json::array();
  for (const auto& r : moves)
    transitions.push_back({{"from", r.text(0)}, {"to", r.text(1)}, {"customers", r.i64(2)}});
  out["transitions"] = transitions;
  return out;
}

Result<json> AlertService::customer_zones(const Actor& a, int64_t customer_id, int months) {
  if (!a.can(domain::Perm::kArchiveRead)) return Error::forbidden("your role cannot see the zones");
  if (months < 1 || months > 60) return Error::invalid("months", "must be between 1 and 60");
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(visible, records_.customer_visible(*lease, a, customer_id));
  if (!visible) return Error::not_found("customer");
  KAM_TRY(rows, lease->query("SELECT month, zone, previous_zone, members_by_zone FROM "
                             "customer_zones WHERE customer_id = ? "
                             "ORDER BY month DESC LIMIT ?",
                             {customer_id, static_cast<int64_t>(months)}));
  json history = json::array();
  for (size_t i = rows.size(); i-- > 0;) {
    const auto& r = rows[i];
    history.push_back({{"month", domain::month_text(static_cast<int>(r.i64(0)))},
                       {"zone", r.text(1)},
                       {"previous_zone", r.opt_text(2) ? json(r.text(2)) : json(nullptr)},
                       {"members_by_zone", json::parse(r.text(3), nullptr, false)}});
  }
  KAM_TRY(cfg, load_zone_config(*lease));
  json out = {{"customer_id", customer_id},
              {"history", history},
              {"members", json::array()},
              {"zone", nullptr},
              {"care_action", nullptr}};
  if (rows.empty()) return out;
  int month = static_cast<int>(rows[0].i64(0));
  auto zone = domain::parse_zone(rows[0].text(1)).value_or(domain::Zone::kNone);
  out["zone"] = domain::zone_name(zone);
  out["month"] = domain::month_text(month);
  out["care_action"] = cfg.care_actions[static_cast<size_t>(zone)];
  KAM_TRY(mrows,
          lease->query(
              "SELECT id, number, name FROM members WHERE customer_id = ? ORDER BY id LIMIT 5000",
              {customer_id}));
  std::vector<int64_t> ids;
  std::map<int64_t, std::pair<std::string, std::string>> info;
  for (const auto& r : mrows) {
    ids.push_back(r.i64(0));
    info[r.i64(0)] = {r.text(1), r.text(2)};
  }
  KAM_TRY(now_z, engine::read_member_zones(*lease, month, ids));
  KAM_TRY(prev_z, engine::read_member_zones(*lease, domain::month_add(month, -1), ids));
  std::map<int64_t, int8_t> prev(prev_z.begin(), prev_z.end());
  json members = json::array();
  for (const auto& [id, z] : now_z) {
    json m = {{"member_id", id},
              {"number", info[id].first},
              {"name", info[id].second},
              {"zone", domain::zone_name(static_cast<domain::Zone>(z))}};
    auto it = prev.find(id);
    m["previous_zone"] = it == prev.end()
                             ? json(nullptr)
                             : json(domain::zone_name(static_cast<domain::Zone>(it->second)));
    Records::mask(a, domain::member_spec(), m);
    members.push_back(std::move(m));
  }
  out["members"] = members;
  return out;
}

Result<json> AlertService::zone_events(const Actor& a, int month, int limit, int64_t offset) {
  if (!a.can(domain::Perm::kArchiveRead)) return Error::forbidden("your role cannot see the zones");
  if (limit < 1 || limit > 200) return Error::invalid("limit", "must be between 1 and 200");
  KAM_TRY(lease, records_.db().acquire());
  auto scope = customer_scope_sql(a, "c");
  std::string where =
      " FROM zone_events e JOIN customers c ON c.id = e.customer_id WHERE " + scope.sql;
  db::Params p = scope.params;
  if (month) {
    where += " AND e.month = ?";
    p.push_back(static_cast<int64_t>(month));
  }
  KAM_TRY(total, lease->query_one("SELECT COUNT(*)" + where, p));
  db::Params page = p;
  page.push_back(static_cast<int64_t>(limit));
  page.push_back(offset);
  KAM_TRY(rows, lease->query("SELECT e.id, e.month, e.customer_id, c.name, e.from_zone, e.to_zone" +
                                 where + " ORDER BY e.month DESC, e.id LIMIT ? OFFSET ?",
                             page));
  json items = json::array();
  for (const auto& r : rows) {
    items.push_back({{"id", r.i64(0)},
                     {"month", domain::month_text(static_cast<int>(r.i64(1)))},
                     {"customer_id", r.i64(2)},
                     {"customer_name", r.text(3)},
                     {"from", r.text(4)},
                     {"to", r.text(5)}});
  }
  int64_t n = total ? total->i64(0) : 0;
  return json{
      {"items", items},
      {"next_cursor", offset + limit < n ? json(std::to_string(offset + limit)) : json(nullptr)},
      {"total", n}};
}

}  // namespace kam::services
