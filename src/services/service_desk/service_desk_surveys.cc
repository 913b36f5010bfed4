// Satisfaction (回访): callback surveys after closing a work order or completing an order,
// periodic surveys per customer, follow-ups of dissatisfied answers until the customer is
// satisfied or a supervisor closes them with a reason, figures by customer, manager, team,
// type and month, and the complaint penalties for the appraisal.

#include <algorithm>
#include <map>

#include "services/core/audit.h"
#include "services/service_desk/service_desk_internal.h"
#include "services/service_desk/service_desk_service.h"

namespace kam::services {

using namespace desk;  // NOLINT

namespace {

constexpr const char* kSurveyColumns =
    "s.id, s.customer_id, c.name, s.source_type, s.source_id, s.state, s.due_at, s.team_id, "
    "tm.name, s.work_type, "
    "s.score, s.comment, s.channel, s.surveyed_by, us.display_name, s.manager_id, um.display_name, "
    "s.completed_at, "
    "s.created_at, s.version, (SELECT f.id FROM survey_followups f WHERE f.survey_id = s.id), "
    "(SELECT code FROM work_orders WHERE s.source_type = 'work_order' AND id = s.source_id)";
constexpr const char* kSurveyFrom =
    " FROM surveys s JOIN customers c ON c.id = s.customer_id LEFT JOIN teams tm ON tm.id = "
    "s.team_id "
    "LEFT JOIN users us ON us.id = s.surveyed_by LEFT JOIN users um ON um.id = s.manager_id";

json survey_json(const db::Row& r) {
  return {{"id", r.i64(0)},
          {"customer_id", r.i64(1)},
          {"customer_name", r.text(2)},
          {"source_type", r.text(3)},
          {"source_id", opt_id(r, 4)},
          {"source_code", opt_text(r, 21)},
          {"state", r.text(5)},
          {"due_at", iso8601(r.i64(6))},
          {"team", ref(r, 7, 8)},
          {"work_type", opt_text(r, 9)},
          {"score", opt_id(r, 10)},
          {"comment", opt_text(r, 11)},
          {"channel", opt_text(r, 12)},
          {"surveyed_by", ref(r, 13, 14)},
          {"manager", ref(r, 15, 16)},
          {"completed_at", opt_time(r, 17)},
          {"created_at", iso8601(r.i64(18))},
          {"followup_id", opt_id(r, 20)},
          {"version", r.i64(19)}};
}

// Surveys the actor sees: their customers', and their team's callbacks.
ScopeSql survey_scope(const Actor& a) {
  auto c = customer_scope_sql(a, "c");
  if (c.all) return c;
  std::vector<int64_t> teams = a.supervised_team_ids;
  if (a.team_id) teams.push_back(*a.team_id);
  if (!teams.empty()) {
    c.sql = "(" + c.sql + " OR s.team_id IN " + db::placeholders(teams.size()) + ")";
    for (auto t : teams) c.params.push_back(t);
  }
  return c;
}

constexpr const char* kFollowupColumns =
    "f.id, f.survey_id, f.customer_id, c.name, f.work_order_id, f.assignee_id, u.display_name, "
    "f.state, f.due_at, "
    "f.attempts, f.last_score, f.note, f.close_reason, f.closed_by, uc.display_name, f.closed_at, "
    "f.created_at, f.version";
constexpr const char* kFollowupFrom =
    " FROM survey_followups f JOIN customers c ON c.id = f.customer_id JOIN surveys s ON s.id = "
    "f.survey_id "
    "LEFT JOIN users u ON u.id = f.assignee_id LEFT JOIN users uc ON uc.id = f.closed_by";

json followup_json(const db::Row& r, int64_t now) {
  std::string state = r.text(7);
  return {{"id", r.i64(0)},
          {"survey_id", r.i64(1)},
          {"customer_id", r.i64(2)},
          {"customer_name", r.text(3)},
          {"work_order_id", opt_id(r, 4)},
          {"assignee", ref(r, 5, 6)},
          {"state", state},
          {"due_at", iso8601(r.i64(8))},
          {"overdue", state == "open" && r.i64(8) < now},
          {"attempts", r.i64(9)},
          {"last_score", opt_id(r, 10)},
          {"note", opt_text(r, 11)},
          {"close_reason", opt_text(r, 12)},
          {"closed_by", ref(r, 13, 14)},
          {"closed_at", opt_time(r, 15)},
          {"created_at", iso8601(r.i64(16))},
          {"version", r.i64(17)}};
}

struct Answer {
  int score = 0;
  std::optional<std::string> comment;
  std::string channel;
  int64_t version = 0;
};

Result<Answer> answer_field(const json& body) {
  KAM_CHECK(only_fields(body, {"score", "comment", "channel", "version"}, "a survey answer"));
  Answer ans;
  if (!body.contains("score") || !body["score"].is_number_integer() ||
      body["score"].get<int>() < 1 || body["score"].get<int>() > 5) {
    return Error::invalid(
        "score", "is required: a whole number from 1 (very dissatisfied) to 5 (very satisfied)");
  }
  ans.score = body["score"].get<int>();
  KAM_TRY(comment, text_field(body, "comment", 1000, true));
  ans.comment = comment;
  ans.channel = "phone";
  if (body.contains("channel") && !body["channel"].is_null()) {
    if (!body["channel"].is_string() ||
        !domain::is_one_of(domain::survey_channels(), body["channel"].get<std::string>())) {
      return Error::invalid("channel", "must be one of: " + join(domain::survey_channels()));
    }
    ans.channel = body["channel"].get<std::string>();
  }
  KAM_TRY(v, version_field(body));
  ans.version = v;
  return ans;
}

}  // namespace

Result<int64_t> ServiceDeskService::schedule_survey(db::Connection& c, int64_t customer_id,
                                                    const std::string& source_type,
                                                    int64_t source_id, int64_t due_at,
                                                    const std::string& work_type,
                                                    std::optional<int64_t> team_id) {
  std::string key = source_type + ":" + std::to_string(source_id);
  KAM_TRY(existing, c.query_one("SELECT id FROM surveys WHERE dedup_key = ?", {key}));
  if (existing) {
    // A reopened and closed-again work order: the callback not made yet moves to the new date.
    KAM_CHECK(
        c.exec("UPDATE surveys SET due_at = ?, updated_at = ?, version = version + 1 WHERE id = ? "
               "AND state = 'pending'",
               {due_at, records_.clock().now(), existing->i64(0)}));
    return existing->i64(0);
  }
  int64_t now = records_.clock().now();
  KAM_TRY(rows, c.query("INSERT INTO surveys(customer_id, source_type, source_id, dedup_key, "
                        "due_at, team_id, work_type, "
                        "manager_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, (SELECT "
                        "account_manager_id FROM "
                        "customers WHERE id = ?), ?, ?) RETURNING id",
                        {customer_id, source_type, source_id, key, due_at, db::opt(team_id),
                         work_type.empty() ? db::Value(nullptr) : db::Value(work_type), customer_id,
                         now, now}));
  return rows[0].i64(0);
}

Result<int64_t> ServiceDeskService::schedule_order_callback(db::Connection& c, int64_t customer_id,
                                                            int64_t order_id,
                                                            int64_t completed_at) {
  KAM_TRY(cfg, load_config(c));
  KAM_TRY(exists, c.query_one("SELECT 1 FROM customers WHERE id = ?", {customer_id}));
  if (!exists) return Error::invalid("customer_id", "no such customer");
  return schedule_survey(
      c, customer_id, "order", order_id, completed_at + cfg.survey_delay_hours * 3600, "order",
      cfg.survey_team_id ? std::optional<int64_t>(cfg.survey_team_id) : std::nullopt);
}

Result<std::optional<json>> ServiceDeskService::load_survey(db::Connection& c, const Actor& a,
                                                            int64_t id) {
  auto scope = survey_scope(a);
  db::Params p = {id};
  p.insert(p.end(), scope.params.begin(), scope.params.end());
  KAM_TRY(rows, c.query(std::string("SELECT ") + kSurveyColumns + kSurveyFrom +
                            " WHERE s.id = ? AND " + scope.sql,
                        p));
  if (rows.empty()) return std::optional<json>{};
  return std::optional<json>(survey_json(rows[0]));
}

Result<json> ServiceDeskService::list_surveys(const Actor& a, const ListQuery& q) {
  if (!a.can(domain::Perm::kSurveyWork) && !a.can(domain::Perm::kSatisfactionRead)) {
    return Error::forbidden("your role cannot read satisfaction surveys");
  }
  KAM_CHECK(known_params(q, {"state", "source_type", "customer_id", "due"}, "surveys"));
  auto scope = survey_scope(a);
  std::string where = scope.sql;
  db::Params p = scope.params;
  if (auto s = param(q, "state"); !s.empty()) {
    if (!domain::is_one_of(domain::survey_states(), s))
      return Error::invalid("state", "must be one of: " + join(domain::survey_states()));
    where += " AND s.state = ?";
    p.push_back(s);
  }
  if (auto s = param(q, "source_type"); !s.empty()) {
    static const std::vector<std::string> sources = {"work_order", "order", "periodic", "manual"};
    if (!domain::is_one_of(sources, s))
      return Error::invalid("source_type", "must be one of: " + join(sources));
    where += " AND s.source_type = ?";
    p.push_back(s);
  }
  KAM_TRY(customer, id_param(q, "customer_id"));
  if (customer) {
    where += " AND s.customer_id = ?";
    p.push_back(customer);
  }
  int64_t now = records_.clock().now();
  if (auto d = param(q, "due"); !d.empty()) {
    if (d != "1") return Error::invalid("due", "must be 1");
    where += " AND s.state = 'pending' AND s.due_at <= ?";
    p.push_back(now);
  }
  KAM_TRY(offset, offset_cursor(q));
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(count,
          lease->query_one(std::string("SELECT COUNT(*)") + kSurveyFrom + " WHERE " + where, p));
  p.push_back(static_cast<int64_t>(q.limit + 1));
  p.push_back(offset);
  KAM_TRY(rows,
          lease->query(std::string("SELECT ") + kSurveyColumns + kSurveyFrom + " WHERE " + where +
                           " ORDER BY CASE WHEN s.state = 'pending' THEN 0 ELSE 1 END, s.due_at, "
                           "s.id LIMIT ? OFFSET ?",
                       p));
  json items = json::array();
  for (size_t i = 0; i < rows.size() && i < static_cast<size_t>(q.limit); ++i)
    items.push_back(survey_json(rows[i]));
  json next = rows.size() > static_cast<size_t>(q.limit) ? json(std::to_string(offset + q.limit))
                                                         : json(nullptr);
  return json{{"items", items}, {"next_cursor", next}, {"total", count ? count->i64(0) : 0}};
}

Result<json> ServiceDeskService::get_survey(const Actor& a, int64_t id) {
  if (!a.can(domain::Perm::kSurveyWork) && !a.can(domain::Perm::kSatisfactionRead)) {
    return Error::forbidden("your role cannot read satisfaction surveys");
  }
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(s, load_survey(*lease, a, id));
  if (!s) return Error::not_found("survey");
  return *s;
}

Result<json> ServiceDeskService::complete_survey(const Actor& a, int64_t id, const json& body) {
  if (!a.can(domain::Perm::kSurveyWork))
    return Error::forbidden("your role cannot make satisfaction callbacks");
  // Scope before the body: a survey outside it answers 404 whatever the body holds.
  const Clock& clock = records_.clock();
  int64_t now = clock.now();
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(tx, db::Transaction::begin(lease));
  auto& c = tx.conn();
  KAM_TRY(before, load_survey(c, a, id));
  if (!before) return Error::not_found("survey");
  KAM_TRY(ans, answer_field(body));
  if ((*before)["state"] != "pending") {
    return Error::conflict(
        "this survey is " + (*before)["state"].get<std::string>() + " already; allowed: none",
        "state");
  }
  if ((*before)["version"].get<int64_t>() != ans.version) {
    return Error::conflict("this survey was changed by someone else; reload and try again",
                           "version");
  }
  KAM_TRY(
      n,
      c.exec("UPDATE surveys SET state = 'completed', score = ?, comment = ?, channel = ?, "
             "surveyed_by = ?, "
             "completed_at = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?",
             {int64_t{ans.score}, db::opt(ans.comment), ans.channel, who(a), now, now, id,
              ans.version}));
  if (n == 0)
    return Error::conflict("this survey was changed by someone else; reload and try again",
                           "version");
  KAM_TRY(cfg, load_config(c));
  int64_t customer = (*before)["customer_id"];
  if (ans.score <= cfg.dissatisfied_max_score) {
    // Dissatisfied: a follow-up for the account manager, tracked until settled.
    std::optional<int64_t> wo;
    if ((*before)["source_type"] == "work_order") wo = (*before)["source_id"].get<int64_t>();
    KAM_TRY(am,
            c.query_one("SELECT account_manager_id, name FROM customers WHERE id = ?", {customer}));
    KAM_CHECK(
        c.exec("INSERT INTO survey_followups(survey_id, customer_id, work_order_id, assignee_id, "
               "due_at, last_score, "
               "note, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
               {id, customer, db::opt(wo), am->i64(0), now + int64_t{cfg.followup_days} * 86400,
                int64_t{ans.score}, db::opt(ans.comment), now, now}));
    KAM_CHECK(notify(c, am->i64(0), "followup", "客户回访不满意，请跟进：" + am->text(1),
                     ans.comment.value_or(""), "survey", id, now));
    if (wo) {
      KAM_CHECK(add_event(c, *wo, now, a, "dissatisfied", "", "", ans.comment.value_or(""),
                          {{"score", ans.score}}));
    }
  } else if ((*before)["source_type"] == "work_order") {
    KAM_CHECK(add_event(c, (*before)["source_id"].get<int64_t>(), now, a, "surveyed", "", "",
                        ans.comment.value_or(""), {{"score", ans.score}}));
  }
  KAM_TRY(after, load_survey(c, Actor::system(), id));
  KAM_CHECK(write_audit(c, clock, a, "complete", "survey", id, *before, *after));
  KAM_CHECK(tx.commit());
  return *after;
}

Result<json> ServiceDeskService::generate_periodic(const Actor& a, std::string today) {
  if (!a.can(domain::Perm::kWorkOrderManage))
    return Error::forbidden("generating periodic surveys needs the supervisor role");
  const Clock& clock = records_.clock();
  if (today.empty()) today = shanghai_date(clock.now());
  auto day = days_from_date(today);
  if (!day) return Error::invalid("date", "must be a date YYYY-MM-DD");
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(cfg, load_config(*lease));
  if (!cfg.periodic_survey_months)
    return json{{"date", today}, {"period", nullptr}, {"created", 0}};
  // The period the day `lead` days ahead falls in (quarters by default: Jan, Apr, Jul, Oct).
  std::string ahead = date_from_days(*day + cfg.periodic_lead_days);
  int year = std::stoi(ahead.substr(0, 4)), month = std::stoi(ahead.substr(5, 2));
  int start_month = (month - 1) / cfg.periodic_survey_months * cfg.periodic_survey_months + 1;
  char period[8] = {static_cast<char>('0' + year / 1000),
                    static_cast<char>('0' + year / 100 % 10),
                    static_cast<char>('0' + year / 10 % 10),
                    static_cast<char>('0' + year % 10),
                    '-',
                    static_cast<char>('0' + start_month / 10),
                    static_cast<char>('0' + start_month % 10),
                    0};
  std::string period_start = std::string(period) + "-01";
  int64_t due = std::max(*days_from_date(period_start), *day) * 86400 + 3600;  // 09:00 Shanghai
  int64_t now = clock.now();
  KAM_TRY(tx, db::Transaction::begin(lease));
  KAM_TRY(n, tx->exec("INSERT INTO surveys(customer_id, source_type, source_id, dedup_key, due_at, "
                      "manager_id, work_type, "
                      "created_at, updated_at) SELECT c.id, 'periodic', NULL, 'periodic:' || "
                      "CAST(c.id AS TEXT) || ':' || ?, ?, "
                      "c.account_manager_id, 'periodic', ?, ? FROM customers c WHERE c.status = "
                      "'active' AND c.parent_id IS NULL "
                      "ON CONFLICT (dedup_key) DO NOTHING",
                      {std::string(period), due, now, now}));
  json out = {{"date", today}, {"period", period}, {"created", n}};
  KAM_CHECK(write_audit(tx.conn(), clock, a, "generate", "survey", 0, nullptr, out));
  KAM_CHECK(tx.commit());
  return out;
}

// --- Follow-ups --------------------------------------------------------------------------

Result<std::optional<json>> ServiceDeskService::load_followup(db::Connection& c, const Actor& a,
                                                              int64_t id) {
  auto scope = survey_scope(a);
  db::Params p = {id, a.user_id};
  p.insert(p.end(), scope.params.begin(), scope.params.end());
  KAM_TRY(rows, c.query(std::string("SELECT ") + kFollowupColumns + kFollowupFrom +
                            " WHERE f.id = ? AND (f.assignee_id = ? OR " + scope.sql + ")",
                        p));
  if (rows.empty()) return std::optional<json>{};
  return std::optional<json>(followup_json(rows[0], records_.clock().now()));
}

Result<json> ServiceDeskService::list_followups(const Actor& a, const ListQuery& q) {
  if (!a.can(domain::Perm::kSurveyWork) && !a.can(domain::Perm::kSatisfactionRead)) {
    return Error::forbidden("your role cannot read follow-ups");
  }
  KAM_CHECK(known_params(q, {"state", "customer_id"}, "follow-ups"));
  auto scope = survey_scope(a);
  std::string where = "(f.assignee_id = ? OR " + scope.sql + ")";
  db::Params p = {a.user_id};
  p.insert(p.end(), scope.params.begin(), scope.params.end());
  if (auto s = param(q, "state"); !s.empty()) {
    if (!domain::is_one_of(domain::followup_states(), s))
      return Error::invalid("state", "must be one of: " + join(domain::followup_states()));
    where += " AND f.state = ?";
    p.push_back(s);
  }
  KAM_TRY(customer, id_param(q, "customer_id"));
  if (customer) {
    where += " AND f.customer_id = ?";
    p.push_back(customer);
  }
  KAM_TRY(lease, records_.db().acquire());
  p.push_back(static_cast<int64_t>(q.limit));
  KAM_TRY(rows,
          lease->query(
              std::string("SELECT ") + kFollowupColumns + kFollowupFrom + " WHERE " + where +
                  " ORDER BY CASE WHEN f.state = 'open' THEN 0 ELSE 1 END, f.due_at, f.id LIMIT ?",
              p));
  json items = json::array();
  int64_t now = records_.clock().now();
  for (const auto& r : rows) items.push_back(followup_json(r, now));
  return json{{"items", items}, {"next_cursor", nullptr}, {"total", items.size()}};
}

Result<json> ServiceDeskService::record_followup(const Actor& a, int64_t id, const json& body) {
  if (!a.can(domain::Perm::kSurveyWork))
    return Error::forbidden("your role cannot work follow-ups");
  const Clock& clock = records_.clock();
  int64_t now = clock.now();
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(tx, db::Transaction::begin(lease));
  auto& c = tx.conn();
  KAM_TRY(before, load_followup(c, a, id));
  if (!before) return Error::not_found("follow-up");
  KAM_TRY(ans, answer_field(body));
  if ((*before)["state"] != "open") {
    return Error::conflict(
        "this follow-up is " + (*before)["state"].get<std::string>() + "; allowed: none", "state");
  }
  if ((*before)["version"].get<int64_t>() != ans.version) {
    return Error::conflict("this follow-up was changed by someone else; reload and try again",
                           "version");
  }
  KAM_TRY(cfg, load_config(c));
  bool satisfied = ans.score > cfg.dissatisfied_max_score;
  KAM_TRY(n, c.exec("UPDATE survey_followups SET state = ?, attempts = attempts + 1, last_score = "
                    "?, note = ?, "
                    "closed_by = CASE WHEN ? = 1 THEN ? ELSE closed_by END, closed_at = CASE WHEN "
                    "? = 1 THEN ? ELSE closed_at END, "
                    "updated_at = ?, version = version + 1 WHERE id = ? AND version = ?",
                    {satisfied ? "satisfied" : "open", int64_t{ans.score}, db::opt(ans.comment),
                     int64_t{satisfied}, who(a), int64_t{satisfied}, now, now, id, ans.version}));
  if (n == 0)
    return Error::conflict("this follow-up was changed by someone else; reload and try again",
                           "version");
  // The follow-up call is a survey answer too: it counts in the satisfaction figures.
  KAM_TRY(s, c.query_one("SELECT customer_id, team_id, work_type FROM surveys WHERE id = ?",
                         {(*before)["survey_id"].get<int64_t>()}));
  KAM_TRY(
      rows,
      c.query("INSERT INTO surveys(customer_id, source_type, source_id, dedup_key, state, due_at, "
              "team_id, work_type, "
              "score, comment, channel, surveyed_by, manager_id, completed_at, created_at, "
              "updated_at) VALUES "
              "(?, 'followup', ?, ?, 'completed', ?, ?, ?, ?, ?, ?, ?, (SELECT account_manager_id "
              "FROM customers "
              "WHERE id = ?), ?, ?, ?) RETURNING id",
              {s->i64(0), id, "followup:" + std::to_string(id) + ":" + std::to_string(ans.version),
               now, s->is_null(1) ? db::Value(nullptr) : db::Value(s->i64(1)),
               s->opt_text(2) ? db::Value(s->text(2)) : db::Value(nullptr), int64_t{ans.score},
               db::opt(ans.comment), ans.channel, who(a), s->i64(0), now, now, now}));
  (void)rows;
  KAM_TRY(after, load_followup(c, Actor::system(), id));
  KAM_CHECK(write_audit(c, clock, a, "record", "survey_followup", id, *before, *after));
  KAM_CHECK(tx.commit());
  return *after;
}

Result<json> ServiceDeskService::close_followup(const Actor& a, int64_t id, const json& body) {
  if (!a.can(domain::Perm::kWorkOrderManage))
    return Error::forbidden("only a supervisor closes a follow-up that cannot be settled");
  const Clock& clock = records_.clock();
  int64_t now = clock.now();
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(tx, db::Transaction::begin(lease));
  KAM_TRY(before, load_followup(tx.conn(), a, id));
  if (!before) return Error::not_found("follow-up");
  KAM_CHECK(only_fields(body, {"reason", "version"}, "closing a follow-up"));
  KAM_TRY(reason, text_field(body, "reason", 1000, true));
  if (!reason)
    return Error::invalid("reason",
                          "is required: say why it closes without the customer satisfied");
  KAM_TRY(version, version_field(body));
  if ((*before)["state"] != "open") {
    return Error::conflict(
        "this follow-up is " + (*before)["state"].get<std::string>() + "; allowed: none", "state");
  }
  KAM_TRY(n, tx->exec("UPDATE survey_followups SET state = 'closed', close_reason = ?, closed_by = "
                      "?, closed_at = ?, "
                      "updated_at = ?, version = version + 1 WHERE id = ? AND version = ?",
                      {*reason, who(a), now, now, id, version}));
  if (n == 0)
    return Error::conflict("this follow-up was changed by someone else; reload and try again",
                           "version");
  KAM_TRY(after, load_followup(tx.conn(), Actor::system(), id));
  KAM_CHECK(write_audit(tx.conn(), clock, a, "close", "survey_followup", id, *before, *after));
  KAM_CHECK(tx.commit());
  return *after;
}

// --- Figures -------------------------------------------------------------------------------

Result<json> ServiceDeskService::satisfaction_stats(const Actor& a, const std::string& dimension,
                                                    const std::string& from,
                                                    const std::string& to) {
  if (!a.can(domain::Perm::kSatisfactionRead))
    return Error::forbidden("your role cannot read satisfaction figures");
  static const std::vector<std::string> dims = {"customer", "manager", "team", "type", "month"};
  std::string dim = dimension.empty() ? "month" : dimension;
  if (!domain::is_one_of(dims, dim)) return Error::invalid("by", "must be one of: " + join(dims));
  KAM_TRY(range, date_range(from, to));
  auto scope = customer_scope_sql(a, "c");
  db::Params p = {range.first, range.second};
  p.insert(p.end(), scope.params.begin(), scope.params.end());
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(
      rows,
      lease->query(
          "SELECT s.score, s.completed_at, s.customer_id, c.name, s.manager_id, um.display_name, "
          "s.team_id, "
          "tm.name, COALESCE(s.work_type, s.source_type) FROM surveys s JOIN customers c ON c.id = "
          "s.customer_id LEFT JOIN users um ON um.id = s.manager_id LEFT JOIN teams tm ON tm.id = "
          "s.team_id "
          "WHERE s.state = 'completed' AND s.completed_at >= ? AND s.completed_at < ? AND " +
              scope.sql,
          p));
  struct Agg {
    std::string key, name;
    int64_t n = 0, sum = 0, low = 0, high = 0;
  };
  std::map<std::string, Agg> groups;
  Agg total;
  for (const auto& r : rows) {
    std::string key, name;
    if (dim == "customer")
      key = std::to_string(r.i64(2)), name = r.text(3);
    else if (dim == "manager")
      key = r.is_null(4) ? "" : std::to_string(r.i64(4)), name = r.text(5);
    else if (dim == "team")
      key = r.is_null(6) ? "" : std::to_string(r.i64(6)), name = r.text(7);
    else if (dim == "type")
      key = name = r.text(8);
    else
      key = name = shanghai_date(r.i64(1)).substr(0, 7);
    auto& g = groups[key];
    g.key = key;
    g.name = name;
    for (Agg* x : {&g, &total}) {
      int64_t s = r.i64(0);
      x->n++;
      x->sum += s;
      x->low += s <= 2;
      x->high += s >= 4;
    }
  }
  auto row = [](const Agg& g) {
    double avg = g.n ? static_cast<double>(g.sum) / static_cast<double>(g.n) : 0;
    return json{
        {"key", g.key},
        {"name", g.name},
        {"count", g.n},
        {"average", std::round(avg * 100) / 100},
        {"dissatisfied", g.low},
        {"satisfied_rate",
         g.n ? std::round(1000.0 * static_cast<double>(g.high) / static_cast<double>(g.n)) / 10
             : 0}};
  };
  std::vector<Agg> list;
  for (auto& [k, g] : groups) list.push_back(g);
  if (dim == "month") {
    std::sort(list.begin(), list.end(), [](const Agg& x, const Agg& y) { return x.key < y.key; });
  } else {
    std::sort(list.begin(), list.end(),
              [](const Agg& x, const Agg& y) { return x.n != y.n ? x.n > y.n : x.key < y.key; });
  }
  json items = json::array();
  for (const auto& g : list) {
    if (items.size() >= 100) break;
    items.push_back(row(g));
  }
  KAM_TRY(
      open,
      lease->query_one(
          "SELECT COUNT(*) FROM survey_followups f JOIN customers c ON c.id = f.customer_id WHERE "
          "f.state = 'open' AND " +
              scope.sql,
          scope.params));
  json t = row(total);
  t["open_followups"] = open ? open->i64(0) : 0;
  return json{{"by", dim}, {"from", from}, {"to", to}, {"total", t}, {"items", items}};
}

Result<json> ServiceDeskService::penalties(const Actor& a, const ListQuery& q) {
  if (!a.can(domain::Perm::kSatisfactionRead))
    return Error::forbidden("your role cannot read complaint penalties");
  KAM_CHECK(known_params(q, {"user_id", "month"}, "penalties"));
  auto scope = customer_scope_sql(a, "c");
  std::string where = "(p.user_id = ? OR " + scope.sql + ")";
  db::Params p = {a.user_id};
  p.insert(p.end(), scope.params.begin(), scope.params.end());
  KAM_TRY(user, id_param(q, "user_id"));
  if (user) {
    where += " AND p.user_id = ?";
    p.push_back(user);
  }
  if (auto m = param(q, "month"); !m.empty()) {
    if (m.size() != 7 || m[4] != '-' || !is_date(m + "-01"))
      return Error::invalid("month", "must be a month YYYY-MM");
    where += " AND p.month = ?";
    p.push_back(std::stoll(m.substr(0, 4)) * 100 + std::stoll(m.substr(5, 2)));
  }
  KAM_TRY(lease, records_.db().acquire());
  p.push_back(static_cast<int64_t>(q.limit));
  KAM_TRY(rows, lease->query("SELECT p.id, p.user_id, u.display_name, p.month, p.points, "
                             "p.amount_fen, p.reason, p.work_order_id, "
                             "w.code, w.customer_id, c.name, p.created_at FROM complaint_penalties "
                             "p JOIN users u ON u.id = "
                             "p.user_id JOIN work_orders w ON w.id = p.work_order_id JOIN "
                             "customers c ON c.id = w.customer_id "
                             "WHERE " +
                                 where + " ORDER BY p.created_at DESC, p.id DESC LIMIT ?",
                             p));
  json items = json::array();
  for (const auto& r : rows) {
    int64_t m = r.i64(3);
    std::string month =
        std::to_string(m / 100) + "-" + (m % 100 < 10 ? "0" : "") + std::to_string(m % 100);
    items.push_back({{"id", r.i64(0)},
                     {"user", {{"id", r.i64(1)}, {"name", r.text(2)}}},
                     {"month", month},
                     {"points", r.i64(4)},
                     {"amount_fen", r.i64(5)},
                     {"reason", r.text(6)},
                     {"work_order", {{"id", r.i64(7)}, {"code", r.text(8)}}},
                     {"customer", {{"id", r.i64(9)}, {"name", r.text(10)}}},
                     {"created_at", iso8601(r.i64(11))}});
  }
  return json{{"items", items}, {"next_cursor", nullptr}, {"total", items.size()}};
}

Result<json> ServiceDeskService::customer_satisfaction(db::Connection& c, int64_t customer_id) {
  KAM_TRY(row, c.query_one("SELECT score, completed_at, source_type, comment FROM surveys WHERE "
                           "customer_id = ? AND state = "
                           "'completed' ORDER BY completed_at DESC, id DESC LIMIT 1",
                           {customer_id}));
  KAM_TRY(
      open,
      c.query_one("SELECT COUNT(*) FROM survey_followups WHERE customer_id = ? AND state = 'open'",
                  {customer_id}));
  if (!row) return json{{"last_score", nullptr}, {"open_followups", open ? open->i64(0) : 0}};
  return json{{"last_score", row->i64(0)},
              {"surveyed_at", iso8601(row->i64(1))},
              {"source_type", row->text(2)},
              {"comment", opt_text(*row, 3)},
              {"open_followups", open ? open->i64(0) : 0}};
}

}  // namespace kam::services
