// The 360 view (客户信息视图) composed from every area: the archive's part, then value, zone,
// open alert tasks, churn risk, care tasks and family-plan candidates of the same customer.

#include "services/views/overview.h"
#include "domain/usage_fields.h"

namespace kam::services {

Result<json> customer_overview(Services& s, const Actor& a, int64_t id) {
  // The archive part checks access (404 outside the caller's scope) and releases its
  // connection before the rest is read: one pooled connection at a time per request.
  KAM_TRY(ov, s.archive.overview(a, id));
  {
    KAM_TRY(lease, s.db.acquire());
    KAM_TRY(value, s.usage.customer_value(*lease, id, 12));
    ov["value"] = value;
    KAM_TRY(zone, lease->query_one("SELECT month, zone, previous_zone FROM customer_zones WHERE "
                                   "customer_id = ? ORDER BY month DESC LIMIT 1",
                                   {id}));
    if (zone) {
      ov["risk_zone"] = {
          {"month", domain::month_text(static_cast<int>(zone->i64(0)))},
          {"zone", zone->text(1)},
          {"previous_zone", zone->opt_text(2) ? json(zone->text(2)) : json(nullptr)}};
    }
    KAM_TRY(alerts, s.alerts.customer_tasks(*lease, id, true));
    ov["alerts"] = alerts;
    // The service desk: open work orders the caller may see and the last satisfaction score.
    KAM_TRY(work_orders, s.desk.customer_work_orders(*lease, a, id));
    ov["work_orders"] = work_orders;
    KAM_TRY(satisfaction, s.desk.customer_satisfaction(*lease, id));
    ov["satisfaction"] = satisfaction;
  }
  if (a.can(domain::Perm::kAnalysisRead)) {
    auto churn = s.churn.customer_churn(a, id);
    ov["churn"] = churn ? *churn : json(nullptr);
  }
  ListQuery care;
  care.limit = 20;
  care.params["customer_id"] = std::to_string(id);
  care.params["state"] = "open";
  auto tasks = s.care.list(a, care);
  ov["care_tasks"] = tasks ? (*tasks)["items"] : json::array();
  CandidateQuery fq;
  fq.customer_id = id;
  fq.limit = 20;
  auto family = s.family_plan.candidates(a, fq);
  ov["family_plan"] = family ? (*family)["items"] : json::array();
  {
    // One-stop orders of the customer (null for roles that do not read orders).
    KAM_TRY(lease, s.db.acquire());
    KAM_TRY(orders, s.orders.customer_orders(*lease, a, id));
    ov["orders"] = orders;
  }
  return ov;
}

}  // namespace kam::services
