// Care and advice on both stores: care generation is idempotent and assigned to the right
// person, care tasks stay in scope and move only along allowed transitions, CDR imports are
// all or nothing and replace their months, family-plan candidates respect tenure and the
// threshold, tariff advice checks access.

#include <gtest/gtest.h>

#include "store_fixture.h"

namespace kam {
namespace {

using json = nlohmann::json;
using testing_support::StoreFixture;

class CareStoreTest : public StoreFixture {
 protected:
  int64_t scalar(const std::string& sql, const db::Params& p = {}) {
    auto lease = db_->acquire();
    auto row = (*lease)->query_one(sql, p);
    EXPECT_TRUE(row.ok()) << (row.ok() ? "" : row.error().message) << " in " << sql;
    return row.ok() && *row ? (*row)->i64(0) : -1;
  }
  void exec(const std::string& sql, const db::Params& p = {}) {
    auto lease = db_->acquire();
    auto r = (*lease)->exec(sql, p);
    ASSERT_TRUE(r.ok()) << r.error().message << " in " << sql;
  }
  int64_t user(const std::string& name) {
    return scalar("SELECT id FROM users WHERE username = ?", {name});
  }
  // A live group customer of a manager, with mobile members and key persons.
  int64_t customer_of(const std::string& manager) {
    return scalar(
        "SELECT c.id FROM customers c WHERE c.account_manager_id = ? AND c.kind = 'group' AND "
        "c.status = 'active' "
        "AND EXISTS (SELECT 1 FROM members m WHERE m.customer_id = c.id AND m.kind = 'mobile') "
        "AND (SELECT COUNT(*) FROM key_persons k WHERE k.customer_id = c.id) >= 2 ORDER BY c.id "
        "LIMIT 1",
        {user(manager)});
  }
  std::vector<std::pair<int64_t, std::string>> members_of(int64_t customer, int n) {
    auto lease = db_->acquire();
    auto rows = (*lease)->query(
        "SELECT id, number FROM members WHERE customer_id = ? AND kind = 'mobile' ORDER BY id "
        "LIMIT ?",
        {customer, int64_t{n}});
    std::vector<std::pair<int64_t, std::string>> out;
    for (const auto& r : *rows) out.emplace_back(r.i64(0), r.text(1));
    return out;
  }
  json import_cdrs(const std::string& csv) {
    auto r = s_->family_plan.import_bytes(actor("analyst1"), csv, "cdr.csv");
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? *r : json();
  }
  static std::string calls(const std::string& caller, const std::string& callee, const char* op,
                           int n, const std::string& month = "2026-10") {
    std::string out;
    for (int i = 0; i < n; ++i) {
      out += caller + "," + callee + "," + op + "," + month + "-" + (i < 9 ? "0" : "") +
             std::to_string(i % 28 + 1) + " 09:30:00,120\n";
    }
    return out;
  }
};

TEST_P(CareStoreTest, GenerationIsIdempotentAndAssignsTheRightPerson) {
  int64_t customer = customer_of("manager1");
  ASSERT_GT(customer, 0);
  int64_t manager = user("manager1"), supervisor = user("supervisor1");
  // Today is 2026-11-18 (the fixture's clock). One ordinary key person with a birthday in three
  // days, one senior key person (owned by the supervisor) in five, and nobody else.
  exec("UPDATE key_persons SET birthday = NULL");
  int64_t kp1 = scalar("SELECT MIN(id) FROM key_persons WHERE customer_id = ?", {customer});
  int64_t kp2 = scalar("SELECT MAX(id) FROM key_persons WHERE customer_id = ?", {customer});
  exec("UPDATE key_persons SET birthday = '1980-11-21', senior = 0 WHERE id = ?", {kp1});
  exec("UPDATE key_persons SET birthday = '1972-11-23', senior = 1, owner_id = ? WHERE id = ?",
       {supervisor, kp2});
  exec("UPDATE contracts SET end_date = '2026-12-31', status = 'active' WHERE customer_id = ?",
       {customer});
  // The latest usage month: arrears in October and September, points expiring soon, contracts
  // of members ending in December, calls to a competitor's service desk.
  auto ms = members_of(customer, 3);
  ASSERT_EQ(ms.size(), 3u);
  std::string csv =
      "month,number,bill,arrears,points_balance,points_expiry,contract_end,competitor_calls\n";
  for (const auto& [id, number] : ms) {
    csv += "2026-09," + number + ",100,20,0,,,0\n";
    csv += "2026-10," + number + ",100,35.5,5000,2026-12-01,2026-12-20,2\n";
  }
  services::ImportRequest ir;
  ir.file_name = "usage.csv";
  auto usage = s_->usage.import_file(actor("analyst1"), csv, ir);
  ASSERT_TRUE(usage.ok() && (*usage)["status"] == "succeeded")
      << (usage.ok() ? usage->dump() : usage.error().message);

  EXPECT_EQ(s_->care.generate(actor("manager1"), "2026-11-18").error().code, ErrorCode::kForbidden);
  auto first = s_->care.generate(actor("supervisor1"), "2026-11-18");
  ASSERT_TRUE(first.ok()) << first.error().message;
  const json& created = (*first)["created"];
  EXPECT_EQ(created["birthday"], 2);
  EXPECT_GE(created["contract_expiry"].get<int>(),
            2);  // the archive contract and the members' contracts
  EXPECT_GE(created["points_expiry"].get<int>(), 1);
  EXPECT_GE(created["payment_reminder"].get<int>(), 1);
  EXPECT_GE(created["arrears"].get<int>(), 1);
  EXPECT_GE(created["competitor"].get<int>(), 1);
  int64_t total = count("care_tasks");
  EXPECT_EQ(total, (*first)["created_total"].get<int64_t>());

  // Who does what: the senior key person's owner, the account manager for the rest.
  EXPECT_EQ(
      scalar("SELECT assignee_id FROM care_tasks WHERE kind = 'birthday' AND key_person_id = ?",
             {kp1}),
      manager);
  EXPECT_EQ(
      scalar("SELECT assignee_id FROM care_tasks WHERE kind = 'birthday' AND key_person_id = ?",
             {kp2}),
      supervisor);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM care_tasks WHERE kind = 'birthday' AND CAST(due_date AS "
                   "TEXT) = '2026-11-21'"),
            1);
  EXPECT_EQ(
      scalar(
          "SELECT COUNT(*) FROM care_tasks WHERE kind = 'payment_reminder' AND customer_id = ? AND "
          "CAST(due_date AS TEXT) = '2026-11-30'",
          {customer}),
      1);
  EXPECT_EQ(
      scalar("SELECT COUNT(*) FROM care_tasks WHERE kind = 'points_expiry' AND customer_id = ? AND "
             "CAST(due_date AS TEXT) = '2026-12-01'",
             {customer}),
      1);

  // A rerun, the next day or the same, adds nothing that is already there, even a task done.
  int64_t done = scalar("SELECT id FROM care_tasks WHERE key_person_id = ?", {kp1});
  ASSERT_TRUE(s_->care.update(actor("manager1"), done, {{"state", "done"}, {"version", 1}}).ok());
  auto again = s_->care.generate(services::Actor::system("scheduler"), "2026-11-18");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)["created_total"], 0);
  EXPECT_EQ((*again)["existing"], total);
  auto next_day = s_->care.generate(services::Actor::system("scheduler"), "2026-11-19");
  ASSERT_TRUE(next_day.ok());
  EXPECT_EQ((*next_day)["created"]["birthday"], 0);
  EXPECT_EQ((*next_day)["created"]["payment_reminder"], 0);
  EXPECT_EQ((*next_day)["created"]["arrears"], 0);
  EXPECT_EQ(scalar("SELECT state = 'done' FROM care_tasks WHERE id = ?", {done}), 1);
  EXPECT_EQ(
      scalar("SELECT COUNT(*) FROM audit_log WHERE entity = 'care_task' AND action = 'generate'"),
      3);
}

TEST_P(CareStoreTest, HolidaysAcrossTheYearEndGreetKeyPersons) {
  // No value computed yet: every live customer's key persons are greeted.
  int64_t people = scalar(
      "SELECT COUNT(*) FROM key_persons k JOIN customers c ON c.id = k.customer_id WHERE c.status "
      "<> 'churned'");
  ASSERT_GT(people, 0);
  auto r = s_->care.generate(actor("admin"), "2026-12-28");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)["created"]["holiday"], people);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM care_tasks WHERE kind = 'holiday' AND CAST(due_date AS "
                   "TEXT) = '2027-01-01'"),
            people);
  // With value computed, only the configured tiers (gold and silver by default).
  int64_t customer = customer_of("manager1");
  exec(
      "INSERT INTO customer_value (month, customer_id, members_total, members_active, members_key, "
      "members_new, "
      "members_churned, revenue_fen, voice_fen, data_fen, sms_fen, other_fen, cost_fen, "
      "margin_fen, arrears_fen, mou, "
      "data_mb, sms, revenue_score, margin_score, collection_score, loyalty_score, total_score, "
      "value_rank, tier, grade, "
      "stage, risk, clv_fen) VALUES (202611, ?, 1, 1, 0, 0, 0, 100, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "
      "1, 1, 1, 1, 90, 1, "
      "'gold', 'important', 'maturity', 'low', 0)",
      {customer});
  auto spring = s_->care.generate(actor("admin"), "2027-02-01");
  ASSERT_TRUE(spring.ok());
  EXPECT_EQ((*spring)["created"]["holiday"],
            scalar("SELECT COUNT(*) FROM key_persons WHERE customer_id = ?", {customer}));
}

TEST_P(CareStoreTest, TasksStayInScopeAndMoveOnlyAlongAllowedTransitions) {
  ASSERT_TRUE(s_->care.generate(actor("admin"), "2026-12-28").ok());
  services::ListQuery q;
  q.limit = 200;
  auto mine = s_->care.list(actor("manager1"), q);
  auto all = s_->care.list(actor("admin"), q);
  ASSERT_TRUE(mine.ok() && all.ok());
  int64_t own = scalar(
      "SELECT COUNT(*) FROM care_tasks t JOIN customers c ON c.id = t.customer_id WHERE "
      "c.account_manager_id = ? OR c.phone_manager_id = ? OR t.assignee_id = ?",
      {user("manager1"), user("manager1"), user("manager1")});
  EXPECT_EQ((*mine)["total"], own);
  EXPECT_LT(own, (*all)["total"].get<int64_t>());
  ASSERT_GT(own, 0);
  json task = (*mine)["items"][0];
  int64_t id = task["id"];
  // Another manager's customer: not found, whatever they try.
  int64_t foreign = scalar(
      "SELECT t.id FROM care_tasks t JOIN customers c ON c.id = t.customer_id WHERE "
      "c.account_manager_id = ? "
      "AND c.phone_manager_id IS DISTINCT FROM ? AND t.assignee_id <> ? LIMIT 1",
      {user("manager2"), user("manager1"), user("manager1")});
  ASSERT_GT(foreign, 0);
  EXPECT_EQ(s_->care.get(actor("manager1"), foreign).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(
      s_->care.update(actor("manager1"), foreign, {{"state", "done"}, {"version", 1}}).error().code,
      ErrorCode::kNotFound);
  // Care tasks are the account team's: portal users and analysts neither read nor work them.
  EXPECT_EQ(s_->care.list(actor("portal1"), q).error().code, ErrorCode::kForbidden);
  EXPECT_EQ(s_->care.get(actor("analyst1"), id).error().code, ErrorCode::kForbidden);
  EXPECT_EQ(
      s_->care.update(actor("analyst1"), id, {{"state", "done"}, {"version", 1}}).error().code,
      ErrorCode::kForbidden);

  auto done = s_->care.update(actor("manager1"), id,
                              {{"state", "done"}, {"note", "已电话问候"}, {"version", 1}});
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_EQ((*done)["state"], "done");
  EXPECT_EQ((*done)["version"], 2);
  EXPECT_EQ((*done)["closed_by"], user("manager1"));
  EXPECT_EQ((*done)["transitions"], json::array({"open"}));
  auto stale = s_->care.update(actor("manager1"), id, {{"state", "open"}, {"version", 1}});
  EXPECT_EQ(stale.error().code, ErrorCode::kConflict);
  EXPECT_EQ(stale.error().field, "version");
  auto illegal = s_->care.update(actor("manager1"), id, {{"state", "skipped"}, {"version", 2}});
  EXPECT_EQ(illegal.error().code, ErrorCode::kConflict);
  EXPECT_EQ(illegal.error().field, "state");
  EXPECT_NE(illegal.error().message.find("allowed: open"), std::string::npos);
  EXPECT_EQ(
      s_->care.update(actor("manager1"), id, {{"state", "lost"}, {"version", 2}}).error().field,
      "state");
  EXPECT_EQ(s_->care.update(actor("manager1"), id, {{"state", "open"}}).error().field, "version");
  EXPECT_EQ(s_->care.update(actor("manager1"), id, {{"owner", 1}, {"version", 2}}).error().field,
            "owner");
  auto reopened = s_->care.update(actor("manager1"), id, {{"state", "open"}, {"version", 2}});
  ASSERT_TRUE(reopened.ok());
  EXPECT_TRUE((*reopened)["closed_by"].is_null());
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM audit_log WHERE entity = 'care_task' AND entity_id = ? "
                   "AND action = 'update'",
                   {id}),
            2);

  // Filters.
  q.params = {{"state", "open"}, {"kind", "holiday"}, {"from", "2027-01-01"}, {"to", "2027-01-01"}};
  auto filtered = s_->care.list(actor("admin"), q);
  ASSERT_TRUE(filtered.ok());
  EXPECT_EQ((*filtered)["total"],
            scalar("SELECT COUNT(*) FROM care_tasks WHERE kind = 'holiday' AND state = 'open'"));
  q.params = {{"kind", "feast"}};
  EXPECT_EQ(s_->care.list(actor("admin"), q).error().field, "kind");
  // Paging: the cursor continues where the page ended.
  q.params = {};
  q.limit = 3;
  auto p1 = s_->care.list(actor("admin"), q);
  ASSERT_TRUE(p1.ok());
  q.cursor = (*p1)["next_cursor"].get<std::string>();
  auto p2 = s_->care.list(actor("admin"), q);
  ASSERT_TRUE(p2.ok());
  EXPECT_NE((*p1)["items"][2]["id"], (*p2)["items"][0]["id"]);
  EXPECT_LE((*p1)["items"][2]["due_date"].get<std::string>(),
            (*p2)["items"][0]["due_date"].get<std::string>());
}

TEST_P(CareStoreTest, CdrImportIsAllOrNothingAndReplacesItsMonths) {
  int64_t customer = customer_of("manager1");
  auto ms = members_of(customer, 2);
  ASSERT_EQ(ms.size(), 2u);
  std::string header = "主叫号码,被叫号码,被叫运营商,开始时间,通话时长\n";
  std::string good = header + calls(ms[0].second, "13012345678", "中国联通", 12) +
                     calls(ms[1].second, "18912345678", "中国电信", 4);
  std::string bad = good + ms[0].second + ",13012345678,中国联通,2026-10-40 09:00:00,60\n";
  json refused = import_cdrs(bad);
  EXPECT_EQ(refused["status"], "failed");
  EXPECT_EQ(refused["rows_bad"], 1);
  EXPECT_EQ(refused["issues"][0]["line"], 18);
  EXPECT_EQ(refused["issues"][0]["column"], "开始时间");
  EXPECT_EQ(count("cdr_pairs"), 0);
  EXPECT_EQ(count("cdr_months"), 0);

  json ok = import_cdrs(good);
  ASSERT_EQ(ok["status"], "succeeded") << ok.dump();
  EXPECT_EQ(ok["rows_counted"], 16);
  EXPECT_EQ(ok["pairs_stored"], 2);
  EXPECT_EQ(ok["months"], json::array({"2026-10"}));
  EXPECT_EQ(scalar("SELECT calls FROM cdr_pairs WHERE member_id = ? AND callee = '13012345678'",
                   {ms[0].first}),
            12);
  EXPECT_EQ(scalar("SELECT minutes FROM cdr_pairs WHERE member_id = ? AND callee = '13012345678'",
                   {ms[0].first}),
            24);
  EXPECT_EQ(
      scalar("SELECT COUNT(*) FROM audit_log WHERE entity = 'cdr_import' AND action = 'import'"),
      1);

  // October again, corrected: it replaces October; September arrives alongside.
  std::string again = header + calls(ms[0].second, "13112345678", "unicom", 5) +
                      calls(ms[0].second, "13012345678", "unicom", 11, "2026-09");
  ASSERT_EQ(import_cdrs(again)["status"], "succeeded");
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM cdr_pairs WHERE month = 202610"), 1);
  EXPECT_EQ(scalar("SELECT calls FROM cdr_pairs WHERE month = 202610"), 5);
  EXPECT_EQ(scalar("SELECT calls FROM cdr_pairs WHERE month = 202609"), 11);
  auto months = s_->family_plan.months(actor("manager1"));
  ASSERT_TRUE(months.ok());
  EXPECT_EQ((*months)["total"], 2);
  // Managers do not import call records.
  EXPECT_EQ(s_->family_plan.import_bytes(actor("manager1"), good, "x.csv").error().code,
            ErrorCode::kForbidden);
}

TEST_P(CareStoreTest, CandidatesRespectTenureThresholdAndScope) {
  int64_t customer = customer_of("manager1");
  auto ms = members_of(customer, 3);
  ASSERT_EQ(ms.size(), 3u);
  exec("UPDATE members SET join_date = '2020-03-01', status = 'normal' WHERE id IN (?, ?)",
       {ms[0].first, ms[2].first});
  exec("UPDATE members SET join_date = '2026-02-01', status = 'normal' WHERE id = ?",
       {ms[1].first});  // 8 months
  std::string csv = "caller,callee,callee_operator,start_time,duration\n" +
                    calls(ms[0].second, "13012345678", "unicom", 12) +  // candidate
                    calls(ms[1].second, "13012345679", "unicom", 15) +  // too new
                    calls(ms[2].second, "13012345670", "telecom", 9) +  // too few at N = 10
                    calls(ms[2].second, "13512345678", "cmcc", 30);     // on-net: never
  ASSERT_EQ(import_cdrs(csv)["status"], "succeeded");
  auto lease = db_->acquire();
  auto ids = s_->family_plan.candidate_members(**lease, 202610);
  ASSERT_TRUE(ids.ok()) << ids.error().message;
  EXPECT_EQ(*ids, std::vector<int64_t>{ms[0].first});

  services::CandidateQuery q;
  auto mine = s_->family_plan.candidates(actor("manager1"), q);
  ASSERT_TRUE(mine.ok()) << mine.error().message;
  EXPECT_EQ((*mine)["month"], "2026-10");
  ASSERT_EQ((*mine)["total"], 1);
  EXPECT_EQ((*mine)["items"][0]["member_id"], ms[0].first);
  EXPECT_EQ((*mine)["items"][0]["callee"], "13012345678");
  EXPECT_EQ((*mine)["items"][0]["callee_operator"], "unicom");
  EXPECT_EQ((*mine)["items"][0]["calls"], 12);
  q.min_calls = 9;
  EXPECT_EQ((*s_->family_plan.candidates(actor("manager1"), q))["total"], 2);
  q.min_calls = 2;
  EXPECT_EQ(s_->family_plan.candidates(actor("manager1"), q).error().field, "min_calls");
  q.min_calls.reset();
  // Another manager sees none of them, and not this customer at all.
  EXPECT_EQ((*s_->family_plan.candidates(actor("manager2"), q))["total"], 0);
  q.customer_id = customer;
  EXPECT_EQ(s_->family_plan.candidates(actor("manager2"), q).error().code, ErrorCode::kNotFound);
  // Analysts see the numbers masked.
  auto masked = s_->family_plan.candidates(actor("analyst1"), q);
  ASSERT_TRUE(masked.ok());
  EXPECT_EQ((*masked)["items"][0]["callee"], "130****5678");
  EXPECT_NE((*masked)["items"][0]["number"], ms[0].second);

  // The threshold is configuration.
  json cfg = {{"version", 0}, {"config", {{"family_min_calls", 13}}}};
  ASSERT_TRUE(s_->care.put_config(actor("admin"), cfg).ok());
  auto none = s_->family_plan.candidate_members(**lease, 202610);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  EXPECT_EQ(s_->care.put_config(actor("manager1"), cfg).error().code, ErrorCode::kForbidden);
  EXPECT_EQ(s_->care.put_config(actor("admin"), cfg).error().field, "version");
}

TEST_P(CareStoreTest, TariffAdviceForMembersAndCustomersInScope) {
  exec(
      "INSERT INTO tariff_packages(name, monthly_fee_fen, minutes, data_mb, sms, "
      "overage_minute_fen, overage_mb_fen, "
      "overage_sms_fen, created_at, updated_at) VALUES ('小套餐', 5800, 100, 10240, 0, 19, 1, 10, "
      "0, 0), "
      "('大套餐', 12800, 500, 30720, 0, 15, 1, 10, 0, 0)");
  int64_t customer = customer_of("manager1");
  auto ms = members_of(customer, 2);
  std::string csv = "month,number,bill,mou,data_mb,sms\n";
  for (const char* month : {"2026-08", "2026-09", "2026-10"}) {
    csv += std::string(month) + "," + ms[0].second + ",128,80,5000,0\n";
    csv += std::string(month) + "," + ms[1].second + ",128,450,25000,0\n";
  }
  services::ImportRequest ir;
  ir.file_name = "usage.csv";
  ASSERT_TRUE(s_->usage.import_file(actor("analyst1"), csv, ir).ok());

  services::AdviceQuery q;
  q.member_id = ms[0].first;
  auto light = s_->tariff.advice(actor("manager1"), q);
  ASSERT_TRUE(light.ok()) << light.error().message;
  EXPECT_EQ((*light)["best"]["name"], "小套餐");
  EXPECT_EQ((*light)["current_fen"], 12800);
  EXPECT_EQ((*light)["saving_fen"], 7000);
  EXPECT_EQ((*light)["usage"]["mou"], 80);
  EXPECT_EQ(s_->tariff.advice(actor("manager2"), q).error().code, ErrorCode::kNotFound);

  q = {};
  q.customer_id = customer;
  auto group = s_->tariff.advice(actor("manager1"), q);
  ASSERT_TRUE(group.ok()) << group.error().message;
  EXPECT_EQ((*group)["total"]["saving_fen"], 7000);  // the heavy member is already on the best fit
  EXPECT_EQ((*group)["members"].size(), 2u);
  EXPECT_EQ(s_->tariff.advice(actor("manager2"), q).error().code, ErrorCode::kNotFound);

  q = {};
  q.usage = domain::TariffUsage{600, 1000, 0};
  q.current_fen = 20000;
  auto typed = s_->tariff.advice(actor("analyst1"), q);
  ASSERT_TRUE(typed.ok());
  EXPECT_EQ((*typed)["options"].size(), 2u);
  EXPECT_EQ((*typed)["best"]["total_fen"], 12800 + 100 * 15);
  q.member_id = 1;
  EXPECT_EQ(s_->tariff.advice(actor("analyst1"), q).error().code, ErrorCode::kInvalid);
}

INSTANTIATE_TEST_SUITE_P(Stores, CareStoreTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace kam
