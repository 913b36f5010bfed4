// Solution options (方案设计): up to six options an order, each up to 30 priced product lines
// from the catalogue, their totals, margin and the creator's discount authority.

#include "services/orders/order_common.h"

namespace kam::services {
namespace {

constexpr size_t kMaxOptions = 6;
constexpr size_t kMaxLines = 30;
}  // namespace

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

// --- Options --------------------------------------------------------------------------------

Result<json> OrderService::save_option(const Actor& a, int64_t order_id,
                                       std::optional<int64_t> option_id, const json& body) {
  if (!a.can(domain::Perm::kOrderWrite)) return Error::forbidden("your role cannot design orders");
  // Scope before the body: an order outside it answers 404 whatever the body holds.
  const Clock& clock = records_.clock();
  int64_t now = clock.now();
  KAM_TRY(w, begin_write(a, order_id));
  auto& tx = *w->tx;
  auto& c = tx.conn();
  auto& row = w->row;
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
  return reread(*w->lease, a, order_id);
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
  KAM_TRY(w, begin_write(a, order_id));
  auto& tx = *w->tx;
  auto& c = tx.conn();
  auto& row = w->row;
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

}  // namespace kam::services
