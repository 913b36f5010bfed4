#include "services/core/settings.h"

#include "services/core/audit.h"

namespace kam::services {

using json = nlohmann::json;

SettingsStore::Place SettingsStore::place_of(SettingsKind k) {
  switch (k) {
    case SettingsKind::kValue:
      return {"value_config", nullptr, "value_config"};
    case SettingsKind::kZone:
      return {"zone_config", nullptr, "zone_config"};
    case SettingsKind::kCare:
      return {"care_config", nullptr, "care_config"};
    case SettingsKind::kServiceDesk:
      return {"service_desk_config", nullptr, "service_desk_config"};
    case SettingsKind::kOrderSteps:
      return {"order_settings", "steps", "order_steps_config"};
    case SettingsKind::kDiscountLimits:
      return {"order_settings", "discount_limits", "order_discount_limits"};
  }
  return {"value_config", nullptr, "value_config"};
}

SettingsStore::SettingsStore(SettingsKind kind, std::string what)
    : place_(place_of(kind)), what_(std::move(what)) {}

// The row's condition: a constant, with the row's name bound where there is one.
std::string SettingsStore::where() const {
  return place_.name ? " WHERE name = ?" : " WHERE id = 1";
}

Result<SettingsRow> SettingsStore::read(db::Connection& c) const {
  // The table name is one of the constants of place_of, never input.
  db::Params p;
  if (place_.name) p.push_back(std::string(place_.name));
  std::string table = place_.table;
  KAM_TRY(rows, c.query("SELECT config, version, updated_at, updated_by, (SELECT display_name "
                        "FROM users WHERE id = " +
                            table + ".updated_by) AS updated_by_name FROM " + table + where(),
                        p));
  SettingsRow out;
  if (rows.empty()) return out;
  auto r = rows.named(0);
  out.config = json::parse(r.text("config"), nullptr, false);
  if (out.config.is_discarded()) return Error::internal("the stored " + what_ + " are not JSON");
  out.version = r.i64("version");
  if (r.i64("updated_at")) out.updated_at = r.i64("updated_at");  // 0: a seeded row
  out.updated_by = r.opt_i64("updated_by");
  out.updated_by_name = r.opt_text("updated_by_name");
  return out;
}

Result<SettingsChange> SettingsStore::parse_change(const json& body) const {
  if (!body.is_object()) return Error::invalid("", "the request body must be a JSON object");
  for (const auto& [k, v] : body.items()) {
    if (k != "config" && k != "version") return Error::invalid(k, "is not a field of " + what_);
  }
  if (!body.contains("config")) return Error::invalid("config", "is required");
  if (!body.contains("version") || !body["version"].is_number_integer()) {
    return Error::invalid("version", "is required: send the version you read (0 when never saved)");
  }
  return SettingsChange{body["config"], body["version"].get<int64_t>()};
}

Status SettingsStore::write(db::Connection& tx, const Clock& clock, const Actor& a,
                            int64_t expected, const json& config) const {
  KAM_TRY(before, read(tx));
  if (before.version != expected) {
    return Error::conflict(what_ + " were changed by someone else (now version " +
                               std::to_string(before.version) + "); reload and try again",
                           "version");
  }
  db::Value who = a.user_id ? db::Value(a.user_id) : db::Value(nullptr);
  std::string table = place_.table;
  db::Value key = place_.name ? db::Value(std::string(place_.name)) : db::Value(int64_t{1});
  if (before.version) {
    db::Params p = {config.dump(), who, clock.now()};
    if (place_.name) p.push_back(key);
    p.push_back(expected);
    KAM_TRY(n, tx.exec("UPDATE " + table +
                           " SET config = ?, version = version + 1, updated_by = ?, "
                           "updated_at = ?" +
                           where() + " AND version = ?",
                       p));
    if (n != 1) {
      return Error::conflict(what_ + " were changed by someone else; reload and try again",
                             "version");
    }
  } else {
    KAM_CHECK(tx.exec("INSERT INTO " + table + "(" + (place_.name ? "name" : "id") +
                          ", config, version, updated_by, updated_at) VALUES (?, ?, 1, ?, ?)",
                      {key, config.dump(), who, clock.now()}));
  }
  return write_audit(tx, clock, a, "update", place_.audit_entity, place_.name ? 0 : 1,
                     before.version ? before.config : json(), config);
}

json SettingsStore::to_json(const json& config, const json& defaults, const SettingsRow& row) {
  return json{{"config", config},
              {"defaults", defaults},
              {"version", row.version},
              {"updated_at", row.updated_at ? json(iso8601(*row.updated_at)) : json(nullptr)}};
}

}  // namespace kam::services
