#pragma once
// The 360 view (客户信息视图) of a customer in one call, composed from every area: the
// archive's part (which checks access: 404 outside the caller's scope), then value, zone, open
// alert tasks, churn risk, care tasks, family-plan candidates, work orders and orders.

#include "services/services.h"

namespace kam::services {

Result<json> customer_overview(Services& s, const Actor& a, int64_t id);

}  // namespace kam::services
