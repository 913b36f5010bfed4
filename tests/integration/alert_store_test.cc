// The warning engine and the alert task workflow on both stores.

#include <gtest/gtest.h>

#include "store_fixture.h"

namespace kam {
namespace {

using json = nlohmann::json;
using testing_support::StoreFixture;

class AlertTest : public StoreFixture {
 protected:
  void SetUp() override {
    StoreFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auto usage = demo::write_demo_usage(*db_, clock_, 11, 8);
    ASSERT_TRUE(usage.ok()) << usage.error().message;
    month_ = usage->last_month;
    ASSERT_TRUE(s_->usage.run_value(actor("admin"), 0, 0).ok());
  }
  int64_t scalar(const std::string& sql, db::Params p = {}) {
    auto lease = db_->acquire();
    auto row = (*lease)->query_one(sql, p);
    EXPECT_TRUE(row.ok()) << sql << ": " << (row.ok() ? "" : row.error().message);
    return row.ok() && *row ? (*row)->i64(0) : -1;
  }
  json run() {
    auto r = s_->alerts.run(actor("admin"), month_);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? *r : json();
  }
  // An open task assigned to `username`.
  json task_of(const std::string& username) {
    services::TaskQuery q;
    q.owner = "me";
    q.state = "open";
    auto list = s_->alerts.list_tasks(actor(username), q);
    EXPECT_TRUE(list.ok());
    EXPECT_FALSE((*list)["items"].empty()) << username << " has no open task";
    return (*list)["items"].empty() ? json() : (*list)["items"][0];
  }
  int month_ = 0;
};

TEST_P(AlertTest, EngineCreatesTasksOnceZonesForEveryMember) {
  json first = run();
  ASSERT_TRUE(first["rule_errors"].empty()) << first.dump();
  EXPECT_GT(first["tasks_created"].get<int64_t>(), 0);
  int64_t tasks = scalar("SELECT COUNT(*) FROM alert_tasks");
  EXPECT_EQ(tasks, first["tasks_created"].get<int64_t>());
  // A rerun for the same month changes nothing.
  json again = run();
  EXPECT_EQ(again["tasks_created"], 0);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM alert_tasks"), tasks);
  // One open task per customer and rule.
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM (SELECT customer_id, rule_id FROM alert_tasks WHERE state "
                   "<> 'closed' "
                   "GROUP BY customer_id, rule_id HAVING COUNT(*) > 1) d"),
            0);
  // Every member of the month has a zone; every group with members too.
  EXPECT_EQ(scalar("SELECT SUM(count) FROM zone_counts WHERE month = ? AND level = 'member'",
                   {int64_t{month_}}),
            scalar("SELECT row_count FROM usage_periods WHERE kind = 'month' AND period = ?",
                   {int64_t{month_}}));
  EXPECT_GT(scalar("SELECT COUNT(*) FROM customer_zones WHERE month = ?", {int64_t{month_}}), 0);
  // Tasks go to the manager the rule names.
  EXPECT_EQ(
      scalar("SELECT COUNT(*) FROM alert_tasks t JOIN alert_rules r ON r.id = t.rule_id JOIN "
             "customers c ON c.id = t.customer_id "
             "WHERE (r.assignee = 'account_manager' AND t.assignee_id <> c.account_manager_id) OR "
             "(r.assignee = 'phone_manager' AND t.assignee_id <> COALESCE(c.phone_manager_id, "
             "c.account_manager_id))"),
      0);
  // Priority follows severity: a critical task outranks a low one of the same customer value.
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM alert_tasks WHERE priority < 10 OR priority > 100"), 0);
}

TEST_P(AlertTest, ABrokenRuleNeverStopsTheOthers) {
  {
    auto lease = db_->acquire();
    ASSERT_TRUE((*lease)
                    ->exec("INSERT INTO alert_rules(name, level, condition, severity, assignee, "
                           "deadline_days, enabled, builtin, "
                           "created_at, updated_at) VALUES ('broken', 'member', 'bill >>> 3', "
                           "'low', 'account_manager', 3, 1, 0, 0, 0)")
                    .ok());
  }
  json r = run();
  ASSERT_EQ(r["rule_errors"].size(), 1u) << r.dump();
  EXPECT_EQ(r["rule_errors"][0]["name"], "broken");
  EXPECT_GT(r["tasks_created"].get<int64_t>(), 0);
}

TEST_P(AlertTest, RulesAreValidatedVersionedAndPreviewed) {
  // Rules raise tasks for every customer: analysts and admins set them; supervisors preview.
  auto sup = actor("analyst1");
  EXPECT_EQ(s_->alerts.create_rule(actor("supervisor1"), {{"name", "x"}, {"condition", "bill > 1"}})
                .error()
                .code,
            ErrorCode::kForbidden);
  EXPECT_EQ(s_->alerts.update_rule(actor("supervisor1"), 1, {{"version", 1}, {"enabled", false}})
                .error()
                .code,
            ErrorCode::kForbidden);
  auto bad = s_->alerts.create_rule(sup, {{"name", "x"}, {"condition", "bill >= 100 and"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "condition");
  EXPECT_NE(bad.error().message.find("at position 16"), std::string::npos) << bad.error().message;
  EXPECT_EQ(s_->alerts.create_rule(actor("manager1"), {{"name", "x"}, {"condition", "bill > 1"}})
                .error()
                .code,
            ErrorCode::kForbidden);
  EXPECT_EQ(
      s_->alerts.create_rule(sup, {{"name", "x"}, {"condition", "bill > 1"}, {"deadline_days", 0}})
          .error()
          .field,
      "deadline_days");
  EXPECT_EQ(
      s_->alerts.create_rule(sup, {{"name", "x"}, {"condition", "bill > 1"}, {"assignee", "team"}})
          .error()
          .field,
      "team_id");
  auto created =
      s_->alerts.create_rule(sup, {{"name", "大客户话费下降"},
                                   {"condition", "bill[-2] >= 200 and bill < bill[-2] * 0.5"},
                                   {"severity", "high"},
                                   {"assignee", "account_manager"},
                                   {"deadline_days", 5}});
  ASSERT_TRUE(created.ok()) << created.error().message;
  int64_t id = (*created)["id"];
  EXPECT_EQ((*created)["version"], 1);
  auto updated = s_->alerts.update_rule(
      sup, id, {{"version", 1}, {"condition", "bill[-2] >= 300 and bill < bill[-2] * 0.5"}});
  ASSERT_TRUE(updated.ok()) << updated.error().message;
  EXPECT_EQ((*updated)["version"], 2);
  EXPECT_EQ(s_->alerts.update_rule(sup, id, {{"version", 1}, {"enabled", false}}).error().code,
            ErrorCode::kConflict);
  auto versions = s_->alerts.rule_versions(sup, id);
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ((*versions)["items"].size(), 2u);
  EXPECT_EQ((*versions)["items"][1]["condition"], "bill[-2] >= 200 and bill < bill[-2] * 0.5");
  // The preview counts what a run creates for the rule.
  auto preview = s_->alerts.preview(
      actor("supervisor1"),
      {{"level", "member"}, {"condition", "bill[-2] >= 300 and bill < bill[-2] * 0.5"}});
  ASSERT_TRUE(preview.ok()) << preview.error().message;
  EXPECT_TRUE((*preview)["valid"].get<bool>());
  int64_t expected = (*preview)["this_month"]["customers"];
  run();
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM alert_tasks WHERE rule_id = ?", {id}), expected);
  auto invalid = s_->alerts.preview(sup, {{"condition", "zone == 'purple'"}});
  ASSERT_TRUE(invalid.ok());
  EXPECT_FALSE((*invalid)["valid"].get<bool>());
  EXPECT_EQ((*invalid)["position"], 9);
  // A rule with tasks is switched off, not deleted.
  if (expected > 0) {
    EXPECT_EQ(s_->alerts.delete_rule(sup, id).error().code, ErrorCode::kConflict);
  }
  EXPECT_EQ(s_->alerts.delete_rule(sup, 1).error().code, ErrorCode::kConflict);  // built in
}

TEST_P(AlertTest, TaskWorkflowWithContactOutcomeAndConflicts) {
  run();
  json t = task_of("manager1");
  int64_t id = t["id"];
  // Another manager does not see it.
  EXPECT_EQ(s_->alerts.get_task(actor("manager3"), id).error().code, ErrorCode::kNotFound);
  auto m1 = actor("manager1");
  auto accepted = s_->alerts.transition(m1, id, "accept", {{"version", t["version"]}});
  ASSERT_TRUE(accepted.ok()) << accepted.error().message;
  EXPECT_EQ((*accepted)["state"], "accepted");
  // The same version again is stale.
  EXPECT_EQ(s_->alerts.transition(m1, id, "accept", {{"version", t["version"]}}).error().code,
            ErrorCode::kConflict);
  int64_t contacts_before = scalar("SELECT COUNT(*) FROM contacts WHERE customer_id = ?",
                                   {t["customer"]["id"].get<int64_t>()});
  auto contacted = s_->alerts.transition(m1, id, "contact",
                                         {{"version", (*accepted)["version"]},
                                          {"contact",
                                           {{"channel", "call"},
                                            {"subject", "了解话费下降原因"},
                                            {"summary", "客户下月起改用集团统付，约定周五回访"},
                                            {"outcome", "positive"}}}});
  ASSERT_TRUE(contacted.ok()) << contacted.error().message;
  EXPECT_EQ((*contacted)["state"], "contacted");
  // The history keeps what was said, not only the subject.
  ASSERT_FALSE((*contacted)["history"].empty());
  EXPECT_EQ((*contacted)["history"].back()["note"],
            "了解话费下降原因 — 客户下月起改用集团统付，约定周五回访");
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM contacts WHERE customer_id = ?",
                   {t["customer"]["id"].get<int64_t>()}),
            contacts_before + 1);
  EXPECT_FALSE((*contacted)["contact_id"].is_null());
  // A bad contact is refused with the field named, nothing written.
  auto bad = s_->alerts.transition(
      m1, id, "contact",
      {{"version", (*contacted)["version"]}, {"contact", {{"channel", "pigeon"}}}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field.rfind("contact.", 0), 0u) << bad.error().field;
  EXPECT_EQ(
      s_->alerts
          .transition(m1, id, "close", {{"version", (*contacted)["version"]}, {"outcome", "lost"}})
          .error()
          .field,
      "reason");
  auto closed = s_->alerts.transition(
      m1, id, "close", {{"version", (*contacted)["version"]}, {"outcome", "retained"}});
  ASSERT_TRUE(closed.ok()) << closed.error().message;
  EXPECT_EQ((*closed)["state"], "closed");
  EXPECT_EQ((*closed)["outcome"], "retained");
  // Not allowed from closed: 409 naming what is.
  auto again = s_->alerts.transition(m1, id, "accept", {{"version", (*closed)["version"]}});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  EXPECT_NE(again.error().message.find("allowed now: none"), std::string::npos)
      << again.error().message;
  auto reopened = s_->alerts.transition(actor("supervisor1"), id, "reopen",
                                        {{"version", (*closed)["version"]}});
  ASSERT_TRUE(reopened.ok()) << reopened.error().message;
  EXPECT_EQ((*reopened)["state"], "open");
  auto detail = s_->alerts.get_task(m1, id);
  ASSERT_TRUE(detail.ok());
  EXPECT_GE((*detail)["history"].size(), 5u);  // created, accept, contact, close, reopen
}

TEST_P(AlertTest, OverdueTasksAreRemindedThenEscalatedToTheSupervisor) {
  run();
  json t = task_of("manager1");
  int64_t id = t["id"];
  {
    auto lease = db_->acquire();
    ASSERT_TRUE(
        (*lease)
            ->exec("UPDATE alert_tasks SET deadline_at = ? WHERE id = ?", {clock_.now() + 3600, id})
            .ok());
  }
  auto first = s_->alerts.tick(clock_.now());
  ASSERT_TRUE(first.ok());
  EXPECT_GE((*first)["reminded"].get<int64_t>(), 1);
  int64_t manager1 = scalar("SELECT id FROM users WHERE username = 'manager1'");
  EXPECT_GE(scalar("SELECT COUNT(*) FROM notifications WHERE user_id = ? AND kind = 'reminder' AND "
                   "ref_id = ?",
                   {manager1, id}),
            1);
  auto later = s_->alerts.tick(clock_.now() + 7200);
  ASSERT_TRUE(later.ok());
  EXPECT_GE((*later)["escalated"].get<int64_t>(), 1);
  int64_t sup = scalar("SELECT id FROM users WHERE username = 'supervisor1'");
  EXPECT_EQ(scalar("SELECT escalated_to FROM alert_tasks WHERE id = ?", {id}), sup);
  // The supervisor finds it in their own inbox.
  services::TaskQuery q;
  q.owner = "me";
  q.overdue = false;
  auto inbox = s_->alerts.list_tasks(actor("supervisor1"), q);
  ASSERT_TRUE(inbox.ok());
  bool found = false;
  for (const auto& x : (*inbox)["items"]) found = found || x["id"] == id;
  EXPECT_TRUE(found);
  // Ticking again changes nothing.
  auto third = s_->alerts.tick(clock_.now() + 7300);
  EXPECT_EQ((*third)["reminded"], 0);
}

TEST_P(AlertTest, HandoverTakesTheOpenTasksAlong) {
  run();
  json t = task_of("manager1");
  int64_t customer = t["customer"]["id"];
  int64_t manager1 = scalar("SELECT id FROM users WHERE username = 'manager1'");
  if (scalar("SELECT account_manager_id FROM customers WHERE id = ?", {customer}) != manager1)
    GTEST_SKIP() << "a phone task";
  int64_t manager2 = scalar("SELECT id FROM users WHERE username = 'manager2'");
  auto h = s_->archive.start_handover(actor("supervisor1"), customer,
                                      {{"to_user_id", manager2}, {"reason", "岗位调整"}});
  ASSERT_TRUE(h.ok()) << h.error().message;
  bool listed = false;
  for (const auto& item : (*h)["items"])
    listed = listed || (item["kind"] == "alert_task" && item["ref_id"] == t["id"]);
  EXPECT_TRUE(listed) << "the checklist names the open alert task";
  for (const auto& item : (*h)["items"]) {
    ASSERT_TRUE(
        s_->archive
            .tick_handover_item(actor("supervisor1"), (*h)["id"], item["id"], {{"done", true}})
            .ok());
  }
  ASSERT_TRUE(s_->archive.complete_handover(actor("supervisor1"), (*h)["id"]).ok());
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM alert_tasks WHERE customer_id = ? AND assignee_id = ? AND "
                   "state <> 'closed'",
                   {customer, manager1}),
            0);
  EXPECT_GE(scalar("SELECT COUNT(*) FROM alert_tasks WHERE customer_id = ? AND assignee_id = ? AND "
                   "state <> 'closed'",
                   {customer, manager2}),
            1);
}

INSTANTIATE_TEST_SUITE_P(Stores, AlertTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace kam
