#pragma once
// The composition root of the use cases: one instance per process, shared by all requests.

#include <spdlog/spdlog.h>

#include <memory>

#include "services/admin_service.h"
#include "services/alert_service.h"
#include "services/analysis_service.h"
#include "services/archive_service.h"
#include "services/auth_service.h"
#include "services/care_service.h"
#include "services/churn_service.h"
#include "services/family_plan_service.h"
#include "services/records.h"
#include "services/tariff_service.h"
#include "services/usage_service.h"

namespace kam::services {

struct Services {
  Services(db::Database& database, const Clock& c)
      : db(database), clock(c), auth(database, c), records(database, c), archive(records),
        admin(records, auth), usage(records), analysis(records), churn(records),
        care(records), tariff(records), family_plan(records), alerts(records, archive) {
    // After each monthly import the warning engine runs for the newest month.
    alerts.set_family_plan_source([this](db::Connection& c, int month) { return family_plan.candidate_members(c, month); });
    usage.on_months_computed([this](int latest) {
      auto r = alerts.run(Actor::system("engine"), latest);
      if (!r) spdlog::error("warning engine after import: {}", r.error().message);
    });
  }
  db::Database& db;
  const Clock& clock;
  AuthService auth;
  Records records;
  ArchiveService archive;
  AdminService admin;
  UsageService usage;
  AnalysisService analysis;
  ChurnService churn;
  CareService care;
  TariffService tariff;
  FamilyPlanService family_plan;
  AlertService alerts;
};

// The 360 view of a customer in one call, from every area.
Result<json> customer_overview(Services& s, const Actor& a, int64_t id);

}  // namespace kam::services
