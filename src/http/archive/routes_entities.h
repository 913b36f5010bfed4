#pragma once
// Registers the standard routes of a record-backed collection.

#include "domain/entity_spec.h"
#include "http/router.h"
#include "services/core/records.h"

namespace kam::http {

struct EntityRoutes {
  bool list = true, create = true, get = true, update = true, remove = true;
  bool nested = false;          // list/create under /customers/{id}/<path>
  bool top_level_list = false;  // also GET /<path> across the caller's customers
  std::vector<ParamDoc> extra_query;
  std::string tag;  // OpenAPI tag; default "archive" (customer data) or "administration"
};

// "key_person" -> "KeyPerson"
std::string schema_name(const domain::EntitySpec& s);

void add_entity_routes(Router& r, services::Records& records, const domain::EntitySpec& s,
                       const services::RecordHooks& hooks, const EntityRoutes& what);

}  // namespace kam::http
