// Routes of the views that read every area: a customer's 360 overview and the workbench.

#include "http/api.h"
#include "services/views/overview.h"
#include "services/views/workbench.h"

namespace kam::http {

// Long by design: a table of routes, one `router_.add` entry per route with its OpenAPI
// description; nothing in it branches.
void Api::add_view_routes() {
  router_.add("GET", "/api/v1/customers/{id}/overview",
              {.summary = "The 360 view of a customer in one call",
               .tag = "archive",
               .response_schema = "CustomerOverview"},
              with_id([](Context& c, int64_t id) {
                return reply(services::customer_overview(c.s, c.actor, id));
              }));
  router_.add("GET", "/api/v1/workbench",
              {.summary = "The signed-in user's workbench summary",
               .tag = "archive",
               .response_schema = "Workbench"},
              [](Context& c) { return reply(c.s.archive.workbench(c.actor)); });
  router_.add_schema(
      "WorkItem",
      {{"type", "object"},
       {"properties",
        {{"kind",
          {{"type", "string"},
           {"enum",
            {"alert_task", "care_task", "next_step", "work_order", "order_step", "approval"}}}},
         {"id",
          {{"type", "integer"},
           {"description",
            "the task's, contact record's, work order's, order's or approval's id"}}},
         {"title", {{"type", "string"}}},
         {"state", {{"type", "string"}}},
         {"customer_id", {{"type", "integer"}}},
         {"customer_name", {{"type", "string"}}},
         {"owner_id", {{"type", "integer"}}},
         {"owner_name", {{"type", json::array({"string", "null"})}}},
         {"due_at", {{"type", json::array({"string", "null"})}, {"format", "date-time"}}},
         {"due_date", {{"type", json::array({"string", "null"})}, {"format", "date"}}},
         {"overdue", {{"type", "boolean"}}},
         {"order_id", {{"type", json::array({"integer", "null"})}}}}}});
  router_.add_schema(
      "WorkItems",
      {{"type", "object"},
       {"properties",
        {{"scope", {{"type", "string"}, {"enum", {"me", "team"}}}},
         {"now", {{"type", "string"}, {"format", "date-time"}}},
         {"today", {{"type", "string"}, {"format", "date"}}},
         {"kinds",
          {{"type", "array"},
           {"items", {{"type", "string"}}},
           {"description", "the kinds of item this role has"}}},
         {"counts",
          {{"type", "object"},
           {"description",
            "{open, overdue, by_kind: {kind: {open, overdue}}}; open includes overdue"}}},
         {"items",
          {{"type", "array"},
           {"items", {{"$ref", "#/components/schemas/WorkItem"}}},
           {"description", "soonest due first"}}},
         {"total", {{"type", "integer"}}},
         {"by_owner",
          {{"type", "array"},
           {"items", {{"type", "object"}}},
           {"description",
            "scope=team: per person {user_id, name, role, open, overdue, by_kind}, most overdue "
            "first"}}}}}});
  router_.add(
      "GET", "/api/v1/workbench/items",
      {.summary = "Open and overdue items of the signed-in user (or a supervisor's team): alert "
                  "tasks, care tasks, "
                  "next steps, work orders, order steps and approvals waiting for them",
       .tag = "archive",
       .query =
           {{"scope", "string",
             "me (default) or team (supervisors: every member of their teams; admins: everyone)"},
            {"kind", "string", "list only this kind of item (the counts still cover every kind)"},
            {"limit", "integer", "items listed, 1-200 (default 50); the counts cover everything"}},
       .response_schema = "WorkItems"},
      [](Context& c) {
        services::WorkItemsQuery q;
        if (!c.query("scope").empty()) q.scope = c.query("scope");
        q.kind = c.query("kind");
        auto limit = c.query_int("limit", 50, 1, 200);
        if (!limit) return Response::error(limit.error());
        q.limit = static_cast<int>(*limit);
        return reply(services::workbench_items(c.s, c.actor, q));
      });
}

}  // namespace kam::http
