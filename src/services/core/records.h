#pragma once
// The generic record service: list/get/create/update/delete for any EntitySpec, with
// validation that names the field, record-level scope in the SQL, optimistic concurrency on a
// version column, masking by role and an audit record in the same transaction.
// Areas (archive, admin…) plug their own rules in through RecordHooks.

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "common/clock.h"
#include "domain/entity_spec.h"
#include "services/core/actor.h"

namespace kam::services {

using json = nlohmann::json;

struct ListQuery {
  std::map<std::string, std::string> params;  // filters by field name, plus area-specific ones
  int limit = 50;
  std::string cursor;
  std::string sort;
};

struct RecordHooks {
  domain::Perm read_perm = domain::Perm::kArchiveRead;
  domain::Perm create_perm = domain::Perm::kArchiveWrite;
  domain::Perm write_perm = domain::Perm::kArchiveWrite;
  domain::Perm delete_perm = domain::Perm::kArchiveWrite;
  // Cross-field rules and defaults on the merged record; `before` is null on create.
  std::function<Status(db::Connection&, const Actor&, json& row, const json* before)> validate;
  // Side effects in the same transaction (search text, denormalised dates…).
  std::function<Status(db::Connection&, const Actor&, const json& after)> after_write;
  std::function<Status(db::Connection&, const Actor&, const json& before)> before_delete;
  // The field naming the record's author (e.g. "user_id" of a contact record): when set, only
  // the author, a supervisor or an admin may change or delete the record.
  std::string author_field;
  // Area-specific list filters (e.g. `q`, `region`), appended to the WHERE clause.
  // The actor decides what a filter may match: a number it sees masked is never matched.
  std::function<Status(db::Connection&, const Actor&, const ListQuery&, std::string& where,
                       db::Params&)>
      filters;
  // Computed read-only fields (e.g. tenure from join date).
  std::function<void(json& record)> decorate;
};

class Records {
 public:
  Records(db::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  Result<json> list(const Actor& a, const domain::EntitySpec& s, const RecordHooks& h,
                    const ListQuery& q, std::optional<int64_t> customer_id = std::nullopt);
  Result<json> get(const Actor& a, const domain::EntitySpec& s, const RecordHooks& h, int64_t id);
  Result<json> create(const Actor& a, const domain::EntitySpec& s, const RecordHooks& h,
                      const json& body, std::optional<int64_t> customer_id = std::nullopt);
  Result<json> update(const Actor& a, const domain::EntitySpec& s, const RecordHooks& h, int64_t id,
                      const json& body);
  // create() inside the caller's transaction (a change made together with others).
  Result<json> create_in(db::Connection& c, const Actor& a, const domain::EntitySpec& s,
                         const RecordHooks& h, const json& body,
                         std::optional<int64_t> customer_id = std::nullopt);
  Status remove(const Actor& a, const domain::EntitySpec& s, const RecordHooks& h, int64_t id);

  // Building blocks for areas that compose several records in one call.
  // Loads one record inside the actor's scope (unmasked), or nullopt.
  Result<std::optional<json>> load(db::Connection& c, const Actor& a, const domain::EntitySpec& s,
                                   int64_t id, const RecordHooks* h = nullptr);
  // The same within a given scope (the portal's for an outsider reading their group).
  Result<std::optional<json>> load_in(db::Connection& c, const ScopeSql& scope,
                                      const domain::EntitySpec& s, int64_t id,
                                      const RecordHooks* h = nullptr);
  // Loads many records with a WHERE over alias `t` (already scoped by the caller).
  Result<std::vector<json>> load_where(db::Connection& c, const domain::EntitySpec& s,
                                       const std::string& where, const db::Params& p,
                                       const std::string& order, int limit,
                                       const RecordHooks* h = nullptr);
  // Whether the actor may see this customer.
  Result<bool> customer_visible(db::Connection& c, const Actor& a, int64_t customer_id);
  // Whether the customer is in a portal user's group (never for anyone else).
  Result<bool> portal_customer_visible(db::Connection& c, const Actor& a, int64_t customer_id);
  // Hides phone/ID numbers the actor may not see.
  static void mask(const Actor& a, const domain::EntitySpec& s, json& record);

  db::Database& db() { return db_; }
  const Clock& clock() const { return clock_; }

 private:
  db::Database& db_;
  const Clock& clock_;
};

// Validates a request body against a spec; answers the canonical values it sets.
Result<json> decode_body(const domain::EntitySpec& s, const json& body, bool create);

// Counts UTF-8 code points (what users call characters).
size_t utf8_length(std::string_view s);
// Whether the actor sees a field of this mask unmasked (and so may search, filter or sort by it).
bool sees_unmasked(const Actor& a, domain::Mask m);

}  // namespace kam::services
