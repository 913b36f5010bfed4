// Routes of the archive: customers and their members, key persons, contracts, needs and
// contacts (generic record routes), the hierarchy, assignments and handovers.

#include "http/api.h"
#include "http/archive/routes_entities.h"

namespace kam::http {

// Long by design: a table of routes, one `router_.add` entry per route with its OpenAPI
// description; nothing in it branches.
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
  router_.add(
      "GET", "/api/v1/handovers",
      {.summary = "Handovers you may see",
       .tag = "archive",
       .query = {{"status", "string", "open, completed or cancelled"},
                 {"customer_id", "integer", "one customer"}},
       .response_schema = "Handover",
       .list = true},
      [](Context& c) {
        auto cust = c.query_id("customer_id");
        if (!cust) return Response::error(cust.error());
        return reply(c.s.archive.list_handovers(c.actor, c.query("status"), cust->value_or(0)));
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
}

}  // namespace kam::http
