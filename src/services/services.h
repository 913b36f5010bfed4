#pragma once
// The composition root of the use cases: one instance per process, shared by all requests.

#include <spdlog/spdlog.h>

#include <memory>

#include "services/alerts/alert_service.h"
#include "services/alerts/care_service.h"
#include "services/alerts/family_plan_service.h"
#include "services/alerts/tariff_service.h"
#include "services/archive/archive_service.h"
#include "services/auth/admin_service.h"
#include "services/auth/auth_service.h"
#include "services/churn/churn_service.h"
#include "services/core/job_owner.h"
#include "services/core/records.h"
#include "services/orders/catalogue_service.h"
#include "services/orders/order_service.h"
#include "services/service_desk/knowledge_service.h"
#include "services/service_desk/service_desk_service.h"
#include "services/usage/analysis_service.h"
#include "services/usage/usage_service.h"

namespace kam::services {

struct Services {
  Services(db::Database& database, const Clock& c)
      : db(database),
        clock(c),
        auth(database, c),
        records(database, c),
        archive(records),
        admin(records, auth),
        usage(records),
        analysis(records),
        churn(records),
        care(records),
        tariff(records),
        family_plan(records),
        alerts(records, archive),
        desk(records),
        knowledge(records),
        catalogue(records),
        orders(records) {
    // After each monthly import the warning engine runs for the newest month.
    alerts.set_family_plan_source(
        [this](db::Connection& c, int month) { return family_plan.candidate_members(c, month); });
    // After each engine run the current churn model scores the month (the engine's churn_score
    // field reads the latest scores there are: the month's own on a re-run, else the month
    // before's).
    alerts.set_after_run([this](int month) {
      auto r = churn.score_month(Actor::system("engine"), month);
      if (!r)
        spdlog::error("churn scores of {}: {}", month, r.error().message);
      else if (!r->contains("skipped"))
        spdlog::info("churn scores of {}: {} customers", month, (*r)["rows"].dump());
    });
    // Completing a one-stop order schedules its satisfaction callback (the service desk's survey).
    orders.on_completed(
        [this](db::Connection& c, int64_t customer, const std::string&, int64_t order, int64_t) {
          return desk.schedule_order_callback(c, customer, order, clock.now());
        });
    usage.on_months_computed([this](int latest, const UsageService::InTransaction& also) {
      auto r = alerts.run(Actor::system("engine"), latest, also);
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
  ServiceDeskService desk;
  KnowledgeService knowledge;
  CatalogueService catalogue;
  OrderService orders;                // completing an order calls its hook (satisfaction callback)
  JobHeartbeat heartbeat{db, clock};  // renews the leases of this process's background jobs

  // Background jobs left by processes that died (SIGKILL, a crash, a lost machine): imports
  // not yet stored and churn trainings fail as interrupted; a usage import stored but not
  // computed is finished. `kam serve`'s scheduler runs this at start and every half minute;
  // `kam recover` once. Answers {usage, cdr, churn}: the jobs taken over.
  Result<json> recover_interrupted() {
    KAM_TRY(u, usage.recover_interrupted());
    KAM_TRY(c, family_plan.recover_interrupted());
    KAM_TRY(t, churn.recover_interrupted());
    return json{{"usage", u}, {"cdr", c}, {"churn", t}};
  }
};

}  // namespace kam::services
