// Alert tasks: the inbox, the workflow (accept → contact → close with an outcome), reminders
// before the deadline and escalation after it, the supervisor's summary, notifications.

#include <algorithm>
#include <map>

#include "domain/usage_fields.h"
#include "services/alerts/alert_service.h"
#include "services/core/audit.h"

namespace kam::services {
namespace {

constexpr const char* kTaskColumns =
    "t.id, t.rule_id, r.name, r.code, t.customer_id, c.name, t.month, t.last_seen_month, "
    "t.severity, t.priority, t.zone, "
    "t.state, t.outcome, t.outcome_reason, t.assignee_id, (SELECT display_name FROM users WHERE id "
    "= t.assignee_id), t.team_id, "
    "(SELECT name FROM teams WHERE id = t.team_id), t.deadline_at, t.reminded_at, t.escalated_at, "
    "t.escalated_to, "
    "(SELECT display_name FROM users WHERE id = t.escalated_to), t.member_count, t.detail, "
    "t.contact_id, t.created_at, "
    "t.updated_at, t.closed_at, t.version, t.rule_version, r.description";
constexpr const char* kTaskFrom =
    " FROM alert_tasks t JOIN alert_rules r ON r.id = t.rule_id JOIN customers c ON c.id = "
    "t.customer_id";

// What may happen next from each state.
std::vector<std::string> allowed_actions(const std::string& state, bool supervisor) {
  std::vector<std::string> out;
  if (state == "open") out = {"accept", "contact", "close"};
  if (state == "accepted") out = {"contact", "close"};
  if (state == "contacted") out = {"contact", "close"};
  if (state == "closed" && supervisor) out = {"reopen"};
  if (state != "closed" && supervisor) out.push_back("reassign");
  return out;
}

// The new owner of a task hears about it in their notifications (the bell).
Status notify_assignment(db::Connection& c, int64_t task_id, int64_t user_id, int64_t now) {
  KAM_TRY(t, c.query_one("SELECT c.name, r.name FROM alert_tasks t JOIN customers c ON c.id = "
                         "t.customer_id JOIN alert_rules r ON "
                         "r.id = t.rule_id WHERE t.id = ?",
                         {task_id}));
  if (!t) return {};
  KAM_CHECK(
      c.exec("INSERT INTO notifications(user_id, kind, title, body, ref_type, ref_id, created_at) "
             "VALUES (?, 'assignment', ?, ?, "
             "'alert_task', ?, ?)",
             {user_id, "预警任务已转交给您：" + t->text(0), t->text(1), task_id, now}));
  return {};
}

bool is_supervisor(const Actor& a) {
  return a.role == domain::Role::kAdmin || a.role == domain::Role::kSupervisor;
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s.empty() ? "none" : s;
}

}  // namespace

Result<json> AlertService::task_json(db::Connection& c, const db::Row& r) {
  (void)c;
  auto opt_i = [&](size_t i) { return r.is_null(i) ? json(nullptr) : json(r.i64(i)); };
  auto opt_t = [&](size_t i) { return r.opt_text(i) ? json(r.text(i)) : json(nullptr); };
  auto opt_ts = [&](size_t i) { return r.is_null(i) ? json(nullptr) : json(iso8601(r.i64(i))); };
  std::string state = r.text(11);
  int64_t now = records_.clock().now();
  return json{
      {"id", r.i64(0)},
      {"rule",
       {{"id", r.i64(1)},
        {"name", r.text(2)},
        {"code", opt_t(3)},
        {"version", r.i64(30)},
        {"description", opt_t(31)}}},
      {"customer", {{"id", r.i64(4)}, {"name", r.text(5)}}},
      {"month", domain::month_text(static_cast<int>(r.i64(6)))},
      {"last_seen_month", domain::month_text(static_cast<int>(r.i64(7)))},
      {"severity", r.text(8)},
      {"priority", r.i64(9)},
      {"zone", opt_t(10)},
      {"state", state},
      {"outcome", opt_t(12)},
      {"outcome_reason", opt_t(13)},
      {"assignee", r.is_null(14) ? json(nullptr) : json{{"id", r.i64(14)}, {"name", r.text(15)}}},
      {"team", r.is_null(16) ? json(nullptr) : json{{"id", r.i64(16)}, {"name", r.text(17)}}},
      {"deadline_at", iso8601(r.i64(18))},
      {"overdue", state != "closed" && r.i64(18) < now},
      {"reminded_at", opt_ts(19)},
      {"escalated_at", opt_ts(20)},
      {"escalated_to",
       r.is_null(21) ? json(nullptr) : json{{"id", r.i64(21)}, {"name", r.text(22)}}},
      {"member_count", r.i64(23)},
      {"detail", json::parse(r.text(24), nullptr, false)},
      {"contact_id", opt_i(25)},
      {"created_at", iso8601(r.i64(26))},
      {"updated_at", iso8601(r.i64(27))},
      {"closed_at", opt_ts(28)},
      {"version", r.i64(29)}};
}

Result<json> AlertService::list_tasks(const Actor& a, const TaskQuery& q) {
  if (!a.can(domain::Perm::kArchiveRead))
    return Error::forbidden("your role cannot see alert tasks");
  if (q.limit < 1 || q.limit > 200) return Error::invalid("limit", "must be between 1 and 200");
  static const std::map<std::string, std::string> sorts = {
      {"-priority", "t.priority DESC, t.deadline_at ASC"},
      {"priority", "t.priority ASC"},
      {"deadline", "t.deadline_at ASC"},
      {"-deadline", "t.deadline_at DESC"},
      {"-created", "t.created_at DESC"},
      {"created", "t.created_at ASC"}};
  auto sort = sorts.find(q.sort);
  if (sort == sorts.end())
    return Error::invalid("sort",
                          "must be priority, deadline or created (prefix - for descending)");
  auto scope = customer_scope_sql(a, "c");
  std::string where = " WHERE " + scope.sql;
  db::Params p = scope.params;
  if (!q.state.empty()) {
    if (q.state == "active") {
      where += " AND t.state <> 'closed'";
    } else if (q.state == "open" || q.state == "accepted" || q.state == "contacted" ||
               q.state == "closed") {
      where += " AND t.state = ?";
      p.push_back(q.state);
    } else {
      return Error::invalid("state", "must be open, accepted, contacted, closed or active");
    }
  }
  if (!q.owner.empty()) {
    int64_t owner = 0;
    if (q.owner == "me") {
      owner = a.user_id;
    } else if (q.owner.find_first_not_of("0123456789") == std::string::npos &&
               q.owner.size() < 18) {
      owner = std::stoll(q.owner);
    } else {
      return Error::invalid("owner", "must be me or a user id");
    }
    where += " AND (t.assignee_id = ? OR t.escalated_to = ?)";
    p.push_back(owner);
    p.push_back(owner);
  }
  if (!q.zone.empty()) {
    if (!domain::parse_zone(q.zone))
      return Error::invalid("zone", "must be blue, green, yellow, red, white or none");
    where += " AND t.zone = ?";
    p.push_back(q.zone);
  }
  if (!q.severity.empty()) {
    if (q.severity != "low" && q.severity != "medium" && q.severity != "high" &&
        q.severity != "critical") {
      return Error::invalid("severity", "must be low, medium, high or critical");
    }
    where += " AND t.severity = ?";
    p.push_back(q.severity);
  }
  if (q.month) {
    where += " AND t.month = ?";
    p.push_back(static_cast<int64_t>(q.month));
  }
  if (q.rule_id) {
    where += " AND t.rule_id = ?";
    p.push_back(q.rule_id);
  }
  if (q.customer_id) {
    where += " AND t.customer_id = ?";
    p.push_back(q.customer_id);
  }
  if (q.team_id) {
    where += " AND (t.team_id = ? OR t.assignee_id IN (SELECT id FROM users WHERE team_id = ?))";
    p.push_back(q.team_id);
    p.push_back(q.team_id);
  }
  if (q.overdue) {
    where += " AND t.state <> 'closed' AND t.deadline_at < ?";
    p.push_back(records_.clock().now());
  }
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(total, lease->query_one(std::string("SELECT COUNT(*)") + kTaskFrom + where, p));
  db::Params page = p;
  page.push_back(static_cast<int64_t>(q.limit));
  page.push_back(q.offset);
  KAM_TRY(rows, lease->query(std::string("SELECT ") + kTaskColumns + kTaskFrom + where +
                                 " ORDER BY " + sort->second + ", t.id LIMIT ? OFFSET ?",
                             page));
  json items = json::array();
  for (const auto& r : rows) {
    KAM_TRY(j, task_json(*lease, r));
    items.push_back(std::move(j));
  }
  // Counts by state for the inbox badges, under the same filters but the state.
  int64_t n = total ? total->i64(0) : 0;
  int64_t next = q.offset + q.limit;
  return json{{"items", items},
              {"next_cursor", next < n ? json(std::to_string(next)) : json(nullptr)},
              {"total", n}};
}

Result<json> AlertService::get_task(const Actor& a, int64_t id) {
  if (!a.can(domain::Perm::kArchiveRead))
    return Error::forbidden("your role cannot see alert tasks");
  KAM_TRY(lease, records_.db().acquire());
  auto scope = customer_scope_sql(a, "c");
  db::Params p = {id};
  p.insert(p.end(), scope.params.begin(), scope.params.end());
  KAM_TRY(row, lease->query_one(std::string("SELECT ") + kTaskColumns + kTaskFrom +
                                    " WHERE t.id = ? AND " + scope.sql,
                                p));
  if (!row) return Error::not_found("alert task");
  KAM_TRY(out, task_json(*lease, *row));
  KAM_TRY(
      events,
      lease->query("SELECT e.at, e.user_id, (SELECT display_name FROM users WHERE id = e.user_id), "
                   "e.action, e.from_state, "
                   "e.to_state, e.note FROM alert_task_events e WHERE e.task_id = ? ORDER BY e.id",
                   {id}));
  json history = json::array({{{"at", out["created_at"]},
                               {"action", "created"},
                               {"to_state", "open"},
                               {"user", nullptr}}});
  for (const auto& e : events) {
    json h = {{"at", iso8601(e.i64(0))},
              {"user", e.is_null(1) ? json(nullptr) : json{{"id", e.i64(1)}, {"name", e.text(2)}}},
              {"action", e.text(3)},
              {"from_state", e.opt_text(4) ? json(e.text(4)) : json(nullptr)},
              {"to_state", e.opt_text(5) ? json(e.text(5)) : json(nullptr)},
              {"note", e.opt_text(6) ? json(e.text(6)) : json(nullptr)}};
    // A close is stored as "outcome[: reason]": give the outcome code and the reason apart so
    // the page can say the outcome in words.
    if (h["action"] == "close" && h["note"].is_string()) {
      std::string note = h["note"].get<std::string>();
      for (const char* o : {"retained", "offer_made", "escalated", "lost"}) {
        std::string code = o;
        if (note == code || note.rfind(code + ": ", 0) == 0) {
          h["outcome"] = code;
          h["reason"] =
              note.size() > code.size() ? json(note.substr(code.size() + 2)) : json(nullptr);
          break;
        }
      }
    }
    // A reassignment by handover says so (the note holds the word "handover").
    if (h["action"] == "reassign" && h["note"] == "handover") h["via"] = "handover";
    history.push_back(std::move(h));
  }
  out["history"] = history;
  out["allowed_actions"] = allowed_actions(out["state"], is_supervisor(a));
  // The matched members by number (masked for roles without the right).
  json members = json::array();
  for (const auto& m : out["detail"].value("sample_members", json::array())) {
    KAM_TRY(mr, lease->query_one("SELECT id, number, name FROM members WHERE id = ?",
                                 {m.get<int64_t>()}));
    if (!mr) continue;
    json rec = {{"id", mr->i64(0)}, {"number", mr->text(1)}, {"name", mr->text(2)}};
    Records::mask(a, domain::member_spec(), rec);
    members.push_back(rec);
  }
  out["members"] = members;
  return out;
}

Result<json> AlertService::transition(const Actor& a, int64_t id, const std::string& action,
                                      const json& body) {
  if (!a.can(domain::Perm::kArchiveRead))
    return Error::forbidden("your role cannot work on alert tasks");
  bool sup = is_supervisor(a);
  if ((action == "reassign" || action == "reopen") && !sup)
    return Error::forbidden("only supervisors and admins " + action + " tasks");
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(tx, db::Transaction::begin(lease));
  auto& c = tx.conn();
  auto scope = customer_scope_sql(a, "c");
  db::Params p = {id};
  p.insert(p.end(), scope.params.begin(), scope.params.end());
  KAM_TRY(row, c.query_one("SELECT t.state, t.version, t.assignee_id, t.customer_id, t.team_id "
                           "FROM alert_tasks t JOIN customers c "
                           "ON c.id = t.customer_id WHERE t.id = ? AND " +
                               scope.sql,
                           p));
  if (!row) return Error::not_found("alert task");
  std::string state = row->text(0);
  int64_t version = row->i64(1), customer = row->i64(3);
  std::optional<int64_t> assignee = row->opt_i64(2);
  // Only the assignee works a task; supervisors and admins may act on any task in their scope.
  // Decided before the body is read.
  if (!sup && assignee && *assignee != a.user_id) {
    return Error::forbidden("this task belongs to someone else; ask them or their supervisor");
  }
  if (!sup && !assignee && a.role != domain::Role::kAccountManager &&
      a.role != domain::Role::kPhoneManager) {
    return Error::forbidden("your role cannot work on team tasks");
  }
  if (!body.is_object()) return Error::invalid("", "the request body must be a JSON object");
  if (!body.contains("version") || !body["version"].is_number_integer())
    return Error::invalid("version", "is required: send the version you read");
  if (version != body["version"].get<int64_t>()) {
    return Error::conflict("this task was changed by someone else (now version " +
                               std::to_string(version) + "); reload and try again",
                           "version");
  }
  auto allowed = allowed_actions(state, sup);
  if (std::find(allowed.begin(), allowed.end(), action) == allowed.end()) {
    return Error::conflict(
        "cannot " + action + " a task that is " + state + "; allowed now: " + join(allowed),
        "state");
  }
  int64_t now = records_.clock().now();
  std::string to = state, note;
  std::string set = "state = ?, updated_at = ?, version = version + 1";
  db::Params sp;
  std::optional<int64_t> contact_id;
  if (action == "accept") {
    to = "accepted";
    if (!assignee) {
      set += ", assignee_id = ?";  // taking a team task makes it yours
      sp.push_back(a.user_id);
    }
  } else if (action == "contact") {
    if (!body.contains("contact") || !body["contact"].is_object()) {
      return Error::invalid("contact",
                            "is required: the contact record (channel, subject, outcome …)");
    }
    json contact = body["contact"];
    if (!contact.contains("occurred_at")) contact["occurred_at"] = iso8601(now);
    auto created = records_.create_in(c, a, domain::contact_spec(),
                                      archive_.hooks(domain::contact_spec()), contact, customer);
    if (!created) {
      Error e = created.error();
      if (!e.field.empty()) e.field = "contact." + e.field;
      return e;
    }
    contact_id = (*created)["id"].get<int64_t>();
    to = "contacted";
    set += ", contact_id = ?";
    sp.push_back(*contact_id);
    // The history keeps the contact's subject and what the user noted about it.
    note = (*created)["subject"].get<std::string>();
    if (created->contains("summary") && (*created)["summary"].is_string() &&
        !(*created)["summary"].get<std::string>().empty())
      note += " — " + (*created)["summary"].get<std::string>();
  } else if (action == "close") {
    static const std::vector<std::string> outcomes = {"retained", "offer_made", "escalated",
                                                      "lost"};
    if (!body.contains("outcome") || !body["outcome"].is_string() ||
        std::find(outcomes.begin(), outcomes.end(), body["outcome"].get<std::string>()) ==
            outcomes.end()) {
      return Error::invalid("outcome", "must be retained, offer_made, escalated or lost");
    }
    std::string outcome = body["outcome"].get<std::string>();
    std::string reason = body.contains("reason") && body["reason"].is_string()
                             ? body["reason"].get<std::string>()
                             : "";
    if ((outcome == "lost" || outcome == "escalated") && reason.empty()) {
      return Error::invalid("reason", "is required when the outcome is " + outcome);
    }
    if (utf8_length(reason) > 1000)
      return Error::invalid("reason", "is longer than 1000 characters");
    to = "closed";
    set += ", outcome = ?, outcome_reason = ?, closed_at = ?";
    sp.insert(sp.end(), {outcome, reason.empty() ? db::Value(nullptr) : db::Value(reason), now});
    note = outcome + (reason.empty() ? "" : ": " + reason);
  } else if (action == "reopen") {
    to = "open";
    set += ", outcome = NULL, outcome_reason = NULL, closed_at = NULL";
    note = body.value("reason", "");
  } else if (action == "reassign") {
    if (!body.contains("assignee_id") || !body["assignee_id"].is_number_integer())
      return Error::invalid("assignee_id", "is required");
    int64_t to_user = body["assignee_id"].get<int64_t>();
    KAM_TRY(u, c.query_one("SELECT role, active, display_name, team_id FROM users WHERE id = ?",
                           {to_user}));
    if (!u || !u->i64(1)) return Error::invalid("assignee_id", "no such active user");
    // A supervisor hands tasks to their own teams' people (or takes them), no one else's.
    if (a.role == domain::Role::kSupervisor && to_user != a.user_id) {
      auto team = u->opt_i64(3);
      const auto& mine = a.supervised_team_ids;
      if (!team || std::find(mine.begin(), mine.end(), *team) == mine.end())
        return Error::invalid("assignee_id", "is not in a team you supervise");
    }
    std::string role = u->text(0);
    if (role != "account_manager" && role != "phone_manager" && role != "supervisor") {
      return Error::invalid("assignee_id",
                            "tasks go to account managers, phone managers or supervisors");
    }
    set += ", assignee_id = ?";
    sp.push_back(to_user);
    note = "→ " + u->text(2);
  }
  db::Params params = {to, now};
  params.insert(params.end(), sp.begin(), sp.end());
  params.push_back(id);
  params.push_back(version);
  KAM_TRY(n, c.exec("UPDATE alert_tasks SET " + set + " WHERE id = ? AND version = ?", params));
  if (n != 1)
    return Error::conflict("this task was changed by someone else; reload and try again",
                           "version");
  KAM_CHECK(
      c.exec("INSERT INTO alert_task_events(task_id, at, user_id, action, from_state, to_state, "
             "note) VALUES (?, ?, ?, ?, ?, ?, ?)",
             {id, now, a.user_id ? db::Value(a.user_id) : db::Value(nullptr), action, state, to,
              note.empty() ? db::Value(nullptr) : db::Value(note)}));
  if (action == "reassign") {
    int64_t to_user = body["assignee_id"].get<int64_t>();
    if (to_user != a.user_id) KAM_CHECK(notify_assignment(c, id, to_user, now));
  }
  KAM_CHECK(write_audit(c, records_.clock(), a, action, "alert_task", id, {{"state", state}},
                        {{"state", to},
                         {"note", note},
                         {"contact_id", contact_id ? json(*contact_id) : json(nullptr)}}));
  KAM_CHECK(tx.commit());
  return get_task(a, id);
}

Result<json> AlertService::summary(const Actor& a, int month) {
  if (!a.can(domain::Perm::kArchiveRead))
    return Error::forbidden("your role cannot see alert tasks");
  KAM_TRY(lease, records_.db().acquire());
  auto scope = customer_scope_sql(a, "c");
  std::string where = " WHERE " + scope.sql;
  db::Params p = scope.params;
  if (month) {
    where += " AND t.month = ?";
    p.push_back(static_cast<int64_t>(month));
  }
  int64_t now = records_.clock().now();
  json out;
  auto group = [&](const std::string& key, const std::string& label) -> Result<json> {
    db::Params q = {now};
    q.insert(q.end(), p.begin(), p.end());
    KAM_TRY(rows,
            lease->query(
                "SELECT " + key + ", MIN(" + label +
                    "), COUNT(*), SUM(CASE WHEN t.state <> 'closed' THEN 1 ELSE 0 END), "
                    "SUM(CASE WHEN t.state <> 'closed' AND t.deadline_at < ? THEN 1 ELSE 0 END), "
                    "SUM(CASE WHEN t.outcome = 'retained' THEN 1 ELSE 0 END), "
                    "SUM(CASE WHEN t.outcome = 'offer_made' THEN 1 ELSE 0 END), "
                    "SUM(CASE WHEN t.outcome = 'escalated' THEN 1 ELSE 0 END), "
                    "SUM(CASE WHEN t.outcome = 'lost' THEN 1 ELSE 0 END), "
                    "SUM(CASE WHEN t.state = 'closed' AND t.closed_at <= t.deadline_at THEN 1 ELSE "
                    "0 END)" +
                    std::string(kTaskFrom) + where + " GROUP BY " + key + " ORDER BY 3 DESC",
                q));
    json items = json::array();
    for (const auto& r : rows) {
      int64_t closed = r.i64(5) + r.i64(6) + r.i64(7) + r.i64(8);
      items.push_back({{"key", r.is_null(0) ? json(nullptr) : json(r.text(0))},
                       {"label", r.opt_text(1) ? json(r.text(1)) : json(nullptr)},
                       {"total", r.i64(2)},
                       {"active", r.i64(3)},
                       {"overdue", r.i64(4)},
                       {"outcomes",
                        {{"retained", r.i64(5)},
                         {"offer_made", r.i64(6)},
                         {"escalated", r.i64(7)},
                         {"lost", r.i64(8)}}},
                       {"closed_on_time", r.i64(9)},
                       {"retention_rate", closed ? json(static_cast<double>(r.i64(5) + r.i64(6)) /
                                                        static_cast<double>(closed))
                                                 : json(nullptr)}});
    }
    return items;
  };
  KAM_TRY(by_state, group("t.state", "t.state"));
  KAM_TRY(by_manager,
          group("t.assignee_id", "(SELECT display_name FROM users WHERE id = t.assignee_id)"));
  KAM_TRY(by_team,
          group("COALESCE(t.team_id, (SELECT team_id FROM users WHERE id = t.assignee_id))",
                "(SELECT name FROM teams WHERE id = COALESCE(t.team_id, (SELECT team_id FROM users "
                "WHERE id = t.assignee_id)))"));
  KAM_TRY(by_rule, group("t.rule_id", "r.name"));
  KAM_TRY(by_severity, group("t.severity", "t.severity"));
  KAM_TRY(by_zone, group("COALESCE(t.zone, 'none')", "COALESCE(t.zone, 'none')"));
  json totals = {{"total", 0},      {"active", 0},    {"overdue", 0}, {"retained", 0},
                 {"offer_made", 0}, {"escalated", 0}, {"lost", 0}};
  for (const auto& s : by_state) {
    totals["total"] = totals["total"].get<int64_t>() + s["total"].get<int64_t>();
    totals["active"] = totals["active"].get<int64_t>() + s["active"].get<int64_t>();
    totals["overdue"] = totals["overdue"].get<int64_t>() + s["overdue"].get<int64_t>();
    for (const char* o : {"retained", "offer_made", "escalated", "lost"})
      totals[o] = totals[o].get<int64_t>() + s["outcomes"][o].get<int64_t>();
  }
  int64_t closed = totals["retained"].get<int64_t>() + totals["offer_made"].get<int64_t>() +
                   totals["escalated"].get<int64_t>() + totals["lost"].get<int64_t>();
  totals["retention_rate"] = closed
                                 ? json(static_cast<double>(totals["retained"].get<int64_t>() +
                                                            totals["offer_made"].get<int64_t>()) /
                                        static_cast<double>(closed))
                                 : json(nullptr);
  // My inbox: what is on the caller's own desk.
  KAM_TRY(mine,
          lease->query_one(
              "SELECT SUM(CASE WHEN state = 'open' THEN 1 ELSE 0 END), SUM(CASE WHEN state = "
              "'accepted' THEN 1 ELSE 0 END), "
              "SUM(CASE WHEN state = 'contacted' THEN 1 ELSE 0 END), "
              "SUM(CASE WHEN state <> 'closed' AND deadline_at < ? THEN 1 ELSE 0 END), "
              "SUM(CASE WHEN state <> 'closed' AND escalated_to = ? THEN 1 ELSE 0 END) "
              "FROM alert_tasks WHERE (assignee_id = ? OR escalated_to = ?) AND state <> 'closed'",
              {now, a.user_id, a.user_id, a.user_id}));
  out["mine"] = {{"open", mine ? mine->i64(0) : 0},
                 {"accepted", mine ? mine->i64(1) : 0},
                 {"contacted", mine ? mine->i64(2) : 0},
                 {"overdue", mine ? mine->i64(3) : 0},
                 {"escalated_to_me", mine ? mine->i64(4) : 0}};
  out["totals"] = totals;
  out["by_state"] = by_state;
  out["by_manager"] = by_manager;
  out["by_team"] = by_team;
  out["by_rule"] = by_rule;
  out["by_severity"] = by_severity;
  out["by_zone"] = by_zone;
  out["month"] = month ? json(domain::month_text(month)) : json(nullptr);
  return out;
}

Result<json> AlertService::customer_tasks(db::Connection& c, int64_t customer_id, bool open_only) {
  KAM_TRY(rows,
          c.query(std::string("SELECT ") + kTaskColumns + kTaskFrom + " WHERE t.customer_id = ?" +
                      (open_only ? " AND t.state <> 'closed'" : "") +
                      " ORDER BY t.priority DESC, t.id DESC LIMIT 50",
                  {customer_id}));
  json items = json::array();
  for (const auto& r : rows) {
    KAM_TRY(j, task_json(c, r));
    items.push_back(std::move(j));
  }
  return items;
}

Result<json> AlertService::tick(int64_t now) {
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(tx, db::Transaction::begin(lease));
  auto& c = tx.conn();
  int64_t reminded = 0, escalated = 0;
  // Reminders: a day before the deadline.
  KAM_TRY(due, c.query("SELECT t.id, t.assignee_id, c.name, r.name FROM alert_tasks t JOIN "
                       "customers c ON c.id = t.customer_id "
                       "JOIN alert_rules r ON r.id = t.rule_id WHERE t.state <> 'closed' AND "
                       "t.reminded_at IS NULL AND "
                       "t.assignee_id IS NOT NULL AND t.deadline_at > ? AND t.deadline_at <= ?",
                       {now, now + 86400}));
  for (const auto& r : due) {
    KAM_CHECK(c.exec("UPDATE alert_tasks SET reminded_at = ? WHERE id = ?", {now, r.i64(0)}));
    KAM_CHECK(
        c.exec("INSERT INTO notifications(user_id, kind, title, body, ref_type, ref_id, "
               "created_at) VALUES (?, 'reminder', ?, ?, "
               "'alert_task', ?, ?)",
               {r.i64(1), "预警任务即将到期：" + r.text(2), r.text(3), r.i64(0), now}));
    KAM_CHECK(c.exec(
        "INSERT INTO alert_task_events(task_id, at, action, note) VALUES (?, ?, 'reminded', NULL)",
        {r.i64(0), now}));
    ++reminded;
  }
  // Escalation: past the deadline, to the supervisor of the assignee's team (or the task's team).
  KAM_TRY(late,
          c.query("SELECT t.id, t.assignee_id, COALESCE((SELECT tm.supervisor_id FROM teams tm "
                  "WHERE tm.id = "
                  "COALESCE(t.team_id, (SELECT team_id FROM users WHERE id = t.assignee_id))), 0), "
                  "c.name, r.name "
                  "FROM alert_tasks t JOIN customers c ON c.id = t.customer_id JOIN alert_rules r "
                  "ON r.id = t.rule_id "
                  "WHERE t.state <> 'closed' AND t.escalated_at IS NULL AND t.deadline_at <= ?",
                  {now}));
  for (const auto& r : late) {
    int64_t sup = r.i64(2);
    KAM_CHECK(c.exec("UPDATE alert_tasks SET escalated_at = ?, escalated_to = ? WHERE id = ?",
                     {now, sup ? db::Value(sup) : db::Value(nullptr), r.i64(0)}));
    if (sup) {
      KAM_CHECK(
          c.exec("INSERT INTO notifications(user_id, kind, title, body, ref_type, ref_id, "
                 "created_at) VALUES (?, 'escalation', ?, ?, "
                 "'alert_task', ?, ?)",
                 {sup, "预警任务已超期升级：" + r.text(3), r.text(4), r.i64(0), now}));
    }
    if (!r.is_null(1)) {
      KAM_CHECK(
          c.exec("INSERT INTO notifications(user_id, kind, title, body, ref_type, ref_id, "
                 "created_at) VALUES (?, 'overdue', ?, ?, "
                 "'alert_task', ?, ?)",
                 {r.i64(1), "预警任务已超期：" + r.text(3), r.text(4), r.i64(0), now}));
    }
    KAM_CHECK(
        c.exec("INSERT INTO alert_task_events(task_id, at, user_id, action, note) VALUES (?, ?, ?, "
               "'escalated', NULL)",
               {r.i64(0), now, sup ? db::Value(sup) : db::Value(nullptr)}));
    ++escalated;
  }
  KAM_CHECK(tx.commit());
  return json{{"reminded", reminded}, {"escalated", escalated}};
}

Status AlertService::reassign_on_handover(db::Connection& c, int64_t customer_id, int64_t from_user,
                                          int64_t to_user, int64_t now) {
  KAM_TRY(rows, c.query("SELECT id FROM alert_tasks WHERE customer_id = ? AND assignee_id = ? AND "
                        "state <> 'closed'",
                        {customer_id, from_user}));
  for (const auto& r : rows) {
    KAM_CHECK(
        c.exec("UPDATE alert_tasks SET assignee_id = ?, updated_at = ?, version = version + 1 "
               "WHERE id = ?",
               {to_user, now, r.i64(0)}));
    KAM_CHECK(
        c.exec("INSERT INTO alert_task_events(task_id, at, action, note) VALUES (?, ?, 'reassign', "
               "'handover')",
               {r.i64(0), now}));
    KAM_CHECK(notify_assignment(c, r.i64(0), to_user, now));
  }
  return {};
}

Result<json> AlertService::notifications(const Actor& a, bool unread_only, int limit) {
  if (limit < 1 || limit > 200) return Error::invalid("limit", "must be between 1 and 200");
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(rows, lease->query(std::string("SELECT id, kind, title, body, ref_type, ref_id, "
                                         "created_at, read_at FROM notifications WHERE "
                                         "user_id = ?") +
                                 (unread_only ? " AND read_at IS NULL" : "") +
                                 " ORDER BY id DESC LIMIT ?",
                             {a.user_id, static_cast<int64_t>(limit)}));
  KAM_TRY(unread, lease->query_one(
                      "SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at IS NULL",
                      {a.user_id}));
  json items = json::array();
  for (const auto& r : rows) {
    items.push_back({{"id", r.i64(0)},
                     {"kind", r.text(1)},
                     {"title", r.text(2)},
                     {"body", r.opt_text(3) ? json(r.text(3)) : json(nullptr)},
                     {"ref_type", r.opt_text(4) ? json(r.text(4)) : json(nullptr)},
                     {"ref_id", r.is_null(5) ? json(nullptr) : json(r.i64(5))},
                     {"created_at", iso8601(r.i64(6))},
                     {"read", !r.is_null(7)}});
  }
  return json{{"items", items},
              {"next_cursor", nullptr},
              {"total", items.size()},
              {"unread", unread ? unread->i64(0) : 0}};
}

Status AlertService::mark_read(const Actor& a, int64_t id) {
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(
      n,
      lease->exec(
          "UPDATE notifications SET read_at = ? WHERE id = ? AND user_id = ? AND read_at IS NULL",
          {records_.clock().now(), id, a.user_id}));
  if (n == 0) {
    KAM_TRY(mine, lease->query_one("SELECT id FROM notifications WHERE id = ? AND user_id = ?",
                                   {id, a.user_id}));
    if (!mine) return Error::not_found("notification");
  }
  return {};
}

Result<json> AlertService::mark_all_read(const Actor& a) {
  if (!a.user_id) return Error::forbidden("only a signed-in person has notifications");
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(n,
          lease->exec("UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL",
                      {records_.clock().now(), a.user_id}));
  KAM_TRY(left, lease->query_one(
                    "SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at IS NULL",
                    {a.user_id}));
  return json{{"marked", static_cast<int64_t>(n)}, {"unread", left ? left->i64(0) : 0}};
}

}  // namespace kam::services
