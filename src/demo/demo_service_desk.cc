// Demo service desk: team, routing, articles, work orders over six months with callbacks, and
// today's work in every state — all through the service on a simulated clock.

#include "demo/demo_service_desk.h"

#include <vector>

#include "services/services.h"

namespace kam::demo {
namespace {

using json = nlohmann::json;

struct Mix {  // splitmix64, as the other demo generators
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

Result<services::Actor> actor(db::Connection& c, const std::string& username) {
  KAM_TRY(row, c.query_one("SELECT id, username, display_name, role, team_id, customer_id, "
                           "merchant_id FROM users WHERE "
                           "username = ?",
                           {username}));
  if (!row) return Error::not_found("demo user " + username);
  services::Actor a;
  a.user_id = row->i64(0);
  a.username = row->text(1);
  a.display_name = row->text(2);
  a.role = domain::parse_role(row->text(3)).value_or(domain::Role::kPortalUser);
  a.team_id = row->opt_i64(4);
  a.customer_id = row->opt_i64(5);
  a.merchant_id = row->opt_i64(6);
  if (a.role == domain::Role::kSupervisor) {
    KAM_TRY(teams, c.query("WITH RECURSIVE t(id) AS (SELECT id FROM teams WHERE supervisor_id = ? "
                           "UNION SELECT teams.id FROM "
                           "teams JOIN t ON teams.parent_id = t.id) SELECT id FROM t",
                           {a.user_id}));
    for (const auto& r : teams) a.supervised_team_ids.push_back(r.i64(0));
  }
  return a;
}

struct Article {
  const char* title;
  const char* category;
  std::vector<std::string> tags;
  const char* visibility;
  std::vector<std::string> roles;
  const char* body;
};

const std::vector<Article> kArticles = {
    {"宽带故障排查步骤",
     "faq",
     {"宽带", "故障"},
     "public",
     {},
     "宽带无法上网或频繁断网时：\n1. 检查光猫 PON 灯与 LOS 灯：LOS "
     "红灯表示光纤中断，直接报障；\n2. 重启光猫与路由器，等待 3 分钟；\n"
     "3. 用网线直连电脑测试，排除无线问题；\n4. 仍不通则建故障工单，记录光猫型号与指示灯状态。"},
    {"集团专线中断应急处理",
     "faq",
     {"专线", "故障", "应急"},
     "internal",
     {},
     "专线中断属于 P1 故障：\n- 5 分钟内电话回应客户，告知预计恢复时间；\n- "
     "同步网络运维值班，开具故障工单（类型：故障）；\n"
     "- 每 30 分钟向客户通报进展，恢复后 24 小时内回访。"},
    {"5G套餐变更规则",
     "product",
     {"5G", "套餐", "变更"},
     "public",
     {},
     "套餐变更次月生效；降档需在合约期满后办理；集团成员变更需集团管理员确认。已办理的流量包当月有"
     "效。"},
    {"国际漫游开通与资费",
     "faq",
     {"漫游", "国际"},
     "public",
     {},
     "国际漫游默认开通语音与短信，数据漫游需客户申请。日租包 25 元/天起，出境前 24 "
     "小时办理，可通过热线或营业厅开通。"},
    {"云专线产品说明",
     "product",
     {"云专线", "专线", "产品"},
     "internal",
     {},
     "云专线提供 10M–10G 带宽，SLA 可用性 99.95%，故障 4 "
     "小时修复。适用于政企上云、分支互联。报价见产品目录。"},
    {"电信、联通政企宽带资费对比",
     "competitor",
     {"竞品", "宽带", "资费"},
     "restricted",
     {"supervisor", "account_manager", "service_agent"},
     "对手在 300M 政企宽带上报价低 10%–15%，但不含固定 IP 与 SLA 承诺。应对：强调 7×24 "
     "保障与专属客户经理。"},
    {"投诉处理规范（投诉责任制）",
     "training",
     {"投诉", "培训", "责任"},
     "internal",
     {},
     "投诉工单必须在关闭时记录责任部门、责任人与原因；客户经理责任的投诉按月计入考核。关闭后由客服"
     "中心回访，不满意须跟进至满意或主管审批关闭。"},
    {"VPN and APN troubleshooting",
     "training",
     {"VPN", "APN", "English"},
     "internal",
     {},
     "When a private APN or VPN login fails: check the APN name and credentials on the device, "
     "confirm the SIM is in the APN "
     "group, then reset the VPN token. Escalate to the network team if several members fail at "
     "once."},
    {"发票开具与邮寄",
     "faq",
     {"发票", "账单"},
     "public",
     {},
     "电子发票在账单出账后 3 个工作日内可在客户门户下载；纸质发票需提交申请，5 个工作日内邮寄。"},
};

struct Case {
  const char* type;
  const char* title;
  const char* resolution;
};

const std::vector<Case> kCases = {
    {"fault", "专线中断，业务系统无法访问", "光缆被施工挖断，已抢修恢复"},
    {"fault", "宽带频繁断网", "更换光猫后恢复"},
    {"fault", "部分成员手机信号差", "基站扩容已完成"},
    {"complaint", "账单多扣流量费", "核实为计费错误，已退费并致歉"},
    {"complaint", "客户经理承诺的优惠未兑现", "已补录优惠并致歉"},
    {"consultation", "国际漫游如何开通", "已告知开通方式与资费"},
    {"consultation", "5G套餐变更规则咨询", "已说明次月生效规则"},
    {"request", "新增集团成员10名", "已开通并加入集团V网"},
    {"request", "申请开具纸质发票", "发票已邮寄"},
    {"fault", "VPN login failed for several members", "APN group membership restored"},
};

}  // namespace

Result<DemoServiceDeskSummary> load_demo_service_desk(db::Database& db, const Clock& real,
                                                      uint64_t seed) {
  DemoServiceDeskSummary sum;
  Mix r{seed ^ 0x5e41de5cULL};
  const int64_t now = real.now();
  // The hotline team under 南京政企一部: agent1 works in it, supervisor1 leads it.
  int64_t hotline = 0;
  {
    KAM_TRY(lease, db.acquire());
    KAM_TRY(tx, db::Transaction::begin(lease));
    KAM_TRY(existing, tx->query_one("SELECT id FROM teams WHERE name = '客服热线组'"));
    if (!existing) {
      KAM_CHECK(
          tx->exec("INSERT INTO teams(name, region_code, supervisor_id, parent_id, created_at, "
                   "updated_at) VALUES "
                   "('客服热线组', '320100', (SELECT id FROM users WHERE username = "
                   "'supervisor1'), 1, ?, ?)",
                   {now, now}));
    }
    KAM_TRY(row, tx->query_one("SELECT id FROM teams WHERE name = '客服热线组'"));
    hotline = row->i64(0);
    KAM_CHECK(tx->exec("UPDATE users SET team_id = ? WHERE username = 'agent1'", {hotline}));
    KAM_CHECK(tx.commit());
  }
  FixedClock clock(now - 183 * 86400);
  services::Services s(db, clock);
  KAM_TRY(lease, db.acquire());
  KAM_TRY(admin, actor(*lease, "admin"));
  KAM_TRY(agent, actor(*lease, "agent1"));
  KAM_TRY(sup, actor(*lease, "supervisor1"));
  KAM_TRY(portal, actor(*lease, "portal1"));
  KAM_CHECK(s.desk.put_config(
      admin, {{"config", {{"default_team_id", hotline}, {"routing", {{"complaint", hotline}}}}},
              {"version", 0}}));
  for (const auto& a : kArticles) {
    domain::ArticlePatch p;
    p.title = a.title;
    p.category = a.category;
    p.tags = a.tags;
    p.visibility = a.visibility;
    p.roles = a.roles;
    p.body = a.body;
    KAM_CHECK(s.knowledge.create(agent, p));
    ++sum.articles;
  }
  // Customers of the four first managers, so every demo manager has service history.
  std::vector<int64_t> customers;
  KAM_TRY(rows,
          lease->query("SELECT c.id FROM customers c JOIN users u ON u.id = c.account_manager_id "
                       "WHERE c.kind = 'group' "
                       "AND c.status = 'active' AND c.parent_id IS NULL AND u.username IN "
                       "('manager1','manager2','manager3','manager4') ORDER BY c.id LIMIT 40"));
  for (const auto& row : rows) customers.push_back(row.i64(0));
  if (customers.empty()) return sum;
  auto wo_of = [&](const json& w) { return s.desk.get_work_order(admin, w["id"]); };
  auto step = [&](const services::Actor& a, json& w, const std::string& action,
                  json body = json::object()) -> Status {
    body["version"] = w["version"];
    KAM_TRY(next, s.desk.transition(a, w["id"], action, body));
    w = next;
    return {};
  };
  // Six months of closed work orders, their callbacks answered a day later.
  for (int i = 0; i < 48; ++i) {
    clock.set(now - (180 - i * 37 / 10) * 86400 + r.range(1, 8) * 3600);
    const Case& k =
        kCases[static_cast<size_t>(r.range(0, static_cast<int64_t>(kCases.size()) - 1))];
    int64_t customer = customers[static_cast<size_t>(i) % customers.size()];
    KAM_TRY(w, s.desk.create_work_order(agent,
                                        {{"type", k.type},
                                         {"title", k.title},
                                         {"customer_id", customer},
                                         {"contact_name", "联系人"},
                                         {"channel", i % 5 == 0 ? "account_manager" : "hotline"}}));
    ++sum.work_orders;
    clock.advance(r.range(5, 40) * 60);
    KAM_CHECK(step(agent, w, "take"));
    clock.advance(r.range(1, 20) * 3600);
    KAM_CHECK(step(agent, w, "resolve", {{"resolution", k.resolution}}));
    clock.advance(3600);
    json close = json::object();
    if (std::string(k.type) == "complaint") {
      bool fault = std::string(k.title).find("客户经理") != std::string::npos;
      close = {{"department", fault ? "政企客户部" : "计费中心"},
               {"cause", fault ? "客户经理未按承诺录入优惠" : "计费规则配置错误"},
               {"manager_at_fault", fault}};
    }
    KAM_CHECK(step(agent, w, "close", close));
    clock.advance(26 * 3600);
    KAM_TRY(detail, wo_of(w));
    int64_t survey = detail["surveys"][0]["id"];
    int score = static_cast<int>(r.range(1, 100));
    score = score <= 6 ? 1 : score <= 14 ? 2 : score <= 30 ? 3 : score <= 65 ? 4 : 5;
    json answer = {{"score", score}, {"channel", i % 4 == 0 ? "sms" : "phone"}, {"version", 1}};
    if (score <= 2) answer["comment"] = "处理太慢，反复催促才解决";
    KAM_TRY(done, s.desk.complete_survey(agent, survey, answer));
    ++sum.surveys_completed;
    if (!done["followup_id"].is_null()) {
      ++sum.followups;
      // Older follow-ups were settled; the recent ones stay open for the demo.
      if (i < 36) {
        clock.advance(2 * 86400);
        KAM_TRY(f, lease->query_one("SELECT version FROM survey_followups WHERE id = ?",
                                    {done["followup_id"].get<int64_t>()}));
        KAM_TRY(fu, s.desk.record_followup(
                        admin, done["followup_id"],
                        {{"score", 4}, {"comment", "经理上门沟通后满意"}, {"version", f->i64(0)}}));
        (void)fu;
      }
    }
  }
  // Today's work in every state, opened over the last days.
  clock.set(now - 3 * 86400);
  auto open = [&](const services::Actor& a, const char* type, const char* title,
                  size_t ci) -> Result<json> {
    clock.advance(r.range(20, 90) * 60);
    ++sum.work_orders;
    return s.desk.create_work_order(
        a, {{"type", type}, {"title", title}, {"customer_id", customers[ci % customers.size()]}});
  };
  KAM_TRY(n1, open(agent, "fault", "专线中断，业务系统无法访问", 0));
  KAM_TRY(n2, open(agent, "consultation", "国际漫游如何开通", 1));
  KAM_TRY(a1, open(agent, "request", "新增集团成员10名", 2));
  KAM_CHECK(step(sup, a1, "assign", {{"assignee_id", agent.user_id}}));
  KAM_TRY(t1, open(agent, "fault", "宽带频繁断网", 3));
  KAM_CHECK(step(agent, t1, "take"));
  KAM_TRY(p1, open(agent, "complaint", "账单多扣流量费", 4));
  KAM_CHECK(step(agent, p1, "take"));
  KAM_CHECK(step(agent, p1, "start"));
  KAM_TRY(w1, open(agent, "request", "申请开具纸质发票", 5));
  KAM_CHECK(step(agent, w1, "take"));
  KAM_CHECK(step(agent, w1, "wait", {{"note", "等客户提供开票信息"}}));
  KAM_TRY(r1, open(agent, "fault", "部分成员手机信号差", 6));
  KAM_CHECK(step(agent, r1, "take"));
  KAM_CHECK(step(agent, r1, "resolve", {{"resolution", "基站参数已优化"}}));
  KAM_TRY(d1, open(agent, "fault", "专线又中断了", 0));
  KAM_CHECK(step(agent, d1, "merge", {{"into_id", n1["id"]}, {"note", "同一故障的重复报障"}}));
  // The portal user reports for their own group (the API fills it in).
  clock.advance(40 * 60);
  KAM_TRY(g1, s.desk.create_work_order(portal,
                                       {{"type", "complaint"}, {"title", "门户无法下载电子发票"}}));
  ++sum.work_orders;
  (void)n2;
  (void)g1;
  // The tick at the real time: reminders and escalations of what is overdue.
  clock.set(now);
  KAM_CHECK(s.desk.tick(now));
  KAM_CHECK(s.desk.generate_periodic(admin, shanghai_date(now)));
  return sum;
}

}  // namespace kam::demo
