// Orders (一站式受理): the flow from requirement to service, options priced from the catalogue,
// discount approvals with one decision counting, confirmation documents, settings and the
// cycle-time figures.

#include "services/order_service.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "common/crypto.h"
#include "services/audit.h"
#include "services/order_input.h"
#include "services/order_sql.h"

namespace kam::services {
namespace {

namespace in = order_input;
namespace sql = order_sql;
using domain::bp_to_pct;

constexpr int64_t kMaxDocumentBytes = 10 * 1024 * 1024;
constexpr size_t kMaxOptions = 6;
constexpr size_t kMaxLines = 30;

bool can_read_orders(const Actor& a) {
  return a.can(domain::Perm::kOrderWrite) || a.can(domain::Perm::kOrderApprove) ||
         a.can(domain::Perm::kAnalysisRead);
}

json opt_text(const db::Row& r, size_t i) {
  return r.is_null(i) ? json(nullptr) : json(r.text(i));
}
json opt_id(const db::Row& r, size_t i) {
  return r.is_null(i) ? json(nullptr) : json(r.i64(i));
}
json opt_time(const db::Row& r, size_t i) {
  return r.is_null(i) ? json(nullptr) : json(iso8601(r.i64(i)));
}
double hours(int64_t seconds) {
  return static_cast<double>(seconds * 100 / 3600) / 100.0;
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

json amounts_json(const domain::Amounts& a, bool cost) {
  json j = {{"list_fen", a.list_fen},
            {"subsidy_fen", a.subsidy_fen},
            {"discount_fen", a.discount_fen},
            {"net_fen", a.net_fen}};
  if (cost) {
    j["cost_fen"] = a.cost_fen;
    j["margin_fen"] = a.margin_fen;
  }
  return j;
}

Status conflict_version(int64_t now_version) {
  return Error::conflict("this order was changed by someone else (now version " +
                             std::to_string(now_version) + "); reload and try again",
                         "version");
}

// Magic bytes of the documents a customer's confirmation may come as.
std::optional<std::string> sniff_document(const std::string& head) {
  if (head.rfind("%PDF-", 0) == 0) return "application/pdf";
  if (head.size() >= 8 && head.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0) return "image/png";
  if (head.size() >= 3 && static_cast<unsigned char>(head[0]) == 0xFF &&
      static_cast<unsigned char>(head[1]) == 0xD8 && static_cast<unsigned char>(head[2]) == 0xFF) {
    return "image/jpeg";
  }
  return std::nullopt;
}

}  // namespace

// --- Loading --------------------------------------------------------------------------------

Result<std::optional<db::Row>> OrderService::load_row(db::Connection& c, const Actor& a,
                                                      int64_t id) {
  auto v = sql::visible(a);
  db::Params p = {id};
  p.insert(p.end(), v.params.begin(), v.params.end());
  return c.query_one(
      std::string("SELECT ") + sql::kColumns + sql::kFrom + " WHERE o.id = ? AND " + v.sql, p);
}

Result<domain::DiscountLimits> OrderService::load_limits(db::Connection& c) {
  KAM_TRY(row, c.query_one("SELECT config FROM order_settings WHERE name = 'discount_limits'"));
  if (!row) return domain::DiscountLimits::defaults();
  auto j = json::parse(row->text(0), nullptr, false);
  if (j.is_discarded()) return Error::internal("the stored discount limits are not JSON");
  return domain::DiscountLimits::from_json(j);
}

Result<domain::StepSettings> OrderService::load_steps(db::Connection& c) {
  KAM_TRY(row, c.query_one("SELECT config FROM order_settings WHERE name = 'steps'"));
  if (!row) return domain::StepSettings::defaults();
  auto j = json::parse(row->text(0), nullptr, false);
  if (j.is_discarded()) return Error::internal("the stored step targets are not JSON");
  return domain::StepSettings::from_json(j);
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

Result<std::vector<domain::DiscountLine>> OrderService::discount_lines(db::Connection& c,
                                                                       int64_t option_id) {
  KAM_TRY(rows, c.query("SELECT p.category, l.discount_bp FROM order_lines l JOIN products p ON "
                        "p.id = l.product_id "
                        "WHERE l.option_id = ? ORDER BY l.position",
                        {option_id}));
  std::vector<domain::DiscountLine> out;
  for (const auto& r : rows) out.push_back({r.text(0), r.i64(1)});
  return out;
}

Result<std::vector<json>> OrderService::load_options(db::Connection& c, const Actor& a,
                                                     const std::string& where, const db::Params& p,
                                                     int64_t term_months,
                                                     const std::string& creator_role,
                                                     const domain::DiscountLimits& limits) {
  bool cost = CatalogueService::sees_cost(a);
  KAM_TRY(opts, c.query("SELECT op.id, op.order_id, op.position, op.name, op.description, "
                        "op.version, op.created_at, op.updated_at "
                        "FROM order_options op WHERE " +
                            where + " ORDER BY op.order_id, op.position, op.id",
                        p));
  std::vector<json> out;
  for (const auto& o : opts) {
    KAM_TRY(lines, c.query("SELECT l.id, l.product_id, l.product_version, pv.code, pv.name, "
                           "pv.category, pv.charge, pv.unit, "
                           "l.price_region, (SELECT name FROM regions WHERE code = "
                           "l.price_region), l.quantity, l.unit_price_fen, "
                           "l.unit_cost_fen, l.subsidy_bp, l.discount_bp, l.max_discount_bp, "
                           "(SELECT version FROM products WHERE id = l.product_id) "
                           "FROM order_lines l JOIN product_versions pv ON pv.product_id = "
                           "l.product_id AND pv.version = l.product_version "
                           "WHERE l.option_id = ? ORDER BY l.position",
                           {o.i64(0)}));
    std::vector<domain::PricedLine> priced;
    std::vector<domain::DiscountLine> dl;
    json items = json::array();
    for (const auto& l : lines) {
      domain::PricedLine pl{l.text(5), l.text(6), l.i64(10), l.i64(11),
                            l.i64(12), l.i64(13), l.i64(14)};
      priced.push_back(pl);
      dl.push_back({pl.category, pl.discount_bp});
      auto amt = domain::price_line(pl);
      json li = {{"id", l.i64(0)},
                 {"product_id", l.i64(1)},
                 {"product_version", l.i64(2)},
                 {"current_version", l.i64(16)},
                 {"code", l.text(3)},
                 {"name", l.text(4)},
                 {"category", l.text(5)},
                 {"charge", l.text(6)},
                 {"unit", l.text(7)},
                 {"price_region", l.text(8)},
                 {"price_region_name", opt_text(l, 9)},
                 {"quantity", l.i64(10)},
                 {"unit_price_fen", l.i64(11)},
                 {"subsidy_pct", bp_to_pct(l.i64(13))},
                 {"discount_pct", bp_to_pct(l.i64(14))},
                 {"max_discount_pct", bp_to_pct(l.i64(15))},
                 {"amounts", json{{"list_fen", amt.list_fen},
                                  {"subsidy_fen", amt.subsidy_fen},
                                  {"discount_fen", amt.discount_fen},
                                  {"net_fen", amt.net_fen}}}};
      if (cost) {
        li["unit_cost_fen"] = l.i64(12);
        li["amounts"]["cost_fen"] = amt.cost_fen;
        li["amounts"]["margin_fen"] = amt.margin_fen;
      }
      items.push_back(std::move(li));
    }
    auto t = domain::total_option(priced, term_months);
    json authority = nullptr;
    if (auto role = domain::parse_role(creator_role)) {
      auto au = domain::check_authority(limits, *role, dl);
      json over = json::array();
      for (const auto& e : au.over) {
        over.push_back({{"line", e.line},
                        {"category", e.category},
                        {"discount_pct", bp_to_pct(e.discount_bp)},
                        {"limit_pct", bp_to_pct(e.limit_bp)}});
      }
      authority = {
          {"within_limit", au.within_limit},
          {"over", over},
          {"approver_role",
           au.approver ? json(std::string(domain::role_name(*au.approver))) : json(nullptr)}};
    }
    json oj = {{"id", o.i64(0)},
               {"order_id", o.i64(1)},
               {"position", o.i64(2)},
               {"name", o.text(3)},
               {"description", opt_text(o, 4)},
               {"version", o.i64(5)},
               {"created_at", iso8601(o.i64(6))},
               {"updated_at", iso8601(o.i64(7))},
               {"lines", items},
               {"monthly", amounts_json(t.monthly, cost)},
               {"one_time", amounts_json(t.one_time, cost)},
               {"term", amounts_json(t.term, cost)},
               {"max_discount_pct", bp_to_pct(t.max_discount_bp)},
               {"authority", authority}};
    if (cost) oj["margin_pct"] = t.margin_bp ? json(bp_to_pct(*t.margin_bp)) : json(nullptr);
    out.push_back(std::move(oj));
  }
  return out;
}

Result<bool> OrderService::may_decide(db::Connection& c, const Actor& a, int64_t order_id,
                                      const domain::DiscountLimits& limits) {
  if (!a.can(domain::Perm::kOrderApprove)) return false;
  KAM_TRY(ap, c.query_one("SELECT option_id, requested_by FROM order_approvals WHERE order_id = ? "
                          "AND status = 'pending'",
                          {order_id}));
  if (!ap) return false;
  if (a.user_id != 0 && ap->i64(1) == a.user_id)
    return false;  // nobody approves their own discount
  KAM_TRY(lines, discount_lines(c, ap->i64(0)));
  return domain::may_grant(limits, a.role, lines);
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
      return Error::invalid("state", "must be open or one of " + join(domain::order_states()));
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

Result<json> OrderService::update(const Actor& a, int64_t id, const json& body) {
  if (!a.can(domain::Perm::kOrderWrite)) return Error::forbidden("your role cannot change orders");
  KAM_CHECK(
      in::object_with(body, {"title", "requirement", "consultation", "term_months", "version"}));
  KAM_TRY(version, in::version(body));
  KAM_TRY(title, in::text(body, "title", 100, false));
  KAM_TRY(requirement, in::text(body, "requirement", 4000, false, true));
  KAM_TRY(consultation, in::text(body, "consultation", 4000, false, true));
  KAM_TRY(term, in::integer(body, "term_months", 1, 120, false, "a whole number of months"));
  const Clock& clock = records_.clock();
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(tx, db::Transaction::begin(lease));
  auto& c = tx.conn();
  KAM_TRY(row, load_row(c, a, id));
  if (!row) return Error::not_found("order");
  if (row->i64(sql::kVersion) != version) return conflict_version(row->i64(sql::kVersion)).error();
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
  if (n != 1) return conflict_version(version + 1).error();
  KAM_TRY(r2, load_row(c, Actor::system(), id));
  KAM_CHECK(write_audit(c, clock, a, "update", "order", id, before, order_json(*r2, now)));
  KAM_CHECK(tx.commit());
  return reread(*lease, a, id);
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

Result<json> OrderService::transition(const Actor& a, int64_t id, const std::string& action,
                                      const json& body) {
  if (!domain::is_one_of(domain::order_actions(), action)) {
    return Error::invalid("action", "must be one of " + join(domain::order_actions()));
  }
  bool deciding = action == "approve" || action == "refuse";
  if (deciding ? !a.can(domain::Perm::kOrderApprove) : !a.can(domain::Perm::kOrderWrite)) {
    return Error::forbidden(deciding ? "your role cannot decide discount approvals"
                                     : "your role cannot work orders");
  }
  KAM_CHECK(
      in::object_with(body, {"version", "note", "reason", "consultation", "option_id",
                             "step_owner_id", "confirmation", "billing_account", "billing_start"}));
  KAM_TRY(version, in::version(body));
  KAM_TRY(note, in::text(body, "note", 2000, false, true));
  KAM_TRY(reason, in::text(body, "reason", 1000, false, true));
  const Clock& clock = records_.clock();
  int64_t now = clock.now();
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(tx, db::Transaction::begin(lease));
  auto& c = tx.conn();
  KAM_TRY(row, load_row(c, a, id));
  if (!row) return Error::not_found("order");
  const db::Row& r = *row;
  std::string from = r.text(sql::kState);
  KAM_TRY(limits, load_limits(c));
  KAM_TRY(allowed, allowed_actions(c, a, r, limits));
  if (!domain::is_one_of(allowed, action)) {
    if (deciding && from == "approval") {
      return Error::conflict(
          "you may not decide this approval (it needs a higher limit than yours, or it is your own "
          "request); "
          "allowed: " +
              (allowed.empty() ? std::string("none") : join(allowed)),
          "action");
    }
    return Error::conflict("a " + from + " order cannot " + action + "; allowed: " +
                               (allowed.empty() ? std::string("none") : join(allowed)),
                           "action");
  }
  if (r.i64(sql::kVersion) != version) return conflict_version(r.i64(sql::kVersion)).error();
  json before = order_json(r, now);
  int64_t owner = r.i64(sql::kOwner);
  std::optional<int64_t> step_owner = owner;
  // Field changes made with the step.
  std::string sets;
  db::Params sp;
  bool needs_approval = false;
  json event = {{"action", action}};

  if (action == "consult") {
    KAM_TRY(cons, in::text(body, "consultation", 4000, false, true));
    if (cons) {
      sets += ", consultation = ?";
      sp.push_back(*cons);
    }
  } else if (action == "propose") {
    KAM_TRY(n, c.query_one("SELECT COUNT(*), SUM(CASE WHEN (SELECT COUNT(*) FROM order_lines l "
                           "WHERE l.option_id = op.id) = 0 "
                           "THEN 1 ELSE 0 END) FROM order_options op WHERE op.order_id = ?",
                           {id}));
    if (!n || n->i64(0) == 0)
      return Error::conflict("design at least one priced option before proposing", "options");
    if (n->i64(1) > 0)
      return Error::conflict("every option needs at least one priced line", "options");
  } else if (action == "choose") {
    KAM_TRY(opt, in::integer(body, "option_id", 1, INT64_MAX / 2, true, "an option id"));
    KAM_TRY(o, c.query_one("SELECT id, name FROM order_options WHERE id = ? AND order_id = ?",
                           {*opt, id}));
    if (!o) return Error::invalid("option_id", "is not an option of this order");
    KAM_TRY(lines, discount_lines(c, *opt));
    auto creator_role =
        domain::parse_role(r.text(sql::kCreatorRole)).value_or(domain::Role::kAccountManager);
    auto au = domain::check_authority(limits, creator_role, lines);
    sets += ", chosen_option_id = ?";
    sp.push_back(*opt);
    event["option_id"] = *opt;
    if (!au.within_limit) {
      if (!au.approver) {
        return Error::invalid("option_id",
                              "the discount of this option is beyond every role's limit: lower it");
      }
      needs_approval = true;
      KAM_TRY(opts, load_options(c, Actor::system(), "op.id = ?", {*opt}, r.i64(sql::kTerm),
                                 r.text(sql::kCreatorRole), limits));
      const json& oj = opts.at(0);
      json detail = {{"option_name", o->text(1)},
                     {"over", oj["authority"]["over"]},
                     {"term", oj["term"]},
                     {"monthly", oj["monthly"]},
                     {"margin_pct", oj["margin_pct"]},
                     {"max_discount_pct", oj["max_discount_pct"]},
                     {"term_months", r.i64(sql::kTerm)}};
      std::string required = std::string(domain::role_name(*au.approver));
      db::Value requester = a.user_id ? db::Value(a.user_id) : db::Value(r.i64(sql::kCreatedBy));
      KAM_CHECK(
          c.exec("INSERT INTO order_approvals(order_id, option_id, requested_by, requester_role, "
                 "required_role, requested_at, "
                 "detail, status) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending')",
                 {id, *opt, requester, r.text(sql::kCreatorRole), required, now, detail.dump()}));
      KAM_TRY(who, approvers_for(c, owner, required));
      for (auto u : who) {
        KAM_CHECK(notify(c, u, "order_approval",
                         "折扣待审批 " + domain::order_number(id, r.i64(sql::kCreatedAt)),
                         r.text(sql::kCustomerName) + " · " + r.text(sql::kTitle), id));
      }
      step_owner.reset();
      event["approval"] = required;
    }
  } else if (action == "approve" || action == "refuse") {
    if (action == "refuse" && !reason)
      return Error::invalid("reason", "is required: say why the discount is refused");
    KAM_TRY(
        n,
        c.exec("UPDATE order_approvals SET status = ?, decided_by = ?, decided_at = ?, reason = ? "
               "WHERE order_id = ? AND status = 'pending'",
               {action == "approve" ? "approved" : "refused", in::user_value(a), now,
                in::opt_value(reason), id}));
    if (n != 1)
      return Error::conflict("this approval was decided by someone else; reload", "version");
    KAM_TRY(
        requester,
        c.query_one(
            "SELECT requested_by FROM order_approvals WHERE order_id = ? ORDER BY id DESC LIMIT 1",
            {id}));
    if (requester) {
      KAM_CHECK(notify(c, requester->i64(0), "order_approval_decided",
                       std::string(action == "approve" ? "折扣已批准 " : "折扣被驳回 ") +
                           domain::order_number(id, r.i64(sql::kCreatedAt)),
                       reason.value_or(""), id));
    }
    if (action == "refuse") {
      sets += ", chosen_option_id = NULL";
    }
    event["reason"] = reason ? json(*reason) : json(nullptr);
  } else if (action == "revise" || action == "rework" || action == "cancel") {
    if (!reason) return Error::invalid("reason", "is required: say why");
    if (action == "cancel") {
      sets += ", cancel_reason = ?, cancelled_at = ?";
      sp.push_back(*reason);
      sp.push_back(now);
      KAM_CHECK(
          c.exec("UPDATE order_approvals SET status = 'withdrawn', decided_at = ?, reason = ? "
                 "WHERE order_id = ? AND status = 'pending'",
                 {now, *reason, id}));
    }
    if (action == "revise") sets += ", chosen_option_id = NULL";
    event["reason"] = *reason;
  } else if (action == "start-construction") {
    KAM_TRY(eng, in::integer(body, "step_owner_id", 1, INT64_MAX / 2, false, "a user id"));
    if (eng) {
      KAM_TRY(u, c.query_one("SELECT id FROM users WHERE id = ? AND active = 1", {*eng}));
      if (!u) return Error::invalid("step_owner_id", "is not an active user");
      step_owner = *eng;
    }
  } else if (action == "confirm") {
    KAM_TRY(text, in::text(body, "confirmation", 1000, false, true));
    json conf;
    if (text) {
      conf = {{"kind", "recorded"},
              {"text", *text},
              {"recorded_by", a.display_name},
              {"recorded_at", iso8601(now)}};
    } else {
      KAM_TRY(doc, c.query_one("SELECT id, file_name FROM order_documents WHERE order_id = ? ORDER "
                               "BY id DESC LIMIT 1",
                               {id}));
      if (!doc) {
        return Error::invalid("confirmation",
                              "is required: upload the customer's signed confirmation or record "
                              "how the customer confirmed");
      }
      conf = {{"kind", "document"}, {"document_id", doc->i64(0)}, {"file_name", doc->text(1)}};
    }
    sets += ", confirmation = ?";
    sp.push_back(conf.dump());
    event["confirmation"] = conf;
  } else if (action == "start-billing") {
    KAM_TRY(account, in::text(body, "billing_account", 40, true));
    KAM_TRY(start, in::date(body, "billing_start"));
    std::string day = start ? *start : shanghai_date(now);
    sets += ", billing_account = ?, billing_start = ?, completed_at = ?";
    sp.push_back(*account);
    sp.push_back(day);
    sp.push_back(now);
    event["billing_account"] = *account;
    event["billing_start"] = day;
  }

  auto to = domain::next_state(from, action, needs_approval);
  if (!to) return Error::conflict("a " + from + " order cannot " + action, "action");
  bool final = domain::is_final_state(*to);
  KAM_TRY(steps_cfg, load_steps(c));
  int64_t target = steps_cfg.target_seconds(*to);
  db::Value due = !final && target ? db::Value(now + target) : db::Value(nullptr);
  db::Value step_owner_v = final || !step_owner ? db::Value(nullptr) : db::Value(*step_owner);

  // Completing an order schedules the satisfaction callback in the same transaction.
  if (*to == "in_service" && on_completed_) {
    KAM_TRY(survey, on_completed_(c, r.i64(sql::kCustomerId), "order", id,
                                  now + steps_cfg.survey_delay_days * 86400));
    sets += ", survey_id = ?";
    sp.push_back(survey);
    event["survey_id"] = survey;
  }

  db::Params p = {*to, step_owner_v, now, due};
  p.insert(p.end(), sp.begin(), sp.end());
  p.push_back(now);
  p.push_back(id);
  p.push_back(version);
  KAM_TRY(n,
          c.exec("UPDATE orders SET state = ?, step_owner_id = ?, step_started_at = ?, step_due_at "
                 "= ?, step_reminded_at = NULL" +
                     sets + ", updated_at = ?, version = version + 1 WHERE id = ? AND version = ?",
                 p));
  if (n != 1) return conflict_version(version + 1).error();
  KAM_CHECK(c.exec(
      "UPDATE order_steps SET left_at = ?, action = ?, actor_id = ?, note = ? WHERE order_id = ? "
      "AND left_at IS NULL",
      {now, action, in::user_value(a), note ? db::Value(*note) : in::opt_value(reason), id}));
  if (!final) {
    KAM_CHECK(
        c.exec("INSERT INTO order_steps(order_id, step, owner_id, entered_at, due_at) VALUES (?, "
               "?, ?, ?, ?)",
               {id, *to, step_owner_v, now, due}));
  }
  KAM_TRY(r2, load_row(c, Actor::system(), id));
  json after = order_json(*r2, now);
  after["event"] = event;
  KAM_CHECK(write_audit(c, clock, a, action, "order", id, before, after));
  KAM_CHECK(tx.commit());
  return reread(*lease, a, id);
}

// --- Options --------------------------------------------------------------------------------

Result<json> OrderService::save_option(const Actor& a, int64_t order_id,
                                       std::optional<int64_t> option_id, const json& body) {
  if (!a.can(domain::Perm::kOrderWrite)) return Error::forbidden("your role cannot design orders");
  if (option_id) {
    KAM_CHECK(in::object_with(body, {"name", "description", "lines", "version"}));
  } else {
    KAM_CHECK(in::object_with(body, {"name", "description", "lines"}));
  }
  KAM_TRY(name, in::text(body, "name", 100, !option_id));
  KAM_TRY(description, in::text(body, "description", 2000, false, true));
  std::optional<int64_t> opt_version;
  if (option_id) {
    KAM_TRY(v, in::version(body));
    opt_version = v;
  }
  const Clock& clock = records_.clock();
  int64_t now = clock.now();
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(tx, db::Transaction::begin(lease));
  auto& c = tx.conn();
  KAM_TRY(row, load_row(c, a, order_id));
  if (!row) return Error::not_found("order");
  const db::Row& r = *row;
  if (r.text(sql::kState) != "design") {
    return Error::conflict(
        "options are designed while the order is in design (now " + r.text(sql::kState) + ")",
        "state");
  }
  json before = nullptr;
  if (option_id) {
    KAM_TRY(o, c.query_one("SELECT version FROM order_options WHERE id = ? AND order_id = ?",
                           {*option_id, order_id}));
    if (!o) return Error::not_found("option");
    if (o->i64(0) != *opt_version) {
      return Error::conflict(
          "this option was changed by someone else (now version " + std::to_string(o->i64(0)) + ")",
          "version");
    }
    KAM_TRY(b, load_options(c, a, "op.id = ?", {*option_id}, r.i64(sql::kTerm),
                            r.text(sql::kCreatorRole), domain::DiscountLimits{}));
    before = b.at(0);
  } else {
    KAM_TRY(n, c.query_one("SELECT COUNT(*) FROM order_options WHERE order_id = ?", {order_id}));
    if (n && static_cast<size_t>(n->i64(0)) >= kMaxOptions) {
      return Error::conflict("an order has at most " + std::to_string(kMaxOptions) + " options",
                             "options");
    }
  }
  // The lines, priced from the catalogue's current versions for the order's region.
  struct Line {
    ProductQuote q;
    int64_t quantity, discount_bp;
  };
  std::vector<Line> lines;
  bool lines_given = body.contains("lines");
  if (lines_given || !option_id) {
    if (!body.contains("lines") || !body["lines"].is_array() || body["lines"].empty() ||
        body["lines"].size() > kMaxLines) {
      return Error::invalid("lines", "must list 1 to " + std::to_string(kMaxLines) + " products");
    }
    std::string today = shanghai_date(now);
    for (size_t i = 0; i < body["lines"].size(); ++i) {
      const json& l = body["lines"][i];
      std::string at = "lines[" + std::to_string(i) + "].";
      KAM_CHECK(in::object_with(l, {"product_id", "quantity", "discount_pct"}, at));
      KAM_TRY(pid, in::integer(l, "product_id", 1, INT64_MAX / 2, true, "a product id", at));
      KAM_TRY(qty, in::integer(l, "quantity", 1, 100000, true, "a whole number", at));
      KAM_TRY(disc, in::percent(l, "discount_pct", false, at));
      KAM_TRY(q, CatalogueService::quote(c, *pid, r.text(sql::kRegion), r.text(sql::kIndustry),
                                         today, at + "product_id"));
      int64_t d = disc.value_or(0);
      if (d > q.max_discount_bp) {
        return Error::invalid(at + "discount_pct", "is more than the " +
                                                       json(bp_to_pct(q.max_discount_bp)).dump() +
                                                       "% the catalogue allows for " + q.name);
      }
      lines.push_back({q, *qty, d});
    }
  }
  int64_t oid;
  if (option_id) {
    oid = *option_id;
    KAM_TRY(n, c.exec("UPDATE order_options SET name = COALESCE(?, name), description = CASE WHEN "
                      "? = 1 THEN ? ELSE description END, "
                      "updated_at = ?, version = version + 1 WHERE id = ? AND version = ?",
                      {in::opt_value(name), int64_t{body.contains("description") ? 1 : 0},
                       in::opt_value(description), now, oid, *opt_version}));
    if (n != 1) return Error::conflict("this option was changed by someone else", "version");
  } else {
    KAM_TRY(pos, c.query_one(
                     "SELECT COALESCE(MAX(position), 0) + 1 FROM order_options WHERE order_id = ?",
                     {order_id}));
    KAM_TRY(idrow, c.query_one("INSERT INTO order_options(order_id, position, name, description, "
                               "created_by, created_at, updated_at) "
                               "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                               {order_id, pos->i64(0), *name, in::opt_value(description),
                                in::user_value(a), now, now}));
    oid = idrow->i64(0);
  }
  if (lines_given || !option_id) {
    KAM_CHECK(c.exec("DELETE FROM order_lines WHERE option_id = ?", {oid}));
    for (size_t i = 0; i < lines.size(); ++i) {
      const auto& l = lines[i];
      KAM_CHECK(
          c.exec("INSERT INTO order_lines(option_id, position, product_id, product_version, "
                 "price_region, quantity, unit_price_fen, "
                 "unit_cost_fen, subsidy_bp, discount_bp, max_discount_bp) VALUES (?, ?, ?, ?, ?, "
                 "?, ?, ?, ?, ?, ?)",
                 {oid, static_cast<int64_t>(i + 1), l.q.product_id, l.q.version, l.q.price_region,
                  l.quantity, l.q.unit_price_fen, l.q.unit_cost_fen, l.q.subsidy_bp, l.discount_bp,
                  l.q.max_discount_bp}));
    }
  }
  KAM_CHECK(c.exec("UPDATE orders SET updated_at = ?, version = version + 1 WHERE id = ?",
                   {now, order_id}));
  KAM_TRY(after, load_options(c, a, "op.id = ?", {oid}, r.i64(sql::kTerm),
                              r.text(sql::kCreatorRole), domain::DiscountLimits{}));
  KAM_CHECK(write_audit(c, clock, a, option_id ? "update" : "create", "order_option", oid, before,
                        after.at(0)));
  KAM_CHECK(tx.commit());
  return reread(*lease, a, order_id);
}

Result<json> OrderService::add_option(const Actor& a, int64_t order_id, const json& body) {
  return save_option(a, order_id, std::nullopt, body);
}

Result<json> OrderService::update_option(const Actor& a, int64_t order_id, int64_t option_id,
                                         const json& body) {
  return save_option(a, order_id, option_id, body);
}

Status OrderService::remove_option(const Actor& a, int64_t order_id, int64_t option_id) {
  if (!a.can(domain::Perm::kOrderWrite)) return Error::forbidden("your role cannot design orders");
  const Clock& clock = records_.clock();
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(tx, db::Transaction::begin(lease));
  auto& c = tx.conn();
  KAM_TRY(row, load_row(c, a, order_id));
  if (!row) return Error::not_found("order");
  if (row->text(sql::kState) != "design")
    return Error::conflict("options are removed while the order is in design", "state");
  KAM_TRY(used,
          c.query_one("SELECT COUNT(*) FROM order_approvals WHERE option_id = ?", {option_id}));
  KAM_TRY(b, load_options(c, a, "op.id = ? AND op.order_id = ?", {option_id, order_id},
                          row->i64(sql::kTerm), row->text(sql::kCreatorRole),
                          domain::DiscountLimits{}));
  if (b.empty()) return Error::not_found("option");
  if (used && used->i64(0) > 0)
    return Error::conflict("an approval was asked for this option: it stays on record",
                           "option_id");
  KAM_CHECK(c.exec("DELETE FROM order_lines WHERE option_id = ?", {option_id}));
  KAM_CHECK(c.exec("DELETE FROM order_options WHERE id = ?", {option_id}));
  KAM_CHECK(c.exec("UPDATE orders SET updated_at = ?, version = version + 1 WHERE id = ?",
                   {clock.now(), order_id}));
  KAM_CHECK(write_audit(c, clock, a, "delete", "order_option", option_id, b.at(0), nullptr));
  return tx.commit();
}

// --- Documents ------------------------------------------------------------------------------

Result<json> OrderService::add_document(const Actor& a, int64_t order_id,
                                        const std::string& file_name, const std::string& path) {
  if (!a.can(domain::Perm::kOrderWrite)) return Error::forbidden("your role cannot work orders");
  if (file_name.empty() || utf8_length(file_name) > 200 ||
      in::has_control_chars(file_name, false)) {
    return Error::invalid("file_name", "must be 1 to 200 characters without control characters");
  }
  std::ifstream f(path, std::ios::binary);
  if (!f) return Error::invalid("", "the request has no file body");
  std::stringstream ss;
  ss << f.rdbuf();
  std::string data = ss.str();
  if (data.empty()) return Error::invalid("", "the uploaded file is empty");
  if (static_cast<int64_t>(data.size()) > kMaxDocumentBytes)
    return Error{ErrorCode::kTooLarge, "a confirmation is at most 10 MB", ""};
  auto type = sniff_document(data.substr(0, 16));
  if (!type) return Error::invalid("file", "must be a PDF, PNG or JPEG document");
  const Clock& clock = records_.clock();
  int64_t now = clock.now();
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(tx, db::Transaction::begin(lease));
  auto& c = tx.conn();
  KAM_TRY(row, load_row(c, a, order_id));
  if (!row) return Error::not_found("order");
  std::string state = row->text(sql::kState);
  if (state != "construction" && state != "confirmation") {
    return Error::conflict(
        "the customer's confirmation is uploaded after construction (now " + state + ")", "state");
  }
  std::string sha = crypto::sha256_hex(data);
  KAM_TRY(idrow, c.query_one("INSERT INTO order_documents(order_id, file_name, content_type, "
                             "size_bytes, sha256, data, uploaded_by, uploaded_at) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                             {order_id, file_name, *type, static_cast<int64_t>(data.size()), sha,
                              db::Blob{data}, in::user_value(a), now}));
  int64_t id = idrow->i64(0);
  json out = {{"id", id},
              {"order_id", order_id},
              {"file_name", file_name},
              {"content_type", *type},
              {"size_bytes", static_cast<int64_t>(data.size())},
              {"sha256", sha},
              {"uploaded_at", iso8601(now)}};
  KAM_CHECK(write_audit(c, clock, a, "create", "order_document", id, nullptr, out));
  KAM_CHECK(tx.commit());
  return out;
}

Result<OrderDocument> OrderService::document(const Actor& a, int64_t order_id,
                                             int64_t document_id) {
  if (!can_read_orders(a)) return Error::forbidden("your role cannot read orders");
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(row, load_row(*lease, a, order_id));
  if (!row) return Error::not_found("order");
  KAM_TRY(
      d,
      lease->query_one(
          "SELECT file_name, content_type, data FROM order_documents WHERE id = ? AND order_id = ?",
          {document_id, order_id}));
  if (!d) return Error::not_found("document");
  return OrderDocument{d->text(0), d->text(1), d->blob(2)};
}

// --- Approvals ------------------------------------------------------------------------------

Result<json> OrderService::approvals(const Actor& a, const std::string& status, bool mine,
                                     int limit, int64_t offset) {
  if (!can_read_orders(a)) return Error::forbidden("your role cannot read orders");
  if (limit < 1 || limit > 200) return Error::invalid("limit", "must be between 1 and 200");
  static const std::set<std::string> known = {"pending", "approved", "refused", "withdrawn", "all"};
  std::string st = status.empty() ? "pending" : status;
  if (!known.count(st))
    return Error::invalid("status", "must be pending, approved, refused, withdrawn or all");
  auto v = sql::visible(a);
  std::string where = v.sql;
  db::Params p = v.params;
  if (st != "all") {
    where += " AND ap.status = ?";
    p.push_back(st);
  }
  if (mine) {
    where += " AND ap.requested_by = ?";
    p.push_back(a.user_id);
  }
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(limits, load_limits(*lease));
  KAM_TRY(rows, lease->query("SELECT ap.id, ap.order_id, ap.option_id, ap.requested_by, (SELECT "
                             "display_name FROM users WHERE id = ap.requested_by), "
                             "ap.requester_role, ap.required_role, ap.requested_at, ap.detail, "
                             "ap.status, ap.decided_by, "
                             "(SELECT display_name FROM users WHERE id = ap.decided_by), "
                             "ap.decided_at, ap.reason, o.title, c.name, "
                             "o.created_at, o.customer_id, o.version, o.term_months, (SELECT role "
                             "FROM users WHERE id = o.created_by) "
                             "FROM order_approvals ap JOIN orders o ON o.id = ap.order_id JOIN "
                             "customers c ON c.id = o.customer_id WHERE " +
                                 where + " ORDER BY ap.requested_at DESC, ap.id DESC",
                             p));
  json items = json::array();
  int64_t skipped = 0, total = 0;
  for (const auto& r : rows) {
    bool can_decide = false;
    if (r.text(9) == "pending") {
      KAM_TRY(ok, may_decide(*lease, a, r.i64(1), limits));
      can_decide = ok;
      // The inbox shows what the caller may decide; "mine" shows the caller's own requests.
      if (!mine && !can_decide && st == "pending") continue;
    }
    ++total;
    if (skipped < offset) {
      ++skipped;
      continue;
    }
    if (static_cast<int>(items.size()) >= limit) continue;
    KAM_TRY(opts, load_options(*lease, a, "op.id = ?", {r.i64(2)}, r.i64(19), r.text(20), limits));
    json detail = json::parse(r.text(8), nullptr, false);
    items.push_back({{"id", r.i64(0)},
                     {"order_id", r.i64(1)},
                     {"order_number", domain::order_number(r.i64(1), r.i64(16))},
                     {"order_title", r.text(14)},
                     {"order_version", r.i64(18)},
                     {"customer_id", r.i64(17)},
                     {"customer_name", r.text(15)},
                     {"option_id", r.i64(2)},
                     {"option", opts.empty() ? json(nullptr) : opts[0]},
                     {"requested_by", r.i64(3)},
                     {"requested_by_name", opt_text(r, 4)},
                     {"requester_role", r.text(5)},
                     {"required_role", r.text(6)},
                     {"requested_at", iso8601(r.i64(7))},
                     {"detail", detail.is_discarded() ? json::object() : detail},
                     {"status", r.text(9)},
                     {"decided_by", opt_id(r, 10)},
                     {"decided_by_name", opt_text(r, 11)},
                     {"decided_at", opt_time(r, 12)},
                     {"reason", opt_text(r, 13)},
                     {"can_decide", can_decide}});
  }
  int64_t next = offset + limit;
  return json{{"items", items},
              {"next_cursor", next < total ? json(std::to_string(next)) : json(nullptr)},
              {"total", total}};
}

// --- Settings -------------------------------------------------------------------------------

namespace {

Result<json> read_setting(db::Connection& c, const std::string& name) {
  KAM_TRY(row, c.query_one("SELECT config, version, updated_at, updated_by, (SELECT display_name "
                           "FROM users WHERE id = order_settings.updated_by) "
                           "FROM order_settings WHERE name = ?",
                           {name}));
  if (!row) return Error::internal("the order setting " + name + " is missing");
  auto cfg = json::parse(row->text(0), nullptr, false);
  return json{{"config", cfg},
              {"version", row->i64(1)},
              {"updated_at", row->i64(2) ? json(iso8601(row->i64(2))) : json(nullptr)},
              {"updated_by_name", opt_text(*row, 4)}};
}

}  // namespace

Result<json> OrderService::discount_limits(const Actor& a) {
  if (!can_read_orders(a)) return Error::forbidden("your role cannot read the discount limits");
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(s, read_setting(*lease, "discount_limits"));
  KAM_TRY(limits, domain::DiscountLimits::from_json(s["config"]));
  json pct = json::object();
  for (const auto& [role, cats] : limits.bp) {
    for (const auto& [cat, bp] : cats) pct[role][cat] = bp_to_pct(bp);
  }
  s["limits_pct"] = pct;
  s["defaults"] = domain::DiscountLimits::defaults().to_json();
  s["categories"] = domain::product_categories();
  return s;
}

Result<json> OrderService::put_discount_limits(const Actor& a, const json& body) {
  if (!a.can(domain::Perm::kOrderConfigure))
    return Error::forbidden("the discount limits are set by admins");
  KAM_CHECK(in::object_with(body, {"config", "version"}));
  KAM_TRY(version, in::version(body));
  if (!body.contains("config")) return Error::invalid("config", "is required");
  KAM_TRY(limits, domain::DiscountLimits::from_json(body["config"]));
  // A higher role never grants less than a lower one.
  const auto& ladder = domain::discount_ladder();
  for (const auto& cat : domain::product_categories()) {
    for (size_t i = 1; i < ladder.size(); ++i) {
      auto lo = domain::role_name(ladder[i - 1]), hi = domain::role_name(ladder[i]);
      if (limits.limit(hi, cat) < limits.limit(lo, cat)) {
        return Error::invalid("limits." + std::string(hi) + "." + cat,
                              "must be at least the " + std::string(lo) + " limit");
      }
    }
  }
  const Clock& clock = records_.clock();
  {
    KAM_TRY(lease, records_.db().acquire());
    KAM_TRY(tx, db::Transaction::begin(lease));
    KAM_TRY(before, read_setting(tx.conn(), "discount_limits"));
    KAM_TRY(n, tx->exec("UPDATE order_settings SET config = ?, version = version + 1, updated_by = "
                        "?, updated_at = ? WHERE name = "
                        "'discount_limits' AND version = ?",
                        {limits.to_json().dump(), in::user_value(a), clock.now(), version}));
    if (n != 1) {
      return Error::conflict("the discount limits were changed by someone else (now version " +
                                 before["version"].dump() + ")",
                             "version");
    }
    KAM_CHECK(write_audit(tx.conn(), clock, a, "update", "order_discount_limits", 0,
                          before["config"], limits.to_json()));
    KAM_CHECK(tx.commit());
  }
  return discount_limits(a);
}

Result<json> OrderService::step_settings(const Actor& a) {
  if (!can_read_orders(a)) return Error::forbidden("your role cannot read the order steps");
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(s, read_setting(*lease, "steps"));
  s["defaults"] = domain::StepSettings::defaults().to_json();
  s["steps"] = domain::order_steps();
  return s;
}

Result<json> OrderService::put_step_settings(const Actor& a, const json& body) {
  if (!a.can(domain::Perm::kOrderConfigure))
    return Error::forbidden("the step targets are set by admins");
  KAM_CHECK(in::object_with(body, {"config", "version"}));
  KAM_TRY(version, in::version(body));
  if (!body.contains("config")) return Error::invalid("config", "is required");
  KAM_TRY(cfg, domain::StepSettings::from_json(body["config"]));
  const Clock& clock = records_.clock();
  {
    KAM_TRY(lease, records_.db().acquire());
    KAM_TRY(tx, db::Transaction::begin(lease));
    KAM_TRY(before, read_setting(tx.conn(), "steps"));
    KAM_TRY(n, tx->exec("UPDATE order_settings SET config = ?, version = version + 1, updated_by = "
                        "?, updated_at = ? WHERE name = 'steps' "
                        "AND version = ?",
                        {cfg.to_json().dump(), in::user_value(a), clock.now(), version}));
    if (n != 1)
      return Error::conflict("the step targets were changed by someone else (now version " +
                                 before["version"].dump() + ")",
                             "version");
    KAM_CHECK(write_audit(tx.conn(), clock, a, "update", "order_steps_config", 0, before["config"],
                          cfg.to_json()));
    KAM_CHECK(tx.commit());
  }
  return step_settings(a);
}

// --- Figures --------------------------------------------------------------------------------

namespace {

json stats_json(const domain::DurationStats& d) {
  auto r2 = [](double v) { return std::round(v * 100) / 100; };
  return {{"count", d.count},
          {"mean_hours", r2(d.mean_hours)},
          {"p50_hours", r2(d.p50_hours)},
          {"p90_hours", r2(d.p90_hours)},
          {"max_hours", r2(d.max_hours)}};
}

}  // namespace

Result<json> OrderService::metrics(const Actor& a, const MetricsQuery& q) {
  if (!can_read_orders(a)) return Error::forbidden("your role cannot read order figures");
  auto v = sql::visible(a);
  std::string where = v.sql;
  db::Params p = v.params;
  if (q.from) {
    where += " AND o.created_at >= ?";
    p.push_back(*q.from);
  }
  if (q.to) {
    where += " AND o.created_at < ?";
    p.push_back(*q.to);
  }
  int64_t now = records_.clock().now();
  KAM_TRY(lease, records_.db().acquire());
  auto& c = *lease;
  KAM_TRY(steps_cfg, load_steps(c));
  // Per step: time spent in finished visits; open visits counted as in progress (and overdue).
  KAM_TRY(srows, c.query("SELECT s.step, s.entered_at, s.left_at, s.due_at FROM order_steps s JOIN "
                         "orders o ON o.id = s.order_id "
                         "JOIN customers c ON c.id = o.customer_id WHERE " +
                             where,
                         p));
  std::map<std::string, std::vector<int64_t>> per_step;
  std::map<std::string, int64_t> open_now, overdue_now, late_done;
  for (const auto& s : srows) {
    if (s.is_null(2)) {
      open_now[s.text(0)]++;
      if (!s.is_null(3) && s.i64(3) < now) overdue_now[s.text(0)]++;
    } else {
      int64_t d = s.i64(2) - s.i64(1);
      per_step[s.text(0)].push_back(d);
      int64_t t = steps_cfg.target_seconds(s.text(0));
      if (t && d > t) late_done[s.text(0)]++;
    }
  }
  json steps = json::array();
  for (const auto& st : domain::order_steps()) {
    json j = stats_json(domain::summarize_durations(per_step[st]));
    j["step"] = st;
    j["target_hours"] = steps_cfg.target_seconds(st) / 3600;
    j["open"] = open_now[st];
    j["overdue"] = overdue_now[st];
    j["late"] = late_done[st];
    steps.push_back(j);
  }
  // Per manager and per product line: cycle times of completed orders.
  KAM_TRY(orows, c.query("SELECT o.id, o.owner_id, (SELECT display_name FROM users WHERE id = "
                         "o.owner_id), o.created_at, o.completed_at, "
                         "o.state, o.chosen_option_id FROM orders o JOIN customers c ON c.id = "
                         "o.customer_id WHERE " +
                             where,
                         p));
  std::map<int64_t, std::pair<std::string, std::vector<int64_t>>> per_manager;
  std::map<int64_t, int64_t> open_per_manager;
  std::map<std::string, std::vector<int64_t>> per_month;
  std::vector<int64_t> all;
  std::map<std::string, int64_t> by_state;
  std::map<int64_t, int64_t> cycle_of_option;
  for (const auto& r : orows) {
    by_state[r.text(5)]++;
    auto& m = per_manager[r.i64(1)];
    m.first = r.text(2);
    if (r.is_null(4)) {
      if (!domain::is_final_state(r.text(5))) open_per_manager[r.i64(1)]++;
      continue;
    }
    int64_t d = r.i64(4) - r.i64(3);
    m.second.push_back(d);
    all.push_back(d);
    per_month[shanghai_date(r.i64(4)).substr(0, 7)].push_back(d);
    if (!r.is_null(6)) cycle_of_option[r.i64(6)] = d;
  }
  json managers = json::array();
  for (const auto& [id, m] : per_manager) {
    json j = stats_json(domain::summarize_durations(m.second));
    j["owner_id"] = id;
    j["owner_name"] = m.first;
    j["open"] = open_per_manager[id];
    managers.push_back(j);
  }
  json products = json::array();
  if (!cycle_of_option.empty()) {
    std::vector<int64_t> opts;
    for (const auto& [o, d] : cycle_of_option) opts.push_back(o);
    db::Params op(opts.begin(), opts.end());
    KAM_TRY(lrows, c.query("SELECT DISTINCT l.option_id, l.product_id, pv.name, pv.category FROM "
                           "order_lines l JOIN product_versions pv ON "
                           "pv.product_id = l.product_id AND pv.version = l.product_version WHERE "
                           "l.option_id IN " +
                               db::placeholders(opts.size()),
                           op));
    std::map<int64_t, std::tuple<std::string, std::string, std::vector<int64_t>>> per_product;
    for (const auto& l : lrows) {
      auto& e = per_product[l.i64(1)];
      std::get<0>(e) = l.text(2);
      std::get<1>(e) = l.text(3);
      std::get<2>(e).push_back(cycle_of_option[l.i64(0)]);
    }
    for (const auto& [pid, e] : per_product) {
      json j = stats_json(domain::summarize_durations(std::get<2>(e)));
      j["product_id"] = pid;
      j["product_name"] = std::get<0>(e);
      j["category"] = std::get<1>(e);
      products.push_back(j);
    }
  }
  json months = json::array();
  for (const auto& [m, ds] : per_month) {
    json j = stats_json(domain::summarize_durations(ds));
    j["month"] = m;
    months.push_back(j);
  }
  return json{{"overall", stats_json(domain::summarize_durations(all))},
              {"by_state", by_state},
              {"steps", steps},
              {"managers", managers},
              {"products", products},
              {"months", months}};
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

Result<json> OrderService::tick(int64_t now) {
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(tx, db::Transaction::begin(lease));
  auto& c = tx.conn();
  KAM_TRY(rows,
          c.query("SELECT o.id, o.step_owner_id, o.owner_id, o.state, o.title, o.created_at FROM "
                  "orders o WHERE o.state NOT IN "
                  "('in_service','cancelled') AND o.step_due_at < ? AND o.step_reminded_at IS NULL",
                  {now}));
  int64_t n = 0;
  for (const auto& r : rows) {
    std::vector<int64_t> who;
    if (r.text(3) == "approval") {
      KAM_TRY(
          ap,
          c.query_one(
              "SELECT required_role FROM order_approvals WHERE order_id = ? AND status = 'pending'",
              {r.i64(0)}));
      if (ap) {
        KAM_TRY(w, approvers_for(c, r.i64(2), ap->text(0)));
        who = w;
      }
    } else {
      who.push_back(r.is_null(1) ? r.i64(2) : r.i64(1));
    }
    for (auto u : who) {
      KAM_CHECK(notify(c, u, "order_overdue",
                       "订单环节超时 " + domain::order_number(r.i64(0), r.i64(5)), r.text(4),
                       r.i64(0)));
    }
    KAM_CHECK(c.exec("UPDATE orders SET step_reminded_at = ? WHERE id = ?", {now, r.i64(0)}));
    ++n;
  }
  KAM_CHECK(tx.commit());
  return json{{"reminded", n}};
}

}  // namespace kam::services
