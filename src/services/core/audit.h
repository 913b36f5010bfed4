#pragma once
// The append-only audit trail: who changed what, when, before and after. Written in the same
// transaction as the change it records, so there is never a change without its record.

#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "services/core/actor.h"

namespace kam::services {

using json = nlohmann::json;

Status write_audit(db::Connection& conn, const Clock& clock, const Actor& actor,
                   std::string_view action, std::string_view entity, int64_t entity_id,
                   const json& before, const json& after);

struct AuditQuery {
  std::string entity;
  std::optional<int64_t> entity_id;
  std::optional<int64_t> user_id;
  std::optional<int64_t> from, to;  // epoch seconds
  int limit = 50;
  std::string cursor;
};

Result<json> list_audit(db::Database& db, const Actor& actor, const AuditQuery& q);

}  // namespace kam::services
