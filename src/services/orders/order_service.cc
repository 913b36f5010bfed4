// Orders (一站式受理): loading and showing orders, the lists and the board, creating and changing
// an order. The rest of the area has a file each: the flow (order_flow.cc), options and pricing
// (order_options.cc), approvals and settings (order_approvals.cc), confirmation documents
// (order_documents.cc), figures and reminders (order_metrics.cc).

#include "services/orders/order_service.h"

#include <algorithm>
#include <set>

#include "services/orders/order_common.h"

namespace kam::services {
// --- Loading --------------------------------------------------------------------------------

Result<std::optional<db::Row>> OrderService::load_row(db::Connection& c, const Actor& a,
                                                      int64_t id) {
  auto v = sql::visible(a);
  db::Params p = {id};
  p.insert(p.end(), v.params.begin(), v.params.end());
  return c.query_one(
      std::string("SELECT ") + sql::kColumns + sql::kFrom + " WHERE o.id = ? AND " + v.sql, p);
}

json OrderService::order_json(const db::Row& r, int64_t now) const {
  std::string state = r.text(sql::kState);
  bool final = domain::is_final_state(state);
  int64_t created = r.i64(sql::kCreatedAt);
  int64_t end = !r.is_null(sql::kCompletedAt)   ? r.i64(sql::kCompletedAt)
                : !r.is_null(sql::kCancelledAt) ? r.i64(sql::kCancelledAt)
                                                : now;
  int64_t started = r.i64(sql::kStepStarted);
  bool overdue = !final && !r.is_null(sql::kStepDue) && r.i64(sql::kStepDue) < now;
  json confirmation = nullptr;
  if (!r.is_null(sql::kConfirmation)) {
    confirmation = json::parse(r.text(sql::kConfirmation), nullptr, false);
    if (confirmation.is_discarded()) confirmation = nullptr;
  }
  return {{"id", r.i64(sql::kId)},
          {"number", domain::order_number(r.i64(sql::kId), created)},
          {"customer_id", r.i64(sql::kCustomerId)},
          {"customer_name", r.text(sql::kCustomerName)},
          {"industry", opt_text(r, sql::kIndustry)},
          {"title", r.text(sql::kTitle)},
          {"requirement", r.text(sql::kRequirement)},
          {"consultation", opt_text(r, sql::kConsultation)},
          {"region_code", r.text(sql::kRegion)},
          {"region_name", opt_text(r, sql::kRegionName)},
          {"term_months", r.i64(sql::kTerm)},
          {"state", state},
          {"owner_id", r.i64(sql::kOwner)},
          {"owner_name", opt_text(r, sql::kOwnerName)},
          {"created_by", r.i64(sql::kCreatedBy)},
          {"created_by_name", opt_text(r, sql::kCreatedByName)},
          {"creator_role", r.text(sql::kCreatorRole)},
          {"step", final ? json(nullptr)
                         : json{{"name", state},
                                {"owner_id", opt_id(r, sql::kStepOwner)},
                                {"owner_name", opt_text(r, sql::kStepOwnerName)},
                                {"started_at", iso8601(started)},
                                {"due_at", opt_time(r, sql::kStepDue)},
                                {"elapsed_hours", hours(now - started)},
                                {"overdue", overdue}}},
          {"overdue", overdue},
          {"chosen_option_id", opt_id(r, sql::kChosen)},
          {"confirmation", confirmation},
          {"billing_account", opt_text(r, sql::kBillingAccount)},
          {"billing_start", r.is_null(sql::kBillingStart)
                                ? json(nullptr)
                                : json(r.text(sql::kBillingStart).substr(0, 10))},
          {"survey_id", opt_id(r, sql::kSurvey)},
          {"cancel_reason", opt_text(r, sql::kCancelReason)},
          {"cycle_hours", hours(end - created)},
          {"created_at", iso8601(created)},
          {"updated_at", iso8601(r.i64(sql::kUpdatedAt))},
          {"completed_at", opt_time(r, sql::kCompletedAt)},
          {"cancelled_at", opt_time(r, sql::kCancelledAt)},
          {"version", r.i64(sql::kVersion)}};
}

Result<std::vector<std::string>> OrderService::allowed_actions(
    db::Connection& c, const Actor& a, const db::Row& r, const domain::DiscountLimits& limits) {
  std::vector<std::string> out;
  for (const auto& act : domain::state_actions(r.text(sql::kState))) {
    if (act == "approve" || act == "refuse") {
      KAM_TRY(ok, may_decide(c, a, r.i64(sql::kId), limits));
      if (ok) out.push_back(act);
    } else if (a.can(domain::Perm::kOrderWrite)) {
      out.push_back(act);
    }
  }
  return out;
}

Result<json> OrderService::detail(db::Connection& c, const Actor& a, const db::Row& r) {
  int64_t now = records_.clock().now();
  int64_t id = r.i64(sql::kId);
  json j = order_json(r, now);
  KAM_TRY(limits, load_limits(c));
  KAM_TRY(steps_cfg, load_steps(c));
  KAM_TRY(options, load_options(c, a, "op.order_id = ?", {id}, r.i64(sql::kTerm),
                                r.text(sql::kCreatorRole), limits));
  j["options"] = options;
  KAM_TRY(steps, c.query("SELECT s.id, s.step, s.owner_id, (SELECT display_name FROM users WHERE "
                         "id = s.owner_id), s.entered_at, "
                         "s.due_at, s.left_at, s.action, s.actor_id, (SELECT display_name FROM "
                         "users WHERE id = s.actor_id), s.note "
                         "FROM order_steps s WHERE s.order_id = ? ORDER BY s.id",
                         {id}));
  json history = json::array();
  std::map<std::string, int64_t> per_step;
  for (const auto& s : steps) {
    int64_t left = s.is_null(6) ? now : s.i64(6);
    int64_t spent = left - s.i64(4);
    per_step[s.text(1)] += spent;
    int64_t target = steps_cfg.target_seconds(s.text(1));
    history.push_back({{"id", s.i64(0)},
                       {"step", s.text(1)},
                       {"owner_id", opt_id(s, 2)},
                       {"owner_name", opt_text(s, 3)},
                       {"entered_at", iso8601(s.i64(4))},
                       {"due_at", opt_time(s, 5)},
                       {"left_at", opt_time(s, 6)},
                       {"action", opt_text(s, 7)},
                       {"actor_id", opt_id(s, 8)},
                       {"actor_name", opt_text(s, 9)},
                       {"note", opt_text(s, 10)},
                       {"hours", hours(spent)},
                       {"target_hours", target / 3600},
                       {"overdue", target > 0 && spent > target}});
  }
  j["steps"] = history;
  json per = json::object();
  for (const auto& [k, v] : per_step) per[k] = hours(v);
  j["hours_per_step"] = per;
  KAM_TRY(
      aps,
      c.query("SELECT ap.id, ap.option_id, ap.requested_by, (SELECT display_name FROM users WHERE "
              "id = ap.requested_by), "
              "ap.requester_role, ap.required_role, ap.requested_at, ap.detail, ap.status, "
              "ap.decided_by, "
              "(SELECT display_name FROM users WHERE id = ap.decided_by), ap.decided_at, ap.reason "
              "FROM order_approvals ap WHERE ap.order_id = ? ORDER BY ap.id",
              {id}));
  json approvals = json::array();
  for (const auto& ap : aps) {
    json detail = json::parse(ap.text(7), nullptr, false);
    approvals.push_back({{"id", ap.i64(0)},
                         {"option_id", ap.i64(1)},
                         {"requested_by", ap.i64(2)},
                         {"requested_by_name", opt_text(ap, 3)},
                         {"requester_role", ap.text(4)},
                         {"required_role", ap.text(5)},
                         {"requested_at", iso8601(ap.i64(6))},
                         {"detail", detail.is_discarded() ? json::object() : detail},
                         {"status", ap.text(8)},
                         {"decided_by", opt_id(ap, 9)},
                         {"decided_by_name", opt_text(ap, 10)},
                         {"decided_at", opt_time(ap, 11)},
                         {"reason", opt_text(ap, 12)}});
  }
  j["approvals"] = approvals;
  KAM_TRY(
      docs,
      c.query("SELECT d.id, d.file_name, d.content_type, d.size_bytes, d.sha256, d.uploaded_by, "
              "(SELECT display_name FROM users WHERE id = d.uploaded_by), d.uploaded_at FROM "
              "order_documents d "
              "WHERE d.order_id = ? ORDER BY d.id",
              {id}));
  json documents = json::array();
  for (const auto& d : docs) {
    documents.push_back({{"id", d.i64(0)},
                         {"file_name", d.text(1)},
                         {"content_type", d.text(2)},
                         {"size_bytes", d.i64(3)},
                         {"sha256", d.text(4)},
                         {"uploaded_by", opt_id(d, 5)},
                         {"uploaded_by_name", opt_text(d, 6)},
                         {"uploaded_at", iso8601(d.i64(7))}});
  }
  j["documents"] = documents;
  KAM_TRY(actions, allowed_actions(c, a, r, limits));
  j["actions"] = actions;
  j["sees_cost"] = CatalogueService::sees_cost(a);
  return j;
}

// --- Lists ----------------------------------------------------------------------------------

namespace {

struct Where {
  std::string sql;
  db::Params params;
};

Result<Where> list_where(const Actor& a, const OrderQuery& q, int64_t now) {
  auto v = sql::visible(a);
  Where w{v.sql, v.params};
  if (!q.state.empty()) {
    if (q.state == "open") {
      w.sql += " AND o.state NOT IN ('in_service','cancelled')";
    } else if (domain::is_one_of(domain::order_states(), q.state)) {
      w.sql += " AND o.state = ?";
      w.params.push_back(q.state);
    } else {
      return Error::invalid("state", "must be open or one of " + in::join(domain::order_states()));
    }
  }
  if (!q.owner.empty()) {
    if (q.owner == "me") {
      w.sql += " AND (o.owner_id = ? OR o.step_owner_id = ?)";
      w.params.push_back(a.user_id);
      w.params.push_back(a.user_id);
    } else {
      if (q.owner.size() > 15 || q.owner.find_first_not_of("0123456789") != std::string::npos) {
        return Error::invalid("owner", "must be me or a user id");
      }
      w.sql += " AND o.owner_id = ?";
      w.params.push_back(static_cast<int64_t>(std::stoll(q.owner)));
    }
  }
  if (q.customer_id) {
    w.sql += " AND o.customer_id = ?";
    w.params.push_back(q.customer_id);
  }
  if (q.overdue) {
    w.sql += " AND o.state NOT IN ('in_service','cancelled') AND o.step_due_at < ?";
    w.params.push_back(now);
  }
  if (!q.q.empty()) {
    if (utf8_length(q.q) > 100) return Error::invalid("q", "is longer than 100 characters");
    std::string like;
    for (char ch : q.q) {
      if (ch == '%' || ch == '_' || ch == '\\') like += '\\';
      like += ch;
    }
    w.sql +=
        " AND (o.title LIKE ? ESCAPE '\\' OR c.name LIKE ? ESCAPE '\\' OR CAST(o.id AS TEXT) = ?)";
    w.params.push_back("%" + like + "%");
    w.params.push_back("%" + like + "%");
    std::string digits = q.q;
    if (auto dash = digits.rfind('-'); dash != std::string::npos) digits = digits.substr(dash + 1);
    digits.erase(0, std::min(digits.find_first_not_of('0'), digits.size()));
    w.params.push_back(digits);
  }
  return w;
}

Result<std::string> order_by(const std::string& sort) {
  static const std::map<std::string, std::string> known = {
      {"-updated", "o.updated_at DESC, o.id DESC"},
      {"updated", "o.updated_at, o.id"},
      {"-created", "o.created_at DESC, o.id DESC"},
      {"created", "o.created_at, o.id"},
      {"due", "o.step_due_at, o.id"}};
  auto it = known.find(sort.empty() ? "-updated" : sort);
  if (it == known.end())
    return Error::invalid("sort", "must be -updated, updated, -created, created or due");
  return it->second;
}

}  // namespace

Result<std::map<int64_t, std::pair<int64_t, int64_t>>> OrderService::chosen_values(
    db::Connection& c, const db::Rows& rows) {
  std::map<int64_t, std::pair<int64_t, int64_t>> out;
  std::vector<int64_t> opts;
  std::map<int64_t, std::pair<int64_t, int64_t>> by_option;  // option → (order, term)
  for (const auto& r : rows) {
    if (r.is_null(sql::kChosen)) continue;
    opts.push_back(r.i64(sql::kChosen));
    by_option[r.i64(sql::kChosen)] = {r.i64(sql::kId), r.i64(sql::kTerm)};
  }
  if (opts.empty()) return out;
  db::Params p(opts.begin(), opts.end());
  KAM_TRY(
      lines,
      c.query(
          "SELECT l.option_id, p.category, l.quantity, l.unit_price_fen, l.unit_cost_fen, "
          "l.subsidy_bp, l.discount_bp, "
          "pv.charge FROM order_lines l JOIN products p ON p.id = l.product_id JOIN "
          "product_versions pv ON "
          "pv.product_id = l.product_id AND pv.version = l.product_version WHERE l.option_id IN " +
              db::placeholders(opts.size()),
          p));
  std::map<int64_t, std::vector<domain::PricedLine>> per;
  for (const auto& l : lines) {
    per[l.i64(0)].push_back(
        {l.text(1), l.text(7), l.i64(2), l.i64(3), l.i64(4), l.i64(5), l.i64(6)});
  }
  for (const auto& [opt, ls] : per) {
    auto [order, term] = by_option[opt];
    auto t = domain::total_option(ls, term);
    out[order] = {t.term.net_fen, t.monthly.net_fen};
  }
  return out;
}

Result<json> OrderService::list(const Actor& a, const OrderQuery& q) {
  if (!can_read_orders(a)) return Error::forbidden("your role cannot read orders");
  if (q.limit < 1 || q.limit > 200) return Error::invalid("limit", "must be between 1 and 200");
  int64_t now = records_.clock().now();
  KAM_TRY(w, list_where(a, q, now));
  KAM_TRY(order, order_by(q.sort));
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(total, lease->query_one(std::string("SELECT COUNT(*)") + sql::kFrom + " WHERE " + w.sql,
                                  w.params));
  db::Params p = w.params;
  p.push_back(static_cast<int64_t>(q.limit));
  p.push_back(q.offset);
  KAM_TRY(rows, lease->query(std::string("SELECT ") + sql::kColumns + sql::kFrom + " WHERE " +
                                 w.sql + " ORDER BY " + order + " LIMIT ? OFFSET ?",
                             p));
  KAM_TRY(values, chosen_values(*lease, rows));
  json items = json::array();
  for (const auto& r : rows) {
    json j = order_json(r, now);
    auto it = values.find(r.i64(sql::kId));
    j["value_fen"] = it == values.end() ? json(nullptr) : json(it->second.first);
    j["monthly_fen"] = it == values.end() ? json(nullptr) : json(it->second.second);
    items.push_back(std::move(j));
  }
  int64_t n = total ? total->i64(0) : 0;
  int64_t next = q.offset + q.limit;
  return json{{"items", items},
              {"next_cursor", next < n ? json(std::to_string(next)) : json(nullptr)},
              {"total", n}};
}

Result<json> OrderService::board(const Actor& a, const OrderQuery& filters, int per_column) {
  if (!can_read_orders(a)) return Error::forbidden("your role cannot read orders");
  if (per_column < 1 || per_column > 100)
    return Error::invalid("per_column", "must be between 1 and 100");
  if (!filters.state.empty())
    return Error::invalid("state",
                          "the board shows every step: filter by owner, customer or overdue");
  int64_t now = records_.clock().now();
  json columns = json::array();
  int64_t total = 0;
  for (const auto& state : domain::order_states()) {
    if (state == "cancelled") continue;
    OrderQuery q = filters;
    q.state = state;
    q.limit = per_column;
    q.offset = 0;
    q.sort = state == "in_service" ? "-updated" : "due";
    KAM_TRY(page, list(a, q));
    int64_t overdue = 0;
    {
      OrderQuery oq = q;
      oq.overdue = true;
      KAM_TRY(w, list_where(a, oq, now));
      KAM_TRY(lease, records_.db().acquire());
      KAM_TRY(n, lease->query_one(std::string("SELECT COUNT(*)") + sql::kFrom + " WHERE " + w.sql,
                                  w.params));
      overdue = n ? n->i64(0) : 0;
    }
    total += page["total"].get<int64_t>();
    columns.push_back({{"state", state},
                       {"total", page["total"]},
                       {"overdue", overdue},
                       {"items", page["items"]}});
  }
  return json{{"columns", columns}, {"total", total}};
}

// The order as the caller sees it after a change, on the connection of the change (one pooled
// connection per request).
Result<json> OrderService::reread(db::Connection& c, const Actor& a, int64_t id) {
  KAM_TRY(row, load_row(c, a, id));
  if (!row) return Error::not_found("order");
  return detail(c, a, *row);
}

Result<json> OrderService::get(const Actor& a, int64_t id) {
  if (!can_read_orders(a)) return Error::forbidden("your role cannot read orders");
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(row, load_row(*lease, a, id));
  if (!row) return Error::not_found("order");
  return detail(*lease, a, *row);
}

// --- Changes --------------------------------------------------------------------------------

Result<json> OrderService::create(const Actor& a, const json& body) {
  if (!a.can(domain::Perm::kOrderWrite)) return Error::forbidden("your role cannot take orders");
  KAM_CHECK(
      in::object_with(body, {"customer_id", "title", "requirement", "region_code", "term_months"}));
  KAM_TRY(customer_id, in::integer(body, "customer_id", 1, INT64_MAX / 2, true, "a customer id"));
  KAM_TRY(title, in::text(body, "title", 100, true));
  KAM_TRY(requirement, in::text(body, "requirement", 4000, true, true));
  KAM_TRY(region, in::text(body, "region_code", 12, false));
  KAM_TRY(term, in::integer(body, "term_months", 1, 120, false, "a whole number of months"));
  const Clock& clock = records_.clock();
  int64_t now = clock.now();
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(tx, db::Transaction::begin(lease));
  auto& c = tx.conn();
  KAM_TRY(visible, records_.customer_visible(c, a, *customer_id));
  if (!visible) return Error::not_found("customer");
  KAM_TRY(cust, c.query_one("SELECT COALESCE(city_code, province_code), account_manager_id FROM "
                            "customers WHERE id = ?",
                            {*customer_id}));
  if (!cust) return Error::not_found("customer");
  std::string region_code = region ? *region : cust->text(0);
  if (region_code.empty())
    return Error::invalid("region_code", "is required: the customer has no region");
  KAM_TRY(reg, c.query_one("SELECT level, parent_code FROM regions WHERE code = ?", {region_code}));
  if (!reg) return Error::invalid("region_code", "is not a known region");
  if (reg->text(0) == "district") region_code = reg->text(1);  // prices are per city or province
  // The owner is the customer's account manager when the creator is not one (a supervisor
  // taking an order for a manager's customer); the creator otherwise.
  int64_t owner =
      a.role == domain::Role::kAccountManager || a.user_id == 0 ? cust->i64(1) : a.user_id;
  if (a.role == domain::Role::kAccountManager) owner = a.user_id;
  KAM_TRY(steps, load_steps(c));
  int64_t target = steps.target_seconds("requirement");
  db::Value creator = a.user_id ? db::Value(a.user_id) : db::Value(cust->i64(1));
  KAM_TRY(idrow,
          c.query_one(
              "INSERT INTO orders(customer_id, title, requirement, region_code, term_months, "
              "state, owner_id, created_by, "
              "step_owner_id, step_started_at, step_due_at, created_at, updated_at, version) "
              "VALUES (?, ?, ?, ?, ?, 'requirement', ?, ?, ?, ?, ?, ?, ?, 1) RETURNING id",
              {*customer_id, *title, *requirement, region_code, term.value_or(12), owner, creator,
               owner, now, target ? db::Value(now + target) : db::Value(nullptr), now, now}));
  int64_t id = idrow->i64(0);
  KAM_CHECK(
      c.exec("INSERT INTO order_steps(order_id, step, owner_id, entered_at, due_at) VALUES (?, "
             "'requirement', ?, ?, ?)",
             {id, owner, now, target ? db::Value(now + target) : db::Value(nullptr)}));
  KAM_TRY(row, load_row(c, Actor::system(), id));
  json after = order_json(*row, now);
  KAM_CHECK(write_audit(c, clock, a, "create", "order", id, nullptr, after));
  KAM_CHECK(tx.commit());
  return reread(*lease, a, id);
}

Result<std::unique_ptr<OrderWrite>> OrderService::begin_write(const Actor& a, int64_t id) {
  KAM_TRY(lease, records_.db().acquire());
  auto w = std::make_unique<OrderWrite>(OrderWrite{std::move(lease), std::nullopt, std::nullopt});
  KAM_TRY(tx, db::Transaction::begin(w->lease));
  w->tx.emplace(std::move(tx));
  KAM_TRY(row, load_row(w->tx->conn(), a, id));
  if (!row) return Error::not_found("order");
  w->row = std::move(*row);
  return w;
}

Result<json> OrderService::update(const Actor& a, int64_t id, const json& body) {
  if (!a.can(domain::Perm::kOrderWrite)) return Error::forbidden("your role cannot change orders");
  // Scope before the body: an order outside it answers 404 whatever the body holds.
  const Clock& clock = records_.clock();
  KAM_TRY(w, begin_write(a, id));
  auto& tx = *w->tx;
  auto& c = tx.conn();
  auto& row = w->row;
  KAM_CHECK(
      in::object_with(body, {"title", "requirement", "consultation", "term_months", "version"}));
  KAM_TRY(version, in::version(body));
  KAM_TRY(title, in::text(body, "title", 100, false));
  KAM_TRY(requirement, in::text(body, "requirement", 4000, false, true));
  KAM_TRY(consultation, in::text(body, "consultation", 4000, false, true));
  KAM_TRY(term, in::integer(body, "term_months", 1, 120, false, "a whole number of months"));
  if (row->i64(sql::kVersion) != version)
    return in::conflict_version(row->i64(sql::kVersion)).error();
  std::string state = row->text(sql::kState);
  if (domain::is_final_state(state))
    return Error::conflict("a " + state + " order cannot be changed", "state");
  if (term) {
    static const std::set<std::string> early = {"requirement", "consultation", "design"};
    if (!early.count(state))
      return Error::conflict("the term is fixed once the options are proposed", "term_months");
  }
  int64_t now = clock.now();
  json before = order_json(*row, now);
  KAM_TRY(
      n,
      c.exec(
          "UPDATE orders SET title = COALESCE(?, title), requirement = COALESCE(?, requirement), "
          "consultation = COALESCE(?, consultation), term_months = COALESCE(?, term_months), "
          "updated_at = ?, "
          "version = version + 1 WHERE id = ? AND version = ?",
          {in::opt_value(title), in::opt_value(requirement), in::opt_value(consultation),
           in::opt_value(term), now, id, version}));
  if (n != 1) return in::conflict_version(version + 1).error();
  KAM_TRY(r2, load_row(c, Actor::system(), id));
  KAM_CHECK(write_audit(c, clock, a, "update", "order", id, before, order_json(*r2, now)));
  KAM_CHECK(tx.commit());
  return reread(*w->lease, a, id);
}

Status OrderService::notify(db::Connection& c, int64_t user_id, const std::string& kind,
                            const std::string& title, const std::string& body, int64_t order_id) {
  KAM_CHECK(
      c.exec("INSERT INTO notifications(user_id, kind, title, body, ref_type, ref_id, created_at) "
             "VALUES (?, ?, ?, ?, 'order', ?, ?)",
             {user_id, kind, title, body, order_id, records_.clock().now()}));
  return {};
}

Result<std::vector<int64_t>> OrderService::approvers_for(db::Connection& c, int64_t owner_id,
                                                         const std::string& role) {
  std::vector<int64_t> out;
  if (role == "supervisor") {
    KAM_TRY(rows, c.query("SELECT t.supervisor_id FROM users u JOIN teams t ON t.id = u.team_id "
                          "WHERE u.id = ? AND t.supervisor_id IS NOT NULL",
                          {owner_id}));
    for (const auto& r : rows) out.push_back(r.i64(0));
  }
  if (out.empty()) {
    KAM_TRY(rows,
            c.query("SELECT id FROM users WHERE role = ? AND active = 1 ORDER BY id", {role}));
    for (const auto& r : rows) out.push_back(r.i64(0));
  }
  return out;
}

Result<json> OrderService::customer_orders(db::Connection& c, const Actor& a, int64_t customer_id) {
  if (!can_read_orders(a)) return json(nullptr);
  int64_t now = records_.clock().now();
  KAM_TRY(rows, c.query(std::string("SELECT ") + sql::kColumns + sql::kFrom +
                            " WHERE o.customer_id = ? ORDER BY CASE WHEN o.state IN "
                            "('in_service','cancelled') THEN 1 ELSE 0 END, "
                            "o.updated_at DESC, o.id DESC LIMIT 20",
                        {customer_id}));
  KAM_TRY(count, c.query_one("SELECT COUNT(*), SUM(CASE WHEN state NOT IN "
                             "('in_service','cancelled') THEN 1 ELSE 0 END) FROM orders "
                             "WHERE customer_id = ?",
                             {customer_id}));
  KAM_TRY(values, chosen_values(c, rows));
  json items = json::array();
  for (const auto& r : rows) {
    json j = order_json(r, now);
    auto it = values.find(r.i64(sql::kId));
    j["value_fen"] = it == values.end() ? json(nullptr) : json(it->second.first);
    items.push_back(std::move(j));
  }
  return json{
      {"items", items}, {"total", count ? count->i64(0) : 0}, {"open", count ? count->i64(1) : 0}};
}

}  // namespace kam::services
