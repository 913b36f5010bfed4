// The product catalogue: validated input, versions written with every change, regional prices
// and the quote orders are priced from.

#include "services/orders/catalogue_service.h"

#include <map>

#include "services/core/audit.h"
#include "services/orders/order_input.h"

namespace kam::services {
namespace {

namespace in = order_input;
using domain::bp_to_pct;

constexpr int64_t kMaxFen = 100'000'000'000;  // 1 billion yuan: far above any real price

constexpr const char* kProductColumns =
    "id, code, name, category, kind, charge, unit, description, cost_fen, max_discount_bp, "
    "valid_from, valid_to, active, "
    "subsidies, components, version, created_at, updated_at";
constexpr const char* kVersionColumns =
    "product_id, code, name, category, kind, charge, unit, description, cost_fen, max_discount_bp, "
    "valid_from, valid_to, "
    "active, subsidies, components, version, changed_at, changed_at, note, changed_by, "
    "(SELECT display_name FROM users WHERE id = product_versions.changed_by)";

struct ProductInput {
  std::string code, name, category, kind = "product", charge = "monthly", unit = "个";
  std::optional<std::string> description, valid_from, valid_to, note;
  int64_t cost_fen = 0, max_discount_bp = 0;
  bool active = true;
  std::vector<std::pair<std::string, int64_t>> prices;  // region → fen
  json subsidies = json::array();                       // [{industry, subsidy_bp}]
  json components = json::array();                      // [{product_id, quantity}]
  bool prices_given = false;
};

json opt_text(const db::Row& r, size_t i) {
  return r.opt_text(i) ? json(r.text(i)) : json(nullptr);
}

// The product (or one of its versions) as the API shows it; columns as kProductColumns.
json product_json(const db::Row& r, bool cost) {
  json subsidies = json::array();
  for (const auto& s : json::parse(r.text(13), nullptr, false)) {
    if (s.is_object())
      subsidies.push_back({{"industry", s.value("industry", "")},
                           {"subsidy_pct", bp_to_pct(s.value("subsidy_bp", 0))}});
  }
  json components = json::parse(r.text(14), nullptr, false);
  json j = {{"id", r.i64(0)},
            {"code", r.text(1)},
            {"name", r.text(2)},
            {"category", r.text(3)},
            {"kind", r.text(4)},
            {"charge", r.text(5)},
            {"unit", r.text(6)},
            {"description", opt_text(r, 7)},
            {"max_discount_pct", bp_to_pct(r.i64(9))},
            {"valid_from", opt_text(r, 10)},
            {"valid_to", opt_text(r, 11)},
            {"active", r.i64(12) != 0},
            {"subsidies", subsidies},
            {"components", components.is_array() ? components : json::array()},
            {"version", r.i64(15)},
            {"created_at", iso8601(r.i64(16))},
            {"updated_at", iso8601(r.i64(17))}};
  if (cost) j["cost_fen"] = r.i64(8);
  return j;
}

bool on_sale(const json& p, const std::string& day) {
  if (!p["active"].get<bool>()) return false;
  if (p["valid_from"].is_string() && day < p["valid_from"].get<std::string>()) return false;
  if (p["valid_to"].is_string() && day > p["valid_to"].get<std::string>()) return false;
  return true;
}

// Prices of (product, version) pairs with their region names.
Result<std::map<std::pair<int64_t, int64_t>, json>> load_prices(
    db::Connection& c, const std::vector<std::pair<int64_t, int64_t>>& keys) {
  std::map<std::pair<int64_t, int64_t>, json> out;
  if (keys.empty()) return out;
  std::string where;
  db::Params p;
  for (const auto& [id, v] : keys) {
    where += (where.empty() ? "" : " OR ") + std::string("(pp.product_id = ? AND pp.version = ?)");
    p.push_back(id);
    p.push_back(v);
    out[{id, v}] = json::array();
  }
  KAM_TRY(rows, c.query("SELECT pp.product_id, pp.version, pp.region_code, r.name, r.level, "
                        "pp.price_fen FROM product_prices pp "
                        "JOIN regions r ON r.code = pp.region_code WHERE " +
                            where + " ORDER BY pp.region_code",
                        p));
  for (const auto& r : rows) {
    out[{r.i64(0), r.i64(1)}].push_back({{"region_code", r.text(2)},
                                         {"region_name", r.text(3)},
                                         {"level", r.text(4)},
                                         {"price_fen", r.i64(5)}});
  }
  return out;
}

// The price that applies in a region: its own, else its parent's (a city's province).
Result<std::optional<std::pair<std::string, int64_t>>> regional_price(db::Connection& c, int64_t id,
                                                                      int64_t version,
                                                                      const std::string& region) {
  KAM_TRY(
      rows,
      c.query(
          "SELECT pp.region_code, pp.price_fen, CASE WHEN pp.region_code = ? THEN 0 ELSE 1 END "
          "FROM product_prices pp "
          "WHERE pp.product_id = ? AND pp.version = ? AND (pp.region_code = ? OR pp.region_code = "
          "(SELECT parent_code FROM regions WHERE code = ?)) ORDER BY 3",
          {region, id, version, region, region}));
  if (rows.empty()) return std::optional<std::pair<std::string, int64_t>>();
  return std::optional<std::pair<std::string, int64_t>>(std::pair{rows[0].text(0), rows[0].i64(1)});
}

Result<ProductInput> product_input(db::Connection& c, const json& body, const json* current,
                                   int64_t self_id) {
  KAM_CHECK(
      in::object_with(body, {"code", "name", "category", "kind", "charge", "unit", "description",
                             "cost_fen", "max_discount_pct", "valid_from", "valid_to", "active",
                             "prices", "subsidies", "components", "note", "version"}));
  ProductInput p;
  bool create = current == nullptr;
  if (current) {
    const json& cur = *current;
    p.code = cur["code"];
    p.name = cur["name"];
    p.category = cur["category"];
    p.kind = cur["kind"];
    p.charge = cur["charge"];
    p.unit = cur["unit"];
    if (cur["description"].is_string()) p.description = cur["description"].get<std::string>();
    if (cur["valid_from"].is_string()) p.valid_from = cur["valid_from"].get<std::string>();
    if (cur["valid_to"].is_string()) p.valid_to = cur["valid_to"].get<std::string>();
    p.cost_fen = cur["cost_fen"];
    p.max_discount_bp = *domain::pct_to_bp(cur["max_discount_pct"].get<double>());
    p.active = cur["active"];
    for (const auto& s : cur["subsidies"])
      p.subsidies.push_back({{"industry", s["industry"]},
                             {"subsidy_bp", *domain::pct_to_bp(s["subsidy_pct"].get<double>())}});
    for (const auto& s : cur["components"])
      p.components.push_back({{"product_id", s["product_id"]}, {"quantity", s["quantity"]}});
  }
  KAM_TRY(code, in::text(body, "code", 40, create));
  if (code) {
    for (char ch : *code) {
      if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_')) {
        return Error::invalid("code", "may hold letters, digits, - and _ only");
      }
    }
    p.code = *code;
  }
  KAM_TRY(name, in::text(body, "name", 100, create));
  if (name) p.name = *name;
  KAM_TRY(category, in::one_of(body, "category", domain::product_categories(), create));
  if (category) p.category = *category;
  KAM_TRY(kind, in::one_of(body, "kind", domain::product_kinds()));
  if (kind) p.kind = *kind;
  KAM_TRY(charge, in::one_of(body, "charge", domain::charge_kinds()));
  if (charge) p.charge = *charge;
  KAM_TRY(unit, in::text(body, "unit", 20, false));
  if (unit) p.unit = *unit;
  if (body.contains("description")) {
    KAM_TRY(d, in::text(body, "description", 1000, false, true));
    p.description = d;
  }
  KAM_TRY(cost, in::integer(body, "cost_fen", 0, kMaxFen, create, "an amount in fen"));
  if (cost) p.cost_fen = *cost;
  KAM_TRY(maxd, in::percent(body, "max_discount_pct", false));
  if (maxd) p.max_discount_bp = *maxd;
  if (body.contains("valid_from")) {
    KAM_TRY(d, in::date(body, "valid_from"));
    p.valid_from = d;
  }
  if (body.contains("valid_to")) {
    KAM_TRY(d, in::date(body, "valid_to"));
    p.valid_to = d;
  }
  if (p.valid_from && p.valid_to && *p.valid_to < *p.valid_from)
    return Error::invalid("valid_to", "is before valid_from");
  KAM_TRY(active, in::boolean(body, "active"));
  if (active) p.active = *active;
  KAM_TRY(note, in::text(body, "note", 200, false));
  p.note = note;

  if (body.contains("prices")) {
    p.prices_given = true;
    const auto& prices = body["prices"];
    if (!prices.is_array() || prices.empty() || prices.size() > 200) {
      return Error::invalid("prices", "must list 1 to 200 regional prices");
    }
    for (size_t i = 0; i < prices.size(); ++i) {
      std::string at = "prices[" + std::to_string(i) + "].";
      KAM_CHECK(in::object_with(prices[i], {"region_code", "price_fen"}, at));
      KAM_TRY(region, in::text(prices[i], "region_code", 12, true, false, at));
      KAM_TRY(fen, in::integer(prices[i], "price_fen", 0, kMaxFen, true, "an amount in fen", at));
      KAM_TRY(level, c.query_one("SELECT level FROM regions WHERE code = ?", {*region}));
      if (!level) return Error::invalid(at + "region_code", "is not a known region");
      if (level->text(0) == "district")
        return Error::invalid(at + "region_code",
                              "prices are set per province or city, not per district");
      for (const auto& [r, f] : p.prices) {
        (void)f;
        if (r == *region)
          return Error::invalid(at + "region_code", "has a price already: one price per region");
      }
      p.prices.emplace_back(*region, *fen);
    }
  } else if (create) {
    return Error::invalid("prices", "is required: at least one regional price");
  }
  if (body.contains("subsidies")) {
    const auto& subs = body["subsidies"];
    if (!subs.is_array() || subs.size() > 50)
      return Error::invalid("subsidies", "must be a list of at most 50 industry subsidies");
    p.subsidies = json::array();
    for (size_t i = 0; i < subs.size(); ++i) {
      std::string at = "subsidies[" + std::to_string(i) + "].";
      KAM_CHECK(in::object_with(subs[i], {"industry", "subsidy_pct"}, at));
      KAM_TRY(industry, in::text(subs[i], "industry", 50, true, false, at));
      KAM_TRY(bp, in::percent(subs[i], "subsidy_pct", true, at));
      for (const auto& s : p.subsidies) {
        if (s["industry"] == *industry)
          return Error::invalid(at + "industry", "has a subsidy already");
      }
      p.subsidies.push_back({{"industry", *industry}, {"subsidy_bp", *bp}});
    }
  }
  if (body.contains("components")) {
    const auto& comps = body["components"];
    if (!comps.is_array() || comps.size() > 30)
      return Error::invalid("components", "must be a list of at most 30 products");
    p.components = json::array();
    for (size_t i = 0; i < comps.size(); ++i) {
      std::string at = "components[" + std::to_string(i) + "].";
      KAM_CHECK(in::object_with(comps[i], {"product_id", "quantity"}, at));
      KAM_TRY(pid, in::integer(comps[i], "product_id", 1, INT64_MAX / 2, true, "a product id", at));
      KAM_TRY(qty, in::integer(comps[i], "quantity", 1, 10000, true, "a whole number", at));
      if (*pid == self_id)
        return Error::invalid(at + "product_id", "a bundle cannot contain itself");
      KAM_TRY(row, c.query_one("SELECT code, name, kind FROM products WHERE id = ?", {*pid}));
      if (!row) return Error::invalid(at + "product_id", "is not a product of the catalogue");
      if (row->text(2) == "bundle")
        return Error::invalid(at + "product_id",
                              "a bundle holds products and packages, not bundles");
      p.components.push_back({{"product_id", *pid},
                              {"code", row->text(0)},
                              {"name", row->text(1)},
                              {"quantity", *qty}});
    }
  }
  if (p.kind == "bundle" && p.components.empty())
    return Error::invalid("components", "a bundle lists the products it holds");
  if (p.kind != "bundle" && !p.components.empty())
    return Error::invalid("components", "only bundles hold other products");
  return p;
}

Status write_version(db::Connection& c, int64_t id, const ProductInput& p, const Actor& a,
                     int64_t now) {
  KAM_CHECK(
      c.exec("INSERT INTO product_versions(product_id, version, code, name, category, kind, "
             "charge, unit, description, cost_fen, "
             "max_discount_bp, valid_from, valid_to, active, subsidies, components, note, "
             "changed_by, changed_at) "
             "SELECT id, version, code, name, category, kind, charge, unit, description, cost_fen, "
             "max_discount_bp, valid_from, "
             "valid_to, active, subsidies, components, CAST(? AS TEXT), CAST(? AS BIGINT), CAST(? "
             "AS BIGINT) FROM products WHERE id = ?",
             {in::opt_value(p.note), in::user_value(a), now, id}));
  return {};
}

Status write_prices(db::Connection& c, int64_t id, int64_t version,
                    const std::vector<std::pair<std::string, int64_t>>& prices) {
  for (const auto& [region, fen] : prices) {
    KAM_CHECK(
        c.exec("INSERT INTO product_prices(product_id, version, region_code, price_fen) VALUES (?, "
               "?, ?, ?)",
               {id, version, region, fen}));
  }
  return {};
}

}  // namespace

bool CatalogueService::sees_cost(const Actor& a) {
  return a.can(domain::Perm::kProductManage) || a.can(domain::Perm::kOrderWrite);
}

Result<json> CatalogueService::load(db::Connection& c, const Actor& a, int64_t id,
                                    std::optional<int64_t> version) {
  std::optional<db::Row> row;
  if (version) {
    KAM_TRY(r, c.query_one(std::string("SELECT ") + kVersionColumns +
                               " FROM product_versions WHERE product_id = ? AND version = ?",
                           {id, *version}));
    row = std::move(r);
  } else {
    KAM_TRY(r, c.query_one(std::string("SELECT ") + kProductColumns + " FROM products WHERE id = ?",
                           {id}));
    row = std::move(r);
  }
  if (!row) return Error::not_found(version ? "product version" : "product");
  json p = product_json(*row, sees_cost(a));
  KAM_TRY(prices, load_prices(c, {{id, p["version"].get<int64_t>()}}));
  p["prices"] = prices[{id, p["version"].get<int64_t>()}];
  if (version) {
    p["changed_at"] = iso8601(row->i64(16));
    p["note"] = opt_text(*row, 18);
    p["changed_by"] =
        row->is_null(19) ? json(nullptr) : json{{"id", row->i64(19)}, {"name", row->text(20)}};
    p.erase("created_at");
    p.erase("updated_at");
  } else {
    KAM_TRY(current,
            c.query_one("SELECT MAX(version), COUNT(*) FROM product_versions WHERE product_id = ?",
                        {id}));
    p["versions"] = current ? current->i64(1) : 0;
    KAM_TRY(used, c.query_one("SELECT COUNT(DISTINCT o.order_id) FROM order_lines l JOIN "
                              "order_options o ON o.id = l.option_id "
                              "WHERE l.product_id = ?",
                              {id}));
    p["orders"] = used ? used->i64(0) : 0;
  }
  p["on_sale"] = on_sale(p, shanghai_date(records_.clock().now()));
  return p;
}

Result<json> CatalogueService::list(const Actor& a, const ProductQuery& q) {
  if (!a.can(domain::Perm::kArchiveRead))
    return Error::forbidden("your role cannot read the product catalogue");
  if (q.limit < 1 || q.limit > 200) return Error::invalid("limit", "must be between 1 and 200");
  std::string where = " WHERE 1=1";
  db::Params p;
  if (!q.category.empty()) {
    if (!domain::is_one_of(domain::product_categories(), q.category)) {
      return Error::invalid("category", "must be voice, data, line, circuit, cloud or ict");
    }
    where += " AND category = ?";
    p.push_back(q.category);
  }
  if (!q.kind.empty()) {
    if (!domain::is_one_of(domain::product_kinds(), q.kind))
      return Error::invalid("kind", "must be product, package or bundle");
    where += " AND kind = ?";
    p.push_back(q.kind);
  }
  if (q.active) {
    where += " AND active = ?";
    p.push_back(int64_t{*q.active ? 1 : 0});
  }
  if (!q.q.empty()) {
    if (utf8_length(q.q) > 100) return Error::invalid("q", "is longer than 100 characters");
    std::string like;
    for (char ch : q.q) {
      if (ch == '%' || ch == '_' || ch == '\\') like += '\\';
      like += ch;
    }
    where += " AND (name LIKE ? ESCAPE '\\' OR code LIKE ? ESCAPE '\\')";
    p.push_back("%" + like + "%");
    p.push_back("%" + like + "%");
  }
  KAM_TRY(lease, records_.db().acquire());
  if (!q.region.empty()) {
    KAM_TRY(region, lease->query_one("SELECT level FROM regions WHERE code = ?", {q.region}));
    if (!region) return Error::invalid("region", "is not a known region");
  }
  KAM_TRY(total, lease->query_one("SELECT COUNT(*) FROM products" + where, p));
  db::Params page = p;
  page.push_back(static_cast<int64_t>(q.limit));
  page.push_back(q.offset);
  KAM_TRY(rows, lease->query(std::string("SELECT ") + kProductColumns + " FROM products" + where +
                                 " ORDER BY CASE category WHEN 'voice' THEN 1 WHEN 'data' THEN 2 "
                                 "WHEN 'line' THEN 3 WHEN 'circuit' THEN 4 "
                                 "WHEN 'cloud' THEN 5 ELSE 6 END, code LIMIT ? OFFSET ?",
                             page));
  std::vector<std::pair<int64_t, int64_t>> keys;
  for (const auto& r : rows) keys.emplace_back(r.i64(0), r.i64(15));
  KAM_TRY(prices, load_prices(*lease, keys));
  std::string today = shanghai_date(records_.clock().now());
  json items = json::array();
  for (const auto& r : rows) {
    json j = product_json(r, sees_cost(a));
    j["prices"] = prices[{r.i64(0), r.i64(15)}];
    j["on_sale"] = on_sale(j, today);
    if (!q.region.empty()) {
      // Districts take their city's price (districts never have one of their own).
      std::string region = q.region;
      KAM_TRY(level,
              lease->query_one("SELECT level, parent_code FROM regions WHERE code = ?", {region}));
      if (level && level->text(0) == "district") region = level->text(1);
      KAM_TRY(price, regional_price(*lease, r.i64(0), r.i64(15), region));
      j["price_fen"] = price ? json(price->second) : json(nullptr);
      j["price_region"] = price ? json(price->first) : json(nullptr);
    }
    items.push_back(std::move(j));
  }
  int64_t n = total ? total->i64(0) : 0;
  int64_t next = q.offset + q.limit;
  return json{{"items", items},
              {"next_cursor", next < n ? json(std::to_string(next)) : json(nullptr)},
              {"total", n}};
}

Result<json> CatalogueService::get(const Actor& a, int64_t id) {
  if (!a.can(domain::Perm::kArchiveRead))
    return Error::forbidden("your role cannot read the product catalogue");
  KAM_TRY(lease, records_.db().acquire());
  return load(*lease, a, id, std::nullopt);
}

Result<json> CatalogueService::create(const Actor& a, const json& body) {
  if (!a.can(domain::Perm::kProductManage))
    return Error::forbidden("the product catalogue is maintained by admins and analysts");
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(tx, db::Transaction::begin(lease));
  auto& c = tx.conn();
  KAM_TRY(p, product_input(c, body, nullptr, 0));
  KAM_TRY(dup, c.query_one("SELECT id FROM products WHERE code = ?", {p.code}));
  if (dup) return Error::conflict("a product with this code exists already", "code");
  int64_t now = records_.clock().now();
  KAM_TRY(idrow,
          c.query_one(
              "INSERT INTO products(code, name, category, kind, charge, unit, description, "
              "cost_fen, max_discount_bp, "
              "valid_from, valid_to, active, subsidies, components, created_by, created_at, "
              "updated_at, version) "
              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) RETURNING id",
              {p.code, p.name, p.category, p.kind, p.charge, p.unit, in::opt_value(p.description),
               p.cost_fen, p.max_discount_bp, in::opt_value(p.valid_from),
               in::opt_value(p.valid_to), int64_t{p.active ? 1 : 0}, p.subsidies.dump(),
               p.components.dump(), in::user_value(a), now, now}));
  int64_t id = idrow->i64(0);
  KAM_CHECK(write_version(c, id, p, a, now));
  KAM_CHECK(write_prices(c, id, 1, p.prices));
  KAM_TRY(after, load(c, a, id, std::nullopt));
  KAM_CHECK(write_audit(c, records_.clock(), a, "create", "product", id, nullptr, after));
  KAM_CHECK(tx.commit());
  return load(*lease, a, id, std::nullopt);
}

Result<json> CatalogueService::update(const Actor& a, int64_t id, const json& body) {
  if (!a.can(domain::Perm::kProductManage))
    return Error::forbidden("the product catalogue is maintained by admins and analysts");
  KAM_CHECK(
      in::object_with(body, {"code", "name", "category", "kind", "charge", "unit", "description",
                             "cost_fen", "max_discount_pct", "valid_from", "valid_to", "active",
                             "prices", "subsidies", "components", "note", "version"}));
  KAM_TRY(version, in::version(body));
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(tx, db::Transaction::begin(lease));
  auto& c = tx.conn();
  KAM_TRY(before, load(c, a, id, std::nullopt));
  KAM_TRY(p, product_input(c, body, &before, id));
  if (before["version"].get<int64_t>() != version) {
    return Error::conflict("this product was changed by someone else (now version " +
                               before["version"].dump() + "); reload and try again",
                           "version");
  }
  if (p.code != before["code"]) {
    KAM_TRY(dup, c.query_one("SELECT id FROM products WHERE code = ? AND id <> ?", {p.code, id}));
    if (dup) return Error::conflict("a product with this code exists already", "code");
  }
  if (!p.prices_given) {
    for (const auto& pr : before["prices"])
      p.prices.emplace_back(pr["region_code"].get<std::string>(), pr["price_fen"].get<int64_t>());
  }
  int64_t now = records_.clock().now();
  KAM_TRY(
      n, c.exec("UPDATE products SET code = ?, name = ?, category = ?, kind = ?, charge = ?, unit "
                "= ?, description = ?, cost_fen = ?, "
                "max_discount_bp = ?, valid_from = ?, valid_to = ?, active = ?, subsidies = ?, "
                "components = ?, updated_at = ?, "
                "version = version + 1 WHERE id = ? AND version = ?",
                {p.code, p.name, p.category, p.kind, p.charge, p.unit, in::opt_value(p.description),
                 p.cost_fen, p.max_discount_bp, in::opt_value(p.valid_from),
                 in::opt_value(p.valid_to), int64_t{p.active ? 1 : 0}, p.subsidies.dump(),
                 p.components.dump(), now, id, version}));
  if (n != 1)
    return Error::conflict("this product was changed by someone else; reload and try again",
                           "version");
  KAM_CHECK(write_version(c, id, p, a, now));
  KAM_CHECK(write_prices(c, id, version + 1, p.prices));
  KAM_TRY(after, load(c, a, id, std::nullopt));
  KAM_CHECK(write_audit(c, records_.clock(), a, "update", "product", id, before, after));
  KAM_CHECK(tx.commit());
  return load(*lease, a, id, std::nullopt);
}

Status CatalogueService::remove(const Actor& a, int64_t id) {
  if (!a.can(domain::Perm::kProductManage))
    return Error::forbidden("the product catalogue is maintained by admins and analysts");
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(tx, db::Transaction::begin(lease));
  auto& c = tx.conn();
  KAM_TRY(before, load(c, a, id, std::nullopt));
  if (before["orders"].get<int64_t>() > 0) {
    return Error::conflict(
        "orders were priced with this product: switch it off (active: false) instead", "id");
  }
  KAM_TRY(in_bundle,
          c.query_one(
              "SELECT code FROM products WHERE kind = 'bundle' AND id <> ? AND components LIKE ?",
              {id, "%\"product_id\":" + std::to_string(id) + ",%"}));
  if (in_bundle)
    return Error::conflict(
        "the bundle " + in_bundle->text(0) + " holds this product: change the bundle first", "id");
  KAM_CHECK(c.exec("DELETE FROM product_prices WHERE product_id = ?", {id}));
  KAM_CHECK(c.exec("DELETE FROM product_versions WHERE product_id = ?", {id}));
  KAM_CHECK(c.exec("DELETE FROM products WHERE id = ?", {id}));
  KAM_CHECK(write_audit(c, records_.clock(), a, "delete", "product", id, before, nullptr));
  return tx.commit();
}

Result<json> CatalogueService::versions(const Actor& a, int64_t id) {
  if (!a.can(domain::Perm::kArchiveRead))
    return Error::forbidden("your role cannot read the product catalogue");
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(exists, lease->query_one("SELECT version FROM products WHERE id = ?", {id}));
  if (!exists) return Error::not_found("product");
  KAM_TRY(rows,
          lease->query(std::string("SELECT ") + kVersionColumns +
                           " FROM product_versions WHERE product_id = ? ORDER BY version DESC",
                       {id}));
  std::vector<std::pair<int64_t, int64_t>> keys;
  for (const auto& r : rows) keys.emplace_back(id, r.i64(15));
  KAM_TRY(prices, load_prices(*lease, keys));
  json items = json::array();
  for (const auto& r : rows) {
    json j = product_json(r, sees_cost(a));
    j["prices"] = prices[{id, r.i64(15)}];
    j["changed_at"] = iso8601(r.i64(16));
    j["note"] = opt_text(r, 18);
    j["changed_by"] = r.is_null(19) ? json(nullptr) : json{{"id", r.i64(19)}, {"name", r.text(20)}};
    j["current"] = r.i64(15) == exists->i64(0);
    j.erase("created_at");
    j.erase("updated_at");
    items.push_back(std::move(j));
  }
  return json{{"items", items}, {"next_cursor", nullptr}, {"total", items.size()}};
}

Result<json> CatalogueService::version(const Actor& a, int64_t id, int64_t v) {
  if (!a.can(domain::Perm::kArchiveRead))
    return Error::forbidden("your role cannot read the product catalogue");
  KAM_TRY(lease, records_.db().acquire());
  return load(*lease, a, id, v);
}

Result<ProductQuote> CatalogueService::quote(db::Connection& c, int64_t product_id,
                                             const std::string& region, const std::string& industry,
                                             const std::string& day, const std::string& field) {
  KAM_TRY(row, c.query_one(std::string("SELECT ") + kProductColumns + " FROM products WHERE id = ?",
                           {product_id}));
  if (!row) return Error::invalid(field, "is not a product of the catalogue");
  json p = product_json(*row, true);
  if (!p["active"].get<bool>())
    return Error::invalid(field,
                          p["name"].get<std::string>() + " is switched off in the catalogue");
  if (!on_sale(p, day)) {
    return Error::invalid(field, p["name"].get<std::string>() + " is on sale from " +
                                     p["valid_from"].dump() + " to " + p["valid_to"].dump() +
                                     ", not on " + day);
  }
  ProductQuote q;
  q.product_id = product_id;
  q.version = p["version"];
  q.code = p["code"];
  q.name = p["name"];
  q.category = p["category"];
  q.kind = p["kind"];
  q.charge = p["charge"];
  q.unit = p["unit"];
  q.unit_cost_fen = p["cost_fen"];
  q.max_discount_bp = row->i64(9);
  KAM_TRY(price, regional_price(c, product_id, q.version, region));
  if (!price) {
    KAM_TRY(name, c.query_one("SELECT name FROM regions WHERE code = ?", {region}));
    return Error::invalid(
        field, q.name + " has no price in " + (name ? name->text(0) : region) + " or its province");
  }
  q.price_region = price->first;
  q.unit_price_fen = price->second;
  for (const auto& s : json::parse(row->text(13), nullptr, false)) {
    if (s.is_object() && !industry.empty() && s.value("industry", "") == industry)
      q.subsidy_bp = s.value("subsidy_bp", 0);
  }
  return q;
}

}  // namespace kam::services
