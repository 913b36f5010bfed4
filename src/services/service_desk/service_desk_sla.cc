// SLA policies (type × service level → response and resolution budgets on a business calendar
// or 7×24), the service desk configuration, and the tick: reminders before deadlines,
// escalation after them, auto-close of resolved orders, expiry of callbacks not made.

#include <spdlog/spdlog.h>

#include <algorithm>

#include "services/core/audit.h"
#include "services/service_desk/service_desk_internal.h"
#include "services/service_desk/service_desk_service.h"

namespace kam::services {

using namespace desk;  // NOLINT

namespace {

constexpr const char* kPolicyColumns =
    "id, name, type, level, response_minutes, resolution_minutes, calendar, day_start, day_end, "
    "workdays, "
    "exclude_holidays, remind_before_minutes, escalation_step_minutes, active, updated_at, version";

json policy_json(const db::Row& r) {
  json days = json::array();
  std::string w = r.text(9);
  for (size_t i = 0; i < w.size(); ++i) {
    if (w[i] >= '1' && w[i] <= '7') days.push_back(w[i] - '0');
  }
  return {{"id", r.i64(0)},
          {"name", r.text(1)},
          {"type", r.text(2)},
          {"level", r.text(3)},
          {"response_minutes", r.i64(4)},
          {"resolution_minutes", r.i64(5)},
          {"calendar", r.text(6)},
          {"day_start", r.text(7)},
          {"day_end", r.text(8)},
          {"workdays", days},
          {"exclude_holidays", r.i64(10) != 0},
          {"remind_before_minutes", r.i64(11)},
          {"escalation_step_minutes", r.i64(12)},
          {"active", r.i64(13) != 0},
          {"updated_at", iso8601(r.i64(14))},
          {"version", r.i64(15)}};
}

// Validates a policy (a full one on create, the merged one on update); errors name the field.
Status validate_policy(const json& p) {
  auto str = [&](const char* k) {
    return p.contains(k) && p[k].is_string() ? p[k].get<std::string>() : std::string();
  };
  auto integer = [&](const char* k, int64_t lo, int64_t hi) -> Status {
    if (!p.contains(k) || !p[k].is_number_integer())
      return Error::invalid(k, "is required: a whole number of minutes");
    int64_t v = p[k].get<int64_t>();
    if (v < lo || v > hi)
      return Error::invalid(k,
                            "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
    return {};
  };
  std::string name = str("name");
  if (name.empty() || utf8_length(name) > 100)
    return Error::invalid("name", "is required (at most 100 characters)");
  std::vector<std::string> types = domain::work_order_types(), levels = domain::service_levels();
  types.push_back("*");
  levels.push_back("*");
  if (!domain::is_one_of(types, str("type")))
    return Error::invalid("type", "must be * or one of: " + join(domain::work_order_types()));
  if (!domain::is_one_of(levels, str("level")))
    return Error::invalid("level", "must be * or one of: " + join(domain::service_levels()));
  KAM_CHECK(integer("response_minutes", 1, 525600));
  KAM_CHECK(integer("resolution_minutes", 1, 525600));
  if (p["resolution_minutes"].get<int64_t>() < p["response_minutes"].get<int64_t>()) {
    return Error::invalid("resolution_minutes", "must not be shorter than response_minutes");
  }
  std::string cal = str("calendar");
  if (cal != "business" && cal != "24x7")
    return Error::invalid("calendar", "must be business or 24x7");
  auto start = domain::parse_clock_time(str("day_start")),
       end = domain::parse_clock_time(str("day_end"));
  if (!start) return Error::invalid("day_start", "must be a time HH:MM");
  if (!end) return Error::invalid("day_end", "must be a time HH:MM (24:00 at most)");
  if (*end <= *start) return Error::invalid("day_end", "must be after day_start");
  if (!p.contains("workdays") || !p["workdays"].is_array() || p["workdays"].empty()) {
    return Error::invalid("workdays", "must list at least one weekday (1 Monday … 7 Sunday)");
  }
  for (const auto& d : p["workdays"]) {
    if (!d.is_number_integer() || d.get<int>() < 1 || d.get<int>() > 7) {
      return Error::invalid("workdays", "must hold weekday numbers 1 (Monday) … 7 (Sunday)");
    }
  }
  if (!p["exclude_holidays"].is_boolean())
    return Error::invalid("exclude_holidays", "must be true or false");
  if (!p["active"].is_boolean()) return Error::invalid("active", "must be true or false");
  KAM_CHECK(integer("remind_before_minutes", 0, p["resolution_minutes"].get<int64_t>()));
  KAM_CHECK(integer("escalation_step_minutes", 1, 525600));
  return {};
}

const std::vector<std::string> kPolicyFields = {"name",
                                                "type",
                                                "level",
                                                "response_minutes",
                                                "resolution_minutes",
                                                "calendar",
                                                "day_start",
                                                "day_end",
                                                "workdays",
                                                "exclude_holidays",
                                                "remind_before_minutes",
                                                "escalation_step_minutes",
                                                "active",
                                                "version"};

std::string workdays_text(const json& days) {
  std::vector<int> d;
  for (const auto& v : days) d.push_back(v.get<int>());
  std::sort(d.begin(), d.end());
  d.erase(std::unique(d.begin(), d.end()), d.end());
  std::string out;
  for (int x : d) out += (out.empty() ? "" : ",") + std::to_string(x);
  return out;
}

Result<json> load_policy(db::Connection& c, int64_t id) {
  KAM_TRY(row,
          c.query_one(std::string("SELECT ") + kPolicyColumns + " FROM sla_policies WHERE id = ?",
                      {id}));
  if (!row) return Error::not_found("SLA policy");
  return policy_json(*row);
}

Status save_policy(db::Connection& c, const Actor& a, const json& p, int64_t id, int64_t now) {
  db::Params v = {p["name"].get<std::string>(),
                  p["type"].get<std::string>(),
                  p["level"].get<std::string>(),
                  p["response_minutes"].get<int64_t>(),
                  p["resolution_minutes"].get<int64_t>(),
                  p["calendar"].get<std::string>(),
                  p["day_start"].get<std::string>(),
                  p["day_end"].get<std::string>(),
                  workdays_text(p["workdays"]),
                  int64_t{p["exclude_holidays"].get<bool>()},
                  p["remind_before_minutes"].get<int64_t>(),
                  p["escalation_step_minutes"].get<int64_t>(),
                  int64_t{p["active"].get<bool>()},
                  who(a),
                  now};
  KAM_TRY(dup, c.query_one("SELECT id FROM sla_policies WHERE type = ? AND level = ? AND id <> ?",
                           {p["type"].get<std::string>(), p["level"].get<std::string>(), id}));
  if (dup)
    return Error::conflict(
        "a policy for this type and level exists already (id " + std::to_string(dup->i64(0)) + ")",
        "type");
  if (id) {
    v.push_back(id);
    v.push_back(p["version"].get<int64_t>());
    KAM_TRY(n,
            c.exec("UPDATE sla_policies SET name = ?, type = ?, level = ?, response_minutes = ?, "
                   "resolution_minutes = ?, "
                   "calendar = ?, day_start = ?, day_end = ?, workdays = ?, exclude_holidays = ?, "
                   "remind_before_minutes = ?, escalation_step_minutes = ?, active = ?, updated_by "
                   "= ?, updated_at = ?, "
                   "version = version + 1 WHERE id = ? AND version = ?",
                   v));
    if (n == 0)
      return Error::conflict("this SLA policy was changed by someone else; reload and try again",
                             "version");
  } else {
    v.push_back(now);
    KAM_CHECK(
        c.exec("INSERT INTO sla_policies(name, type, level, response_minutes, resolution_minutes, "
               "calendar, day_start, "
               "day_end, workdays, exclude_holidays, remind_before_minutes, "
               "escalation_step_minutes, active, "
               "updated_by, updated_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
               "?, ?, ?)",
               v));
  }
  return {};
}

}  // namespace

Result<json> ServiceDeskService::list_policies(const Actor& a) {
  if (!a.can(domain::Perm::kWorkOrderWork) && !a.can(domain::Perm::kSlaManage)) {
    return Error::forbidden("your role cannot read the SLA policies");
  }
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(
      rows,
      lease->query(
          std::string("SELECT ") + kPolicyColumns +
          " FROM sla_policies ORDER BY CASE WHEN type = '*' THEN 1 ELSE 0 END, type, level, id"));
  json items = json::array();
  for (const auto& r : rows) items.push_back(policy_json(r));
  return json{{"items", items}, {"next_cursor", nullptr}, {"total", items.size()}};
}

Result<json> ServiceDeskService::create_policy(const Actor& a, const json& body) {
  if (!a.can(domain::Perm::kSlaManage))
    return Error::forbidden("SLA policies are kept by admins and supervisors");
  KAM_CHECK(only_fields(body, kPolicyFields, "an SLA policy"));
  json p = {{"calendar", "business"},
            {"day_start", "09:00"},
            {"day_end", "18:00"},
            {"workdays", {1, 2, 3, 4, 5}},
            {"exclude_holidays", true},
            {"remind_before_minutes", 60},
            {"escalation_step_minutes", 240},
            {"active", true}};
  for (const auto& [k, v] : body.items()) {
    if (k != "version") p[k] = v;
  }
  KAM_CHECK(validate_policy(p));
  const Clock& clock = records_.clock();
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(tx, db::Transaction::begin(lease));
  KAM_CHECK(save_policy(tx.conn(), a, p, 0, clock.now()));
  KAM_TRY(row, tx->query_one("SELECT MAX(id) FROM sla_policies"));
  KAM_TRY(after, load_policy(tx.conn(), row->i64(0)));
  KAM_CHECK(write_audit(tx.conn(), clock, a, "create", "sla_policy", row->i64(0), nullptr, after));
  KAM_CHECK(tx.commit());
  return after;
}

Result<json> ServiceDeskService::update_policy(const Actor& a, int64_t id, const json& body) {
  if (!a.can(domain::Perm::kSlaManage))
    return Error::forbidden("SLA policies are kept by admins and supervisors");
  KAM_CHECK(only_fields(body, kPolicyFields, "an SLA policy"));
  KAM_TRY(version, version_field(body));
  const Clock& clock = records_.clock();
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(tx, db::Transaction::begin(lease));
  KAM_TRY(before, load_policy(tx.conn(), id));
  if (before["version"].get<int64_t>() != version) {
    return Error::conflict("this SLA policy was changed by someone else (now version " +
                               std::to_string(before["version"].get<int64_t>()) +
                               "); reload and try again",
                           "version");
  }
  json p = before;
  for (const auto& [k, v] : body.items()) p[k] = v;
  KAM_CHECK(validate_policy(p));
  KAM_CHECK(save_policy(tx.conn(), a, p, id, clock.now()));
  KAM_TRY(after, load_policy(tx.conn(), id));
  KAM_CHECK(write_audit(tx.conn(), clock, a, "update", "sla_policy", id, before, after));
  KAM_CHECK(tx.commit());
  return after;
}

Status ServiceDeskService::delete_policy(const Actor& a, int64_t id) {
  if (!a.can(domain::Perm::kSlaManage))
    return Error::forbidden("SLA policies are kept by admins and supervisors");
  const Clock& clock = records_.clock();
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(tx, db::Transaction::begin(lease));
  KAM_TRY(before, load_policy(tx.conn(), id));
  if (before["type"] == "*" && before["level"] == "*") {
    return Error::conflict("the default policy (* × *) cannot be removed; change it instead", "id");
  }
  // Work orders keep the budgets they were opened with; their reference is cleared.
  KAM_CHECK(tx->exec("UPDATE work_orders SET sla_policy_id = NULL WHERE sla_policy_id = ?", {id}));
  KAM_CHECK(tx->exec("DELETE FROM sla_policies WHERE id = ?", {id}));
  KAM_CHECK(write_audit(tx.conn(), clock, a, "delete", "sla_policy", id, before, nullptr));
  KAM_CHECK(tx.commit());
  return {};
}

Result<json> ServiceDeskService::get_config(const Actor& a) {
  if (!a.can(domain::Perm::kWorkOrderWork) && !a.can(domain::Perm::kSlaManage)) {
    return Error::forbidden("your role cannot read the service desk configuration");
  }
  return desk_settings().answer<domain::ServiceDeskConfig>(records_.db());
}

Result<json> ServiceDeskService::put_config(const Actor& a, const json& body) {
  // Routing and the desk's limits apply to every team: the admin's, like the SLA policies.
  if (!a.can(domain::Perm::kSlaManage))
    return Error::forbidden("the service desk settings are the admin's");
  // The teams the settings route to must exist.
  auto teams_exist = [](db::Connection& c, const domain::ServiceDeskConfig& cfg) -> Status {
    for (auto [field, team] : {std::pair{"config.routing.fault", cfg.route_fault},
                               std::pair{"config.routing.complaint", cfg.route_complaint},
                               std::pair{"config.routing.consultation", cfg.route_consultation},
                               std::pair{"config.routing.request", cfg.route_request},
                               std::pair{"config.default_team_id", cfg.default_team_id},
                               std::pair{"config.survey_team_id", cfg.survey_team_id}}) {
      if (!team) continue;
      KAM_TRY(t, c.query_one("SELECT 1 FROM teams WHERE id = ?", {team}));
      if (!t) return Error::invalid(field, "no such team");
    }
    return {};
  };
  KAM_CHECK(desk_settings().change<domain::ServiceDeskConfig>(records_.db(), records_.clock(), a,
                                                              body, teams_exist));
  return get_config(a);
}

// --- The tick -------------------------------------------------------------------------------

namespace {

// Escalation levels: the team's supervisor, the supervisor of the team above, an admin.
constexpr int64_t kLastEscalationLevel = 3;

// Who an escalation of `level` (1, 2, …) goes to: the team's supervisor, then the supervisor
// of the team above, then an admin.
Result<int64_t> escalation_target(db::Connection& c, int64_t team_id, int64_t level,
                                  int64_t previous) {
  int64_t team = team_id;
  for (int64_t step = 1; team && step <= level; ++step) {
    KAM_TRY(row, c.query_one("SELECT supervisor_id, parent_id FROM teams WHERE id = ?", {team}));
    if (!row) break;
    if (step == level && !row->is_null(0) && row->i64(0) != previous) return row->i64(0);
    if (step == level) break;
    team = row->is_null(1) ? 0 : row->i64(1);
  }
  KAM_TRY(
      admin,
      c.query_one("SELECT id FROM users WHERE role = 'admin' AND active = 1 ORDER BY id LIMIT 1"));
  return admin ? admin->i64(0) : int64_t{0};
}

}  // namespace

Result<json> ServiceDeskService::tick(int64_t now) {
  const Actor system = Actor::system("service-desk");
  int64_t reminded = 0, escalated = 0, auto_closed = 0, expired = 0;
  KAM_TRY(lease, records_.db().acquire());
  {
    KAM_TRY(tx, db::Transaction::begin(lease));
    auto& c = tx.conn();
    // Reminders: the response or resolution deadline is within the policy's warning time.
    KAM_TRY(
        soon,
        c.query(
            "SELECT w.id, w.assignee_id, w.title, w.code, w.response_due_at, w.resolution_due_at, "
            "w.responded_at, w.response_reminded_at, w.resolution_reminded_at, w.remind_before, "
            "(SELECT supervisor_id FROM teams WHERE id = w.team_id) FROM work_orders w WHERE "
            "w.state NOT IN ('waiting_customer','resolved','closed','merged') AND "
            "((w.responded_at IS NULL AND w.response_reminded_at IS NULL AND w.response_due_at > ? "
            "AND "
            "w.response_due_at - w.remind_before <= ?) OR (w.resolution_reminded_at IS NULL AND "
            "w.resolution_due_at > ? AND w.resolution_due_at - w.remind_before <= ?))",
            {now, now, now, now}));
    for (const auto& r : soon) {
      int64_t id = r.i64(0), to = r.is_null(1) ? r.i64(10) : r.i64(1);
      bool response = r.is_null(6) && r.is_null(7) && r.i64(4) > now && r.i64(4) - r.i64(9) <= now;
      std::string which = response ? "response" : "resolution";
      KAM_CHECK(
          c.exec(std::string("UPDATE work_orders SET ") + which + "_reminded_at = ? WHERE id = ?",
                 {now, id}));
      KAM_CHECK(notify(
          c, to, "reminder",
          std::string(response ? "工单即将超时未响应：" : "工单即将超过处理时限：") + r.text(2),
          r.text(3), "work_order", id, now));
      KAM_CHECK(add_event(c, id, now, system, "reminded", "", "", "",
                          {{"deadline", which}, {"notified", to}}));
      ++reminded;
    }
    // Escalation: a deadline passed; again every escalation step while it stays unresolved.
    KAM_TRY(
        late,
        c.query(
            "SELECT w.id, w.team_id, w.escalation_level, w.escalated_to, w.title, w.code, "
            "w.responded_at, "
            "w.response_due_at, w.resolution_due_at, w.escalation_step, w.assignee_id, w.level, "
            "w.type, "
            "w.priority FROM work_orders w WHERE w.state NOT IN "
            "('waiting_customer','resolved','closed','merged') "
            "AND ((w.responded_at IS NULL AND w.response_due_at <= ?) OR w.resolution_due_at <= ?)",
            {now, now}));
    for (const auto& r : late) {
      int64_t id = r.i64(0), level = r.i64(2);
      bool response_missed = r.is_null(6) && !r.is_null(7) && r.i64(7) <= now;
      bool resolution_missed = !r.is_null(8) && r.i64(8) <= now;
      if (!response_missed && !resolution_missed) continue;
      int64_t first_due = response_missed && resolution_missed ? std::min(r.i64(7), r.i64(8))
                          : response_missed                    ? r.i64(7)
                                                               : r.i64(8);
      // Level n is due at the first missed deadline plus (n-1) steps, up to the last level. A
      // breach found late (the server was down, or the order came in overdue) goes straight to
      // the level due now: each level at most once, never one per tick.
      const int64_t step = std::max<int64_t>(60, r.i64(9));
      int64_t next = std::min(kLastEscalationLevel, 1 + (now - first_due) / step);
      if (next <= level) continue;
      KAM_TRY(target,
              escalation_target(c, r.is_null(1) ? 0 : r.i64(1), next, r.is_null(3) ? 0 : r.i64(3)));
      int priority = domain::work_order_priority(r.text(11), r.text(12), static_cast<int>(next));
      KAM_CHECK(
          c.exec("UPDATE work_orders SET escalation_level = ?, escalated_at = ?, escalated_to = ?, "
                 "priority = ?, "
                 "response_breached = CASE WHEN ? = 1 THEN 1 ELSE response_breached END, "
                 "resolution_breached = CASE WHEN resolution_due_at <= ? THEN 1 ELSE "
                 "resolution_breached END, "
                 "updated_at = ?, version = version + 1 WHERE id = ?",
                 {next, now, target ? db::Value(target) : db::Value(nullptr), int64_t{priority},
                  int64_t{response_missed}, now, now, id}));
      KAM_CHECK(notify(c, target, "escalation",
                       "工单超时升级（第" + std::to_string(next) + "级）：" + r.text(4), r.text(5),
                       "work_order", id, now));
      if (!r.is_null(10)) {
        KAM_CHECK(notify(c, r.i64(10), "overdue", "工单已超时：" + r.text(4), r.text(5),
                         "work_order", id, now));
      }
      KAM_CHECK(add_event(c, id, now, system, "escalated", "", "", "",
                          {{"level", next},
                           {"to", target},
                           {"missed", response_missed ? "response" : "resolution"}}));
      KAM_CHECK(write_audit(c, records_.clock(), system, "escalate", "work_order", id,
                            {{"escalation_level", level}},
                            {{"escalation_level", next}, {"escalated_to", target}}));
      ++escalated;
    }
    // Callbacks not made in time expire.
    KAM_TRY(cfg, load_config(c));
    KAM_TRY(n, c.exec("UPDATE surveys SET state = 'expired', updated_at = ?, version = version + 1 "
                      "WHERE state = 'pending' "
                      "AND due_at < ?",
                      {now, now - int64_t{cfg.survey_expire_days} * 86400}));
    expired = n;
    KAM_CHECK(tx.commit());
  }
  // Resolved work orders (not complaints) nobody closed close themselves, one transaction each.
  KAM_TRY(cfg, load_config(*lease));
  if (cfg.auto_close_hours > 0) {
    KAM_TRY(rows, lease->query("SELECT id, version FROM work_orders WHERE state = 'resolved' AND "
                               "type <> 'complaint' AND "
                               "resolved_at <= ? ORDER BY id LIMIT 200",
                               {now - int64_t{cfg.auto_close_hours} * 3600}));
    for (const auto& r : rows) {
      KAM_TRY(tx, db::Transaction::begin(lease));
      KAM_TRY(row, load_work_order(tx.conn(), system, r.i64(0)));
      if (!row || (*row)["state"] != "resolved") continue;
      auto st = close_in(tx.conn(), system, *row, json::object(), now);
      if (!st) {
        spdlog::warn("service desk: auto-close of work order {}: {}", r.i64(0), st.error().message);
        continue;
      }
      KAM_CHECK(update_pauses(tx.conn(), r.i64(0), "resolved", "closed", now));
      KAM_CHECK(add_event(tx.conn(), r.i64(0), now, system, "close", "resolved", "closed",
                          "auto-close", {{"auto_close_hours", cfg.auto_close_hours}}));
      KAM_CHECK(write_audit(tx.conn(), records_.clock(), system, "close", "work_order", r.i64(0),
                            {{"state", "resolved"}}, {{"state", "closed"}, {"auto", true}}));
      KAM_CHECK(tx.commit());
      ++auto_closed;
    }
  }
  return json{{"reminded", reminded},
              {"escalated", escalated},
              {"auto_closed", auto_closed},
              {"surveys_expired", expired}};
}

}  // namespace kam::services
