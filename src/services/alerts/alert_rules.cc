// Alert rules: versioned configuration, checked by compiling them; the preview; the zone
// configuration.

#include <set>

#include "domain/usage_fields.h"
#include "engine/alert_schema.h"
#include "services/alerts/alert_service.h"
#include "services/core/audit.h"
#include "services/core/settings.h"

namespace kam::services {
namespace {

constexpr const char* kRuleColumns =
    "id, code, name, description, level, condition, severity, assignee, team_id, deadline_days, "
    "enabled, builtin, "
    "created_at, updated_at, version, (SELECT name FROM teams WHERE id = alert_rules.team_id), "
    "(SELECT COUNT(*) FROM alert_tasks WHERE rule_id = alert_rules.id AND state <> 'closed')";

json rule_json(const db::Row& r) {
  return {{"id", r.i64(0)},
          {"code", r.opt_text(1) ? json(r.text(1)) : json(nullptr)},
          {"name", r.text(2)},
          {"description", r.opt_text(3) ? json(r.text(3)) : json(nullptr)},
          {"level", r.text(4)},
          {"condition", r.text(5)},
          {"severity", r.text(6)},
          {"assignee", r.text(7)},
          {"team_id", r.is_null(8) ? json(nullptr) : json(r.i64(8))},
          {"deadline_days", r.i64(9)},
          {"enabled", r.i64(10) != 0},
          {"builtin", r.i64(11) != 0},
          {"created_at", iso8601(r.i64(12))},
          {"updated_at", iso8601(r.i64(13))},
          {"version", r.i64(14)},
          {"team_name", r.opt_text(15) ? json(r.text(15)) : json(nullptr)},
          {"open_tasks", r.i64(16)}};
}

// Rules and zone thresholds raise tasks for every customer: admins and analysts set them,
// supervisors read and preview them.
bool can_manage_rules(const Actor& a) {
  return a.can(domain::Perm::kAlertRulesManage);
}

// The editable fields of a rule, validated; `current` is the rule being changed (null: new).
Result<json> rule_input(const json& body, const json* current) {
  if (!body.is_object()) return Error::invalid("", "the request body must be a JSON object");
  static const std::set<std::string> known = {"name",     "description", "level",   "condition",
                                              "severity", "assignee",    "team_id", "deadline_days",
                                              "enabled",  "version"};
  for (const auto& [k, v] : body.items()) {
    if (!known.count(k)) return Error::invalid(k, "is not a field of an alert rule");
  }
  json r = current ? *current : json{{"description", nullptr},
                                     {"team_id", nullptr},
                                     {"enabled", true},
                                     {"severity", "medium"},
                                     {"assignee", "account_manager"},
                                     {"deadline_days", 7},
                                     {"level", "member"}};
  auto text = [&](const char* k, size_t max, bool required) -> Status {
    if (!body.contains(k)) {
      if (required && !current) return Error::invalid(k, "is required");
      return {};
    }
    if (body[k].is_null() && !required) {
      r[k] = nullptr;
      return {};
    }
    if (!body[k].is_string() || body[k].get<std::string>().empty())
      return Error::invalid(k, "must be non-empty text");
    if (utf8_length(body[k].get<std::string>()) > max)
      return Error::invalid(k, "is longer than " + std::to_string(max) + " characters");
    r[k] = body[k];
    return {};
  };
  auto one_of = [&](const char* k, std::vector<std::string> values) -> Status {
    if (!body.contains(k)) return {};
    if (!body[k].is_string() ||
        std::find(values.begin(), values.end(), body[k].get<std::string>()) == values.end()) {
      std::string list;
      for (const auto& v : values) list += (list.empty() ? "" : ", ") + v;
      return Error::invalid(k, "must be one of " + list);
    }
    r[k] = body[k];
    return {};
  };
  KAM_CHECK(text("name", 100, true));
  KAM_CHECK(text("description", 500, false));
  KAM_CHECK(text("condition", 4000, true));
  KAM_CHECK(one_of("level", {"member", "customer"}));
  KAM_CHECK(one_of("severity", {"low", "medium", "high", "critical"}));
  KAM_CHECK(one_of("assignee", {"account_manager", "phone_manager", "team"}));
  if (body.contains("deadline_days")) {
    const auto& d = body["deadline_days"];
    if (!d.is_number_integer() || d.get<int64_t>() < 1 || d.get<int64_t>() > 365) {
      return Error::invalid("deadline_days", "must be a whole number of days between 1 and 365");
    }
    r["deadline_days"] = d;
  }
  if (body.contains("enabled")) {
    if (!body["enabled"].is_boolean()) return Error::invalid("enabled", "must be true or false");
    r["enabled"] = body["enabled"];
  }
  if (body.contains("team_id")) {
    if (!body["team_id"].is_null() && !body["team_id"].is_number_integer())
      return Error::invalid("team_id", "must be a team id");
    r["team_id"] = body["team_id"];
  }
  if (r["assignee"] == "team" && r["team_id"].is_null())
    return Error::invalid("team_id", "is required when the task goes to a team");
  // The condition must compile for its level.
  auto program = engine::compile_rule(r["level"].get<std::string>(),
                                      r["condition"].get<std::string>(), nullptr);
  if (!program) return program.error();
  return r;
}

Status write_version(db::Connection& c, int64_t id, const Actor& a, int64_t now) {
  KAM_CHECK(
      c.exec("INSERT INTO alert_rule_versions(rule_id, version, name, level, condition, severity, "
             "assignee, team_id, deadline_days, "
             "enabled, changed_by, changed_at) SELECT id, version, name, level, condition, "
             "severity, assignee, team_id, "
             "deadline_days, enabled, ?, ? FROM alert_rules WHERE id = ?",
             {a.user_id ? db::Value(a.user_id) : db::Value(nullptr), now, id}));
  return {};
}

}  // namespace

Result<json> AlertService::load_rule(db::Connection& c, int64_t id) {
  KAM_TRY(row, c.query_one(std::string("SELECT ") + kRuleColumns + " FROM alert_rules WHERE id = ?",
                           {id}));
  if (!row) return Error::not_found("alert rule");
  return rule_json(*row);
}

Result<json> AlertService::list_rules(const Actor& a) {
  if (!a.can(domain::Perm::kArchiveRead))
    return Error::forbidden("your role cannot see alert rules");
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(rows, lease->query(std::string("SELECT ") + kRuleColumns +
                             " FROM alert_rules ORDER BY builtin DESC, id"));
  json items = json::array();
  for (const auto& r : rows) items.push_back(rule_json(r));
  return json{{"items", items}, {"next_cursor", nullptr}, {"total", items.size()}};
}

Result<json> AlertService::get_rule(const Actor& a, int64_t id) {
  if (!a.can(domain::Perm::kArchiveRead))
    return Error::forbidden("your role cannot see alert rules");
  KAM_TRY(lease, records_.db().acquire());
  return load_rule(*lease, id);
}

Result<json> AlertService::create_rule(const Actor& a, const json& body) {
  if (!can_manage_rules(a)) return Error::forbidden("alert rules are set by admins and analysts");
  KAM_TRY(r, rule_input(body, nullptr));
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(tx, db::Transaction::begin(lease));
  int64_t now = records_.clock().now();
  if (!r["team_id"].is_null()) {
    KAM_TRY(team,
            tx->query_one("SELECT id FROM teams WHERE id = ?", {r["team_id"].get<int64_t>()}));
    if (!team) return Error::invalid("team_id", "no such team");
  }
  KAM_TRY(ins,
          tx->query_one(
              "INSERT INTO alert_rules(name, description, level, condition, severity, assignee, "
              "team_id, deadline_days, "
              "enabled, builtin, created_by, created_at, updated_at, version) VALUES (?, ?, ?, ?, "
              "?, ?, ?, ?, ?, 0, ?, ?, ?, 1) "
              "RETURNING id",
              {r["name"].get<std::string>(),
               r["description"].is_null() ? db::Value(nullptr)
                                          : db::Value(r["description"].get<std::string>()),
               r["level"].get<std::string>(), r["condition"].get<std::string>(),
               r["severity"].get<std::string>(), r["assignee"].get<std::string>(),
               r["team_id"].is_null() ? db::Value(nullptr) : db::Value(r["team_id"].get<int64_t>()),
               r["deadline_days"].get<int64_t>(), static_cast<int64_t>(r["enabled"].get<bool>()),
               a.user_id ? db::Value(a.user_id) : db::Value(nullptr), now, now}));
  int64_t id = ins->i64(0);
  KAM_CHECK(write_version(tx.conn(), id, a, now));
  KAM_TRY(out, load_rule(tx.conn(), id));
  KAM_CHECK(write_audit(tx.conn(), records_.clock(), a, "create", "alert_rule", id, nullptr, out));
  KAM_CHECK(tx.commit());
  return out;
}

Result<json> AlertService::update_rule(const Actor& a, int64_t id, const json& body) {
  if (!can_manage_rules(a)) return Error::forbidden("alert rules are set by admins and analysts");
  if (!body.is_object() || !body.contains("version") || !body["version"].is_number_integer()) {
    return Error::invalid("version", "is required: send the version you read");
  }
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(tx, db::Transaction::begin(lease));
  KAM_TRY(before, load_rule(tx.conn(), id));
  if (before["version"] != body["version"]) {
    return Error::conflict("this rule was changed by someone else (now version " +
                               before["version"].dump() + "); reload and try again",
                           "version");
  }
  if (before["builtin"].get<bool>() && body.contains("level") && body["level"] != before["level"]) {
    return Error::invalid("level", "the level of a built-in rule cannot change");
  }
  KAM_TRY(r, rule_input(body, &before));
  if (!r["team_id"].is_null()) {
    KAM_TRY(team,
            tx->query_one("SELECT id FROM teams WHERE id = ?", {r["team_id"].get<int64_t>()}));
    if (!team) return Error::invalid("team_id", "no such team");
  }
  int64_t now = records_.clock().now();
  KAM_TRY(n,
          tx->exec(
              "UPDATE alert_rules SET name = ?, description = ?, level = ?, condition = ?, "
              "severity = ?, assignee = ?, "
              "team_id = ?, deadline_days = ?, enabled = ?, updated_at = ?, version = version + 1 "
              "WHERE id = ? AND version = ?",
              {r["name"].get<std::string>(),
               r["description"].is_null() ? db::Value(nullptr)
                                          : db::Value(r["description"].get<std::string>()),
               r["level"].get<std::string>(), r["condition"].get<std::string>(),
               r["severity"].get<std::string>(), r["assignee"].get<std::string>(),
               r["team_id"].is_null() ? db::Value(nullptr) : db::Value(r["team_id"].get<int64_t>()),
               r["deadline_days"].get<int64_t>(), static_cast<int64_t>(r["enabled"].get<bool>()),
               now, id, body["version"].get<int64_t>()}));
  if (n != 1)
    return Error::conflict("this rule was changed by someone else; reload and try again",
                           "version");
  KAM_CHECK(write_version(tx.conn(), id, a, now));
  KAM_TRY(after, load_rule(tx.conn(), id));
  KAM_CHECK(write_audit(tx.conn(), records_.clock(), a, "update", "alert_rule", id, before, after));
  KAM_CHECK(tx.commit());
  return after;
}

Status AlertService::delete_rule(const Actor& a, int64_t id) {
  if (!can_manage_rules(a)) return Error::forbidden("alert rules are set by admins and analysts");
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(tx, db::Transaction::begin(lease));
  KAM_TRY(before, load_rule(tx.conn(), id));
  if (before["builtin"].get<bool>())
    return Error::conflict("built-in rules cannot be deleted; switch them off instead");
  KAM_TRY(tasks, tx->query_one("SELECT COUNT(*) FROM alert_tasks WHERE rule_id = ?", {id}));
  if (tasks && tasks->i64(0) > 0)
    return Error::conflict("this rule has tasks; switch it off instead of deleting it");
  KAM_CHECK(tx->exec("DELETE FROM alert_rule_versions WHERE rule_id = ?", {id}));
  KAM_CHECK(tx->exec("DELETE FROM alert_rules WHERE id = ?", {id}));
  KAM_CHECK(
      write_audit(tx.conn(), records_.clock(), a, "delete", "alert_rule", id, before, nullptr));
  return tx.commit();
}

Result<json> AlertService::rule_versions(const Actor& a, int64_t id) {
  if (!a.can(domain::Perm::kArchiveRead))
    return Error::forbidden("your role cannot see alert rules");
  KAM_TRY(lease, records_.db().acquire());
  KAM_TRY(rule, load_rule(*lease, id));
  KAM_TRY(
      rows,
      lease->query(
          "SELECT v.version, v.name, v.level, v.condition, v.severity, v.assignee, v.team_id, "
          "v.deadline_days, "
          "v.enabled, v.changed_at, (SELECT display_name FROM users WHERE id = v.changed_by) FROM "
          "alert_rule_versions v WHERE v.rule_id = ? ORDER BY v.version DESC",
          {id}));
  json items = json::array();
  for (const auto& r : rows) {
    items.push_back({{"version", r.i64(0)},
                     {"name", r.text(1)},
                     {"level", r.text(2)},
                     {"condition", r.text(3)},
                     {"severity", r.text(4)},
                     {"assignee", r.text(5)},
                     {"team_id", r.is_null(6) ? json(nullptr) : json(r.i64(6))},
                     {"deadline_days", r.i64(7)},
                     {"enabled", r.i64(8) != 0},
                     {"changed_at", iso8601(r.i64(9))},
                     {"changed_by", r.opt_text(10) ? json(r.text(10)) : json("system")}});
  }
  return json{{"items", items}, {"next_cursor", nullptr}, {"total", items.size()}};
}

Result<json> AlertService::rule_fields(const Actor& a) {
  if (!a.can(domain::Perm::kArchiveRead))
    return Error::forbidden("your role cannot see alert rules");
  auto describe = [](const engine::rules::Schema& s) {
    json out = json::array();
    for (const auto& f : s.fields) {
      std::string type = f.date                                 ? "date"
                         : f.type == engine::rules::Type::kNum  ? "number"
                         : f.type == engine::rules::Type::kBool ? "flag"
                                                                : "category";
      json j = {{"name", f.name},
                {"type", type},
                {"history", f.history || !f.macro.empty()},
                {"description", f.description}};
      if (!f.categories.empty()) j["values"] = f.categories;
      if (!f.macro.empty()) j["definition"] = f.macro;
      out.push_back(j);
    }
    return out;
  };
  return json{{"member", describe(engine::member_rule_schema())},
              {"customer", describe(engine::customer_rule_schema())},
              {"functions", {"days_to(date)", "abs(x)", "round(x)", "min(a, b)", "max(a, b)"}},
              {"aggregates",
               {"share_of_members(condition)", "count_members(condition)", "any_member(condition)",
                "sum_members(x)", "avg_members(x)", "max_members(x)", "min_members(x)"}}};
}

namespace {
const SettingsStore& zone_settings() {
  static const SettingsStore s(SettingsKind::kZone, "the zone thresholds");
  return s;
}
}  // namespace

Result<domain::ZoneConfig> AlertService::load_zone_config(db::Connection& c) {
  return zone_settings().load<domain::ZoneConfig>(c);
}

Result<json> AlertService::get_zone_config(const Actor& a) {
  if (!a.can(domain::Perm::kArchiveRead)) return Error::forbidden("your role cannot see the zones");
  return zone_settings().answer<domain::ZoneConfig>(records_.db());
}

Result<json> AlertService::put_zone_config(const Actor& a, const json& body) {
  if (!can_manage_rules(a))
    return Error::forbidden("zone thresholds are set by admins and analysts");
  KAM_CHECK(zone_settings().change<domain::ZoneConfig>(records_.db(), records_.clock(), a, body));
  return get_zone_config(a);
}

}  // namespace kam::services
