#include "services/core/audit.h"

#include "services/core/cursor.h"

namespace kam::services {

Status write_audit(db::Connection& conn, const Clock& clock, const Actor& actor,
                   std::string_view action, std::string_view entity, int64_t entity_id,
                   const json& before, const json& after) {
  auto dump = [](const json& j) -> db::Value {
    if (j.is_null()) return nullptr;
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
  };
  auto r = conn.exec(
      "INSERT INTO audit_log(at, user_id, username, action, entity, entity_id, before_json, "
      "after_json, request_id, ip) VALUES (?,?,?,?,?,?,?,?,?,?)",
      {clock.now(), actor.user_id ? db::Value(actor.user_id) : db::Value(nullptr), actor.username,
       std::string(action), std::string(entity), entity_id, dump(before), dump(after),
       actor.request_id.empty() ? db::Value(nullptr) : db::Value(actor.request_id),
       actor.ip.empty() ? db::Value(nullptr) : db::Value(actor.ip)});
  if (!r) return r.error();
  return {};
}

Result<json> list_audit(db::Database& db, const Actor& actor, const AuditQuery& q) {
  if (!actor.can(domain::Perm::kAuditRead))
    return Error::forbidden("reading the audit log needs the admin or supervisor role");
  std::string where = "1=1";
  db::Params p;
  if (actor.role == domain::Role::kSupervisor) {
    // Supervisors see what they and the people of their teams did.
    where += " AND (a.user_id = ?";
    p.push_back(actor.user_id);
    if (!actor.supervised_team_ids.empty()) {
      where += " OR a.user_id IN (SELECT id FROM users WHERE team_id IN " +
               db::placeholders(actor.supervised_team_ids.size()) + ")";
      for (auto t : actor.supervised_team_ids) p.push_back(t);
    }
    where += ")";
  }
  if (!q.entity.empty()) {
    where += " AND a.entity = ?";
    p.push_back(q.entity);
  }
  if (q.entity_id) {
    where += " AND a.entity_id = ?";
    p.push_back(*q.entity_id);
  }
  if (q.user_id) {
    where += " AND a.user_id = ?";
    p.push_back(*q.user_id);
  }
  if (q.from) {
    where += " AND a.at >= ?";
    p.push_back(*q.from);
  }
  if (q.to) {
    where += " AND a.at < ?";
    p.push_back(*q.to);
  }
  KAM_TRY(lease, db.acquire());
  KAM_TRY(count, lease->query_one("SELECT COUNT(*) FROM audit_log a WHERE " + where, p));
  db::Params page = p;
  std::string sql =
      "SELECT a.id, a.at, a.user_id, a.username, a.action, a.entity, a.entity_id, "
      "a.before_json, a.after_json, a.request_id, a.ip FROM audit_log a WHERE " +
      where;
  if (!q.cursor.empty()) {
    KAM_TRY(c, decode_cursor(q.cursor));
    sql += " AND a.id < ?";
    page.push_back(c.id);
  }
  sql += " ORDER BY a.id DESC LIMIT ?";
  page.push_back(static_cast<int64_t>(q.limit + 1));
  KAM_TRY(rows, lease->query(sql, page));
  json items = json::array();
  std::optional<int64_t> last;
  for (size_t i = 0; i < rows.size() && i < static_cast<size_t>(q.limit); ++i) {
    const auto& r = rows[i];
    auto parse = [&](size_t k) {
      return r.is_null(k) ? json(nullptr) : json::parse(r.text(k), nullptr, false);
    };
    items.push_back({{"id", r.i64(0)},
                     {"at", iso8601(r.i64(1))},
                     {"user_id", r.is_null(2) ? json(nullptr) : json(r.i64(2))},
                     {"username", r.text(3)},
                     {"action", r.text(4)},
                     {"entity", r.text(5)},
                     {"entity_id", r.i64(6)},
                     {"before", parse(7)},
                     {"after", parse(8)},
                     {"request_id", r.text(9)},
                     {"ip", r.text(10)}});
    last = r.i64(0);
  }
  json next = nullptr;
  if (rows.size() > static_cast<size_t>(q.limit) && last)
    next = encode_cursor({json(*last), *last});
  return json{{"items", items}, {"next_cursor", next}, {"total", count ? count->i64(0) : 0}};
}

}  // namespace kam::services
