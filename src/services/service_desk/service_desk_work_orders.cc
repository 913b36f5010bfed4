// Work orders: creation with level, priority, routing and SLA deadlines; scoped lists and the
// team queue; the state machine with conditional (versioned) updates, the take race, transfer,
// merge, reopen, complaint responsibility and penalties at closure, and the full history.

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "domain/masking.h"
#include "services/core/audit.h"
#include "services/service_desk/service_desk_internal.h"
#include "services/service_desk/service_desk_service.h"

namespace kam::services {

using namespace desk;  // NOLINT

namespace {

constexpr const char* kColumns =
    "w.id, w.code, w.type, w.channel, w.title, w.description, "                            // 0-5
    "w.customer_id, c.name, w.member_id, m.number, w.order_id, w.merchant_id, "            // 6-11
    "w.contact_name, w.contact_phone, w.level, w.priority, w.state, "                      // 12-16
    "w.team_id, tm.name, w.assignee_id, ua.display_name, w.created_by, uc.display_name, "  // 17-22
    "w.sla_calendar, w.response_budget, w.resolution_budget, w.response_due_at, "
    "w.resolution_due_at, "  // 23-27
    "w.responded_at, w.resolved_at, w.closed_at, w.response_breached, w.resolution_breached, "  // 28-32
    "w.escalation_level, w.escalated_to, ue.display_name, w.resolution, w.reopen_count, "
    "w.merged_into, "                                                                       // 33-38
    "w.resp_department, w.resp_person, w.resp_user_id, w.resp_cause, w.manager_at_fault, "  // 39-43
    "w.created_at, w.updated_at, w.version, c.account_manager_id, w.sla_policy_id, w.escalated_at";  // 44-49
constexpr const char* kFrom =
    " FROM work_orders w JOIN customers c ON c.id = w.customer_id LEFT JOIN members m ON m.id = "
    "w.member_id "
    "LEFT JOIN teams tm ON tm.id = w.team_id LEFT JOIN users ua ON ua.id = w.assignee_id "
    "LEFT JOIN users uc ON uc.id = w.created_by LEFT JOIN users ue ON ue.id = w.escalated_to";

json clock_json(const db::Row& r, size_t due, int64_t until, bool stopped) {
  if (r.is_null(due)) return {{"due_at", nullptr}, {"remaining_seconds", nullptr}};
  return {{"due_at", iso8601(r.i64(due))},
          {"remaining_seconds", stopped ? json(nullptr) : json(r.i64(due) - until)}};
}

json staff_row_json(const Actor& a, const db::Row& r, int64_t now);

// What an outsider sees of a work order: its progress and promises, never the desk's inside
// (assignees, escalations, responsibility, SLA policy). Merchant staff see no customer details:
// they file about a customer without learning who the customer is.
json outsider_view(const Actor& a, json wo) {
  static const std::vector<const char*> kShown = {
      "id",           "code",        "type",      "channel",       "title",
      "description",  "customer_id", "state",     "priority",      "priority_label",
      "resolution",   "resolved_at", "closed_at", "created_at",    "updated_at",
      "version",      "merchant_id", "member_id", "member_number", "contact_name",
      "customer_name"};
  json out = json::object();
  for (const char* k : kShown) {
    if (wo.contains(k)) out[k] = std::move(wo[k]);
  }
  if (a.role == domain::Role::kMerchantStaff) {
    for (const char* k : {"customer_name", "member_id", "member_number", "contact_name"})
      out.erase(k);
  }
  json sla = json::object();
  for (const char* clock : {"response", "resolution"}) {
    const json& c = wo["sla"][clock];
    sla[clock] = {{"due_at", c.value("due_at", json(nullptr))},
                  {"breached", c.value("breached", false)}};
  }
  out["sla"] = sla;
  return out;
}

json row_json(const Actor& a, const db::Row& r, int64_t now) {
  json wo = staff_row_json(a, r, now);
  return domain::is_outsider(a.role) ? outsider_view(a, std::move(wo)) : wo;
}

json staff_row_json(const Actor& a, const db::Row& r, int64_t now) {
  std::string state = r.text(16);
  json member = opt_text(r, 9), phone = opt_text(r, 13);
  if (!a.can(domain::Perm::kSeePhone)) {
    if (member.is_string()) member = domain::mask_phone(member.get<std::string>());
    if (phone.is_string()) phone = domain::mask_phone(phone.get<std::string>());
  }
  auto cal = json::parse(r.text(23), nullptr, false);
  json response = clock_json(r, 26, now, !r.is_null(28));
  response["responded_at"] = opt_time(r, 28);
  response["breached"] = r.i64(31) != 0;
  response["budget_minutes"] = r.i64(24) / 60;
  bool stopped = !domain::work_order_open(state);
  json resolution = clock_json(r, 27, now, stopped);
  resolution["paused"] = domain::resolution_clock_paused(state);
  resolution["breached"] = r.i64(32) != 0;
  resolution["budget_minutes"] = r.i64(25) / 60;
  json responsibility = nullptr;
  if (!r.is_null(39) || !r.is_null(42)) {
    responsibility = {{"department", opt_text(r, 39)},
                      {"person", opt_text(r, 40)},
                      {"user_id", opt_id(r, 41)},
                      {"cause", opt_text(r, 42)},
                      {"manager_at_fault", r.i64(43) != 0}};
  }
  int priority = static_cast<int>(r.i64(15));
  return {{"id", r.i64(0)},
          {"code", r.text(1)},
          {"type", r.text(2)},
          {"channel", r.text(3)},
          {"title", r.text(4)},
          {"description", opt_text(r, 5)},
          {"customer_id", r.i64(6)},
          {"customer_name", r.text(7)},
          {"member_id", opt_id(r, 8)},
          {"member_number", member},
          {"order_id", opt_id(r, 10)},
          {"merchant_id", opt_id(r, 11)},
          {"contact_name", opt_text(r, 12)},
          {"contact_phone", phone},
          {"level", r.text(14)},
          {"priority", priority},
          {"priority_label", domain::priority_label(priority)},
          {"state", state},
          {"actions", domain::allowed_work_order_actions(state)},
          {"team", ref(r, 17, 18)},
          {"assignee", ref(r, 19, 20)},
          {"created_by", ref(r, 21, 22)},
          {"sla",
           {{"calendar", cal.is_discarded() ? json(nullptr) : cal},
            {"policy_id", opt_id(r, 48)},
            {"response", response},
            {"resolution", resolution}}},
          {"escalation_level", r.i64(33)},
          {"escalated_to", ref(r, 34, 35)},
          {"escalated_at", opt_time(r, 49)},
          {"resolution", opt_text(r, 36)},
          {"reopen_count", r.i64(37)},
          {"merged_into", opt_id(r, 38)},
          {"responsibility", responsibility},
          {"resolved_at", opt_time(r, 29)},
          {"closed_at", opt_time(r, 30)},
          {"created_at", iso8601(r.i64(44))},
          {"updated_at", iso8601(r.i64(45))},
          {"version", r.i64(46)}};
}

// The customer's service level from its latest value record.
Result<std::string> customer_level(db::Connection& c, int64_t customer_id) {
  KAM_TRY(row, c.query_one("SELECT kind, org_type FROM customers WHERE id = ?", {customer_id}));
  if (!row) return Error::not_found("customer");
  KAM_TRY(v, c.query_one("SELECT grade, tier FROM customer_value WHERE customer_id = ? ORDER BY "
                         "month DESC LIMIT 1",
                         {customer_id}));
  std::optional<std::string> grade, tier;
  if (v) {
    grade = v->text(0);
    tier = v->text(1);
  }
  return domain::service_level(row->text(0), row->text(1), grade, tier);
}

std::vector<int> split_ints(const std::string& s) {
  std::vector<int> out;
  int cur = -1;
  for (char ch : s + ",") {
    if (ch >= '0' && ch <= '9')
      cur = (cur < 0 ? 0 : cur * 10) + (ch - '0');
    else if (cur >= 0)
      out.push_back(cur), cur = -1;
  }
  return out;
}

struct Policy {
  int64_t id = 0;
  std::string calendar;
  int64_t response = 0, resolution = 0, remind = 0, step = 0;
};

Result<Policy> matching_policy(db::Connection& c, const std::string& type,
                               const std::string& level) {
  KAM_TRY(
      row,
      c.query_one(
          "SELECT id, calendar, day_start, day_end, workdays, exclude_holidays, response_minutes, "
          "resolution_minutes, remind_before_minutes, escalation_step_minutes FROM sla_policies "
          "WHERE active = 1 AND type IN (?, '*') AND level IN (?, '*') ORDER BY "
          "CASE WHEN type = '*' THEN 1 ELSE 0 END, CASE WHEN level = '*' THEN 1 ELSE 0 END LIMIT 1",
          {type, level}));
  Policy p;
  if (!row) {  // every policy removed: one business day to answer, five to resolve
    p.calendar = calendar_json("business", "09:00", "18:00", {1, 2, 3, 4, 5}, true).dump();
    p.response = 540 * 60;
    p.resolution = 5 * 540 * 60;
    p.remind = 3600;
    p.step = 540 * 60;
    return p;
  }
  json days = json::array();
  for (const auto& d : split_ints(row->text(4))) days.push_back(d);
  p.id = row->i64(0);
  p.calendar =
      calendar_json(row->text(1), row->text(2), row->text(3), days, row->i64(5) != 0).dump();
  p.response = row->i64(6) * 60;
  p.resolution = row->i64(7) * 60;
  p.remind = row->i64(8) * 60;
  p.step = row->i64(9) * 60;
  return p;
}

Result<std::string> user_name(db::Connection& c, int64_t id) {
  KAM_TRY(row, c.query_one("SELECT display_name FROM users WHERE id = ?", {id}));
  return row ? row->text(0) : std::string("?");
}

Error refused(const std::string& state, const std::string& action) {
  return Error::conflict("a work order in state " + state + " cannot " + action +
                             "; allowed: " + join(domain::allowed_work_order_actions(state)),
                         "action");
}

}  // namespace

// --- Creation ----------------------------------------------------------------------------

Result<json> ServiceDeskService::create_work_order(const Actor& a, const json& body) {
  if (!a.can(domain::Perm::kWorkOrderCreate))
    return Error::forbidden("your role cannot open work orders");
  KAM_CHECK(only_fields(body,
                        {"type", "channel", "title", "description", "customer_id", "member_id",
                         "order_id", "merchant_id", "contact_name", "contact_phone", "team_id"},
                        "a work order"));
  if (!body.contains("type") || !body["type"].is_string() ||
      !domain::is_one_of(domain::work_order_types(), body["type"].get<std::string>())) {
    return Error::invalid("type", "must be one of: " + join(domain::work_order_types()));
  }
  std::string type = body["type"].get<std::string>();
  std::string channel;
  using domain::Role;
  if (a.role == Role::kPortalUser)
    channel = "portal";
  else if (a.role == Role::kMerchantStaff)
    channel = "merchant";
  else if (a.role == Role::kAccountManager || a.role == Role::kPhoneManager)
    channel = "account_manager";
  else
    channel = "hotline";
  if (body.contains("channel") && !body["channel"].is_null()) {
    if (!body["channel"].is_string() ||
        !domain::is_one_of(domain::work_order_channels(), body["channel"].get<std::string>())) {
      return Error::invalid("channel", "must be one of: " + join(domain::work_order_channels()));
    }
    channel = body["channel"].get<std::string>();
  }
  KAM_TRY(title, text_field(body, "title", 200));
  if (!title) return Error::invalid("title", "is required");
  KAM_TRY(description, text_field(body, "description", 4000, true));
  KAM_TRY(contact_name, text_field(body, "contact_name", 50));
  KAM_TRY(contact_phone, text_field(body, "contact_phone", 20));
  if (contact_phone && contact_phone->find_first_not_of("0123456789-+ ") != std::string::npos) {
    return Error::invalid("contact_phone", "must be a phone number (digits, + and -)");
  }
  KAM_TRY(customer_id, id_field(body, "customer_id"));
  KAM_TRY(member_id, id_field(body, "member_id"));
  KAM_TRY(order_id, id_field(body, "order_id"));
  KAM_TRY(merchant_id, id_field(body, "merchant_id"));
  KAM_TRY(team_id, id_field(body, "team_id"));
  if (a.role == Role::kMerchantStaff) merchant_id = a.merchant_id;
  if (!customer_id && a.role == Role::kPortalUser) customer_id = a.customer_id;
  if (!customer_id) return Error::invalid("customer_id", "is required");

  const Clock& clock = records_.clock();
  int64_t now = clock.now();
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(tx, db::Transaction::begin(lease));
  auto& c = tx.conn();
  // Merchants open work orders about their customers' complaints without seeing the archive:
  // the customer must exist; everyone else must be able to see it.
  if (a.role == Role::kMerchantStaff) {
    KAM_TRY(exists, c.query_one("SELECT 1 FROM customers WHERE id = ?", {*customer_id}));
    if (!exists) return Error::invalid("customer_id", "no such customer");
  } else {
    auto visible = a.role == Role::kPortalUser
                       ? records_.portal_customer_visible(c, a, *customer_id)
                       : records_.customer_visible(c, a, *customer_id);
    if (!visible) return visible.error();
    if (!*visible) return Error::not_found("customer");
  }
  if (member_id) {
    KAM_TRY(m, c.query_one("SELECT customer_id FROM members WHERE id = ?", {*member_id}));
    if (!m || m->i64(0) != *customer_id)
      return Error::invalid("member_id", "is not a member of this customer");
  }
  if (order_id) {
    KAM_TRY(o, c.query_one("SELECT customer_id FROM orders WHERE id = ?", {*order_id}));
    if (!o || o->i64(0) != *customer_id)
      return Error::invalid("order_id", "is not an order of this customer");
  }
  KAM_TRY(cfg, load_config(c));
  int64_t team = team_id.value_or(0);
  if (team && !a.can(domain::Perm::kWorkOrderWork))
    return Error::invalid("team_id", "your role cannot choose the team");
  if (!team) team = cfg.route_for(type);
  if (!team) team = cfg.default_team_id;
  if (!team && a.team_id && a.role != Role::kPortalUser) team = *a.team_id;
  if (!team) {
    KAM_TRY(t, c.query_one("SELECT u.team_id FROM customers c JOIN users u ON u.id = "
                           "c.account_manager_id WHERE c.id = ?",
                           {*customer_id}));
    if (t && !t->is_null(0)) team = t->i64(0);
  }
  if (team) {
    KAM_TRY(t, c.query_one("SELECT 1 FROM teams WHERE id = ?", {team}));
    if (!t) return Error::invalid(team_id ? "team_id" : "config.routing", "no such team");
  }
  KAM_TRY(level, customer_level(c, *customer_id));
  KAM_TRY(policy, matching_policy(c, type, level));
  int priority = domain::work_order_priority(level, type);
  KAM_TRY(
      inserted,
      c.query(
          "INSERT INTO work_orders(type, channel, title, description, customer_id, member_id, "
          "order_id, merchant_id, "
          "contact_name, contact_phone, level, priority, state, team_id, created_by, "
          "sla_policy_id, sla_calendar, "
          "response_budget, resolution_budget, remind_before, escalation_step, created_at, "
          "updated_at) VALUES "
          "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'new', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
          {type,
           channel,
           *title,
           db::opt(description),
           *customer_id,
           db::opt(member_id),
           db::opt(order_id),
           db::opt(merchant_id),
           db::opt(contact_name),
           db::opt(contact_phone),
           level,
           int64_t{priority},
           team ? db::Value(team) : db::Value(nullptr),
           who(a),
           policy.id ? db::Value(policy.id) : db::Value(nullptr),
           policy.calendar,
           policy.response,
           policy.resolution,
           policy.remind,
           policy.step,
           now,
           now}));
  int64_t id = inserted[0].i64(0);
  std::string code = "WO" + shanghai_date(now).substr(0, 4) + shanghai_date(now).substr(5, 2) +
                     shanghai_date(now).substr(8, 2) + fmt::format("-{:05d}", id);
  KAM_CHECK(c.exec("UPDATE work_orders SET code = ? WHERE id = ?", {code, id}));
  KAM_CHECK(refresh_sla(c, id, now));
  KAM_CHECK(
      add_event(c, id, now, a, "create", "", "new", "", {{"channel", channel}, {"level", level}}));
  KAM_TRY(after, load_work_order(c, Actor::system(), id));
  KAM_CHECK(write_audit(c, clock, a, "create", "work_order", id, nullptr, *after));
  if (team) {
    KAM_TRY(sup, c.query_one("SELECT supervisor_id FROM teams WHERE id = ?", {team}));
    if (sup && !sup->is_null(0) && priority >= 60) {
      KAM_CHECK(notify(c, sup->i64(0), "work_order", "新的P1工单：" + *title, code, "work_order",
                       id, now));
    }
  }
  KAM_CHECK(tx.commit());
  json out = *after;
  if (!a.can(domain::Perm::kSeePhone)) {
    if (out["member_number"].is_string())
      out["member_number"] = domain::mask_phone(out["member_number"].get<std::string>());
    if (out["contact_phone"].is_string())
      out["contact_phone"] = domain::mask_phone(out["contact_phone"].get<std::string>());
  }
  return domain::is_outsider(a.role) ? outsider_view(a, std::move(out)) : out;
}

// --- Reading -----------------------------------------------------------------------------

Result<std::optional<json>> ServiceDeskService::load_work_order(db::Connection& c, const Actor& a,
                                                                int64_t id) {
  auto scope = work_order_scope_sql(a);
  db::Params p = {id};
  p.insert(p.end(), scope.params.begin(), scope.params.end());
  KAM_TRY(
      rows,
      c.query(std::string("SELECT ") + kColumns + kFrom + " WHERE w.id = ? AND " + scope.sql, p));
  if (rows.empty()) return std::optional<json>{};
  return std::optional<json>(row_json(a, rows[0], records_.clock().now()));
}

Result<json> ServiceDeskService::list_work_orders(const Actor& a, const ListQuery& q) {
  KAM_CHECK(known_params(
      q,
      {"state", "type", "channel", "team_id", "customer_id", "assignee", "breached", "q", "level"},
      "work orders"));
  // Outsiders filter by what they see: a filter on the team, the assignee, the service level or
  // the customer's name would answer what their view of the work order leaves out.
  if (domain::is_outsider(a.role)) {
    for (const char* hidden : {"team_id", "assignee", "level"}) {
      if (!param(q, hidden).empty())
        return Error::forbidden(std::string("your role cannot filter work orders by ") + hidden);
    }
  }
  auto scope = work_order_scope_sql(a);
  std::string where = scope.sql;
  db::Params p = scope.params;
  if (auto s = param(q, "state"); !s.empty()) {
    if (s == "open") {
      where += " AND w.state NOT IN ('resolved','closed','merged')";
    } else if (s == "active") {
      where += " AND w.state NOT IN ('closed','merged')";
    } else {
      if (!domain::is_one_of(domain::work_order_states(), s)) {
        return Error::invalid(
            "state", "must be open, active or one of: " + join(domain::work_order_states()));
      }
      where += " AND w.state = ?";
      p.push_back(s);
    }
  }
  for (auto [name, list] : {std::pair{"type", &domain::work_order_types()},
                            std::pair{"channel", &domain::work_order_channels()},
                            std::pair{"level", &domain::service_levels()}}) {
    auto v = param(q, name);
    if (v.empty()) continue;
    if (!domain::is_one_of(*list, v)) return Error::invalid(name, "must be one of: " + join(*list));
    where += std::string(" AND w.") + name + " = ?";
    p.push_back(v);
  }
  KAM_TRY(team, id_param(q, "team_id"));
  if (team) {
    where += " AND w.team_id = ?";
    p.push_back(team);
  }
  KAM_TRY(customer, id_param(q, "customer_id"));
  if (customer) {
    where += " AND w.customer_id = ?";
    p.push_back(customer);
  }
  if (auto as = param(q, "assignee"); !as.empty()) {
    if (as == "me") {
      where += " AND w.assignee_id = ?";
      p.push_back(a.user_id);
    } else if (as == "none") {
      where += " AND w.assignee_id IS NULL";
    } else {
      KAM_TRY(uid, id_param(q, "assignee"));
      where += " AND w.assignee_id = ?";
      p.push_back(uid);
    }
  }
  if (auto b = param(q, "breached"); !b.empty()) {
    if (b != "1" && b != "0") return Error::invalid("breached", "must be 1 or 0");
    where += b == "1" ? " AND (w.response_breached = 1 OR w.resolution_breached = 1)"
                      : " AND w.response_breached = 0 AND w.resolution_breached = 0";
  }
  if (auto text = param(q, "q"); !text.empty()) {
    if (utf8_length(text) > 100) return Error::invalid("q", "is longer than 100 characters");
    // Merchant staff never match a customer's name (their view does not carry it).
    bool names = a.role != domain::Role::kMerchantStaff;
    std::string like = "%";
    for (char ch : text) {
      if (ch == '%' || ch == '_' || ch == '\\') like += '\\';
      like += ch;
    }
    like += "%";
    where += std::string(" AND (w.code = ? OR w.title LIKE ? ESCAPE '\\'") +
             (names ? " OR c.name LIKE ? ESCAPE '\\')" : ")");
    p.insert(p.end(), {text, like});
    if (names) p.push_back(like);
  }
  std::string order = "w.created_at DESC, w.id DESC";
  if (q.sort == "priority" || q.sort == "-priority") {
    order =
        "w.priority DESC, CASE WHEN w.resolution_due_at IS NULL THEN 1 ELSE 0 END, "
        "w.resolution_due_at, w.id";
  } else if (q.sort == "due") {
    order = "CASE WHEN w.resolution_due_at IS NULL THEN 1 ELSE 0 END, w.resolution_due_at, w.id";
  } else if (!q.sort.empty() && q.sort != "-created_at") {
    return Error::invalid("sort", "must be -created_at, priority or due");
  }
  KAM_TRY(offset, offset_cursor(q));
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(count, lease->query_one(std::string("SELECT COUNT(*)") + kFrom + " WHERE " + where, p));
  p.push_back(static_cast<int64_t>(q.limit + 1));
  p.push_back(offset);
  KAM_TRY(rows, lease->query(std::string("SELECT ") + kColumns + kFrom + " WHERE " + where +
                                 " ORDER BY " + order + " LIMIT ? OFFSET ?",
                             p));
  json items = json::array();
  int64_t now = records_.clock().now();
  for (size_t i = 0; i < rows.size() && i < static_cast<size_t>(q.limit); ++i)
    items.push_back(row_json(a, rows[i], now));
  json next = rows.size() > static_cast<size_t>(q.limit) ? json(std::to_string(offset + q.limit))
                                                         : json(nullptr);
  return json{{"items", items}, {"next_cursor", next}, {"total", count ? count->i64(0) : 0}};
}

Result<json> ServiceDeskService::queue(const Actor& a, int64_t team_id, int limit) {
  if (!a.can(domain::Perm::kWorkOrderWork))
    return Error::forbidden("your role does not work a queue");
  if (limit < 1 || limit > 200) return Error::invalid("limit", "must be between 1 and 200");
  KAM_TRY(lease, records_.db().acquire());
  // The queues the caller may work: their own team's and those they lead (admins: every team).
  KAM_TRY(team_rows, lease->query("SELECT id, name FROM teams ORDER BY id"));
  json teams = json::array();
  for (const auto& r : team_rows) {
    if ((a.team_id && *a.team_id == r.i64(0)) || leads_team(a, r.i64(0)))
      teams.push_back({{"id", r.i64(0)}, {"name", r.text(1)}});
  }
  if (!team_id && a.team_id) team_id = *a.team_id;
  if (!team_id) {
    // A supervisor or admin outside any team: the first team they lead with work waiting,
    // else the first they lead.
    if (teams.empty())
      return Error::invalid("team_id", "you belong to no team and lead none: name the team");
    team_id = teams.front()["id"].get<int64_t>();
    KAM_TRY(busy, lease->query("SELECT DISTINCT team_id FROM work_orders WHERE team_id IS NOT "
                               "NULL AND state NOT IN ('resolved','closed','merged')"));
    std::set<int64_t> waiting;
    for (const auto& r : busy) waiting.insert(r.i64(0));
    for (const auto& t : teams) {
      if (waiting.count(t["id"].get<int64_t>())) {
        team_id = t["id"].get<int64_t>();
        break;
      }
    }
  }
  bool mine = a.team_id && *a.team_id == team_id;
  if (!mine && !leads_team(a, team_id))
    return Error::forbidden("you may work your own team's queue only");
  KAM_TRY(team, lease->query_one("SELECT name FROM teams WHERE id = ?", {team_id}));
  if (!team) return Error::not_found("team");
  KAM_TRY(rows,
          lease->query(
              std::string("SELECT ") + kColumns + kFrom +
                  " WHERE w.team_id = ? AND w.state NOT IN ('resolved','closed','merged') ORDER BY "
                  "w.priority DESC, CASE WHEN w.resolution_due_at IS NULL THEN 1 ELSE 0 END, "
                  "w.resolution_due_at, w.id LIMIT ?",
              {team_id, static_cast<int64_t>(limit)}));
  KAM_TRY(
      counts,
      lease->query(
          "SELECT state, COUNT(*), SUM(CASE WHEN response_breached = 1 OR resolution_breached = 1 "
          "THEN 1 ELSE 0 END) FROM work_orders WHERE team_id = ? AND state NOT IN "
          "('resolved','closed','merged') GROUP BY state",
          {team_id}));
  json by_state = json::object();
  int64_t breached = 0;
  for (const auto& r : counts) {
    by_state[r.text(0)] = r.i64(1);
    breached += r.i64(2);
  }
  json items = json::array();
  int64_t now = records_.clock().now();
  for (const auto& r : rows) items.push_back(row_json(a, r, now));
  return json{{"team", {{"id", team_id}, {"name", team->text(0)}}},
              {"teams", teams},
              {"items", items},
              {"counts", by_state},
              {"breached", breached},
              {"now", iso8601(now)}};
}

Result<json> ServiceDeskService::get_work_order(const Actor& a, int64_t id) {
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(wo, load_work_order(*lease, a, id));
  if (!wo) return Error::not_found("work order");
  json out = *wo;
  KAM_TRY(
      events,
      lease->query("SELECT e.id, e.at, e.user_id, u.display_name, e.action, e.from_state, "
                   "e.to_state, e.note, "
                   "e.detail FROM work_order_events e LEFT JOIN users u ON u.id = e.user_id WHERE "
                   "e.work_order_id = ? ORDER BY e.id",
                   {id}));
  json ev = json::array();
  for (const auto& r : events) {
    json detail = r.is_null(8) ? json(nullptr) : json::parse(r.text(8), nullptr, false);
    ev.push_back({{"id", r.i64(0)},
                  {"at", iso8601(r.i64(1))},
                  {"user", ref(r, 2, 3)},
                  {"action", r.text(4)},
                  {"from_state", opt_text(r, 5)},
                  {"to_state", opt_text(r, 6)},
                  {"note", opt_text(r, 7)},
                  {"detail", detail.is_discarded() ? json(nullptr) : detail}});
  }
  out["events"] = ev;
  KAM_TRY(pauses, lease->query("SELECT reason, started_at, ended_at FROM work_order_pauses WHERE "
                               "work_order_id = ? ORDER BY id",
                               {id}));
  json ps = json::array();
  for (const auto& r : pauses)
    ps.push_back({{"reason", r.text(0)}, {"from", iso8601(r.i64(1))}, {"to", opt_time(r, 2)}});
  out["pauses"] = ps;
  // The resolution clock in business time (the countdown while paused shows what is left).
  KAM_TRY(row, lease->query_one("SELECT sla_calendar, created_at, resolution_budget, resolved_at "
                                "FROM work_orders WHERE id = ?",
                                {id}));
  KAM_TRY(cal, calendar_from_json(*lease, row->text(0)));
  KAM_TRY(pl, load_pauses(*lease, id));
  int64_t at = row->is_null(3) ? records_.clock().now() : row->i64(3);
  auto clk = domain::sla_clock(cal, row->i64(1), row->i64(2), pl, at);
  out["sla"]["resolution"]["elapsed_business_seconds"] = clk.elapsed;
  out["sla"]["resolution"]["remaining_business_seconds"] = clk.remaining;
  KAM_TRY(
      surveys,
      lease->query(
          "SELECT id, state, due_at, score, comment, completed_at FROM surveys WHERE source_type = "
          "'work_order' AND source_id = ? ORDER BY id",
          {id}));
  json sv = json::array();
  for (const auto& r : surveys) {
    sv.push_back({{"id", r.i64(0)},
                  {"state", r.text(1)},
                  {"due_at", iso8601(r.i64(2))},
                  {"score", opt_id(r, 3)},
                  {"comment", opt_text(r, 4)},
                  {"completed_at", opt_time(r, 5)}});
  }
  out["surveys"] = sv;
  if (domain::is_outsider(a.role)) {
    // The outsider's history: what happened and when, not who on the desk did it or their notes.
    json public_events = json::array();
    for (const auto& e : out["events"]) {
      public_events.push_back(
          {{"at", e["at"]}, {"action", e["action"]}, {"to_state", e["to_state"]}});
    }
    out["events"] = std::move(public_events);
    out.erase("pauses");
    out.erase("surveys");
  }
  return out;
}

Result<json> ServiceDeskService::customer_work_orders(db::Connection& c, const Actor& a,
                                                      int64_t customer_id) {
  auto scope = work_order_scope_sql(a);
  db::Params p = {customer_id};
  p.insert(p.end(), scope.params.begin(), scope.params.end());
  KAM_TRY(rows, c.query(std::string("SELECT ") + kColumns + kFrom +
                            " WHERE w.customer_id = ? AND w.state NOT IN "
                            "('closed','merged') AND " +
                            scope.sql + " ORDER BY w.priority DESC, w.id DESC LIMIT 20",
                        p));
  json items = json::array();
  int64_t now = records_.clock().now();
  for (const auto& r : rows) items.push_back(row_json(a, r, now));
  return items;
}

// --- The state machine ---------------------------------------------------------------------

Result<json> ServiceDeskService::transition(const Actor& a, int64_t id, const std::string& action,
                                            const json& body) {
  if (!domain::is_one_of(domain::work_order_actions(), action)) {
    return Error::invalid("action", "must be one of: " + join(domain::work_order_actions()));
  }
  bool comment_only = action == "comment";
  bool opener_action = comment_only || action == "reopen";
  if (!a.can(domain::Perm::kWorkOrderWork) &&
      !(opener_action && a.can(domain::Perm::kWorkOrderCreate))) {
    return Error::forbidden("your role cannot work work orders");
  }
  const Clock& clock = records_.clock();
  int64_t now = clock.now();
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(tx, db::Transaction::begin(lease));
  auto& c = tx.conn();
  KAM_TRY(found, load_work_order(c, a, id));
  if (!found) return Error::not_found("work order");
  json before = *found;
  std::string from = before["state"];
  int64_t current = before["version"];
  int64_t assignee = before["assignee"].is_null() ? 0 : before["assignee"]["id"].get<int64_t>();
  int64_t team = before["team"].is_null() ? 0 : before["team"]["id"].get<int64_t>();
  bool manage = a.can(domain::Perm::kWorkOrderManage) &&
                (a.role == domain::Role::kAdmin || !team || leads_team(a, team));
  bool own = assignee == a.user_id;
  bool in_team = a.team_id && team == *a.team_id;
  // Rights on this record before the body is read: a field error never answers someone who
  // may not act here.
  if (action == "assign" && !manage)
    return Error::forbidden("assigning work orders to others needs the supervisor role");
  if (action == "close" && !own && !manage && !in_team)
    return Error::forbidden("only the assignee, the team or a supervisor may close it");
  if (!body.is_object()) return Error::invalid("", "the request body must be a JSON object");
  KAM_CHECK(only_fields(
      body,
      {"version", "note", "assignee_id", "team_id", "into_id", "resolution", "department", "person",
       "person_id", "cause", "manager_at_fault", "penalty_points", "penalty_fen"},
      "a work-order action"));
  KAM_TRY(version, version_field(body));
  KAM_TRY(note, text_field(body, "note", 2000, true));
  if (comment_only && !note) return Error::invalid("note", "is required for a comment");
  // Someone else has it: say who, whatever the version (the take race's loser lands here).
  if (action == "take" && assignee && assignee != a.user_id && from != "new" &&
      from != "assigned") {
    return Error::conflict(
        "this work order was already taken by " + before["assignee"]["name"].get<std::string>(),
        "assignee_id");
  }
  if (current != version) {
    return Error::conflict("this work order was changed by someone else (now version " +
                               std::to_string(current) + "); reload and try again",
                           "version");
  }
  auto next = domain::work_order_next_state(from, action, assignee != 0);
  if (!next) return refused(from, action);
  std::string to = *next;
  // Who may do what beyond the state machine.
  if (action == "take") {
    if (a.role == domain::Role::kServiceAgent && !in_team && !own) {
      return Error::forbidden("you may take work orders of your own team's queue only");
    }
    if (from == "assigned" && assignee && !own && !manage) {
      return Error::conflict(
          "this work order is assigned to " + before["assignee"]["name"].get<std::string>(),
          "assignee_id");
    }
  } else if (action == "accept" || action == "start" || action == "wait" || action == "resume" ||
             action == "resolve") {
    if (!own && !manage) {
      std::string holder =
          assignee ? before["assignee"]["name"].get<std::string>() : std::string("nobody");
      return Error::conflict(
          "only the assignee (" + holder + ") or a supervisor may " + action + " this work order",
          "assignee_id");
    }
  }

  std::string sql = "UPDATE work_orders SET state = ?, updated_at = ?, version = version + 1";
  db::Params p = {to, now};
  json detail = json::object();
  std::string event_note = note.value_or("");
  bool first_response = before["sla"]["response"]["responded_at"].is_null() &&
                        domain::is_response_action(action) && a.user_id != 0;
  if (first_response) {
    sql += ", responded_at = ?";
    p.push_back(now);
  }
  if (action == "take") {
    sql += ", assignee_id = ?";
    p.push_back(a.user_id);
  } else if (action == "assign") {
    KAM_TRY(user, id_field(body, "assignee_id"));
    if (!user) return Error::invalid("assignee_id", "is required");
    KAM_TRY(u,
            c.query_one("SELECT display_name, role, team_id FROM users WHERE id = ? AND active = 1",
                        {*user}));
    if (!u) return Error::invalid("assignee_id", "no such active user");
    auto role = domain::parse_role(u->text(1));
    if (!role || !domain::has_perm(*role, domain::Perm::kWorkOrderWork)) {
      return Error::invalid("assignee_id", "this user's role cannot work work orders");
    }
    sql += ", assignee_id = ?";
    p.push_back(*user);
    detail["assignee"] = {{"id", *user}, {"name", u->text(0)}};
    KAM_CHECK(notify(c, *user, "work_order", "工单指派给您：" + before["title"].get<std::string>(),
                     before["code"].get<std::string>(), "work_order", id, now));
  } else if (action == "transfer") {
    KAM_TRY(t, id_field(body, "team_id"));
    if (!t) return Error::invalid("team_id", "is required");
    if (*t == team) return Error::invalid("team_id", "is the work order's team already");
    KAM_TRY(row, c.query_one("SELECT name, supervisor_id FROM teams WHERE id = ?", {*t}));
    if (!row) return Error::invalid("team_id", "no such team");
    if (!note) return Error::invalid("note", "is required: say why it goes to the other team");
    sql += ", team_id = ?, assignee_id = NULL";
    p.push_back(*t);
    detail["from_team"] = before["team"];
    detail["to_team"] = {{"id", *t}, {"name", row->text(0)}};
    if (!row->is_null(1)) {
      KAM_CHECK(notify(c, row->i64(1), "work_order",
                       "工单转入：" + before["title"].get<std::string>(),
                       before["code"].get<std::string>(), "work_order", id, now));
    }
  } else if (action == "merge") {
    KAM_TRY(into, id_field(body, "into_id"));
    if (!into) return Error::invalid("into_id", "is required: the work order this one duplicates");
    if (*into == id) return Error::invalid("into_id", "cannot be the work order itself");
    KAM_TRY(target, load_work_order(c, a, *into));
    if (!target) return Error::invalid("into_id", "no such work order in your scope");
    if ((*target)["customer_id"] != before["customer_id"]) {
      return Error::invalid(
          "into_id", "belongs to another customer: only duplicates of the same customer merge");
    }
    if (domain::work_order_finished((*target)["state"].get<std::string>())) {
      return Error::invalid("into_id", "is closed or merged itself");
    }
    sql += ", merged_into = ?";
    p.push_back(*into);
    detail["into"] = {{"id", *into}, {"code", (*target)["code"]}};
    KAM_CHECK(add_event(c, *into, now, a, "merged_in", "", "", event_note,
                        {{"from", {{"id", id}, {"code", before["code"]}}}}));
    KAM_CHECK(c.exec("UPDATE work_orders SET updated_at = ?, version = version + 1 WHERE id = ?",
                     {now, *into}));
  } else if (action == "resolve") {
    KAM_TRY(resolution, text_field(body, "resolution", 4000, true));
    if (!resolution) return Error::invalid("resolution", "is required: say how it was resolved");
    sql += ", resolution = ?, resolved_at = ?";
    p.push_back(*resolution);
    p.push_back(now);
  } else if (action == "reopen") {
    if (!note) return Error::invalid("note", "is required: say why it is reopened");
    sql += ", reopen_count = reopen_count + 1, resolved_at = NULL, closed_at = NULL";
    if (assignee) {
      KAM_CHECK(notify(c, assignee, "work_order",
                       "工单被重新打开：" + before["title"].get<std::string>(), event_note,
                       "work_order", id, now));
    }
  }
  if (action != "close") {
    sql += " WHERE id = ? AND version = ?";
    p.push_back(id);
    p.push_back(version);
    KAM_TRY(n, c.exec(sql, p));
    if (n == 0) {
      // Lost a race: someone changed it between our read and our write.
      KAM_TRY(row, c.query_one("SELECT assignee_id, state FROM work_orders WHERE id = ?", {id}));
      if (action == "take" && row && !row->is_null(0) && row->i64(0) != a.user_id) {
        KAM_TRY(name, user_name(c, row->i64(0)));
        return Error::conflict("this work order was already taken by " + name, "assignee_id");
      }
      return Error::conflict("this work order was changed by someone else; reload and try again",
                             "version");
    }
  } else {
    // Closing: the same conditional update, plus responsibility and the callback survey.
    KAM_CHECK(close_in(c, a, before, body, now));
  }
  KAM_CHECK(update_pauses(c, id, from, to, now));
  KAM_CHECK(refresh_sla(c, id, now));
  KAM_CHECK(add_event(c, id, now, a, action, from, to, event_note,
                      detail.empty() ? json(nullptr) : detail));
  KAM_TRY(after, load_work_order(c, Actor::system(), id));
  json audit_before = {{"state", from},
                       {"assignee", before["assignee"]},
                       {"team", before["team"]},
                       {"version", current}};
  json audit_after = {{"state", (*after)["state"]},
                      {"assignee", (*after)["assignee"]},
                      {"team", (*after)["team"]},
                      {"version", (*after)["version"]},
                      {"action", action}};
  if (!detail.empty()) audit_after["detail"] = detail;
  KAM_CHECK(write_audit(c, clock, a, action, "work_order", id, audit_before, audit_after));
  KAM_CHECK(tx.commit());
  KAM_TRY(lease2, records_.db().acquire());
  KAM_TRY(out, load_work_order(*lease2, a, id));
  if (!out) return *after;  // e.g. transferred out of an agent's team: the record as it is now
  return *out;
}

Status ServiceDeskService::close_in(db::Connection& c, const Actor& a, const json& row,
                                    const json& body, int64_t now) {
  int64_t id = row["id"];
  bool complaint = row["type"] == "complaint";
  KAM_TRY(department, text_field(body, "department", 100));
  KAM_TRY(person, text_field(body, "person", 50));
  KAM_TRY(cause, text_field(body, "cause", 1000, true));
  KAM_TRY(person_id, id_field(body, "person_id"));
  bool at_fault = false;
  if (body.contains("manager_at_fault") && !body["manager_at_fault"].is_null()) {
    if (!body["manager_at_fault"].is_boolean())
      return Error::invalid("manager_at_fault", "must be true or false");
    at_fault = body["manager_at_fault"].get<bool>();
  }
  int64_t points = 0, fen = 0;
  for (auto [key, out, hi] : {std::tuple{"penalty_points", &points, int64_t{100}},
                              std::tuple{"penalty_fen", &fen, int64_t{100'000'00}}}) {
    if (!body.contains(key) || body[key].is_null()) continue;
    if (!body[key].is_number_integer() || body[key].get<int64_t>() < 0 ||
        body[key].get<int64_t>() > hi) {
      return Error::invalid(key, "must be a whole number between 0 and " + std::to_string(hi));
    }
    *out = body[key].get<int64_t>();
  }
  if (complaint) {
    // Complaint accountability (投诉责任制): no complaint closes without its responsibility.
    if (!department)
      return Error::invalid("department",
                            "is required to close a complaint: the department responsible");
    if (!cause) return Error::invalid("cause", "is required to close a complaint: what caused it");
  } else if (at_fault || points || fen) {
    return Error::invalid("manager_at_fault", "penalties are recorded for complaints only");
  }
  if (person_id) {
    KAM_TRY(u, c.query_one("SELECT display_name FROM users WHERE id = ?", {*person_id}));
    if (!u) return Error::invalid("person_id", "no such user");
    if (!person) person = u->text(0);
  }
  KAM_TRY(n, c.exec("UPDATE work_orders SET state = 'closed', closed_at = ?, updated_at = ?, "
                    "version = version + 1, "
                    "resp_department = ?, resp_person = ?, resp_user_id = ?, resp_cause = ?, "
                    "manager_at_fault = ? "
                    "WHERE id = ? AND version = ?",
                    {now, now, db::opt(department), db::opt(person), db::opt(person_id),
                     db::opt(cause), complaint ? db::Value(int64_t{at_fault}) : db::Value(nullptr),
                     id, row["version"].get<int64_t>()}));
  if (n == 0)
    return Error::conflict("this work order was changed by someone else; reload and try again",
                           "version");
  if (complaint && at_fault) {
    // The account manager at fault: the customer's manager unless another person is named.
    KAM_TRY(am, c.query_one("SELECT account_manager_id FROM customers WHERE id = ?",
                            {row["customer_id"].get<int64_t>()}));
    int64_t user = person_id.value_or(am ? am->i64(0) : 0);
    std::string date = shanghai_date(now);
    int64_t month = std::stoll(date.substr(0, 4)) * 100 + std::stoll(date.substr(5, 2));
    KAM_CHECK(c.exec(
        "INSERT INTO complaint_penalties(user_id, month, points, amount_fen, reason, "
        "work_order_id, created_by, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        {user, month, points ? points : int64_t{1}, fen, cause.value_or(""), id, who(a), now}));
    KAM_CHECK(notify(c, user, "penalty", "投诉责任认定：" + row["title"].get<std::string>(),
                     cause.value_or(""), "work_order", id, now));
  }
  KAM_TRY(cfg, load_config(c));
  std::optional<int64_t> team = cfg.survey_team_id ? std::optional<int64_t>(cfg.survey_team_id)
                                : row["team"].is_null()
                                    ? std::nullopt
                                    : std::optional<int64_t>(row["team"]["id"].get<int64_t>());
  KAM_CHECK(schedule_survey(c, row["customer_id"], "work_order", id,
                            now + cfg.survey_delay_hours * 3600, row["type"].get<std::string>(),
                            team));
  return {};
}

}  // namespace kam::services

namespace kam::services {

Result<std::string> ServiceDeskService::work_order_title(const Actor& a, int64_t id) {
  // The desk's suggestions are for the staff, not for who filed the order.
  if (domain::is_outsider(a.role))
    return Error::forbidden("suggestions are for the service desk's staff");
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(wo, load_work_order(*lease, a, id));
  if (!wo) return Error::not_found("work order");
  return (*wo)["title"].get<std::string>();
}

}  // namespace kam::services
