// One-stop acceptance on both stores: the catalogue keeps versions and an order keeps the price
// it was made with; the whole flow from requirement to service with a supervisor's discount
// approval and the completion hook; two approvers at once (one decision counts); scope (another
// manager's order is 404); refusals name the field and write nothing; settings are versioned.

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "demo/demo_orders.h"
#include "store_fixture.h"

namespace kam {
namespace {

using json = nlohmann::json;
using testing_support::StoreFixture;

class OrderStoreTest : public StoreFixture {
 protected:
  int64_t scalar(const std::string& sql, const db::Params& p = {}) {
    auto lease = db_->acquire();
    auto row = (*lease)->query_one(sql, p);
    EXPECT_TRUE(row.ok()) << (row.ok() ? "" : row.error().message) << " in " << sql;
    return row.ok() && *row ? (*row)->i64(0) : -1;
  }
  int64_t user(const std::string& name) {
    return scalar("SELECT id FROM users WHERE username = ?", {name});
  }
  int64_t customer_of(const std::string& manager) {
    return scalar("SELECT MIN(id) FROM customers WHERE account_manager_id = ? AND kind = 'group'",
                  {user(manager)});
  }
  int64_t product(const std::string& code, const std::string& category, int64_t price_fen,
                  double max_pct) {
    auto r = s_->catalogue.create(
        actor("admin"), {{"code", code},
                         {"name", code + " 产品"},
                         {"category", category},
                         {"charge", "monthly"},
                         {"unit", "条"},
                         {"cost_fen", price_fen / 2},
                         {"max_discount_pct", max_pct},
                         {"prices", {{{"region_code", "320000"}, {"price_fen", price_fen}}}}});
    EXPECT_TRUE(r.ok()) << r.error().message << " " << r.error().field;
    return r.ok() ? (*r)["id"].get<int64_t>() : 0;
  }
  json act(const services::Actor& a, int64_t id, const std::string& action,
           json body = json::object()) {
    auto cur = s_->orders.get(services::Actor::system(), id);
    EXPECT_TRUE(cur.ok());
    body["version"] = (*cur)["version"];
    auto r = s_->orders.transition(a, id, action, body);
    EXPECT_TRUE(r.ok()) << action << ": " << r.error().message << " " << r.error().field;
    return r.ok() ? *r : json();
  }
  // An order of manager1's customer in design with one option at `discount` % on `pid`.
  std::pair<int64_t, int64_t> designed(int64_t pid, double discount, int64_t qty = 10) {
    auto m = actor("manager1");
    auto o = s_->orders.create(
        m,
        {{"customer_id", customer_of("manager1")}, {"title", "专线"}, {"requirement", "需要专线"}});
    EXPECT_TRUE(o.ok()) << o.error().message;
    int64_t id = (*o)["id"].get<int64_t>();
    act(m, id, "consult", {{"consultation", "上门咨询"}});
    act(m, id, "design");
    auto opt = s_->orders.add_option(
        m, id,
        {{"name", "方案A"},
         {"lines", {{{"product_id", pid}, {"quantity", qty}, {"discount_pct", discount}}}}});
    EXPECT_TRUE(opt.ok()) << opt.error().message << " " << opt.error().field;
    return {id, opt.ok() ? (*opt)["options"][0]["id"].get<int64_t>() : 0};
  }
};

TEST_P(OrderStoreTest, AnOrderKeepsThePriceVersionItWasMadeWith) {
  int64_t pid = product("DIA-T1", "data", 300000, 25);
  auto [id, opt] = designed(pid, 0, 1);
  auto admin = actor("admin");
  auto cur = s_->catalogue.get(admin, pid);
  ASSERT_TRUE(cur.ok());
  auto up =
      s_->catalogue.update(admin, pid,
                           {{"version", (*cur)["version"]},
                            {"prices", {{{"region_code", "320000"}, {"price_fen", 250000}}}}});
  ASSERT_TRUE(up.ok()) << up.error().message;
  EXPECT_EQ((*up)["version"], 2);
  // The stale version is refused.
  auto stale = s_->catalogue.update(admin, pid, {{"version", 1}, {"name", "x"}});
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, ErrorCode::kConflict);
  auto o = s_->orders.get(actor("manager1"), id);
  ASSERT_TRUE(o.ok());
  const json& line = (*o)["options"][0]["lines"][0];
  EXPECT_EQ(line["product_version"], 1);
  EXPECT_EQ(line["current_version"], 2);
  EXPECT_EQ(line["unit_price_fen"], 300000);
  // A new option is priced with the current version.
  auto added = s_->orders.add_option(
      actor("manager1"), id,
      {{"name", "方案B"}, {"lines", {{{"product_id", pid}, {"quantity", 1}}}}});
  ASSERT_TRUE(added.ok());
  EXPECT_EQ((*added)["options"][1]["lines"][0]["unit_price_fen"], 250000);
  EXPECT_EQ((*added)["options"][1]["lines"][0]["product_version"], 2);
  auto versions = s_->catalogue.versions(admin, pid);
  ASSERT_TRUE(versions.ok());
  EXPECT_EQ((*versions)["total"], 2);
  EXPECT_EQ((*versions)["items"][1]["prices"][0]["price_fen"], 300000);
  // A product an order used cannot be deleted.
  auto del = s_->catalogue.remove(admin, pid);
  ASSERT_FALSE(del.ok());
  EXPECT_EQ(del.error().code, ErrorCode::kConflict);
}

TEST_P(OrderStoreTest, FromRequirementToServiceWithASupervisorApproval) {
  int64_t pid = product("HXT-T", "voice", 3000, 20);
  std::vector<std::tuple<int64_t, std::string, int64_t, int64_t>> hooked;
  s_->orders.on_completed([&](db::Connection&, int64_t customer, const std::string& type,
                              int64_t source, int64_t due) -> Result<int64_t> {
    hooked.emplace_back(customer, type, source, due);
    return int64_t{777};
  });
  auto [id, opt] = designed(pid, 10, 80);
  auto m = actor("manager1"), sup = actor("supervisor1"), admin = actor("admin");
  auto o = s_->orders.get(m, id);
  const json& option = (*o)["options"][0];
  EXPECT_EQ(option["authority"]["within_limit"], false);
  EXPECT_EQ(option["authority"]["approver_role"], "supervisor");
  EXPECT_EQ(option["term"]["net_fen"], 80 * 3000 * 90 / 100 * 12);
  EXPECT_TRUE(option.contains("margin_pct"));
  act(m, id, "propose");
  auto chose = act(m, id, "choose", {{"option_id", opt}});
  EXPECT_EQ(chose["state"], "approval");
  // The creator may not approve; the supervisor's inbox holds it with the margin.
  auto own = s_->orders.transition(m, id, "approve", {{"version", chose["version"]}});
  ASSERT_FALSE(own.ok());
  EXPECT_EQ(own.error().code, ErrorCode::kForbidden);
  auto inbox = s_->orders.approvals(sup, "pending", false, 50, 0);
  ASSERT_TRUE(inbox.ok());
  ASSERT_EQ((*inbox)["total"], 1);
  EXPECT_TRUE((*inbox)["items"][0]["option"].contains("margin_pct"));
  EXPECT_EQ((*inbox)["items"][0]["can_decide"], true);
  EXPECT_EQ((*inbox)["items"][0]["required_role"], "supervisor");
  EXPECT_EQ(
      scalar("SELECT COUNT(*) FROM notifications WHERE user_id = ? AND kind = 'order_approval'",
             {user("supervisor1")}),
      1);
  auto approved = act(sup, id, "approve", {{"reason", "战略客户"}});
  EXPECT_EQ(approved["state"], "acceptance");
  EXPECT_EQ(approved["approvals"][0]["status"], "approved");
  EXPECT_EQ(approved["approvals"][0]["reason"], "战略客户");
  act(m, id, "start-construction");
  act(m, id, "finish-construction", {{"note", "调测通过"}});
  // Confirmation needs a document or a recorded confirmation, naming the field.
  auto cur = s_->orders.get(m, id);
  auto noconf = s_->orders.transition(m, id, "confirm", {{"version", (*cur)["version"]}});
  ASSERT_FALSE(noconf.ok());
  EXPECT_EQ(noconf.error().field, "confirmation");
  act(m, id, "confirm", {{"confirmation", "客户书面确认装通"}});
  auto nobill = s_->orders.transition(m, id, "start-billing",
                                      {{"version", (*s_->orders.get(m, id))["version"]}});
  ASSERT_FALSE(nobill.ok());
  EXPECT_EQ(nobill.error().field, "billing_account");
  EXPECT_TRUE(hooked.empty());
  auto done = act(m, id, "start-billing", {{"billing_account", "JF0001"}});
  EXPECT_EQ(done["state"], "in_service");
  EXPECT_EQ(done["survey_id"], 777);
  ASSERT_EQ(hooked.size(), 1u);
  EXPECT_EQ(std::get<0>(hooked[0]), customer_of("manager1"));
  EXPECT_EQ(std::get<1>(hooked[0]), "order");
  EXPECT_EQ(std::get<2>(hooked[0]), id);
  EXPECT_EQ(std::get<3>(hooked[0]), clock_.now() + 3 * 86400);
  // Every step has a row with its owner and times; every change is audited.
  EXPECT_EQ(done["steps"].size(), 9u);
  for (const auto& s : done["steps"]) EXPECT_FALSE(s["left_at"].is_null()) << s.dump();
  EXPECT_GE(scalar("SELECT COUNT(*) FROM audit_log WHERE entity = 'order' AND entity_id = ?", {id}),
            10);
  // Nothing more happens to an order in service: 409 names the allowed actions (none).
  auto more =
      s_->orders.transition(m, id, "cancel", {{"version", done["version"]}, {"reason", "x"}});
  ASSERT_FALSE(more.ok());
  EXPECT_EQ(more.error().code, ErrorCode::kConflict);
  EXPECT_NE(more.error().message.find("allowed: none"), std::string::npos);
  // Figures: per step and per manager.
  auto fig = s_->orders.metrics(admin, {});
  ASSERT_TRUE(fig.ok());
  EXPECT_EQ((*fig)["overall"]["count"], 1);
  EXPECT_EQ((*fig)["managers"].size(), 1u);
}

TEST_P(OrderStoreTest, RefusedApprovalGoesBackToDesignAndNeedsAReason) {
  int64_t pid = product("E1-T", "circuit", 120000, 20);
  auto [id, opt] = designed(pid, 12);
  auto m = actor("manager1"), sup = actor("supervisor1");
  act(m, id, "propose");
  act(m, id, "choose", {{"option_id", opt}});
  auto cur = s_->orders.get(sup, id);
  auto noreason = s_->orders.transition(sup, id, "refuse", {{"version", (*cur)["version"]}});
  ASSERT_FALSE(noreason.ok());
  EXPECT_EQ(noreason.error().field, "reason");
  auto refused = act(sup, id, "refuse", {{"reason", "毛利过低"}});
  EXPECT_EQ(refused["state"], "design");
  EXPECT_TRUE(refused["chosen_option_id"].is_null());
  EXPECT_EQ(refused["approvals"][0]["status"], "refused");
}

TEST_P(OrderStoreTest, TwoApproversAtOnceOneDecisionCounts) {
  int64_t pid = product("CLOUD-T", "cloud", 45000, 20);
  auto [id, opt] = designed(pid, 10);
  auto m = actor("manager1");
  act(m, id, "propose");
  auto chose = act(m, id, "choose", {{"option_id", opt}});
  int64_t version = chose["version"].get<int64_t>();
  auto sup = actor("supervisor1"), admin = actor("admin");
  std::atomic<int> ok{0}, conflicts{0};
  std::vector<std::string> errors;
  std::mutex mu;
  auto decide = [&](const services::Actor& a, const char* action) {
    json body = {{"version", version}, {"reason", std::string(action) + " by " + a.username}};
    auto r = s_->orders.transition(a, id, action, body);
    if (r.ok()) {
      ok++;
    } else if (r.error().code == ErrorCode::kConflict) {
      conflicts++;
    } else {
      std::lock_guard<std::mutex> g(mu);
      errors.push_back(r.error().message);
    }
  };
  std::thread t1(decide, sup, "approve"), t2(decide, admin, "refuse");
  t1.join();
  t2.join();
  EXPECT_TRUE(errors.empty()) << (errors.empty() ? "" : errors[0]);
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(conflicts.load(), 1);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM order_approvals WHERE order_id = ? AND status IN "
                   "('approved','refused')",
                   {id}),
            1);
  EXPECT_EQ(
      scalar("SELECT COUNT(*) FROM order_approvals WHERE order_id = ? AND decided_by IS NOT NULL",
             {id}),
      1);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM order_steps WHERE order_id = ? AND step = 'approval' AND "
                   "left_at IS NOT NULL",
                   {id}),
            1);
}

TEST_P(OrderStoreTest, AnotherManagersOrderIsNotFound) {
  int64_t pid = product("FIX-T", "line", 2000, 10);
  auto [id, opt] = designed(pid, 0);
  (void)opt;
  auto other = actor("manager2");
  auto g = s_->orders.get(other, id);
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.error().code, ErrorCode::kNotFound);
  auto t = s_->orders.transition(other, id, "propose", {{"version", 1}});
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code, ErrorCode::kNotFound);
  auto l = s_->orders.list(other, {});
  ASSERT_TRUE(l.ok());
  for (const auto& o : (*l)["items"]) EXPECT_NE(o["id"], id);
  EXPECT_TRUE(s_->orders.get(actor("supervisor1"), id).ok());
  // Creating an order for another manager's customer: 404 as well.
  auto c = s_->orders.create(
      other, {{"customer_id", customer_of("manager1")}, {"title", "x"}, {"requirement", "y"}});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, ErrorCode::kNotFound);
}

TEST_P(OrderStoreTest, OutOfRangeIsRefusedNamingTheFieldAndWritesNothing) {
  int64_t pid = product("ECS-T", "cloud", 45000, 20);
  auto [id, opt] = designed(pid, 0);
  (void)opt;
  auto m = actor("manager1");
  int64_t lines = count("order_lines"), options = count("order_options"),
          audits = count("audit_log");
  auto over =
      s_->orders.add_option(m, id,
                            {{"name", "B"},
                             {"lines",
                              {{{"product_id", pid}, {"quantity", 1}},
                               {{"product_id", pid}, {"quantity", 1}, {"discount_pct", 20.5}}}}});
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().field, "lines[1].discount_pct");
  auto neg = s_->orders.add_option(
      m, id, {{"name", "B"}, {"lines", {{{"product_id", pid}, {"quantity", 0}}}}});
  ASSERT_FALSE(neg.ok());
  EXPECT_EQ(neg.error().field, "lines[0].quantity");
  auto frac = s_->orders.add_option(
      m, id,
      {{"name", "B"},
       {"lines", {{{"product_id", pid}, {"quantity", 1}, {"discount_pct", 1.234}}}}});
  ASSERT_FALSE(frac.ok());
  EXPECT_EQ(frac.error().field, "lines[0].discount_pct");
  auto unknown = s_->orders.add_option(
      m, id, {{"name", "B"}, {"lines", {{{"product_id", 999999}, {"quantity", 1}}}}});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().field, "lines[0].product_id");
  EXPECT_EQ(count("order_lines"), lines);
  EXPECT_EQ(count("order_options"), options);
  EXPECT_EQ(count("audit_log"), audits);
  auto badprice = s_->catalogue.create(
      actor("admin"), {{"code", "X1"},
                       {"name", "x"},
                       {"category", "data"},
                       {"cost_fen", 1},
                       {"prices", {{{"region_code", "320000"}, {"price_fen", -1}}}}});
  ASSERT_FALSE(badprice.ok());
  EXPECT_EQ(badprice.error().field, "prices[0].price_fen");
  auto badmax = s_->catalogue.create(actor("admin"),
                                     {{"code", "X2"},
                                      {"name", "x"},
                                      {"category", "data"},
                                      {"cost_fen", 1},
                                      {"max_discount_pct", 101},
                                      {"prices", {{{"region_code", "320000"}, {"price_fen", 1}}}}});
  ASSERT_FALSE(badmax.ok());
  EXPECT_EQ(badmax.error().field, "max_discount_pct");
  // A transition not allowed names the allowed ones; a stale version is a conflict.
  auto cur = s_->orders.get(m, id);
  auto bad = s_->orders.transition(m, id, "start-billing", {{"version", (*cur)["version"]}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kConflict);
  EXPECT_NE(bad.error().message.find("allowed: propose, cancel"), std::string::npos)
      << bad.error().message;
  auto stale =
      s_->orders.transition(m, id, "propose", {{"version", (*cur)["version"].get<int64_t>() - 1}});
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().field, "version");
  // Managers cannot take orders beyond roles: phone managers cannot work orders at all.
  auto phone = s_->orders.create(
      actor("phone1"),
      {{"customer_id", customer_of("manager1")}, {"title", "x"}, {"requirement", "y"}});
  ASSERT_FALSE(phone.ok());
  EXPECT_EQ(phone.error().code, ErrorCode::kForbidden);
}

TEST_P(OrderStoreTest, DiscountLimitsAreConfigurableAndVersioned) {
  auto admin = actor("admin");
  auto cur = s_->orders.discount_limits(admin);
  ASSERT_TRUE(cur.ok());
  json cfg = (*cur)["config"];
  cfg["account_manager"]["cloud"] = 1200;
  auto put =
      s_->orders.put_discount_limits(admin, {{"config", cfg}, {"version", (*cur)["version"]}});
  ASSERT_TRUE(put.ok()) << put.error().message;
  auto stale =
      s_->orders.put_discount_limits(admin, {{"config", cfg}, {"version", (*cur)["version"]}});
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, ErrorCode::kConflict);
  auto sup = s_->orders.put_discount_limits(actor("supervisor1"),
                                            {{"config", cfg}, {"version", (*put)["version"]}});
  EXPECT_FALSE(sup.ok());
  // Now a manager grants 12 % on cloud without approval.
  int64_t pid = product("ECS-L", "cloud", 45000, 20);
  auto [id, opt] = designed(pid, 12);
  auto m = actor("manager1");
  act(m, id, "propose");
  auto chose = act(m, id, "choose", {{"option_id", opt}});
  EXPECT_EQ(chose["state"], "acceptance");
}

TEST_P(OrderStoreTest, DemoOrdersCoverEveryStep) {
  auto sum = demo::load_demo_orders(*db_, clock_, 7);
  ASSERT_TRUE(sum.ok()) << sum.error().message;
  EXPECT_GE(sum->orders, 14);  // the small fixture store: a few customers per manager
  for (const auto& s : domain::order_states()) {
    EXPECT_GT(scalar("SELECT COUNT(*) FROM orders WHERE state = ?", {s}), 0) << s;
  }
  auto board = s_->orders.board(actor("manager1"), {}, 5);
  ASSERT_TRUE(board.ok());
  EXPECT_EQ((*board)["columns"].size(), domain::order_states().size() - 1);
}

INSTANTIATE_TEST_SUITE_P(Stores, OrderStoreTest, ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace kam
