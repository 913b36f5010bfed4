// Demo one-stop acceptance: the product catalogue and orders in every step.

#include "demo/demo_orders.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "services/services.h"

namespace kam::demo {
namespace {

struct Mix {
  uint64_t s;
  uint64_t next() {
    uint64_t z = (s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  int64_t range(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(next() % static_cast<uint64_t>(hi - lo + 1));
  }
};

// The demo moves time forward as the orders are worked.
class MovingClock final : public Clock {
 public:
  explicit MovingClock(int64_t t) : t_(t) {}
  int64_t now() const override { return t_; }
  void set(int64_t t) { t_ = t; }

 private:
  int64_t t_;
};

using json = nlohmann::json;

json price(const char* region, int64_t yuan) {
  return {{"region_code", region}, {"price_fen", yuan * 100}};
}

// Monthly and one-time products of a provincial operator's government & enterprise catalogue.
std::vector<json> catalogue() {
  return {
      {{"code", "VOICE-HXT"},
       {"name", "汇线通（集团内线短号）"},
       {"category", "voice"},
       {"charge", "monthly"},
       {"unit", "部"},
       {"cost_fen", 1200},
       {"max_discount_pct", 20},
       {"prices", {price("320000", 30), price("320100", 35)}},
       {"description", "集团内部短号互拨，按部计月租"}},
      {{"code", "VOICE-TRUNK"},
       {"name", "模拟中继线"},
       {"category", "voice"},
       {"charge", "monthly"},
       {"unit", "条"},
       {"cost_fen", 3500},
       {"max_discount_pct", 15},
       {"prices", {price("320000", 80)}}},
      {{"code", "VOICE-PBX"},
       {"name", "话务台"},
       {"category", "voice"},
       {"charge", "one_time"},
       {"unit", "套"},
       {"cost_fen", 200000},
       {"max_discount_pct", 10},
       {"prices", {price("320000", 3000)}}},
      {{"code", "CIRCUIT-E1"},
       {"name", "数字电路 E1（2M）"},
       {"category", "circuit"},
       {"charge", "monthly"},
       {"unit", "条"},
       {"cost_fen", 60000},
       {"max_discount_pct", 20},
       {"prices", {price("320000", 1200)}}},
      {{"code", "CIRCUIT-MPLS"},
       {"name", "MPLS VPN 专线 20M"},
       {"category", "circuit"},
       {"charge", "monthly"},
       {"unit", "条"},
       {"cost_fen", 90000},
       {"max_discount_pct", 20},
       {"prices", {price("320000", 1800), price("320500", 1700)}}},
      {{"code", "DATA-DIA100"},
       {"name", "互联网专线 100M"},
       {"category", "data"},
       {"charge", "monthly"},
       {"unit", "条"},
       {"cost_fen", 150000},
       {"max_discount_pct", 25},
       {"prices", {price("320000", 3000), price("320100", 3200)}},
       {"subsidies", {{{"industry", "教育"}, {"subsidy_pct", 10}}}}},
      {{"code", "DATA-DIA1000"},
       {"name", "互联网专线 1000M"},
       {"category", "data"},
       {"charge", "monthly"},
       {"unit", "条"},
       {"cost_fen", 900000},
       {"max_discount_pct", 25},
       {"prices", {price("320000", 18000)}},
       {"subsidies",
        {{{"industry", "教育"}, {"subsidy_pct", 10}},
         {{"industry", "医疗卫生"}, {"subsidy_pct", 8}}}}},
      {{"code", "LINE-FIXED"},
       {"name", "固定电话"},
       {"category", "line"},
       {"charge", "monthly"},
       {"unit", "部"},
       {"cost_fen", 800},
       {"max_discount_pct", 10},
       {"prices", {price("320000", 20)}}},
      {{"code", "LINE-INSTALL"},
       {"name", "线路施工及调测"},
       {"category", "line"},
       {"charge", "one_time"},
       {"unit", "次"},
       {"cost_fen", 35000},
       {"max_discount_pct", 30},
       {"prices", {price("320000", 500)}}},
      {{"code", "CLOUD-ECS"},
       {"name", "移动云主机 4核8G"},
       {"category", "cloud"},
       {"charge", "monthly"},
       {"unit", "台"},
       {"cost_fen", 20000},
       {"max_discount_pct", 20},
       {"prices", {price("320000", 450)}}},
      {{"code", "CLOUD-BACKUP"},
       {"name", "云备份 1TB"},
       {"category", "cloud"},
       {"charge", "monthly"},
       {"unit", "份"},
       {"cost_fen", 8000},
       {"max_discount_pct", 20},
       {"prices", {price("320000", 200)}}},
      {{"code", "ICT-CAMPUS"},
       {"name", "智慧校园解决方案"},
       {"category", "ict"},
       {"kind", "package"},
       {"charge", "monthly"},
       {"unit", "套"},
       {"cost_fen", 450000},
       {"max_discount_pct", 20},
       {"prices", {price("320000", 8000)}},
       {"subsidies", {{{"industry", "教育"}, {"subsidy_pct", 15}}}},
       {"valid_from", "2025-01-01"},
       {"valid_to", "2027-12-31"}},
      {{"code", "ICT-HOSPITAL"},
       {"name", "智慧医院 ICT 方案"},
       {"category", "ict"},
       {"kind", "package"},
       {"charge", "monthly"},
       {"unit", "套"},
       {"cost_fen", 700000},
       {"max_discount_pct", 15},
       {"prices", {price("320000", 12000)}},
       {"subsidies", {{{"industry", "医疗卫生"}, {"subsidy_pct", 10}}}}},
  };
}

Result<services::Actor> actor_of(db::Connection& c, int64_t user_id) {
  KAM_TRY(row,
          c.query_one("SELECT id, username, display_name, role, team_id FROM users WHERE id = ?",
                      {user_id}));
  if (!row) return Error::internal("demo user missing");
  services::Actor a;
  a.user_id = row->i64(0);
  a.username = row->text(1);
  a.display_name = row->text(2);
  a.role = domain::parse_role(row->text(3)).value_or(domain::Role::kAccountManager);
  a.team_id = row->opt_i64(4);
  if (a.role == domain::Role::kSupervisor) {
    KAM_TRY(teams, c.query("SELECT id FROM teams WHERE supervisor_id = ?", {user_id}));
    for (const auto& r : teams) a.supervised_team_ids.push_back(r.i64(0));
  }
  return a;
}

}  // namespace

Result<DemoOrdersSummary> load_demo_orders(db::Database& database, const Clock& real,
                                           uint64_t seed) {
  DemoOrdersSummary sum;
  int64_t today = real.now();
  MovingClock clock(today - 200 * 86400);
  services::Services s(database, clock);
  auto system = services::Actor::system("demo-data");
  {
    KAM_TRY(lease, database.acquire());
    KAM_TRY(n, lease->query_one("SELECT COUNT(*) FROM products"));
    if (n && n->i64(0) > 0) return sum;  // loaded already
  }
  std::map<std::string, int64_t> ids;
  for (const auto& p : catalogue()) {
    KAM_TRY(created, s.catalogue.create(system, p));
    ids[p["code"].get<std::string>()] = created["id"].get<int64_t>();
    ++sum.products;
  }
  KAM_TRY(bundle,
          s.catalogue.create(system, {{"code", "BUNDLE-OFFICE"},
                                      {"name", "企业办公融合包（50部短号 + 100M专线 + 2台云主机）"},
                                      {"category", "data"},
                                      {"kind", "bundle"},
                                      {"charge", "monthly"},
                                      {"unit", "套"},
                                      {"cost_fen", 240000},
                                      {"max_discount_pct", 20},
                                      {"prices", {price("320000", 4800)}},
                                      {"components",
                                       {{{"product_id", ids["VOICE-HXT"]}, {"quantity", 50}},
                                        {{"product_id", ids["DATA-DIA100"]}, {"quantity", 1}},
                                        {{"product_id", ids["CLOUD-ECS"]}, {"quantity", 2}}}}}));
  ids["BUNDLE-OFFICE"] = bundle["id"].get<int64_t>();
  ++sum.products;

  Mix m{seed ^ 0x0DDE5ULL};
  struct Owner {
    services::Actor manager, supervisor;
    std::vector<int64_t> customers;
  };
  std::vector<Owner> owners;
  {
    KAM_TRY(lease, database.acquire());
    KAM_TRY(managers, lease->query("SELECT u.id, t.supervisor_id FROM users u JOIN teams t ON t.id "
                                   "= u.team_id WHERE u.role = "
                                   "'account_manager' AND u.active = 1 AND t.supervisor_id IS NOT "
                                   "NULL ORDER BY u.id LIMIT 4"));
    for (const auto& r : managers) {
      Owner o;
      KAM_TRY(ma, actor_of(*lease, r.i64(0)));
      KAM_TRY(su, actor_of(*lease, r.i64(1)));
      o.manager = ma;
      o.supervisor = su;
      KAM_TRY(cs, lease->query("SELECT id FROM customers WHERE account_manager_id = ? AND kind = "
                               "'group' AND status <> 'churned' "
                               "ORDER BY id LIMIT 12",
                               {r.i64(0)}));
      for (const auto& c : cs) o.customers.push_back(c.i64(0));
      if (!o.customers.empty()) owners.push_back(std::move(o));
    }
  }
  if (owners.empty()) return sum;

  // Where each demo order stops; the flow is walked with the real service up to there.
  const std::vector<std::string> stops = {
      "in_service",   "in_service",  "in_service", "billing",  "confirmation",
      "construction", "acceptance",  "approval",   "choice",   "design",
      "consultation", "requirement", "in_service", "cancelled"};
  struct Need {
    const char* title;
    const char* requirement;
    std::vector<std::vector<std::tuple<const char*, int64_t, double>>>
        options;  // code, quantity, discount %
    std::vector<const char*> names;
  };
  const std::vector<Need> needs = {
      {"新增80部办公电话（内线短号）",
       "计划增加80部办公电话，要求全部电话开通内线短号，需要话务台。",
       {{{"VOICE-HXT", 80, 3}, {"VOICE-PBX", 1, 0}, {"LINE-INSTALL", 1, 0}},
        {{"VOICE-TRUNK", 12, 5}, {"LINE-FIXED", 80, 0}, {"LINE-INSTALL", 1, 0}},
        {{"CIRCUIT-E1", 2, 12}, {"VOICE-HXT", 80, 0}, {"LINE-INSTALL", 1, 10}}},
       {"汇线通接入", "模拟中继线接入", "数字电路接入"}},
      {"总部互联网专线扩容",
       "总部出口带宽不足，需扩容并做链路备份。",
       {{{"DATA-DIA1000", 1, 4}, {"LINE-INSTALL", 1, 0}},
        {{"DATA-DIA100", 2, 10}, {"LINE-INSTALL", 2, 0}}},
       {"千兆单链路", "双百兆负载均衡"}},
      {"分支机构组网",
       "5个分支机构与总部互联，要求专线质量。",
       {{{"CIRCUIT-MPLS", 5, 5}, {"LINE-INSTALL", 5, 0}},
        {{"CIRCUIT-E1", 5, 8}, {"LINE-INSTALL", 5, 0}}},
       {"MPLS VPN 组网", "E1 电路组网"}},
      {"业务系统上云",
       "业务系统迁移上云并做异地备份。",
       {{{"CLOUD-ECS", 6, 5}, {"CLOUD-BACKUP", 2, 0}},
        {{"CLOUD-ECS", 4, 14}, {"CLOUD-BACKUP", 2, 10}}},
       {"6台云主机", "4台云主机优惠方案"}},
      {"智慧化改造",
       "建设信息化综合平台，含网络、云和应用。",
       {{{"ICT-CAMPUS", 1, 3}, {"DATA-DIA1000", 1, 0}},
        {{"ICT-HOSPITAL", 1, 8}, {"DATA-DIA100", 2, 0}}},
       {"智慧校园方案", "智慧医院方案"}},
      {"办公融合套餐",
       "新办公区开通短号、专线和云主机。",
       {{{"BUNDLE-OFFICE", 1, 5}}, {{"BUNDLE-OFFICE", 1, 12}}},
       {"标准融合包", "融合包优惠"}},
  };

  int64_t now_real = today;
  auto hours_for = [&](const std::string& step, double f) {
    auto cfg = domain::StepSettings::defaults();
    return static_cast<int64_t>(static_cast<double>(cfg.target_seconds(step)) * f);
  };
  size_t k = 0;
  for (size_t oi = 0; oi < owners.size(); ++oi) {
    auto& ow = owners[oi];
    for (size_t si = 0; si < stops.size() && si < ow.customers.size(); ++si, ++k) {
      // Spread over the owners so that even a small demo has an order in every step.
      const std::string& stop = stops[(si * owners.size() + oi) % stops.size()];
      const Need& need = needs[(k + (si == 0 && oi == 0 ? 0 : 1)) % needs.size()];
      bool done_flow = stop == "in_service" || stop == "cancelled";
      // Finished orders start months ago; open ones recently enough to be in their step.
      int64_t start =
          done_flow ? now_real - m.range(30, 170) * 86400 : now_real - m.range(2, 25) * 86400;
      clock.set(start);
      auto step_time = [&](const std::string& step) {
        // Most steps inside the target, some late.
        double f = static_cast<double>(m.range(15, 140)) / 100.0;
        clock.set(
            std::min(clock.now() + std::max<int64_t>(hours_for(step, f), 1800), now_real - 3600));
      };
      KAM_TRY(order, s.orders.create(ow.manager, {{"customer_id", ow.customers[si]},
                                                  {"title", need.title},
                                                  {"requirement", need.requirement},
                                                  {"term_months", m.range(1, 3) * 12}}));
      ++sum.orders;
      int64_t id = order["id"].get<int64_t>();
      auto act = [&](const services::Actor& who, const std::string& action,
                     json body) -> Result<json> {
        KAM_TRY(cur, s.orders.get(system, id));
        body["version"] = cur["version"];
        return s.orders.transition(who, id, action, body);
      };
      if (stop == "requirement") continue;
      step_time("requirement");
      KAM_CHECK(act(ow.manager, "consult",
                    {{"consultation", "上门了解现网情况与业务需求，介绍可选接入方式及资费。"}}));
      if (stop == "consultation") continue;
      step_time("consultation");
      KAM_CHECK(act(ow.manager, "design", json::object()));
      std::vector<int64_t> option_ids;
      for (size_t o = 0; o < need.options.size(); ++o) {
        json lines = json::array();
        for (const auto& [code, qty, pct] : need.options[o]) {
          lines.push_back({{"product_id", ids[code]}, {"quantity", qty}, {"discount_pct", pct}});
        }
        auto added =
            s.orders.add_option(ow.manager, id, {{"name", need.names[o]}, {"lines", lines}});
        if (!added)
          return Error::internal("demo option: " + added.error().message + " (" +
                                 added.error().field + ")");
        option_ids.push_back((*added)["options"].back()["id"].get<int64_t>());
      }
      if (stop == "design") continue;
      step_time("design");
      KAM_CHECK(act(ow.manager, "propose", json::object()));
      if (stop == "choice") continue;
      step_time("choice");
      if (stop == "cancelled") {
        KAM_CHECK(act(ow.manager, "cancel", {{"reason", "客户预算调整，项目暂缓"}}));
        continue;
      }
      // Orders stopping in approval choose a discount beyond the manager's 5 %; others mostly
      // within it, some approved by the supervisor on the way.
      int64_t chosen = option_ids[0];
      bool want_over = stop == "approval" || si % 3 == 0;
      for (size_t o = 0; o < need.options.size(); ++o) {
        double maxd = 0;
        for (const auto& l : need.options[o]) maxd = std::max(maxd, std::get<2>(l));
        bool over = maxd > 5;
        if (over == want_over) {
          chosen = option_ids[o];
          break;
        }
      }
      KAM_TRY(chose, act(ow.manager, "choose", {{"option_id", chosen}}));
      if (chose["state"] == "approval") {
        ++sum.approvals;
        if (stop == "approval") continue;
        step_time("approval");
        KAM_CHECK(
            act(ow.supervisor, "approve", {{"reason", "战略客户，毛利仍在合理范围内，同意"}}));
      }
      if (stop == "acceptance") continue;
      step_time("acceptance");
      KAM_CHECK(act(ow.manager, "start-construction", json::object()));
      if (stop == "construction") continue;
      step_time("construction");
      KAM_CHECK(act(ow.manager, "finish-construction", {{"note", "线路施工完成，调测通过"}}));
      if (stop == "confirmation") continue;
      step_time("confirmation");
      KAM_CHECK(act(ow.manager, "confirm",
                    {{"confirmation", "客户负责人书面确认装通，确认单已交计费中心"}}));
      if (stop == "billing") continue;
      step_time("billing");
      KAM_CHECK(act(ow.manager, "start-billing",
                    {{"billing_account", fmt::format("JF{:08d}", 20000000 + id)}}));
    }
  }
  // A later price change: new orders price with version 2, the older ones keep version 1.
  clock.set(now_real - 86400);
  KAM_TRY(dia, s.catalogue.get(system, ids["DATA-DIA100"]));
  KAM_CHECK(s.catalogue.update(system, ids["DATA-DIA100"],
                               {{"version", dia["version"]},
                                {"prices", {price("320000", 2800), price("320100", 3000)}},
                                {"note", "2026年专线资费下调"}}));
  return sum;
}

}  // namespace kam::demo
