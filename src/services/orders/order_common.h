#pragma once
// What the files of the orders area share: their headers, the short names `in` (reading request
// bodies) and `sql` (the order row's columns), who may read orders, and reading order rows into
// JSON (nullable columns, hours, amounts).

#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "domain/orders.h"
#include "services/core/actor.h"
#include "services/core/audit.h"
#include "services/core/settings.h"
#include "services/orders/order_input.h"
#include "services/orders/order_service.h"
#include "services/orders/order_sql.h"

namespace kam::services::order_rows {

using json = nlohmann::json;

inline bool can_read_orders(const Actor& a) {
  return a.can(domain::Perm::kOrderWrite) || a.can(domain::Perm::kOrderApprove) ||
         a.can(domain::Perm::kAnalysisRead);
}

inline json opt_text(const db::Row& r, size_t i) {
  return r.is_null(i) ? json(nullptr) : json(r.text(i));
}
inline json opt_id(const db::Row& r, size_t i) {
  return r.is_null(i) ? json(nullptr) : json(r.i64(i));
}
inline json opt_time(const db::Row& r, size_t i) {
  return r.is_null(i) ? json(nullptr) : json(iso8601(r.i64(i)));
}
inline double hours(int64_t seconds) {
  return static_cast<double>(seconds * 100 / 3600) / 100.0;
}

inline json amounts_json(const domain::Amounts& a, bool cost) {
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
}  // namespace kam::services::order_rows

namespace kam::services {
namespace in = order_input;
namespace sql = order_sql;
using namespace order_rows;
using domain::bp_to_pct;
}  // namespace kam::services
