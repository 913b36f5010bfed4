#pragma once
// The product catalogue (SPEC §5): products, packages and bundles of every product line with
// one price per province or city (the same everywhere in it), industry subsidies, a validity
// period, the cost and the largest discount allowed. Every change is a new version; old
// versions stay readable, and an order line keeps the version it was priced with. Admins and
// analysts maintain it; everyone who reads the archive reads it (costs only for the roles that
// sell or maintain).

#include <optional>
#include <string>

#include "services/core/records.h"

namespace kam::services {

struct ProductQuery {
  std::string category, kind, q, region;
  std::optional<bool> active;
  int limit = 50;
  int64_t offset = 0;
};

// What the catalogue answers for one product in one region on one day.
struct ProductQuote {
  int64_t product_id = 0;
  int64_t version = 0;
  std::string code, name, category, kind, charge, unit;
  std::string price_region;  // the region whose price applies (the order's city or its province)
  int64_t unit_price_fen = 0, unit_cost_fen = 0;
  int64_t max_discount_bp = 0, subsidy_bp = 0;
};

class CatalogueService {
 public:
  explicit CatalogueService(Records& records) : records_(records) {}

  Result<json> list(const Actor& a, const ProductQuery& q);
  Result<json> get(const Actor& a, int64_t id);
  Result<json> create(const Actor& a, const json& body);
  // A new version (send the version you read); prices, when given, replace the old set.
  Result<json> update(const Actor& a, int64_t id, const json& body);
  // Only a product no order has used; others are switched off (active: false).
  Status remove(const Actor& a, int64_t id);
  Result<json> versions(const Actor& a, int64_t id);
  Result<json> version(const Actor& a, int64_t id, int64_t version);

  // The current version's price for a region (its own price, else its province's), the
  // subsidy for an industry, on a day; refusals name `field`.
  static Result<ProductQuote> quote(db::Connection& c, int64_t product_id,
                                    const std::string& region_code, const std::string& industry,
                                    const std::string& day, const std::string& field);
  // Whether the actor may see costs and margins (those who sell or maintain the catalogue).
  static bool sees_cost(const Actor& a);

 private:
  Result<json> load(db::Connection& c, const Actor& a, int64_t id, std::optional<int64_t> version);

  Records& records_;
};

}  // namespace kam::services
