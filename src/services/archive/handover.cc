// Handover (交接) of a customer from one manager to another: a checklist of open tasks, open
// work orders and key persons to introduce that must be ticked off before the customer's
// manager changes. The customer is never left without a manager: the switch is one transaction.

#include "services/alerts/alert_service.h"
#include "services/archive/archive_service.h"
#include "services/core/audit.h"

namespace kam::services {
namespace {

json handover_json(const db::Row& r) {
  auto opt = [&](size_t i) { return r.is_null(i) ? json(nullptr) : json(r.i64(i)); };
  return {{"id", r.i64(0)},
          {"customer_id", r.i64(1)},
          {"role", r.text(2)},
          {"from_user_id", opt(3)},
          {"to_user_id", r.i64(4)},
          {"reason", r.text(5)},
          {"status", r.text(6)},
          {"created_by", r.i64(7)},
          {"created_at", iso8601(r.i64(8))},
          {"completed_at", r.is_null(9) ? json(nullptr) : json(iso8601(r.i64(9)))},
          {"version", r.i64(10)},
          {"from_user_name", r.is_null(11) ? json(nullptr) : json(r.text(11))},
          {"to_user_name", r.text(12)},
          {"customer_name", r.text(13)}};
}

constexpr const char* kHandoverSelect =
    "SELECT h.id, h.customer_id, h.role, h.from_user_id, h.to_user_id, h.reason, h.status, "
    "h.created_by, h.created_at, h.completed_at, h.version, f.display_name, tu.display_name, "
    "c.name "
    "FROM handovers h LEFT JOIN users f ON f.id = h.from_user_id JOIN users tu ON tu.id = "
    "h.to_user_id "
    "JOIN customers c ON c.id = h.customer_id ";

}  // namespace

Result<json> ArchiveService::load_handover(db::Connection& c, int64_t id) {
  KAM_TRY(row, c.query_one(std::string(kHandoverSelect) + "WHERE h.id = ?", {id}));
  if (!row) return Error::not_found("handover");
  json h = handover_json(*row);
  KAM_TRY(items, c.query("SELECT id, kind, ref_id, label, done, done_at, note FROM handover_items "
                         "WHERE handover_id = ? ORDER BY id",
                         {id}));
  json arr = json::array();
  int done = 0;
  for (const auto& r : items) {
    arr.push_back({{"id", r.i64(0)},
                   {"kind", r.text(1)},
                   {"ref_id", r.is_null(2) ? json(nullptr) : json(r.i64(2))},
                   {"label", r.text(3)},
                   {"done", r.i64(4) != 0},
                   {"done_at", r.is_null(5) ? json(nullptr) : json(iso8601(r.i64(5)))},
                   {"note", r.is_null(6) ? json(nullptr) : json(r.text(6))}});
    done += r.i64(4) != 0;
  }
  h["items"] = arr;
  h["items_done"] = done;
  h["ready"] = done == static_cast<int>(arr.size());
  return h;
}

Result<std::optional<json>> ArchiveService::visible_handover(db::Connection& c, const Actor& a,
                                                             int64_t id) {
  KAM_TRY(row,
          c.query_one("SELECT customer_id, from_user_id, to_user_id FROM handovers WHERE id = ?",
                      {id}));
  if (!row) return std::optional<json>{};
  KAM_TRY(visible, records_.customer_visible(c, a, row->i64(0)));
  // The incoming manager sees the handover before the customer becomes theirs.
  if (!visible && row->i64(2) != a.user_id) return std::optional<json>{};
  KAM_TRY(h, load_handover(c, id));
  return std::optional<json>(h);
}

Result<json> ArchiveService::start_handover(const Actor& a, int64_t customer_id, const json& body) {
  if (!a.can(domain::Perm::kHandover))
    return Error::forbidden("only supervisors and admins start handovers");
  // Scope before the body: a customer outside it answers 404 whatever the body holds.
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(tx, db::Transaction::begin(lease));
  auto& c = tx.conn();
  KAM_TRY(cust, records_.load(c, a, domain::customer_spec(), customer_id));
  if (!cust) return Error::not_found("customer");
  if (!body.is_object()) return Error::invalid("", "the request body must be a JSON object");
  for (auto it = body.begin(); it != body.end(); ++it) {
    if (it.key() != "role" && it.key() != "to_user_id" && it.key() != "reason") {
      return Error::invalid(it.key(), "is not a field of a handover");
    }
  }
  std::string role = body.value("role", std::string("account_manager"));
  if (role != "account_manager" && role != "phone_manager") {
    return Error::invalid("role", "must be account_manager or phone_manager");
  }
  if (!body.contains("to_user_id") || !body["to_user_id"].is_number_integer()) {
    return Error::invalid("to_user_id", "is required (the incoming manager's user id)");
  }
  if (!body.contains("reason") || !body["reason"].is_string() ||
      body["reason"].get<std::string>().empty()) {
    return Error::invalid("reason", "is required");
  }
  std::string reason = body["reason"].get<std::string>();
  if (utf8_length(reason) > 500) return Error::invalid("reason", "is longer than 500 characters");
  int64_t to = body["to_user_id"].get<int64_t>();
  KAM_TRY(target, c.query_one("SELECT role, active, team_id FROM users WHERE id = ?", {to}));
  if (!target || target->i64(1) == 0) return Error::invalid("to_user_id", "is not an active user");
  if (target->text(0) != role && !(role == "account_manager" && target->text(0) == "supervisor")) {
    return Error::invalid("to_user_id", "must be a user with the " + role + " role");
  }
  if (a.role == domain::Role::kSupervisor &&
      std::find(a.supervised_team_ids.begin(), a.supervised_team_ids.end(), target->i64(2)) ==
          a.supervised_team_ids.end()) {
    return Error::invalid("to_user_id", "is not in one of your teams");
  }
  json from = (*cust)[role + "_id"];
  if (from.is_number_integer() && from.get<int64_t>() == to) {
    return Error::invalid("to_user_id", "already holds this role for the customer");
  }
  KAM_TRY(
      open,
      c.query_one("SELECT id FROM handovers WHERE customer_id = ? AND role = ? AND status = 'open'",
                  {customer_id, role}));
  if (open)
    return Error::conflict("a handover for this customer is already open (#" +
                           std::to_string(open->i64(0)) + ")");

  int64_t now = records_.clock().now();
  db::Value from_v = from.is_number_integer() ? db::Value(from.get<int64_t>()) : db::Value(nullptr);
  KAM_TRY(idrow,
          c.query_one(
              "INSERT INTO handovers(customer_id, role, from_user_id, to_user_id, reason, status, "
              "created_by, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, 'open', ?, ?, "
              "?, 1) RETURNING id",
              {customer_id, role, from_v, to, reason, a.user_id, now, now}));
  int64_t id = idrow->i64(0);
  auto item = [&](const std::string& kind, db::Value ref, const std::string& label) -> Status {
    KAM_CHECK(
        c.exec("INSERT INTO handover_items(handover_id, kind, ref_id, label) VALUES (?, ?, ?, ?)",
               {id, kind, std::move(ref), label}));
    return {};
  };
  if (from.is_number_integer()) {
    // Key persons whose relationship the outgoing manager holds must be introduced.
    KAM_TRY(kps, c.query("SELECT id, name, title FROM key_persons WHERE customer_id = ? AND "
                         "owner_id = ? ORDER BY senior DESC, id",
                         {customer_id, from.get<int64_t>()}));
    for (const auto& k : kps) {
      KAM_CHECK(item("key_person_intro", k.i64(0),
                     "介绍关键人 / Introduce key person: " + k.text(1) +
                         (k.text(2).empty() ? "" : " (" + k.text(2) + ")")));
    }
    // Open next steps the outgoing manager promised the customer.
    KAM_TRY(
        steps,
        c.query(
            "SELECT id, next_step, CAST(next_step_date AS TEXT) FROM contacts WHERE customer_id = "
            "? AND "
            "user_id = ? AND next_step IS NOT NULL AND next_step_date >= ? ORDER BY next_step_date",
            {customer_id, from.get<int64_t>(), shanghai_date(now)}));
    for (const auto& s : steps) {
      KAM_CHECK(
          item("open_task", s.i64(0), "待办 / Open task: " + s.text(1) + " (" + s.text(2) + ")"));
    }
    // Open alert tasks of the outgoing manager: the new one must know what is going on.
    KAM_TRY(alerts, c.query("SELECT t.id, r.name, t.state FROM alert_tasks t JOIN alert_rules r ON "
                            "r.id = t.rule_id WHERE "
                            "t.customer_id = ? AND t.assignee_id = ? AND t.state <> 'closed' ORDER "
                            "BY t.priority DESC, t.id",
                            {customer_id, from.get<int64_t>()}));
    for (const auto& t : alerts) {
      KAM_CHECK(item("alert_task", t.i64(0),
                     "预警任务 / Alert task: " + t.text(1) + " (" + t.text(2) + ")"));
    }
    KAM_CHECK(item("documents", nullptr, "移交合同与资料 / Hand over contracts and documents"));
    KAM_CHECK(item("customer_notified", nullptr,
                   "告知客户新经理 / Introduce the new manager to the customer"));
  }
  KAM_TRY(h, load_handover(c, id));
  KAM_CHECK(write_audit(c, records_.clock(), a, "create", "handover", id, nullptr, h));
  KAM_CHECK(tx.commit());
  return h;
}

Result<json> ArchiveService::get_handover(const Actor& a, int64_t id) {
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(h, visible_handover(*lease, a, id));
  if (!h) return Error::not_found("handover");
  return *h;
}

Result<json> ArchiveService::list_handovers(const Actor& a, const std::string& status,
                                            int64_t customer_id) {
  if (!a.can(domain::Perm::kArchiveRead))
    return Error::forbidden("your role cannot read handovers");
  if (!status.empty() && status != "open" && status != "completed" && status != "cancelled") {
    return Error::invalid("status", "must be one of: open, completed, cancelled");
  }
  KAM_TRY(lease, records_.db().acquire());
  auto scope = customer_scope_sql(a, "c");
  std::string where = "(" + scope.sql + " OR h.to_user_id = ?)";
  db::Params p = scope.params;
  p.push_back(a.user_id);
  if (!status.empty()) {
    where += " AND h.status = ?";
    p.push_back(status);
  }
  if (customer_id) {
    where += " AND h.customer_id = ?";
    p.push_back(customer_id);
  }
  KAM_TRY(rows, lease->query(std::string(kHandoverSelect) + "WHERE " + where +
                                 " ORDER BY h.id DESC LIMIT 200",
                             p));
  json items = json::array();
  for (const auto& r : rows) items.push_back(handover_json(r));
  return json{{"items", items}, {"next_cursor", nullptr}, {"total", items.size()}};
}

Result<json> ArchiveService::tick_handover_item(const Actor& a, int64_t hid, int64_t item_id,
                                                const json& body) {
  // Scope and the right to tick, then the body.
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(tx, db::Transaction::begin(lease));
  auto& c = tx.conn();
  KAM_TRY(h, visible_handover(c, a, hid));
  if (!h) return Error::not_found("handover");
  bool party = (*h)["from_user_id"] == a.user_id || (*h)["to_user_id"] == a.user_id;
  if (!party && !a.can(domain::Perm::kHandover)) {
    return Error::forbidden("only the managers concerned and supervisors tick the checklist");
  }
  if (!body.is_object() || !body.contains("done") || !body["done"].is_boolean()) {
    return Error::invalid("done", "is required: true or false");
  }
  for (auto it = body.begin(); it != body.end(); ++it) {
    if (it.key() != "done" && it.key() != "note")
      return Error::invalid(it.key(), "is not a field of a checklist item");
  }
  if (body.contains("note") &&
      !(body["note"].is_string() && utf8_length(body["note"].get<std::string>()) <= 500)) {
    return Error::invalid("note", "must be text up to 500 characters");
  }
  if ((*h)["status"] != "open")
    return Error::conflict("this handover is " + (*h)["status"].get<std::string>());
  bool done = body["done"].get<bool>();
  int64_t now = records_.clock().now();
  KAM_TRY(
      n,
      c.exec(
          "UPDATE handover_items SET done = ?, done_by = ?, done_at = ?, note = COALESCE(?, note) "
          "WHERE id = ? AND handover_id = ?",
          {static_cast<int64_t>(done), done ? db::Value(a.user_id) : db::Value(nullptr),
           done ? db::Value(now) : db::Value(nullptr),
           body.contains("note") ? db::Value(body["note"].get<std::string>()) : db::Value(nullptr),
           item_id, hid}));
  if (n == 0) return Error::not_found("checklist item");
  KAM_CHECK(write_audit(c, records_.clock(), a, "update", "handover_item", item_id, nullptr, body));
  KAM_TRY(out, load_handover(c, hid));
  KAM_CHECK(tx.commit());
  return out;
}

// Moves an open handover to `status` only if nobody changed it since it was read (the version
// guard); 409 otherwise.
static Status close_open_handover(db::Connection& c, const json& h, const char* status,
                                  int64_t now) {
  KAM_TRY(n, c.exec("UPDATE handovers SET status = ?, completed_at = ?, updated_at = ?, version = "
                    "version + 1 WHERE id = ? AND status = 'open' AND version = ?",
                    {std::string(status), now, now, h["id"].get<int64_t>(),
                     h["version"].get<int64_t>()}));
  if (n == 0) return Error::conflict("this handover was changed by someone else; reload it");
  return {};
}

Result<json> ArchiveService::complete_handover(const Actor& a, int64_t id) {
  if (!a.can(domain::Perm::kHandover))
    return Error::forbidden("only supervisors and admins complete handovers");
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(tx, db::Transaction::begin(lease));
  auto& c = tx.conn();
  KAM_TRY(h, visible_handover(c, a, id));
  if (!h) return Error::not_found("handover");
  if ((*h)["status"] != "open")
    return Error::conflict("this handover is " + (*h)["status"].get<std::string>());
  if (!(*h)["ready"].get<bool>()) {
    int left = static_cast<int>((*h)["items"].size()) - (*h)["items_done"].get<int>();
    return Error::conflict(std::to_string(left) + " checklist items are not done yet", "items");
  }
  int64_t now = records_.clock().now();
  // Claim the handover first: of two completions at once (through two servers), one changes
  // the row and goes on, the other finds it no longer open and answers 409 — never two
  // assignments.
  KAM_CHECK(close_open_handover(c, *h, "completed", now));
  int64_t customer = (*h)["customer_id"].get<int64_t>(), to = (*h)["to_user_id"].get<int64_t>();
  std::string role = (*h)["role"].get<std::string>();
  std::string column = role == "phone_manager" ? "phone_manager_id" : "account_manager_id";
  KAM_TRY(before, c.query_one("SELECT " + column + " FROM customers WHERE id = ?", {customer}));
  KAM_CHECK(c.exec(
      "UPDATE customers SET " + column + " = ?, updated_at = ?, version = version + 1 WHERE id = ?",
      {to, now, customer}));
  KAM_CHECK(c.exec(
      "UPDATE assignments SET ended_at = ? WHERE customer_id = ? AND role = ? AND ended_at IS NULL",
      {now, customer, role}));
  KAM_CHECK(
      c.exec("INSERT INTO assignments(customer_id, role, user_id, started_at, reason, assigned_by) "
             "VALUES (?, ?, ?, ?, ?, ?)",
             {customer, role, to, now, (*h)["reason"].get<std::string>(), a.user_id}));
  if (!(*h)["from_user_id"].is_null()) {
    // Ordinary key persons follow the account; senior ones stay with their senior owner.
    KAM_CHECK(
        c.exec("UPDATE key_persons SET owner_id = ?, updated_at = ?, version = version + 1 WHERE "
               "customer_id = ? "
               "AND owner_id = ? AND senior = 0",
               {to, now, customer, (*h)["from_user_id"].get<int64_t>()}));
    // Open alert tasks follow the customer to its new manager.
    KAM_CHECK(AlertService::reassign_on_handover(c, customer, (*h)["from_user_id"].get<int64_t>(),
                                                 to, now));
  }
  KAM_CHECK(write_audit(
      c, records_.clock(), a, "update", "customer", customer,
      json{{column, before && !before->is_null(0) ? json(before->i64(0)) : json(nullptr)}},
      json{{column, to}, {"handover_id", id}}));
  KAM_CHECK(write_audit(c, records_.clock(), a, "complete", "handover", id, nullptr, nullptr));
  KAM_TRY(out, load_handover(c, id));
  KAM_CHECK(tx.commit());
  return out;
}

Result<json> ArchiveService::cancel_handover(const Actor& a, int64_t id, const json& body) {
  if (!a.can(domain::Perm::kHandover))
    return Error::forbidden("only supervisors and admins cancel handovers");
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(tx, db::Transaction::begin(lease));
  auto& c = tx.conn();
  KAM_TRY(h, visible_handover(c, a, id));
  if (!h) return Error::not_found("handover");
  if ((*h)["status"] != "open")
    return Error::conflict("this handover is " + (*h)["status"].get<std::string>());
  int64_t now = records_.clock().now();
  KAM_CHECK(close_open_handover(c, *h, "cancelled", now));
  KAM_CHECK(write_audit(c, records_.clock(), a, "cancel", "handover", id, nullptr,
                        body.is_object() && body.contains("reason")
                            ? json{{"reason", body["reason"]}}
                            : json(nullptr)));
  KAM_TRY(out, load_handover(c, id));
  KAM_CHECK(tx.commit());
  return out;
}

}  // namespace kam::services
