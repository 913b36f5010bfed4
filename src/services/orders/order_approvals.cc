// Discount approvals (折扣审批): who may decide, the approval inbox, and the versioned
// settings the flow runs on (the discount authority per role and product line, the step targets).

#include "services/orders/order_common.h"

namespace kam::services {
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

const SettingsStore& limit_settings() {
  static const SettingsStore s(SettingsKind::kDiscountLimits, "the discount limits");
  return s;
}
const SettingsStore& step_targets() {
  static const SettingsStore s(SettingsKind::kOrderSteps, "the step targets");
  return s;
}

}  // namespace

Result<domain::DiscountLimits> OrderService::load_limits(db::Connection& c) {
  return limit_settings().load<domain::DiscountLimits>(c);
}

Result<domain::StepSettings> OrderService::load_steps(db::Connection& c) {
  return step_targets().load<domain::StepSettings>(c);
}

Result<json> OrderService::discount_limits(const Actor& a) {
  if (!can_read_orders(a)) return Error::forbidden("your role cannot read the discount limits");
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(row, limit_settings().read(*lease));
  KAM_TRY(limits, load_limits(*lease));
  json s = SettingsStore::to_json(row.config, domain::DiscountLimits::defaults().to_json(), row);
  json pct = json::object();
  for (const auto& [role, cats] : limits.bp) {
    for (const auto& [cat, bp] : cats) pct[role][cat] = bp_to_pct(bp);
  }
  s["limits_pct"] = pct;
  s["updated_by_name"] = row.updated_by_name ? json(*row.updated_by_name) : json(nullptr);
  s["categories"] = domain::product_categories();
  return s;
}

Result<json> OrderService::put_discount_limits(const Actor& a, const json& body) {
  if (!a.can(domain::Perm::kOrderConfigure))
    return Error::forbidden("the discount limits are set by admins");
  // A higher role never grants less than a lower one.
  auto ladder_holds = [](db::Connection&, const domain::DiscountLimits& limits) -> Status {
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
    return {};
  };
  KAM_CHECK(limit_settings().change<domain::DiscountLimits>(records_.db(), records_.clock(), a,
                                                            body, ladder_holds));
  return discount_limits(a);
}

Result<json> OrderService::step_settings(const Actor& a) {
  if (!can_read_orders(a)) return Error::forbidden("your role cannot read the order steps");
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(row, step_targets().read(*lease));
  json s = SettingsStore::to_json(row.config, domain::StepSettings::defaults().to_json(), row);
  s["steps"] = domain::order_steps();
  s["updated_by_name"] = row.updated_by_name ? json(*row.updated_by_name) : json(nullptr);
  return s;
}

Result<json> OrderService::put_step_settings(const Actor& a, const json& body) {
  if (!a.can(domain::Perm::kOrderConfigure))
    return Error::forbidden("the step targets are set by admins");
  KAM_CHECK(step_targets().change<domain::StepSettings>(records_.db(), records_.clock(), a, body));
  return step_settings(a);
}

}  // namespace kam::services
