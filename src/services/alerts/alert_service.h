#pragma once
// Early warning and retention (SPEC §3): alert rules (versioned configuration with a preview),
// the colour zones, the engine run that turns a month of usage into de-duplicated, prioritised
// alert tasks for the right person, and the task workflow with reminders and escalation.

#include "engine/alert_engine.h"
#include "services/archive/archive_service.h"
#include "services/core/records.h"

namespace kam::services {

struct TaskQuery {
  std::string state;  // open | accepted | contacted | closed | active (not closed)
  std::string owner;  // "me", a user id, or empty (everything in scope)
  std::string zone, severity;
  int64_t rule_id = 0, customer_id = 0, team_id = 0;
  int month = 0;  // tasks raised in this month (0 = any)
  bool overdue = false;
  std::string sort = "-priority";
  int limit = 50;
  int64_t offset = 0;
};

class AlertService {
 public:
  AlertService(Records& records, ArchiveService& archive) : records_(records), archive_(archive) {}

  // Rules.
  Result<json> list_rules(const Actor& a);
  Result<json> get_rule(const Actor& a, int64_t id);
  Result<json> create_rule(const Actor& a, const json& body);
  Result<json> update_rule(const Actor& a, int64_t id, const json& body);
  Status delete_rule(const Actor& a, int64_t id);
  Result<json> rule_versions(const Actor& a, int64_t id);
  // How many customers a condition matches this month and last, with a sample; a condition
  // that does not compile answers {valid:false, position, message}.
  Result<json> preview(const Actor& a, const json& body);
  // Field reference for the rule editor.
  Result<json> rule_fields(const Actor& a);

  // Zones.
  Result<json> get_zone_config(const Actor& a);
  Result<json> put_zone_config(const Actor& a, const json& body);
  Result<json> zone_summary(const Actor& a, int month);
  Result<json> customer_zones(const Actor& a, int64_t customer_id, int months);
  Result<json> zone_events(const Actor& a, int month, int limit, int64_t offset);

  // The engine: zones and rules for a month (0 = the latest computed), tasks created; `also`
  // (an import's completion) is committed in the same transaction.
  Result<json> run(const Actor& a, int month,
                   const std::function<Status(db::Connection&)>& also = {});
  Result<json> list_runs(const Actor& a, int limit);

  // Tasks.
  Result<json> list_tasks(const Actor& a, const TaskQuery& q);
  Result<json> get_task(const Actor& a, int64_t id);
  // accept | contact | close | reopen | reassign, with the version read.
  Result<json> transition(const Actor& a, int64_t id, const std::string& action, const json& body);
  Result<json> summary(const Actor& a, int month);
  Result<json> customer_tasks(db::Connection& c, int64_t customer_id, bool open_only);

  // Reminders before the deadline and escalation after it; answers what was done.
  Result<json> tick(int64_t now);
  // A handover moved a customer to another manager: their open tasks follow.
  static Status reassign_on_handover(db::Connection& c, int64_t customer_id, int64_t from_user,
                                     int64_t to_user, int64_t now);

  // Where family-plan candidates come from (the family plan service), for the rule field.
  void set_family_plan_source(
      std::function<Result<std::vector<int64_t>>(db::Connection&, int)> fn) {
    family_plan_source_ = std::move(fn);
  }
  // Called after each successful run with its month: the churn scores of the month.
  void set_after_run(std::function<void(int month)> fn) { after_run_ = std::move(fn); }

  Result<json> notifications(const Actor& a, bool unread_only, int limit);
  Status mark_read(const Actor& a, int64_t id);
  // Marks every unread notification of the caller read; answers how many and what is left unread.
  Result<json> mark_all_read(const Actor& a);

 private:
  Result<domain::ZoneConfig> load_zone_config(db::Connection& c);
  Result<int> latest_month(db::Connection& c);
  Result<json> load_rule(db::Connection& c, int64_t id);
  Result<engine::EngineInputs> load_inputs(db::Connection& c, int month, int frames,
                                           const engine::FieldMask& fields);
  Result<json> task_json(db::Connection& c, const db::Row& r);

  Records& records_;
  ArchiveService& archive_;
  std::function<Result<std::vector<int64_t>>(db::Connection&, int)> family_plan_source_;
  std::function<void(int)> after_run_;
};

}  // namespace kam::services
