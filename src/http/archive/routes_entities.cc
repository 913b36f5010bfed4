#include "http/archive/routes_entities.h"

#include "http/api.h"

namespace kam::http {

std::string schema_name(const domain::EntitySpec& s) {
  std::string out;
  bool up = true;
  for (char c : s.name) {
    if (c == '_') {
      up = true;
      continue;
    }
    out += up ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    up = false;
  }
  return out;
}

void add_entity_routes(Router& r, services::Records& records, const domain::EntitySpec& s,
                       const services::RecordHooks& hooks, const EntityRoutes& what) {
  const std::string base = "/api/v1/" + s.path;
  const std::string schema = schema_name(s);
  const std::string tag = !what.tag.empty()                     ? what.tag
                          : s.scoping == domain::Scoping::kNone ? "administration"
                                                                : "archive";
  r.add_entity(s);
  std::vector<ParamDoc> list_params = {
      {"limit", "integer", "page size, 1-200 (default 50)"},
      {"cursor", "string", "next_cursor from the previous page"},
      {"sort", "string", "field to sort by; prefix with - for descending"}};
  for (const auto& f : s.fields) {
    if (f.filter) {
      list_params.push_back({f.name, f.type == domain::FieldType::kRef ? "integer" : "string",
                             "only records with this " + f.name});
    }
  }
  list_params.insert(list_params.end(), what.extra_query.begin(), what.extra_query.end());
  const services::RecordHooks* h = &hooks;
  services::Records* rec = &records;
  const domain::EntitySpec* sp = &s;

  auto list_handler = [rec, sp, h](bool nested) {
    return [rec, sp, h, nested](Context& c) {
      auto q = c.list_query();
      if (!q) return Response::error(q.error());
      std::optional<int64_t> customer;
      if (nested) {
        auto id = c.id();
        if (!id) return Response::error(id.error());
        customer = *id;
      }
      return reply(rec->list(c.actor, *sp, *h, *q, customer));
    };
  };
  if (what.nested) {
    const std::string nested = "/api/v1/customers/{id}/" + s.path;
    if (what.list) {
      r.add("GET", nested,
            {.summary = "List the customer's " + s.title + "s",
             .tag = tag,
             .query = list_params,
             .response_schema = schema,
             .list = true},
            list_handler(true));
    }
    if (what.create) {
      r.add("POST", nested,
            {.summary = "Add a " + s.title + " to the customer",
             .tag = tag,
             .request_schema = schema + "Input",
             .response_schema = schema,
             .success_status = 201},
            [rec, sp, h](Context& c) {
              auto id = c.id();
              if (!id) return Response::error(id.error());
              auto body = c.body();
              if (!body) return Response::error(body.error());
              return reply(rec->create(c.actor, *sp, *h, *body, *id), 201);
            });
    }
  }
  if ((!what.nested && what.list) || what.top_level_list) {
    r.add("GET", base,
          {.summary = "List " + s.title + "s you may see",
           .tag = tag,
           .query = list_params,
           .response_schema = schema,
           .list = true},
          list_handler(false));
  }
  if (!what.nested && what.create) {
    r.add("POST", base,
          {.summary = "Create a " + s.title,
           .tag = tag,
           .request_schema = schema + "Input",
           .response_schema = schema,
           .success_status = 201},
          [rec, sp, h](Context& c) {
            auto body = c.body();
            if (!body) return Response::error(body.error());
            return reply(rec->create(c.actor, *sp, *h, *body), 201);
          });
  }
  if (what.get) {
    r.add("GET", base + "/{id}",
          {.summary = "Read one " + s.title, .tag = tag, .response_schema = schema},
          [rec, sp, h](Context& c) {
            auto id = c.id();
            if (!id) return Response::error(id.error());
            return reply(rec->get(c.actor, *sp, *h, *id));
          });
  }
  if (what.update) {
    r.add("PATCH", base + "/{id}",
          {.summary = "Change a " + s.title + " (send the version you read)",
           .tag = tag,
           .request_schema = schema + "Patch",
           .response_schema = schema},
          [rec, sp, h](Context& c) {
            auto id = c.id();
            if (!id) return Response::error(id.error());
            auto body = c.body();
            if (!body) return Response::error(body.error());
            return reply(rec->update(c.actor, *sp, *h, *id, *body));
          });
  }
  if (what.remove) {
    r.add("DELETE", base + "/{id}",
          {.summary = "Delete a " + s.title, .tag = tag, .success_status = 204},
          [rec, sp, h](Context& c) {
            auto id = c.id();
            if (!id) return Response::error(id.error());
            return reply(rec->remove(c.actor, *sp, *h, *id));
          });
  }
}

}  // namespace kam::http
