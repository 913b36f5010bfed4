// The service desk's shared building blocks: scope, SLA calendars and clocks, configuration,
// notifications, events and input helpers.

#include <algorithm>

#include "common/clock.h"
#include "domain/knowledge.h"
#include "services/service_desk/service_desk_internal.h"

namespace kam::services::desk {

ScopeSql work_order_scope_sql(const Actor& a) {
  using domain::Role;
  ScopeSql s;
  if (a.role == Role::kAdmin || a.role == Role::kAnalyst) {
    s.sql = "1=1";
    s.all = true;
    return s;
  }
  if (a.role == Role::kMerchantStaff) {
    s.sql = "w.merchant_id = ?";
    s.params = {a.merchant_id.value_or(-1)};
    return s;
  }
  if (a.role == Role::kPortalUser) return portal_scope_sql(a, "c");
  // Staff: their own (assigned, opened, escalated to them), their team's queue, and for
  // managers and supervisors their customers' (the hotline's agents do not see every
  // customer's history through the work orders: their team's queue is their work).
  std::vector<int64_t> teams = a.supervised_team_ids;
  if (a.team_id) teams.push_back(*a.team_id);
  s.sql = "(w.assignee_id = ? OR w.created_by = ? OR w.escalated_to = ?";
  s.params = {a.user_id, a.user_id, a.user_id};
  if (!teams.empty()) {
    s.sql += " OR w.team_id IN " + db::placeholders(teams.size());
    for (auto t : teams) s.params.push_back(t);
  }
  if (a.role != Role::kServiceAgent) {
    auto c = customer_scope_sql(a, "c");
    s.sql += " OR " + c.sql;
    s.params.insert(s.params.end(), c.params.begin(), c.params.end());
  }
  s.sql += ")";
  return s;
}

bool leads_team(const Actor& a, int64_t team_id) {
  if (a.role == domain::Role::kAdmin) return true;
  return std::find(a.supervised_team_ids.begin(), a.supervised_team_ids.end(), team_id) !=
         a.supervised_team_ids.end();
}

json calendar_json(const std::string& calendar, const std::string& day_start,
                   const std::string& day_end, const json& workdays, bool exclude_holidays) {
  return {{"calendar", calendar},
          {"day_start", day_start},
          {"day_end", day_end},
          {"workdays", workdays},
          {"exclude_holidays", exclude_holidays}};
}

Result<domain::BusinessCalendar> calendar_from_json(db::Connection& c, const std::string& text) {
  auto j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return Error::internal("a stored SLA calendar is not JSON");
  domain::BusinessCalendar cal;
  cal.always_open = j.value("calendar", std::string("business")) == "24x7";
  if (cal.always_open) return cal;
  cal.open_minute =
      domain::parse_clock_time(j.value("day_start", std::string("09:00"))).value_or(9 * 60);
  cal.close_minute =
      domain::parse_clock_time(j.value("day_end", std::string("18:00"))).value_or(18 * 60);
  cal.workdays = 0;
  if (j.contains("workdays") && j["workdays"].is_array()) {
    for (const auto& d : j["workdays"]) {
      if (d.is_number_integer() && d.get<int>() >= 1 && d.get<int>() <= 7)
        cal.workdays |= 1u << (d.get<int>() - 1);
    }
  }
  if (!cal.workdays) cal.workdays = 0x1f;
  cal.exclude_holidays = j.value("exclude_holidays", true);
  if (cal.exclude_holidays) {
    // The holidays table belongs to the care calendar (migration 7).
    KAM_TRY(rows, c.query("SELECT CAST(day AS TEXT) FROM holidays"));
    for (const auto& r : rows) {
      if (auto d = days_from_date(r.text(0).substr(0, 10))) cal.holidays.insert(*d);
    }
  }
  return cal;
}

Result<std::vector<domain::Pause>> load_pauses(db::Connection& c, int64_t work_order_id) {
  KAM_TRY(
      rows,
      c.query("SELECT started_at, ended_at FROM work_order_pauses WHERE work_order_id = ? ORDER BY "
              "started_at, id",
              {work_order_id}));
  std::vector<domain::Pause> out;
  for (const auto& r : rows) out.push_back({r.i64(0), r.is_null(1) ? domain::kOpenEnd : r.i64(1)});
  return out;
}

Status update_pauses(db::Connection& c, int64_t id, const std::string& from, const std::string& to,
                     int64_t now) {
  bool was = domain::resolution_clock_paused(from), is = domain::resolution_clock_paused(to);
  if (was == is) return {};
  if (is) {
    KAM_CHECK(
        c.exec("INSERT INTO work_order_pauses(work_order_id, reason, started_at) VALUES (?, ?, ?)",
               {id, to, now}));
  } else {
    KAM_CHECK(c.exec(
        "UPDATE work_order_pauses SET ended_at = ? WHERE work_order_id = ? AND ended_at IS NULL",
        {now, id}));
  }
  return {};
}

Status refresh_sla(db::Connection& c, int64_t id, int64_t now) {
  KAM_TRY(row,
          c.query_one(
              "SELECT sla_calendar, created_at, response_budget, resolution_budget, responded_at, "
              "resolved_at FROM work_orders WHERE id = ?",
              {id}));
  if (!row) return Error::not_found("work order");
  KAM_TRY(cal, calendar_from_json(c, row->text(0)));
  KAM_TRY(pauses, load_pauses(c, id));
  int64_t created = row->i64(1);
  int64_t response_due = domain::add_business_seconds(cal, created, row->i64(2));
  auto resolution_due = domain::sla_deadline(cal, created, row->i64(3), pauses);
  int64_t responded_at = row->is_null(4) ? 0 : row->i64(4);
  bool response_breached = responded_at ? responded_at > response_due : now > response_due;
  int64_t until = row->is_null(5) ? now : row->i64(5);
  bool resolution_breached = resolution_due && until > *resolution_due;
  KAM_CHECK(c.exec(
      "UPDATE work_orders SET response_due_at = ?, resolution_due_at = ?, response_breached = ?, "
      "resolution_breached = CASE WHEN resolution_breached = 1 OR ? = 1 THEN 1 ELSE 0 END WHERE id "
      "= ?",
      {response_due, db::opt(resolution_due), int64_t{response_breached},
       int64_t{resolution_breached}, id}));
  return {};
}

const SettingsStore& desk_settings() {
  static const SettingsStore s(SettingsKind::kServiceDesk, "the service desk settings");
  return s;
}

Result<domain::ServiceDeskConfig> load_config(db::Connection& c) {
  return desk_settings().load<domain::ServiceDeskConfig>(c);
}

Status notify(db::Connection& c, int64_t user_id, const std::string& kind, const std::string& title,
              const std::string& body, const std::string& ref_type, int64_t ref_id, int64_t now) {
  if (!user_id) return {};
  KAM_CHECK(
      c.exec("INSERT INTO notifications(user_id, kind, title, body, ref_type, ref_id, created_at) "
             "VALUES (?, ?, "
             "?, ?, ?, ?, ?)",
             {user_id, kind, title, body, ref_type, ref_id, now}));
  return {};
}

db::Value who(const Actor& a) {
  return a.user_id ? db::Value(a.user_id) : db::Value(nullptr);
}

Status add_event(db::Connection& c, int64_t id, int64_t at, const Actor& a,
                 const std::string& action, const std::string& from, const std::string& to,
                 const std::string& note, const json& detail) {
  KAM_CHECK(
      c.exec("INSERT INTO work_order_events(work_order_id, at, user_id, action, from_state, "
             "to_state, note, "
             "detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
             {id, at, who(a), action, from.empty() ? db::Value(nullptr) : db::Value(from),
              to.empty() ? db::Value(nullptr) : db::Value(to),
              note.empty() ? db::Value(nullptr) : db::Value(note),
              detail.is_null() ? db::Value(nullptr) : db::Value(detail.dump())}));
  return {};
}

Result<std::optional<std::string>> text_field(const json& body, const std::string& key,
                                              size_t max_chars, bool multiline) {
  if (!body.contains(key) || body[key].is_null()) return std::optional<std::string>{};
  if (!body[key].is_string()) return Error::invalid(key, "must be a string");
  KAM_TRY(s, domain::clean_text(key, body[key].get<std::string>(), max_chars, multiline));
  if (s.empty()) return std::optional<std::string>{};
  return std::optional<std::string>(std::move(s));
}

Result<std::optional<int64_t>> id_field(const json& body, const std::string& key) {
  if (!body.contains(key) || body[key].is_null()) return std::optional<int64_t>{};
  if (!body[key].is_number_integer() || body[key].get<int64_t>() < 1) {
    return Error::invalid(key, "must be a positive integer id");
  }
  return std::optional<int64_t>(body[key].get<int64_t>());
}

Status only_fields(const json& body, const std::vector<std::string>& known,
                   const std::string& what) {
  if (!body.is_object()) return Error::invalid("", "the request body must be a JSON object");
  for (const auto& [k, v] : body.items()) {
    if (std::find(known.begin(), known.end(), k) == known.end())
      return Error::invalid(k, "is not a field of " + what);
  }
  return {};
}

Result<int64_t> version_field(const json& body) {
  if (!body.contains("version"))
    return Error::invalid("version", "is required: send the version you read");
  if (!body["version"].is_number_integer()) return Error::invalid("version", "must be an integer");
  return body["version"].get<int64_t>();
}

std::string join(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

json opt_id(const db::Row& r, size_t i) {
  return r.is_null(i) ? json(nullptr) : json(r.i64(i));
}
json opt_text(const db::Row& r, size_t i) {
  return r.is_null(i) ? json(nullptr) : json(r.text(i));
}
json opt_time(const db::Row& r, size_t i) {
  return r.is_null(i) ? json(nullptr) : json(iso8601(r.i64(i)));
}
json ref(const db::Row& r, size_t id, size_t name) {
  return r.is_null(id) ? json(nullptr) : json{{"id", r.i64(id)}, {"name", r.text(name)}};
}

Result<std::pair<int64_t, int64_t>> date_range(const std::string& from, const std::string& to) {
  int64_t lo = INT64_MIN / 2, hi = INT64_MAX / 2;
  if (!from.empty()) {
    auto d = days_from_date(from);
    if (!d) return Error::invalid("from", "must be a date YYYY-MM-DD");
    lo = *d * 86400 - 8 * 3600;
  }
  if (!to.empty()) {
    auto d = days_from_date(to);
    if (!d) return Error::invalid("to", "must be a date YYYY-MM-DD");
    hi = (*d + 1) * 86400 - 8 * 3600;
  }
  if (lo >= hi) return Error::invalid("to", "must not be before from");
  return std::pair{lo, hi};
}

std::string param(const ListQuery& q, const std::string& name) {
  auto it = q.params.find(name);
  return it == q.params.end() ? std::string() : it->second;
}

Result<int64_t> id_param(const ListQuery& q, const std::string& name) {
  std::string v = param(q, name);
  if (v.empty()) return int64_t{0};
  if (v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos || v[0] == '0') {
    return Error::invalid(name, "must be a positive integer id");
  }
  return static_cast<int64_t>(std::stoll(v));
}

Status known_params(const ListQuery& q, const std::vector<std::string>& known,
                    const std::string& what) {
  for (const auto& [k, v] : q.params) {
    if (std::find(known.begin(), known.end(), k) == known.end())
      return Error::invalid(k, "is not a filter of " + what);
  }
  if (q.limit < 1 || q.limit > 200) return Error::invalid("limit", "must be between 1 and 200");
  return {};
}

Result<int64_t> offset_cursor(const ListQuery& q) {
  if (q.cursor.empty()) return int64_t{0};
  if (q.cursor.size() > 12 || q.cursor.find_first_not_of("0123456789") != std::string::npos) {
    return Error::invalid("cursor", "is not a cursor from this list");
  }
  return static_cast<int64_t>(std::stoll(q.cursor));
}

}  // namespace kam::services::desk
