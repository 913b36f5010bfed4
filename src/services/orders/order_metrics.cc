// The orders' figures and reminders: cycle times per step, manager and product with the monthly
// trend, and the tick that reminds a step's owner (or the approvers) once past its target.

#include <cmath>

#include "services/orders/order_common.h"

namespace kam::services {
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
