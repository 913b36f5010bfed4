// Usage and value on both stores: imports are all or nothing, re-imports replace, the value
// computation runs after an import, analysis stays within the caller's customers.

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include "engine/usage_store.h"
#include "services/core/job_owner.h"
#include "store_fixture.h"

namespace kam {
namespace {

using json = nlohmann::json;
using testing_support::StoreFixture;
using UsageStoreTest = StoreFixture;

class UsageTest : public UsageStoreTest {
 protected:
  std::vector<std::string> numbers(int n) {
    auto lease = db_->acquire();
    auto rows = (*lease)->query(
        "SELECT number FROM members WHERE kind = 'mobile' ORDER BY id LIMIT ?", {int64_t{n}});
    std::vector<std::string> out;
    for (const auto& r : *rows) out.push_back(r.text(0));
    return out;
  }
  json import(const std::string& csv, bool allow_unknown = false) {
    services::ImportRequest r;
    r.file_name = "test.csv";
    r.allow_unknown_numbers = allow_unknown;
    auto res = s_->usage.import_file(actor("analyst1"), csv, r);
    EXPECT_TRUE(res.ok()) << res.error().message;
    return res.ok() ? *res : json();
  }
  int64_t scalar(const std::string& sql) {
    auto lease = db_->acquire();
    auto row = (*lease)->query_one(sql);
    return (*row)->i64(0);
  }
  std::string month_csv(const std::string& month, const std::vector<std::string>& nums,
                        int bill_base) {
    std::string csv = "month,number,bill,mou,status\n";
    for (size_t i = 0; i < nums.size(); ++i) {
      csv += month + "," + nums[i] + "," + std::to_string(bill_base + static_cast<int>(i)) +
             ",100,normal\n";
    }
    return csv;
  }
};

TEST_P(UsageTest, AFileWithABadRowWritesNothing) {
  int64_t periods_before =
      scalar("SELECT COUNT(*) FROM usage_periods");  // the fixture's demo usage
  auto nums = numbers(50);
  std::string csv = month_csv("2026-11", nums, 100);
  csv += "2026-11," + nums[0] + "x,1,1,normal\n";  // not in the archive
  json r = import(csv);
  EXPECT_EQ(r["status"], "failed");
  EXPECT_EQ(r["rows_bad"], 1);
  EXPECT_EQ(r["issues"][0]["line"], 52);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM usage_periods"), periods_before);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM usage_chunks WHERE period = 202611"), 0);

  json ok = import(month_csv("2026-11", nums, 100));
  EXPECT_EQ(ok["status"], "succeeded") << ok.dump();
  EXPECT_EQ(ok["rows_imported"], 50);
  EXPECT_EQ(scalar("SELECT row_count FROM usage_periods WHERE period = 202611"), 50);
  // The value computation ran for the new month.
  EXPECT_GT(scalar("SELECT COUNT(*) FROM customer_value WHERE month = 202611"), 0);
  // The import is audited.
  EXPECT_EQ(
      scalar("SELECT COUNT(*) FROM audit_log WHERE entity = 'usage_import' AND action = 'import'"),
      1);
}

TEST_P(UsageTest, ReimportReplacesTheSameMembersAndKeepsTheOthers) {
  auto nums = numbers(30);
  std::vector<std::string> first(nums.begin(), nums.begin() + 20),
      second(nums.begin() + 10, nums.end());
  ASSERT_EQ(import(month_csv("2026-11", first, 100))["status"], "succeeded");
  ASSERT_EQ(import(month_csv("2026-11", second, 5000))["status"], "succeeded");
  auto lease = db_->acquire();
  auto f = engine::read_period(**lease, engine::Granularity::kMonth, 202611);
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_EQ(f->size(), 30u);
  // Members of the first file only keep their bills; members in both take the second's.
  auto bill_of = [&](const std::string& number) {
    auto m = (*lease)->query_one("SELECT id FROM members WHERE number = ?", {number});
    int64_t row = f->find((*m)->i64(0));
    return row < 0 ? -1 : f->col(domain::UsageField::kBill)[static_cast<size_t>(row)];
  };
  EXPECT_EQ(bill_of(nums[0]), 100 * 100);
  EXPECT_EQ(bill_of(nums[10]), 5000 * 100);
  EXPECT_EQ(bill_of(nums[29]), 5019 * 100);
  // Reading a few members answers the same rows as reading the month.
  std::vector<int64_t> ids = {f->member_id[3], f->member_id[17]};
  auto some = engine::read_members(**lease, engine::Granularity::kMonth, 202611, ids);
  ASSERT_TRUE(some.ok());
  ASSERT_EQ(some->size(), 2u);
  EXPECT_EQ(some->col(domain::UsageField::kBill)[1], f->col(domain::UsageField::kBill)[17]);
}

TEST_P(UsageTest, ValueRanksEveryCustomerAndAnalysisStaysInScope) {
  auto demo = demo::write_demo_usage(*db_, clock_, 3, 14);
  ASSERT_TRUE(demo.ok()) << demo.error().message;
  auto run = s_->usage.run_value(actor("admin"), 0, 0);
  ASSERT_TRUE(run.ok()) << run.error().message;
  int month = demo->last_month;
  int64_t n = scalar("SELECT COUNT(*) FROM customer_value WHERE month = " + std::to_string(month));
  ASSERT_GT(n, 5);
  EXPECT_EQ(
      scalar("SELECT MAX(value_rank) FROM customer_value WHERE month = " + std::to_string(month)),
      n);
  EXPECT_EQ(scalar("SELECT COUNT(DISTINCT value_rank) FROM customer_value WHERE month = " +
                   std::to_string(month)),
            n);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM customer_value WHERE tier NOT IN "
                   "('gold','silver','bronze','do_not_serve') OR "
                   "stage NOT IN ('acquisition','growth','maturity','decline','churn')"),
            0);

  services::AnalysisQuery q;
  auto all = s_->analysis.summary(actor("analyst1"), q);
  auto mine = s_->analysis.summary(actor("manager1"), q);
  ASSERT_TRUE(all.ok() && mine.ok());
  int64_t own = scalar(
      "SELECT COUNT(*) FROM customer_value v JOIN customers c ON c.id = v.customer_id JOIN users u "
      "ON "
      "u.id = c.account_manager_id OR u.id = c.phone_manager_id WHERE u.username = 'manager1' AND "
      "v.month = " +
      std::to_string(month));
  EXPECT_EQ((*all)["current"]["customers"], n);
  EXPECT_EQ((*mine)["current"]["customers"], own);
  EXPECT_LT(own, n);
  // Merchant staff see no analysis at all.
  EXPECT_EQ(s_->analysis.summary(actor("merchant1"), q).error().code, ErrorCode::kForbidden);
  // Pareto ends at 100 %, the matrix covers every customer.
  auto p = s_->analysis.pareto(actor("analyst1"), q);
  ASSERT_TRUE(p.ok());
  EXPECT_NEAR((*p)["points"].back()["cumulative_pct"].get<double>(), 100.0, 1e-6);
  auto m = s_->analysis.matrix(actor("analyst1"), q);
  int64_t cells = 0;
  for (const auto& c : (*m)["cells"]) cells += c["customers"].get<int64_t>();
  EXPECT_EQ(cells, n);
  // A manager cannot read another manager's customer's value.
  int64_t other = scalar(
      "SELECT c.id FROM customers c JOIN users u ON u.id = c.account_manager_id WHERE u.username = "
      "'manager2' LIMIT 1");
  EXPECT_EQ(s_->usage.customer_value(actor("manager1"), other, 12).error().code,
            ErrorCode::kNotFound);
  EXPECT_TRUE(s_->usage.customer_value(actor("manager2"), other, 12).ok());
  // The export is a real workbook (a zip file).
  auto x = s_->analysis.export_xlsx(actor("analyst1"), q);
  ASSERT_TRUE(x.ok()) << x.error().message;
  EXPECT_EQ(x->substr(0, 2), "PK");
}

TEST_P(UsageTest, ValueConfigChangesAreVersionedAndAudited) {
  auto got = s_->usage.get_config(actor("analyst1"));
  ASSERT_TRUE(got.ok());
  EXPECT_EQ((*got)["version"], 0);
  json body = {{"version", 0}, {"config", {{"tier_gold", 90}}}};
  EXPECT_EQ(s_->usage.put_config(actor("manager1"), body).error().code, ErrorCode::kForbidden);
  auto put = s_->usage.put_config(actor("analyst1"), body);
  ASSERT_TRUE(put.ok()) << put.error().message;
  EXPECT_EQ((*put)["version"], 1);
  EXPECT_EQ((*put)["config"]["tier_gold"], 90);
  // The same version again is stale now.
  EXPECT_EQ(s_->usage.put_config(actor("analyst1"), body).error().code, ErrorCode::kConflict);
  json bad = {{"version", 1}, {"config", {{"tier_gold", 500}}}};
  EXPECT_EQ(s_->usage.put_config(actor("analyst1"), bad).error().field, "tier_gold");
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM audit_log WHERE entity = 'value_config'"), 1);
}

// A process that dies (SIGKILL) in the middle of a background job leaves its row running;
// recovery takes over the rows of dead owners and expired leases, never a live one's.
TEST_P(UsageTest, RecoveryFailsOrFinishesTheJobsOfDeadProcesses) {
  using services::owner_is_gone;
  using services::this_process_owner;
  // Owners: this process lives; a child that has exited is gone; another machine is judged by
  // its lease only.
  EXPECT_FALSE(owner_is_gone(this_process_owner()));
  pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ASSERT_GT(child, 0);
  ::waitpid(child, nullptr, 0);
  std::string here = this_process_owner().substr(
      0, this_process_owner().rfind('/', this_process_owner().rfind('/') - 1));
  std::string dead = here + "/" + std::to_string(child) + "/1";
  EXPECT_TRUE(owner_is_gone(dead));
  EXPECT_TRUE(owner_is_gone(""));
  const std::string elsewhere = "other-machine/4026531836/" + std::to_string(::getpid()) + "/1";
  EXPECT_FALSE(owner_is_gone(elsewhere));

  // An import stored by a process that died before computing: values absent, record running.
  auto nums = numbers(40);
  services::ImportRequest req;
  req.file_name = "stored.csv";
  req.compute = false;
  auto stored = s_->usage.import_file(actor("analyst1"), month_csv("2026-11", nums, 100), req);
  ASSERT_TRUE(stored.ok()) << stored.error().message;
  const int64_t stored_id = (*stored)["id"];
  const int64_t now = clock_.now();
  auto exec = [&](const std::string& sql, const db::Params& p) {
    auto lease = db_->acquire();
    auto r = (*lease)->exec(sql, p);
    ASSERT_TRUE(r.ok()) << r.error().message;
  };
  exec(
      "UPDATE usage_imports SET status = 'running', message = '40 rows imported into 1 "
      "month(s)', finished_at = NULL, owner = ?, lease_expires_at = ? WHERE id = ?",
      {dead, now + 600, stored_id});
  ASSERT_EQ(scalar("SELECT COUNT(*) FROM customer_value WHERE month = 202611"), 0);
  // Rows not stored: of a dead process, of another machine with an expired lease, and two
  // that must stay: another machine's with a live lease, and this process's own.
  auto add = [&](const std::string& status, const std::string& owner, int64_t lease) {
    auto l = db_->acquire();
    auto row = (*l)->query_one(
        "INSERT INTO usage_imports(file_name, size_bytes, status, created_at, owner, "
        "lease_expires_at) VALUES ('x.csv', 1, ?, ?, ?, ?) RETURNING id",
        {status, now, owner, lease});
    EXPECT_TRUE(row.ok() && row->has_value());
    return (*row)->i64(0);
  };
  int64_t killed = add("running", dead, now + 600);
  int64_t lost = add("queued", elsewhere, now - 1);
  int64_t remote = add("running", elsewhere, now + 600);
  int64_t mine = add("running", this_process_owner(), now + 600);
  exec(
      "INSERT INTO churn_jobs(kind, status, created_at, owner, lease_expires_at) VALUES "
      "('history', 'running', ?, ?, ?)",
      {now, dead, now + 600});

  auto r = s_->recover_interrupted();
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)["usage"].size(), 3u) << r->dump();
  EXPECT_EQ((*r)["churn"].size(), 1u) << r->dump();
  auto rec = [&](int64_t id) { return *s_->usage.get_import(actor("analyst1"), id); };
  // The stored import was finished as the import would have: values, engine, success.
  json done = rec(stored_id);
  EXPECT_EQ(done["status"], "succeeded");
  EXPECT_EQ(done["message"], "40 rows imported into 1 month(s); value computed for 1 month(s)");
  EXPECT_GT(scalar("SELECT COUNT(*) FROM customer_value WHERE month = 202611"), 0);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM engine_runs WHERE month = 202611"), 1);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM usage_imports WHERE owner IS NOT NULL AND id = " +
                   std::to_string(stored_id)),
            0);
  for (int64_t id : {killed, lost}) {
    json j = rec(id);
    EXPECT_EQ(j["status"], "failed");
    EXPECT_EQ(j["message"].get<std::string>().rfind("interrupted: ", 0), 0u) << j.dump();
  }
  EXPECT_EQ(rec(remote)["status"], "running");
  EXPECT_EQ(rec(mine)["status"], "running");
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM churn_jobs WHERE status = 'failed' AND message LIKE "
                   "'interrupted:%'"),
            1);
  // Nothing is taken twice.
  auto again = s_->recover_interrupted();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->dump(), R"({"cdr":[],"churn":[],"usage":[]})");
}

INSTANTIATE_TEST_SUITE_P(Stores, UsageTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace kam
