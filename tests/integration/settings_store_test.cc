// Versioned settings on both stores: one implementation for the value, zone, care and service
// desk settings. A change needs the version read (409 on `version` otherwise), an unknown field
// or a bad value is named and writes nothing, every change is audited with before and after, and
// results are read by column name.

#include <gtest/gtest.h>

#include "domain/care_rules.h"
#include "domain/work_orders.h"
#include "services/core/settings.h"
#include "store_fixture.h"

namespace kam {
namespace {

using json = nlohmann::json;
using services::SettingsKind;
using services::SettingsStore;
using testing_support::StoreFixture;

class SettingsStoreTest : public StoreFixture {
 protected:
  const SettingsStore care_{SettingsKind::kCare, "the care rules"};
};

TEST_P(SettingsStoreTest, ChangesNeedTheVersionReadAndAreAudited) {
  auto admin = actor("admin");
  auto lease = db_->acquire();
  auto never = care_.read(**lease);
  ASSERT_TRUE(never.ok()) << never.error().message;
  EXPECT_EQ(never->version, 0);
  EXPECT_TRUE(never->config.is_null());
  auto defaults = care_.load<domain::CareConfig>(**lease);
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->holiday_days, domain::CareConfig{}.holiday_days);

  json cfg = domain::CareConfig{}.to_json();
  cfg["holiday_days"] = 9;
  int64_t audits = count("audit_log");
  ASSERT_TRUE(
      care_.change<domain::CareConfig>(*db_, clock_, admin, {{"config", cfg}, {"version", 0}})
          .ok());
  auto saved = care_.read(**lease);
  ASSERT_TRUE(saved.ok());
  EXPECT_EQ(saved->version, 1);
  EXPECT_EQ(saved->config["holiday_days"], 9);
  EXPECT_EQ(saved->updated_at, clock_.now());
  EXPECT_EQ(saved->updated_by, admin.user_id);
  EXPECT_EQ(count("audit_log"), audits + 1);

  // The same version again: someone else saved first.
  cfg["holiday_days"] = 3;
  auto stale =
      care_.change<domain::CareConfig>(*db_, clock_, admin, {{"config", cfg}, {"version", 0}});
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, ErrorCode::kConflict);
  EXPECT_EQ(stale.error().field, "version");
  EXPECT_NE(stale.error().message.find("version 1"), std::string::npos);

  ASSERT_TRUE(
      care_.change<domain::CareConfig>(*db_, clock_, admin, {{"config", cfg}, {"version", 1}})
          .ok());
  auto answer = care_.answer<domain::CareConfig>(*db_);
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ((*answer)["version"], 2);
  EXPECT_EQ((*answer)["config"]["holiday_days"], 3);
  EXPECT_EQ((*answer)["defaults"]["holiday_days"], domain::CareConfig{}.holiday_days);
  EXPECT_EQ(count("audit_log"), audits + 2);
}

TEST_P(SettingsStoreTest, BadBodiesAreNamedAndWriteNothing) {
  auto admin = actor("admin");
  json cfg = domain::CareConfig{}.to_json();
  struct Case {
    json body;
    std::string field;
  };
  json bad_value = cfg;
  bad_value["holiday_days"] = "soon";
  for (const auto& c :
       {Case{json::array(), ""}, Case{{{"version", 0}}, "config"},
        Case{{{"config", cfg}}, "version"}, Case{{{"config", cfg}, {"version", "1"}}, "version"},
        Case{{{"config", cfg}, {"version", 0}, {"extra", 1}}, "extra"},
        Case{{{"config", bad_value}, {"version", 0}}, "holiday_days"}}) {
    auto r = care_.change<domain::CareConfig>(*db_, clock_, admin, c.body);
    ASSERT_FALSE(r.ok()) << c.body.dump();
    EXPECT_EQ(r.error().code, ErrorCode::kInvalid) << c.body.dump();
    EXPECT_NE(r.error().field.find(c.field), std::string::npos)
        << c.body.dump() << " named " << r.error().field;
  }
  auto lease = db_->acquire();
  EXPECT_EQ(care_.read(**lease)->version, 0);
}

TEST_P(SettingsStoreTest, ACheckThatNeedsTheStoreRollsTheChangeBack) {
  const SettingsStore desk(SettingsKind::kServiceDesk, "the service desk settings");
  json cfg = domain::ServiceDeskConfig{}.to_json();
  auto refused = desk.change<domain::ServiceDeskConfig>(
      *db_, clock_, actor("admin"), {{"config", cfg}, {"version", 0}},
      [](db::Connection&, const domain::ServiceDeskConfig&) -> Status {
        return Error::invalid("config.default_team_id", "no such team");
      });
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().field, "config.default_team_id");
  auto lease = db_->acquire();
  EXPECT_EQ(desk.read(**lease)->version, 0);
}

TEST_P(SettingsStoreTest, RowsAreReadByColumnName) {
  auto lease = db_->acquire();
  auto rows = (*lease)->query("SELECT username AS who, id FROM users WHERE username = 'admin'");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  auto r = rows->named(0);
  EXPECT_EQ(r.text("who"), "admin");
  EXPECT_GT(r.i64("id"), 0);
  EXPECT_THROW(r.text("username"), std::out_of_range);
}

INSTANTIATE_TEST_SUITE_P(Stores, SettingsStoreTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace kam
