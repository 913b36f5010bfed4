#pragma once
// Building blocks shared by the service desk's files (work orders, SLA, surveys, knowledge):
// the work-order scope in SQL, the SLA calendar a work order carries, the stored configuration,
// notifications and small validation helpers. Not part of the service's public surface.

#include <optional>
#include <string>
#include <vector>

#include "domain/sla.h"
#include "domain/work_orders.h"
#include "services/core/records.h"
#include "services/core/settings.h"

namespace kam::services::desk {

// Which work orders the actor sees, over the aliases w (work_orders) and c (customers).
ScopeSql work_order_scope_sql(const Actor& a);

// The calendar a work order (or a policy) is counted on: its stored description plus the
// holidays of the care calendar's `holidays` table.
json calendar_json(const std::string& calendar, const std::string& day_start,
                   const std::string& day_end, const json& workdays, bool exclude_holidays);
Result<domain::BusinessCalendar> calendar_from_json(db::Connection& c, const std::string& text);
Result<std::vector<domain::Pause>> load_pauses(db::Connection& c, int64_t work_order_id);
// Recomputes the stored due times and breach flags of a work order after a change.
Status refresh_sla(db::Connection& c, int64_t work_order_id, int64_t now);
// Opens or closes the clock's pause for a change of state.
Status update_pauses(db::Connection& c, int64_t work_order_id, const std::string& from,
                     const std::string& to, int64_t now);

const SettingsStore& desk_settings();
Result<domain::ServiceDeskConfig> load_config(db::Connection& c);

Status notify(db::Connection& c, int64_t user_id, const std::string& kind, const std::string& title,
              const std::string& body, const std::string& ref_type, int64_t ref_id, int64_t now);
Status add_event(db::Connection& c, int64_t work_order_id, int64_t at, const Actor& a,
                 const std::string& action, const std::string& from, const std::string& to,
                 const std::string& note, const json& detail = nullptr);

// An optional text field of a body: absent or null → nullopt; refused with the field named
// when not a string, too long, or (single-line) holding control characters; trimmed.
Result<std::optional<std::string>> text_field(const json& body, const std::string& key,
                                              size_t max_chars, bool multiline = false);
// An optional positive integer id.
Result<std::optional<int64_t>> id_field(const json& body, const std::string& key);
// Refuses keys of `body` not in `known` (naming the first), and a body that is not an object.
Status only_fields(const json& body, const std::vector<std::string>& known,
                   const std::string& what);
// The version a change was based on (required).
Result<int64_t> version_field(const json& body);

std::string join(const std::vector<std::string>& v, const std::string& sep = ", ");
json opt_id(const db::Row& r, size_t i);
json opt_text(const db::Row& r, size_t i);
json opt_time(const db::Row& r, size_t i);
// An id-and-name pair, or null.
json ref(const db::Row& r, size_t id, size_t name);
db::Value who(const Actor& a);

// Inclusive Shanghai date range [from, to] → epoch seconds [lo, hi); empty strings are open.
Result<std::pair<int64_t, int64_t>> date_range(const std::string& from, const std::string& to);
// A positive id in a list query's parameter (0 when absent).
Result<int64_t> id_param(const ListQuery& q, const std::string& name);
std::string param(const ListQuery& q, const std::string& name);
// Refuses list parameters not in `known`.
Status known_params(const ListQuery& q, const std::vector<std::string>& known,
                    const std::string& what);
// The offset a list cursor carries ("" → 0).
Result<int64_t> offset_cursor(const ListQuery& q);
// Whether the actor supervises the team (its own or below), or is an admin.
bool leads_team(const Actor& a, int64_t team_id);

}  // namespace kam::services::desk
