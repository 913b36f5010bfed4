#pragma once
// Versioned settings: one JSON document per kind (the value rules, the zone thresholds, the care
// rules, the service desk's settings, the order steps' targets and the discount authority),
// stored in a one-row table of its own or a named row of `order_settings`, with a version. A change
// names the version it read (0 when never saved) and loses with a 409 on `version` when someone
// else saved first; every change is audited with its before and after, in the same transaction.
// One implementation for every kind: the areas only say how their document is validated.

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "services/core/actor.h"

namespace kam::services {

enum class SettingsKind { kValue, kZone, kCare, kServiceDesk, kOrderSteps, kDiscountLimits };

// What is stored for one kind.
struct SettingsRow {
  nlohmann::json config;  // null when never saved (the area's defaults apply)
  int64_t version = 0;    // 0 when never saved
  std::optional<int64_t> updated_at;
  std::optional<int64_t> updated_by;
  std::optional<std::string> updated_by_name;
};

// The body of a change: {config, version} and nothing else.
struct SettingsChange {
  nlohmann::json config;
  int64_t version = 0;
};

class SettingsStore {
 public:
  // `what` names the settings in messages: "the value rules", "the care rules", …
  SettingsStore(SettingsKind kind, std::string what);

  Result<SettingsRow> read(db::Connection& c) const;

  // Checks a change's body: a JSON object with `config` and an integer `version` only.
  Result<SettingsChange> parse_change(const nlohmann::json& body) const;

  // Inside the caller's transaction: stores `config` when the stored version is still
  // `expected` (else a conflict on `version` that says the version now stored) and audits it.
  Status write(db::Connection& tx, const Clock& clock, const Actor& a, int64_t expected,
               const nlohmann::json& config) const;

  // The answer to a read: {config, defaults, version, updated_at}.
  static nlohmann::json to_json(const nlohmann::json& config, const nlohmann::json& defaults,
                                const SettingsRow& row);

  // The area's defaults: `Config::defaults()` where there is one, else `Config{}`.
  template <class Config>
  static Config defaults() {
    if constexpr (requires { Config::defaults(); }) {
      return Config::defaults();
    } else {
      return Config{};
    }
  }

  // The area's typed settings (`Config::from_json`), its defaults when never saved.
  template <class Config>
  Result<Config> load(db::Connection& c) const {
    KAM_TRY(row, read(c));
    if (row.config.is_null()) return defaults<Config>();
    return Config::from_json(row.config);
  }

  // The answer to a read of an area's typed settings.
  template <class Config>
  Result<nlohmann::json> answer(db::Database& db) const {
    KAM_TRY(lease, db.acquire());
    KAM_TRY(row, read(*lease));
    Config cfg = defaults<Config>();
    if (!row.config.is_null()) {
      KAM_TRY(parsed, Config::from_json(row.config));
      cfg = std::move(parsed);
    }
    return to_json(cfg.to_json(), defaults<Config>().to_json(), row);
  }

  // A whole change of an area's typed settings from a request body: checks the body, validates
  // the document (`Config::from_json` names the field), runs `check` (rules that need the store)
  // and writes, all in one transaction. Access is the caller's to check, before this.
  template <class Config>
  Status change(db::Database& db, const Clock& clock, const Actor& a, const nlohmann::json& body,
                const std::function<Status(db::Connection&, const Config&)>& check = {}) const {
    KAM_TRY(ch, parse_change(body));
    KAM_TRY(cfg, Config::from_json(ch.config));
    KAM_TRY(lease, db.acquire());
    KAM_TRY(tx, db::Transaction::begin(lease));
    if (check) KAM_CHECK(check(tx.conn(), cfg));
    KAM_CHECK(write(tx.conn(), clock, a, ch.version, cfg.to_json()));
    return tx.commit();
  }

 private:
  struct Place {
    const char* table;         // one of a fixed set of table names, never from input
    const char* name;          // the row of a keyed table (order_settings), or null for id = 1
    const char* audit_entity;  // what the audit trail calls it
  };
  static Place place_of(SettingsKind k);
  std::string where() const;

  Place place_;
  std::string what_;
};

}  // namespace kam::services
