// Routes of early warning (SPEC §3): alert rules, alert tasks, zones, engine runs,
// notifications.

#include "domain/usage_fields.h"
#include "http/api.h"

namespace kam::http {
namespace {

json obj() {
  return {{"type", "object"}};
}

}  // namespace

// Long by design: a table of routes, one `router_.add` entry per route with its OpenAPI
// description; nothing in it branches.
void Api::add_alert_routes() {
  router_.add_tag("alerts", "early warning: rules, colour zones, alert tasks (SPEC §3)");
  json str = {{"type", "string"}}, integer = {{"type", "integer"}};
  router_.add_schema(
      "AlertRule",
      {{"type", "object"},
       {"properties",
        {{"id", integer},
         {"code", {{"type", json::array({"string", "null"})}}},
         {"name", str},
         {"level", {{"type", "string"}, {"enum", {"member", "customer"}}}},
         {"condition", str},
         {"severity", {{"type", "string"}, {"enum", {"low", "medium", "high", "critical"}}}},
         {"assignee", {{"type", "string"}, {"enum", {"account_manager", "phone_manager", "team"}}}},
         {"team_id", {{"type", json::array({"integer", "null"})}}},
         {"deadline_days", integer},
         {"enabled", {{"type", "boolean"}}},
         {"builtin", {{"type", "boolean"}}},
         {"version", integer},
         {"open_tasks", integer}}}});
  json rule_input = {
      {"type", "object"},
      {"additionalProperties", false},
      {"properties",
       {{"name", {{"type", "string"}, {"maxLength", 100}}},
        {"description", {{"type", json::array({"string", "null"})}}},
        {"level", {{"type", "string"}, {"enum", {"member", "customer"}}}},
        {"condition", {{"type", "string"}, {"maxLength", 4000}}},
        {"severity", {{"type", "string"}, {"enum", {"low", "medium", "high", "critical"}}}},
        {"assignee", {{"type", "string"}, {"enum", {"account_manager", "phone_manager", "team"}}}},
        {"team_id", {{"type", json::array({"integer", "null"})}}},
        {"deadline_days", {{"type", "integer"}, {"minimum", 1}, {"maximum", 365}}},
        {"enabled", {{"type", "boolean"}}},
        {"version", integer}}}};
  json create_input = rule_input;
  create_input["required"] = {"name", "condition"};
  json patch_input = rule_input;
  patch_input["required"] = {"version"};
  router_.add_schema("AlertRuleInput", create_input);
  router_.add_schema("AlertRulePatch", patch_input);
  router_.add_schema(
      "RulePreviewInput",
      {{"type", "object"},
       {"required", {"condition"}},
       {"properties",
        {{"condition", str}, {"level", {{"type", "string"}, {"enum", {"member", "customer"}}}}}}});
  router_.add_schema("RulePreview", {{"type", "object"},
                                     {"properties",
                                      {{"valid", {{"type", "boolean"}}},
                                       {"position", integer},
                                       {"message", str},
                                       {"this_month", obj()},
                                       {"last_month", obj()}}}});
  router_.add_schema("RuleFields", obj());
  router_.add_schema("RuleVersion", obj());
  router_.add_schema(
      "AlertTask",
      {{"type", "object"},
       {"properties",
        {{"id", integer},
         {"rule", obj()},
         {"customer", obj()},
         {"month", str},
         {"state", {{"type", "string"}, {"enum", {"open", "accepted", "contacted", "closed"}}}},
         {"outcome", {{"type", json::array({"string", "null"})}}},
         {"priority", integer},
         {"severity", str},
         {"zone", {{"type", json::array({"string", "null"})}}},
         {"deadline_at", str},
         {"overdue", {{"type", "boolean"}}},
         {"version", integer},
         {"allowed_actions", {{"type", "array"}, {"items", str}}}}}});
  router_.add_schema(
      "TaskAction",
      {{"type", "object"},
       {"required", {"version"}},
       {"properties",
        {{"version", integer},
         {"contact",
          {{"type", "object"},
           {"description", "contact: the contact record to add to the timeline"}}},
         {"outcome",
          {{"type", "string"}, {"enum", {"retained", "offer_made", "escalated", "lost"}}}},
         {"reason", str},
         {"assignee_id", integer}}}});
  router_.add_schema("TaskSummary", obj());
  router_.add_schema("ZoneSummary", obj());
  router_.add_schema(
      "ZoneConfig",
      {{"type", "object"},
       {"properties", {{"config", obj()}, {"defaults", obj()}, {"version", integer}}}});
  router_.add_schema("ZoneConfigInput",
                     {{"type", "object"},
                      {"required", {"config", "version"}},
                      {"properties", {{"config", obj()}, {"version", integer}}}});
  router_.add_schema("ZoneEvent", obj());
  router_.add_schema("CustomerZones", obj());
  router_.add_schema("EngineRunInput", {{"type", "object"}, {"properties", {{"month", str}}}});
  router_.add_schema("EngineRun", obj());
  router_.add_schema(
      "Notification",
      {{"type", "object"},
       {"properties",
        {{"id", integer},
         {"kind",
          {{"type", "string"}, {"description", "reminder, overdue, escalation, assignment, …"}}},
         {"title", str},
         {"body", {{"type", json::array({"string", "null"})}}},
         {"ref_type", {{"type", json::array({"string", "null"})}}},
         {"ref_id", {{"type", json::array({"integer", "null"})}}},
         {"created_at", str},
         {"read", {{"type", "boolean"}}}}}});
  router_.add_schema(
      "NotificationsRead",
      {{"type", "object"}, {"properties", {{"marked", integer}, {"unread", integer}}}});

  // Rules.
  router_.add("GET", "/api/v1/alert-rules",
              {.summary = "Alert rules (built-in and own)",
               .tag = "alerts",
               .response_schema = "AlertRule",
               .list = true},
              [](Context& c) { return reply(c.s.alerts.list_rules(c.actor)); });
  router_.add("POST", "/api/v1/alert-rules",
              {.summary = "Create a rule (the condition must compile)",
               .tag = "alerts",
               .request_schema = "AlertRuleInput",
               .response_schema = "AlertRule",
               .success_status = 201},
              [](Context& c) {
                auto b = c.body();
                if (!b) return Response::error(b.error());
                return reply(c.s.alerts.create_rule(c.actor, *b), 201);
              });
  router_.add("GET", "/api/v1/alert-rules/fields",
              {.summary = "What rules may name: fields, functions, aggregates",
               .tag = "alerts",
               .response_schema = "RuleFields"},
              [](Context& c) { return reply(c.s.alerts.rule_fields(c.actor)); });
  router_.add("POST", "/api/v1/alert-rules/preview",
              {.summary = "Check a condition and count its matches this month and last",
               .tag = "alerts",
               .request_schema = "RulePreviewInput",
               .response_schema = "RulePreview"},
              [](Context& c) {
                auto b = c.body();
                if (!b) return Response::error(b.error());
                return reply(c.s.alerts.preview(c.actor, *b));
              });
  router_.add(
      "GET", "/api/v1/alert-rules/{id}",
      {.summary = "One rule", .tag = "alerts", .response_schema = "AlertRule"},
      with_id([](Context& c, int64_t id) { return reply(c.s.alerts.get_rule(c.actor, id)); }));
  router_.add("PATCH", "/api/v1/alert-rules/{id}",
              {.summary = "Change a rule (a new version; send the version you read)",
               .tag = "alerts",
               .request_schema = "AlertRulePatch",
               .response_schema = "AlertRule"},
              with_id([](Context& c, int64_t id) {
                auto b = c.body();
                if (!b) return Response::error(b.error());
                return reply(c.s.alerts.update_rule(c.actor, id, *b));
              }));
  router_.add(
      "DELETE", "/api/v1/alert-rules/{id}",
      {.summary = "Delete an own rule that has no tasks", .tag = "alerts", .success_status = 204},
      with_id([](Context& c, int64_t id) { return reply(c.s.alerts.delete_rule(c.actor, id)); }));
  router_.add(
      "GET", "/api/v1/alert-rules/{id}/versions",
      {.summary = "Every version of a rule",
       .tag = "alerts",
       .response_schema = "RuleVersion",
       .list = true},
      with_id([](Context& c, int64_t id) { return reply(c.s.alerts.rule_versions(c.actor, id)); }));

  // Tasks.
  router_.add(
      "GET", "/api/v1/alert-tasks",
      {.summary = "Alert tasks in your scope: the inbox",
       .tag = "alerts",
       .query = {{"state", "string", "open, accepted, contacted, closed, or active (not closed)"},
                 {"owner", "string", "me, or a user id (assigned or escalated to)"},
                 {"zone", "string", "blue, green, yellow, red, white, none"},
                 {"severity", "string", "low, medium, high, critical"},
                 {"rule_id", "integer", "one rule"},
                 {"customer_id", "integer", "one customer"},
                 {"team_id", "integer", "one team"},
                 {"month", "string", "tasks raised in this month (YYYY-MM)"},
                 {"overdue", "boolean", "only tasks past their deadline"},
                 {"sort", "string", "-priority (default), deadline, -created …"},
                 {"limit", "integer", "1-200 (default 50)"},
                 {"cursor", "string", "next_cursor from the previous page"}},
       .response_schema = "AlertTask",
       .list = true},
      [](Context& c) {
        services::TaskQuery q;
        q.state = c.query("state");
        q.owner = c.query("owner");
        q.zone = c.query("zone");
        q.severity = c.query("severity");
        if (!c.query("sort").empty()) q.sort = c.query("sort");
        auto rule = c.query_int("rule_id", 0, 0, INT64_MAX / 2);
        auto cust = c.query_int("customer_id", 0, 0, INT64_MAX / 2);
        auto team = c.query_int("team_id", 0, 0, INT64_MAX / 2);
        auto limit = c.query_int("limit", 50, 1, 200);
        auto cursor = c.query_int("cursor", 0, 0, INT64_MAX / 2);
        for (const auto* r : {&rule, &cust, &team, &limit, &cursor}) {
          if (!*r) return Response::error(r->error());
        }
        auto month = c.query_month();
        if (!month) return Response::error(month.error());
        q.month = *month;
        std::string overdue = c.query("overdue");
        if (!overdue.empty() && overdue != "true" && overdue != "false") {
          return Response::error(Error::invalid("overdue", "must be true or false"));
        }
        q.overdue = overdue == "true";
        q.rule_id = *rule;
        q.customer_id = *cust;
        q.team_id = *team;
        q.limit = static_cast<int>(*limit);
        q.offset = *cursor;
        return reply(c.s.alerts.list_tasks(c.actor, q));
      });
  router_.add(
      "GET", "/api/v1/alert-tasks/summary",
      {.summary = "Tasks by state, manager, team, rule, zone: counts, overdue, outcomes, retention",
       .tag = "alerts",
       .query = {{"month", "string", "tasks raised in this month (YYYY-MM); default all"}},
       .response_schema = "TaskSummary"},
      [](Context& c) {
        auto m = c.query_month();
        if (!m) return Response::error(m.error());
        return reply(c.s.alerts.summary(c.actor, *m));
      });
  router_.add(
      "GET", "/api/v1/alert-tasks/{id}",
      {.summary = "One task with its history and what may happen next",
       .tag = "alerts",
       .response_schema = "AlertTask"},
      with_id([](Context& c, int64_t id) { return reply(c.s.alerts.get_task(c.actor, id)); }));
  for (const char* action : {"accept", "contact", "close", "reopen", "reassign"}) {
    std::string summary =
        std::string(action) == "accept"    ? "Accept the task"
        : std::string(action) == "contact" ? "Record a contact (added to the customer's timeline)"
        : std::string(action) == "close"   ? "Close with an outcome: retained, offer_made, "
                                             "escalated, lost (reason needed for the last two)"
        : std::string(action) == "reopen"  ? "Reopen a closed task (supervisors)"
                                           : "Give the task to someone else (supervisors)";
    std::string act = action;
    router_.add("POST", "/api/v1/alert-tasks/{id}/" + act,
                {.summary = summary,
                 .tag = "alerts",
                 .request_schema = "TaskAction",
                 .response_schema = "AlertTask"},
                with_id([act](Context& c, int64_t id) {
                  auto b = c.body();
                  if (!b) return Response::error(b.error());
                  return reply(c.s.alerts.transition(c.actor, id, act, *b));
                }));
  }

  // Zones.
  router_.add(
      "GET", "/api/v1/zones",
      {.summary = "Customers and members by colour zone this month and last, and the transitions",
       .tag = "alerts",
       .query = {{"month", "string", "YYYY-MM (default: the latest)"}},
       .response_schema = "ZoneSummary"},
      [](Context& c) {
        auto m = c.query_month();
        if (!m) return Response::error(m.error());
        return reply(c.s.alerts.zone_summary(c.actor, *m));
      });
  router_.add("GET", "/api/v1/zones/config",
              {.summary = "Zone thresholds and care actions",
               .tag = "alerts",
               .response_schema = "ZoneConfig"},
              [](Context& c) { return reply(c.s.alerts.get_zone_config(c.actor)); });
  router_.add("PUT", "/api/v1/zones/config",
              {.summary = "Change the zone thresholds (send the version you read)",
               .tag = "alerts",
               .request_schema = "ZoneConfigInput",
               .response_schema = "ZoneConfig"},
              [](Context& c) {
                auto b = c.body();
                if (!b) return Response::error(b.error());
                return reply(c.s.alerts.put_zone_config(c.actor, *b));
              });
  router_.add(
      "GET", "/api/v1/zones/transitions",
      {.summary = "Customers that changed zone",
       .tag = "alerts",
       .query = {{"month", "string", "YYYY-MM"},
                 {"limit", "integer", "1-200"},
                 {"cursor", "string", "next_cursor"}},
       .response_schema = "ZoneEvent",
       .list = true},
      [](Context& c) {
        auto m = c.query_month();
        auto limit = c.query_int("limit", 50, 1, 200);
        auto cursor = c.query_int("cursor", 0, 0, INT64_MAX / 2);
        if (!m) return Response::error(m.error());
        if (!limit) return Response::error(limit.error());
        if (!cursor) return Response::error(cursor.error());
        return reply(c.s.alerts.zone_events(c.actor, *m, static_cast<int>(*limit), *cursor));
      });
  router_.add("GET", "/api/v1/customers/{id}/zones",
              {.summary = "A customer's zone history and its members' zones",
               .tag = "alerts",
               .query = {{"months", "integer", "1-60 (default 12)"}},
               .response_schema = "CustomerZones"},
              with_id([](Context& c, int64_t id) {
                auto months = c.query_int("months", 12, 1, 60);
                if (!months) return Response::error(months.error());
                return reply(c.s.alerts.customer_zones(c.actor, id, static_cast<int>(*months)));
              }));

  // Engine.
  router_.add(
      "POST", "/api/v1/engine/runs",
      {.summary = "Run the warning engine for a month (default: the latest)",
       .tag = "alerts",
       .request_schema = "EngineRunInput",
       .response_schema = "EngineRun"},
      [](Context& c) {
        auto b = c.body_or_empty();
        if (!b) return Response::error(b.error());
        if (!b->is_object())
          return Response::error(Error::invalid("", "the request body must be a JSON object"));
        int month = 0;
        for (const auto& [k, v] : b->items()) {
          if (k != "month")
            return Response::error(Error::invalid(k, "is not a field of an engine run"));
          auto m = v.is_string() ? domain::parse_month(v.get<std::string>()) : std::nullopt;
          if (!m) return Response::error(Error::invalid("month", "must be a month YYYY-MM"));
          month = *m;
        }
        return reply(c.s.alerts.run(c.actor, month));
      });
  router_.add("GET", "/api/v1/engine/runs",
              {.summary = "Recent engine runs",
               .tag = "alerts",
               .query = {{"limit", "integer", "1-200"}},
               .response_schema = "EngineRun",
               .list = true},
              [](Context& c) {
                auto limit = c.query_int("limit", 20, 1, 200);
                if (!limit) return Response::error(limit.error());
                return reply(c.s.alerts.list_runs(c.actor, static_cast<int>(*limit)));
              });

  // Notifications.
  router_.add("GET", "/api/v1/notifications",
              {.summary = "Your notifications (reminders, overdue, escalations, assignments) with "
                          "the unread count",
               .tag = "alerts",
               .query = {{"unread", "boolean", "only unread"}, {"limit", "integer", "1-200"}},
               .response_schema = "Notification",
               .list = true},
              [](Context& c) {
                auto limit = c.query_int("limit", 50, 1, 200);
                if (!limit) return Response::error(limit.error());
                return reply(c.s.alerts.notifications(c.actor, c.query("unread") == "true",
                                                      static_cast<int>(*limit)));
              });
  router_.add("POST", "/api/v1/notifications/read-all",
              {.summary = "Mark all your unread notifications read",
               .tag = "alerts",
               .response_schema = "NotificationsRead"},
              [](Context& c) { return reply(c.s.alerts.mark_all_read(c.actor)); });
  router_.add(
      "POST", "/api/v1/notifications/{id}/read",
      {.summary = "Mark a notification read", .tag = "alerts", .success_status = 204},
      with_id([](Context& c, int64_t id) { return reply(c.s.alerts.mark_read(c.actor, id)); }));
}

}  // namespace kam::http
