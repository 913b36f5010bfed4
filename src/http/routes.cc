// Route registration for the foundation areas: auth, archive and administration.

#include "http/api.h"
#include "http/routes_entities.h"
#include "services/audit.h"
#include "services/workbench.h"

namespace kam::http {

using domain::Perm;

void Api::add_auth_routes() {
  router_.add(
      "POST", "/api/v1/auth/login",
      {.summary = "Sign in; answers a session token and sets the kam_session cookie",
       .tag = "auth",
       .request_schema = "LoginInput",
       .response_schema = "LoginResult"},
      [this](Context& c) {
        auto body = c.body();
        if (!body) return Response::error(body.error());
        if (!body->is_object())
          return Response::error(Error::invalid("", "the request body must be a JSON object"));
        for (const char* k : {"username", "password"}) {
          if (!body->contains(k) || !(*body)[k].is_string()) {
            return Response::error(Error::invalid(k, "is required"));
          }
        }
        auto r = c.s.auth.login((*body)["username"].get<std::string>(),
                                (*body)["password"].get<std::string>(), c.req.remote_ip,
                                c.req.header("user-agent"));
        if (!r) return Response::error(r.error());
        Response res = Response::json_body(
            {{"token", r->token}, {"expires_at", iso8601(r->expires_at)}, {"user", r->user}});
        std::string cookie = "kam_session=" + r->token +
                             "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
                             std::to_string(r->expires_at - c.s.clock.now());
        if (options_.secure_cookie) cookie += "; Secure";
        res.headers.emplace_back("Set-Cookie", cookie);
        return res;
      },
      false);
  router_.add("POST", "/api/v1/auth/logout",
              {.summary = "Sign out (revokes the session)", .tag = "auth", .success_status = 204},
              [](Context& c) {
                auto s = c.s.auth.logout(c.token);
                if (!s) return Response::error(s.error());
                Response res = Response::no_content();
                res.headers.emplace_back(
                    "Set-Cookie", "kam_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
                return res;
              });
  router_.add("GET", "/api/v1/auth/me",
              {.summary = "The signed-in user and their permissions",
               .tag = "auth",
               .response_schema = "User"},
              [](Context& c) { return reply(c.s.auth.me(c.actor)); });
  router_.add(
      "POST", "/api/v1/auth/password",
      {.summary = "Change your password (ends your other sessions)",
       .tag = "auth",
       .request_schema = "PasswordChange",
       .success_status = 204},
      [](Context& c) {
        auto body = c.body();
        if (!body) return Response::error(body.error());
        if (!body->is_object())
          return Response::error(Error::invalid("", "the request body must be a JSON object"));
        for (const char* k : {"current_password", "new_password"}) {
          if (!body->contains(k) || !(*body)[k].is_string())
            return Response::error(Error::invalid(k, "is required"));
        }
        return reply(c.s.auth.change_password(c.actor,
                                              (*body)["current_password"].get<std::string>(),
                                              (*body)["new_password"].get<std::string>(), c.token));
      });
}

void Api::add_archive_routes() {
  auto& rec = s_.records;
  auto& ar = s_.archive;
  add_entity_routes(
      router_, rec, domain::customer_spec(), ar.hooks(domain::customer_spec()),
      {.extra_query = {
           {"q", "string", "search name, credit code, key person or member number"},
           {"region", "string", "province, city or district code"},
           {"manager", "integer", "account or phone manager user id"},
           {"tier", "string",
            "value tier of the latest computed month: gold, silver, bronze or do_not_serve"}}});
  for (const auto* s : {&domain::member_spec(), &domain::key_person_spec(),
                        &domain::contract_spec(), &domain::need_spec()}) {
    add_entity_routes(router_, rec, *s, ar.hooks(*s), {.nested = true});
  }
  add_entity_routes(router_, rec, domain::contact_spec(), ar.hooks(domain::contact_spec()),
                    {.nested = true,
                     .top_level_list = true,
                     .extra_query = {{"from", "string", "occurred at or after (date or ISO time)"},
                                     {"to", "string", "occurred before (date or ISO time)"}}});

  router_.add("GET", "/api/v1/customers/{id}/overview",
              {.summary = "The 360 view of a customer in one call",
               .tag = "archive",
               .response_schema = "CustomerOverview"},
              with_id([](Context& c, int64_t id) {
                return reply(services::customer_overview(c.s, c.actor, id));
              }));
  router_.add(
      "GET", "/api/v1/customers/{id}/hierarchy",
      {.summary = "The group hierarchy around a customer",
       .tag = "archive",
       .response_schema = "Hierarchy"},
      with_id([](Context& c, int64_t id) { return reply(c.s.archive.hierarchy(c.actor, id)); }));
  router_.add(
      "GET", "/api/v1/customers/{id}/assignments",
      {.summary = "Assignment history of the account team",
       .tag = "archive",
       .response_schema = "Assignment",
       .list = true},
      with_id([](Context& c, int64_t id) { return reply(c.s.archive.assignments(c.actor, id)); }));
  router_.add("POST", "/api/v1/customers/{id}/handovers",
              {.summary = "Start a handover to another manager (builds the checklist)",
               .tag = "archive",
               .request_schema = "HandoverInput",
               .response_schema = "Handover",
               .success_status = 201},
              with_id_body([](Context& c, int64_t id, json& body) {
                return reply(c.s.archive.start_handover(c.actor, id, body), 201);
              }));
  router_.add("GET", "/api/v1/handovers",
              {.summary = "Handovers you may see",
               .tag = "archive",
               .query = {{"status", "string", "open, completed or cancelled"},
                         {"customer_id", "integer", "one customer"}},
               .response_schema = "Handover",
               .list = true},
              [](Context& c) {
                int64_t cust = 0;
                std::string cs = c.query("customer_id");
                if (!cs.empty()) {
                  if (cs.find_first_not_of("0123456789") != std::string::npos || cs.size() > 18) {
                    return Response::error(Error::invalid("customer_id", "must be an integer"));
                  }
                  cust = std::stoll(cs);
                }
                return reply(c.s.archive.list_handovers(c.actor, c.query("status"), cust));
              });
  router_.add(
      "GET", "/api/v1/handovers/{id}",
      {.summary = "One handover with its checklist",
       .tag = "archive",
       .response_schema = "Handover"},
      with_id([](Context& c, int64_t id) { return reply(c.s.archive.get_handover(c.actor, id)); }));
  router_.add("PATCH", "/api/v1/handovers/{id}/items/{item_id}",
              {.summary = "Tick (or untick) a checklist item",
               .tag = "archive",
               .request_schema = "HandoverItemPatch",
               .response_schema = "Handover"},
              with_id([](Context& c, int64_t id) {
                auto item = c.id("item_id");
                if (!item) return Response::error(item.error());
                auto body = c.body();
                if (!body) return Response::error(body.error());
                return reply(c.s.archive.tick_handover_item(c.actor, id, *item, *body));
              }));
  router_.add("POST", "/api/v1/handovers/{id}/complete",
              {.summary = "Complete a handover: the customer's manager changes",
               .tag = "archive",
               .response_schema = "Handover"},
              with_id([](Context& c, int64_t id) {
                return reply(c.s.archive.complete_handover(c.actor, id));
              }));
  router_.add(
      "POST", "/api/v1/handovers/{id}/cancel",
      {.summary = "Cancel an open handover", .tag = "archive", .response_schema = "Handover"},
      with_id([](Context& c, int64_t id) {
        json body = json::object();
        if (!c.req.body.empty()) {
          auto b = c.body();
          if (!b) return Response::error(b.error());
          body = *b;
        }
        return reply(c.s.archive.cancel_handover(c.actor, id, body));
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
            {"limit", "integer", "items listed, 1-200 (default 50); the counts cover everything"}},
       .response_schema = "WorkItems"},
      [](Context& c) {
        services::WorkItemsQuery q;
        if (!c.query("scope").empty()) q.scope = c.query("scope");
        if (auto l = c.query("limit"); !l.empty()) {
          if (l.size() > 3 || l.find_first_not_of("0123456789") != std::string::npos) {
            return Response::error(Error::invalid("limit", "must be an integer between 1 and 200"));
          }
          q.limit = std::stoi(l);
        }
        return reply(services::workbench_items(c.s, c.actor, q));
      });
}

void Api::add_admin_routes() {
  add_entity_routes(router_, s_.records, domain::user_spec(), s_.admin.user_hooks(),
                    {.remove = false});
  add_entity_routes(router_, s_.records, domain::team_spec(), s_.admin.team_hooks(), {});
  router_.add("GET", "/api/v1/regions",
              {.summary = "The region tree (province, city, district)",
               .tag = "administration",
               .response_schema = "RegionTree"},
              [](Context& c) { return reply(c.s.admin.regions(c.actor)); });
  router_.add("GET", "/api/v1/audit",
              {.summary = "The audit trail, newest first",
               .tag = "administration",
               .query = {{"entity", "string", "entity name, e.g. customer"},
                         {"entity_id", "integer", "one record"},
                         {"user_id", "integer", "who made the change"},
                         {"from", "string", "at or after (date or ISO time)"},
                         {"to", "string", "before (date or ISO time)"},
                         {"limit", "integer", "page size, 1-200"},
                         {"cursor", "string", "next_cursor from the previous page"}},
               .response_schema = "AuditEntry",
               .list = true},
              [](Context& c) {
                services::AuditQuery q;
                q.entity = c.query("entity");
                auto int_param = [&](const char* k, std::optional<int64_t>& out) -> Status {
                  std::string v = c.query(k);
                  if (v.empty()) return {};
                  if (v.find_first_not_of("0123456789") != std::string::npos || v.size() > 18) {
                    return Error::invalid(k, "must be an integer");
                  }
                  out = std::stoll(v);
                  return {};
                };
                auto time_param = [&](const char* k, std::optional<int64_t>& out) -> Status {
                  std::string v = c.query(k);
                  if (v.empty()) return {};
                  auto t = parse_iso8601(v);
                  if (!t) return Error::invalid(k, "must be a date or ISO-8601 time");
                  out = *t;
                  return {};
                };
                std::optional<int64_t> limit;
                for (auto s : {int_param("entity_id", q.entity_id), int_param("user_id", q.user_id),
                               time_param("from", q.from), time_param("to", q.to),
                               int_param("limit", limit)}) {
                  if (!s) return Response::error(s.error());
                }
                if (limit) {
                  if (*limit < 1 || *limit > 200)
                    return Response::error(Error::invalid("limit", "must be between 1 and 200"));
                  q.limit = static_cast<int>(*limit);
                }
                q.cursor = c.query("cursor");
                return reply(services::list_audit(c.s.db, c.actor, q));
              });
}

}  // namespace kam::http
