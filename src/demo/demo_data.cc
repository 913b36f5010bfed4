#include "demo/demo_data.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>

#include <nlohmann/json.hpp>
#include "common/crypto.h"
#include "domain/credit_code.h"

namespace kam::demo {
namespace {

using json = nlohmann::json;

// splitmix64: tiny, fast and the same on every platform (std distributions are not).
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t next() {
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  int64_t range(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(next() % static_cast<uint64_t>(hi - lo + 1));
  }
  double unit() { return static_cast<double>(next() >> 11) / static_cast<double>(1ull << 53); }
  bool chance(double p) { return unit() < p; }
  template <class T>
  const T& pick(const std::vector<T>& v) {
    return v[next() % v.size()];
  }

 private:
  uint64_t s_;
};

// Multi-row INSERTs in batches: one round trip per few hundred rows on either store.
class BatchInsert {
 public:
  BatchInsert(db::Connection& c, std::string table, std::vector<std::string> cols,
              size_t rows_per_batch = 400)
      : c_(c), table_(std::move(table)), cols_(std::move(cols)), per_(rows_per_batch) {}
  Status add(db::Params row) {
    params_.insert(params_.end(), std::make_move_iterator(row.begin()),
                   std::make_move_iterator(row.end()));
    if (++n_ == per_) return flush();
    return {};
  }
  Status flush_all() {
    if (parent_) KAM_CHECK(parent_->flush_all());
    return flush();
  }
  // Rows this batch refers to are written first (foreign keys are checked per statement).
  void after(BatchInsert* parent) { parent_ = parent; }
  Status flush() {
    if (n_ == 0) return {};
    if (parent_) KAM_CHECK(parent_->flush_all());
    std::string sql = "INSERT INTO " + table_ + " (";
    for (size_t i = 0; i < cols_.size(); ++i) sql += (i ? ", " : "") + cols_[i];
    sql += ") VALUES ";
    std::string one = db::placeholders(cols_.size());
    for (size_t i = 0; i < n_; ++i) sql += (i ? "," : "") + one;
    auto r = c_.exec(sql, params_);
    params_.clear();
    n_ = 0;
    if (!r) return r.error();
    return {};
  }

 private:
  db::Connection& c_;
  std::string table_;
  std::vector<std::string> cols_;
  size_t per_, n_ = 0;
  db::Params params_;
  BatchInsert* parent_ = nullptr;
};

const std::vector<std::string> kSurnames = {
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡",
    "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
    "彭", "曾", "肖", "田", "董", "袁", "潘", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏",
    "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金", "顾"};
const std::vector<std::string> kGiven = {
    "伟", "芳", "娜", "敏", "静",   "丽",   "强",   "磊",   "军",   "洋",   "勇",  "艳", "杰",
    "娟", "涛", "明", "超", "秀英", "霞",   "平",   "刚",   "桂英", "建华", "文",  "辉", "鑫",
    "宇", "浩", "婷", "晨", "海燕", "志强", "建国", "小红", "晓东", "雪",   "倩",  "斌", "波",
    "宁", "凯", "琳", "俊", "峰",   "慧",   "颖",   "红梅", "国平", "永刚", "思远"};
const std::vector<std::string> kWordA = {"恒", "华", "泰", "鑫", "瑞", "宏", "盛", "达",
                                         "中", "新", "金", "天", "博", "远", "嘉", "永",
                                         "长", "信", "诚", "汇", "通", "锦", "润", "安"};
const std::vector<std::string> kWordB = {"达", "源", "丰", "隆", "兴", "昌", "运",
                                         "科", "创", "捷", "邦", "拓", "和", "利",
                                         "德", "宇", "辰", "星", "辉", "成"};

struct IndustryKind {
  std::string industry, org_type;
  std::vector<std::string> patterns;  // {C} city, {D} district, {N} brand name
};

const std::vector<IndustryKind> kIndustries = {
    {"政府机关",
     "government",
     {"{C}{D}人民政府办公室", "{C}{D}财政局", "{C}{D}住房和城乡建设局",
      "{C}人力资源和社会保障局{D}分局", "{C}{D}市场监督管理局"}},
    {"公共安全", "police", {"{C}公安局{D}分局", "{C}{D}消防救援大队", "{C}交通警察支队{D}大队"}},
    {"教育", "education", {"{C}{D}实验小学", "{C}第{K}中学", "{C}{N}职业技术学院", "{C}{D}教育局"}},
    {"医疗卫生",
     "healthcare",
     {"{C}第{K}人民医院", "{C}{D}中医院", "{C}{D}妇幼保健院", "{C}{D}疾病预防控制中心"}},
    {"金融",
     "finance",
     {"江苏银行{C}{D}支行", "{C}{N}农村商业银行", "{N}证券{C}营业部", "{C}{N}保险代理有限公司"}},
    {"制造业",
     "enterprise",
     {"{C}{N}机械制造有限公司", "江苏{N}电子科技有限公司", "{C}{N}新材料股份有限公司",
      "{C}{N}汽车零部件有限公司", "{C}{N}纺织有限公司"}},
    {"信息技术",
     "enterprise",
     {"{C}{N}信息技术有限公司", "江苏{N}软件有限公司", "{C}{N}网络科技有限公司"}},
    {"交通物流",
     "enterprise",
     {"{C}{N}物流有限公司", "江苏{N}运输集团有限公司", "{C}{N}港务有限公司"}},
    {"批发零售", "other", {"{C}{N}商贸有限公司", "{C}{N}超市连锁有限公司", "{C}{N}百货有限公司"}},
    {"建筑房地产",
     "enterprise",
     {"{C}{N}建设工程有限公司", "江苏{N}置业有限公司", "{C}{N}物业管理有限公司"}},
    {"酒店餐饮", "other", {"{C}{N}大酒店有限公司", "{C}{N}餐饮管理有限公司"}},
    {"能源", "enterprise", {"{C}{N}燃气有限公司", "江苏{N}新能源科技有限公司"}},
};
const std::vector<std::string> kMobilePrefixes = {"134", "135", "136", "137", "138", "139", "147",
                                                  "150", "151", "152", "157", "158", "159", "178",
                                                  "182", "183", "184", "187", "188", "198"};
const std::vector<std::string> kPackages = {
    "全球通商务套餐 188元", "全球通尊享套餐 288元", "集团V网 58元",  "5G智享套餐 128元",
    "5G智享套餐 198元",     "集团统付流量包 30元",  "商务宽带 200M", "物联网卡 10元"};

struct City {
  std::string code, name;
  std::vector<std::pair<std::string, std::string>> districts;
};

std::string person_name(Rng& r) {
  return r.pick(kSurnames) + r.pick(kGiven);
}

std::string credit_code(Rng& r, const std::string& district, const std::string& org_type) {
  static const std::string kAlpha = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  // Registration authority: 1 government bodies, 9 market-registered businesses, 5 social orgs.
  std::string head = org_type == "government" || org_type == "police"      ? "11"
                     : org_type == "education" || org_type == "healthcare" ? "12"
                                                                           : "91";
  std::string code = head + district;
  // The organisation code (9 chars) carries its own GB 11714 check character.
  std::string org;
  for (int i = 0; i < 8; ++i)
    org += kAlpha[r.next() % 10 + (i < 2 && r.chance(0.3) ? r.next() % 21 : 0)];
  static const int w[8] = {3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (int i = 0; i < 8; ++i) {
    char ch = org[i];
    int v = ch >= '0' && ch <= '9' ? ch - '0' : ch - 'A' + 10;
    sum += v * w[i];
  }
  int c9 = 11 - sum % 11;
  org += c9 == 10 ? 'X' : c9 == 11 ? '0' : static_cast<char>('0' + c9);
  code += org;
  // 'X' is not in the credit-code alphabet only if... it is (X is allowed); keep as is.
  return code + *domain::credit_code_check_char(code);
}

std::string fill(const std::string& pattern, const City& city, const std::string& district,
                 const std::string& brand, int k) {
  std::string out = pattern;
  auto rep = [&](const std::string& key, const std::string& val) {
    for (size_t p = out.find(key); p != std::string::npos; p = out.find(key))
      out.replace(p, key.size(), val);
  };
  rep("{C}", city.name);
  rep("{D}", district);
  rep("{N}", brand);
  static const std::vector<std::string> nums = {"一", "二", "三", "四", "五",
                                                "六", "七", "八", "九", "十"};
  rep("{K}", nums[k % nums.size()]);
  return out;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

struct Staff {
  int64_t id;
  std::string username, display, role;
  int64_t team;
  bool senior;
};

}  // namespace

std::string demo_logins(const DemoOptions& o) {
  return fmt::format(
      "Demo accounts (password for all: {}):\n"
      "  admin        admin            everything\n"
      "  supervisor1  supervisor       team 南京政企一部: manager1, manager2, phone1 …\n"
      "  supervisor2  supervisor       team 苏州政企二部: manager3, manager4, phone2 …\n"
      "  manager1..4  account_manager  their own customers\n"
      "  phone1, phone2  phone_manager their customers' phone care\n"
      "  agent1       service_agent    hotline: finds any customer\n"
      "  analyst1     analyst          all customers, numbers masked\n"
      "  merchant1    merchant_staff   no customer archive\n"
      "  portal1      portal_user      one group's self-service\n",
      o.password);
}

Result<DemoSummary> load_demo(db::Database& database, const Clock& clock, const DemoOptions& o) {
  if (o.groups < 1 || o.groups > 1'000'000)
    return Error::invalid("groups", "must be between 1 and 1000000");
  if (o.members < 0 || o.members > 20'000'000)
    return Error::invalid("members", "must be between 0 and 20000000");
  Rng r(o.seed);
  DemoSummary sum;
  KAM_TRY(lease, database.acquire());
  KAM_TRY(tx, db::Transaction::begin(lease));
  auto& c = tx.conn();
  KAM_TRY(existing, c.query_one("SELECT COUNT(*) FROM customers"));
  if (existing && existing->i64(0) > 0)
    return Error::conflict("the store already has customers; demo data goes into an empty store");
  KAM_CHECK(load_regions(c));
  std::vector<City> cities;
  {
    KAM_TRY(rows, c.query("SELECT code, name, level, parent_code FROM regions ORDER BY code"));
    for (const auto& row : rows) {
      if (row.text(2) == "city") cities.push_back({row.text(0), row.text(1), {}});
    }
    for (const auto& row : rows) {
      if (row.text(2) != "district") continue;
      for (auto& ct : cities) {
        if (ct.code == row.text(3)) ct.districts.emplace_back(row.text(0), row.text(1));
      }
    }
  }
  const int64_t now = clock.now();
  const int64_t today = *days_from_date(shanghai_date(now));
  auto date = [&](int64_t days_from_today) { return date_from_days(today + days_from_today); };

  // --- Organisation: teams, supervisors, managers --------------------------------------
  const std::string hash = crypto::hash_password(o.password);
  std::vector<Staff> staff;
  const std::vector<std::pair<std::string, std::string>> teams = {{"南京政企一部", "320100"},
                                                                  {"苏州政企二部", "320500"},
                                                                  {"无锡政企三部", "320200"},
                                                                  {"常州政企四部", "320400"}};
  int64_t next_user = 1;
  auto add_staff = [&](std::string username, std::string display, std::string role, int64_t team,
                       bool senior) {
    staff.push_back(
        {next_user++, std::move(username), std::move(display), std::move(role), team, senior});
  };
  add_staff("admin", "系统管理员", "admin", 0, true);
  for (size_t t = 0; t < teams.size(); ++t) {
    add_staff("supervisor" + std::to_string(t + 1), person_name(r) + "(主管)", "supervisor",
              static_cast<int64_t>(t + 1), true);
  }
  int managers = std::clamp(o.groups / 60, 4, 40);
  for (int m = 1; m <= managers; ++m) {
    int64_t team = m <= 2 ? 1 : m <= 4 ? 2 : (m % 4) + 1;
    add_staff("manager" + std::to_string(m), person_name(r), "account_manager", team,
              m == 2 || m % 7 == 0);
  }
  for (int p = 1; p <= 4; ++p)
    add_staff("phone" + std::to_string(p), person_name(r), "phone_manager", p, false);
  add_staff("agent1", person_name(r), "service_agent", 0, false);
  add_staff("analyst1", person_name(r), "analyst", 0, false);
  add_staff("merchant1", person_name(r), "merchant_staff", 0, false);
  add_staff("portal1", person_name(r), "portal_user", 0, false);
  {
    BatchInsert users(c, "users",
                      {"id", "username", "display_name", "role", "team_id", "senior", "phone",
                       "email", "customer_id", "merchant_id", "active", "password_hash",
                       "password_changed_at", "created_at", "updated_at", "version"});
    for (const auto& s : staff) {
      db::Value portal_group = nullptr;  // set once the customers exist
      db::Value merchant = s.role == "merchant_staff" ? db::Value(int64_t{1}) : db::Value(nullptr);
      KAM_CHECK(
          users.add({s.id, s.username, s.display, s.role, nullptr, static_cast<int64_t>(s.senior),
                     r.pick(kMobilePrefixes) + fmt::format("{:08d}", r.range(0, 99999999)),
                     s.username + "@kam.example.cn", portal_group, merchant, int64_t{1}, hash,
                     now - 86400 * 400, now - 86400 * 400, now, int64_t{1}}));
    }
    KAM_CHECK(users.flush());
    for (size_t t = 0; t < teams.size(); ++t) {
      int64_t sup = static_cast<int64_t>(t + 2);  // supervisors were added right after admin
      KAM_CHECK(
          c.exec("INSERT INTO teams(id, name, region_code, supervisor_id, created_at, updated_at, "
                 "version) VALUES (?, ?, ?, ?, ?, ?, 1)",
                 {static_cast<int64_t>(t + 1), teams[t].first, teams[t].second, sup,
                  now - 86400 * 400, now}));
    }
    for (const auto& s : staff) {
      if (s.team) KAM_CHECK(c.exec("UPDATE users SET team_id = ? WHERE id = ?", {s.team, s.id}));
    }
    sum.users = static_cast<int>(staff.size());
  }
  std::vector<const Staff*> ams, pms;
  for (const auto& s : staff) {
    if (s.role == "account_manager") ams.push_back(&s);
    if (s.role == "phone_manager") pms.push_back(&s);
  }
  auto supervisor_of = [&](const Staff& s) -> int64_t { return s.team ? s.team + 1 : 1; };

  // --- Customers ----------------------------------------------------------------------------
  BatchInsert customers(c, "customers",
                        {"id",
                         "kind",
                         "name",
                         "short_name",
                         "credit_code",
                         "industry",
                         "org_type",
                         "province_code",
                         "city_code",
                         "district_code",
                         "address",
                         "employees",
                         "parent_id",
                         "status",
                         "competitors",
                         "brand",
                         "package",
                         "sensitivity",
                         "phone",
                         "id_number",
                         "account_manager_id",
                         "phone_manager_id",
                         "note",
                         "search_text",
                         "created_at",
                         "updated_at",
                         "version"},
                        200);
  BatchInsert kps(c, "key_persons",
                  {"id",           "customer_id", "name",          "title",
                   "department",   "level",       "reports_to_id", "attitude",
                   "relationship", "birthday",    "hobbies",       "phone",
                   "email",        "senior",      "owner_id",      "last_contact_at",
                   "note",         "created_at",  "updated_at",    "version"});
  BatchInsert contracts(
      c, "contracts",
      {"customer_id", "contract_no", "title", "kind", "start_date", "end_date", "amount_fen",
       "min_spend_fen", "status", "created_at", "updated_at", "version"});
  BatchInsert contacts(
      c, "contacts",
      {"customer_id", "key_person_id", "user_id", "channel", "occurred_at", "subject", "summary",
       "outcome", "next_step", "next_step_date", "created_at", "updated_at", "version"});
  BatchInsert needs(c, "needs",
                    {"customer_id", "kind", "category", "title", "description", "status",
                     "linked_offers", "created_by", "created_at", "updated_at", "version"});
  BatchInsert assigns(
      c, "assignments",
      {"customer_id", "role", "user_id", "started_at", "ended_at", "reason", "assigned_by"});
  kps.after(&customers);
  for (auto* b : {&contracts, &contacts, &needs, &assigns}) b->after(&kps);

  const std::vector<std::string> statuses = {"active", "active",  "active",   "active", "active",
                                             "active", "dormant", "prospect", "churned"};
  const std::vector<std::string> hobbies = {"高尔夫", "钓鱼", "摄影", "书法", "羽毛球",
                                            "茶道",   "登山", "围棋", "旅游", "阅读"};
  struct KpRole {
    const char* title;
    const char* dept;
    const char* level;
  };
  const std::vector<KpRole> kp_roles = {{"总经理", "总经理办公室", "decision_maker"},
                                        {"副总经理", "总经理办公室", "influencer"},
                                        {"办公室主任", "综合办公室", "gatekeeper"},
                                        {"信息中心主任", "信息中心", "influencer"},
                                        {"财务经理", "财务部", "influencer"},
                                        {"采购主管", "采购部", "influencer"},
                                        {"行政专员", "行政部", "user"},
                                        {"IT工程师", "信息中心", "user"}};
  const std::vector<std::string> gov_titles = {"局长",       "副局长",     "办公室主任",
                                               "信息科科长", "财务科科长", "采购科科长",
                                               "科员",       "网络管理员"};
  const std::vector<std::tuple<std::string, std::string, std::string>> need_templates = {
      {"explicit", "cut_cost", "降低集团通信费用支出"},
      {"explicit", "efficiency", "移动办公与审批上线"},
      {"hidden", "raise_income", "门店客流分析与精准营销"},
      {"unclear", "efficiency", "车辆调度与定位管理"},
      {"explicit", "efficiency", "视频会议系统升级"},
      {"hidden", "cut_cost", "分支机构专线整合"},
      {"explicit", "raise_income", "客户服务热线400号码"},
      {"unclear", "other", "数据安全与备份"}};
  const std::vector<std::tuple<std::string, std::string, std::string>> contact_templates = {
      {"visit", "季度例行拜访", "了解近期业务情况，客户对网络质量满意"},
      {"call", "账单核对回访", "客户询问上月账单明细，已解释"},
      {"meeting", "新业务方案交流", "介绍5G专网和云视讯方案，客户有兴趣"},
      {"wechat", "节日问候", "发送节日祝福及关怀短信"},
      {"visit", "合同续签洽谈", "讨论续约条件，客户希望增加流量包优惠"},
      {"call", "故障处理跟进", "专线中断已恢复，客户表示认可"},
      {"meeting", "关键人生日关怀", "赠送生日礼品，关系进一步加深"},
      {"email", "资费方案发送", "已发送三种资费对比方案"}};
  const std::vector<std::string> outcomes = {"positive", "positive", "neutral",
                                             "neutral",  "negative", "no_answer"};
  const std::vector<std::string> next_steps = {"发送报价方案", "安排技术交流", "跟进合同签署",
                                               "回访满意度", "邀请参加客户答谢会"};

  auto number_for = [&](int64_t n) {
    // A bijection on 8 digits per prefix keeps numbers unique and spread out.
    const std::string& prefix =
        kMobilePrefixes[static_cast<size_t>(n % static_cast<int64_t>(kMobilePrefixes.size()))];
    return prefix + fmt::format("{:08d}", (n / static_cast<int64_t>(kMobilePrefixes.size()) * 7919 +
                                           1234567) %
                                              100000000);
  };
  int64_t kp_id = 0;
  int64_t group_count = o.groups, individual_count = o.individuals;
  std::vector<int64_t> parents;  // group ids that have branches
  std::vector<double> member_weight(static_cast<size_t>(group_count + 1), 0.0);
  double weight_sum = 0;
  for (int64_t id = 1; id <= group_count + individual_count; ++id) {
    bool group = id <= group_count;
    const City& city = cities[static_cast<size_t>(r.next() % cities.size())];
    const auto& [dcode, dname] =
        city.districts[static_cast<size_t>(r.next() % city.districts.size())];
    const Staff& am = *ams[static_cast<size_t>((id - 1) % static_cast<int64_t>(ams.size()))];
    const Staff& pm = *pms[static_cast<size_t>(am.team - 1) % pms.size()];
    std::string brand = r.pick(kWordA) + r.pick(kWordB);
    std::string name, short_name, credit, industry, org_type, package, sensitivity, phone,
        id_number;
    db::Value parent = nullptr;
    int64_t employees = 0;
    if (group) {
      const auto& ind = kIndustries[static_cast<size_t>(r.next() % kIndustries.size())];
      industry = ind.industry;
      org_type = ind.org_type;
      // About one group in ten is a branch of an earlier group (集团分支).
      if (!parents.empty() && r.chance(0.12)) {
        int64_t p = parents[static_cast<size_t>(r.next() % parents.size())];
        parent = p;
        name = fmt::format("{}{}分公司", brand, dname);
      }
      if (name.empty())
        name = fill(ind.patterns[static_cast<size_t>(r.next() % ind.patterns.size())], city, dname,
                    brand, static_cast<int>(r.next() % 10));
      name += id > 1 && r.chance(0.02) ? fmt::format("（{}）", id) : "";
      if (id % 7 == 1) parents.push_back(id);
      short_name = brand;
      credit = credit_code(r, dcode, org_type);
      employees = static_cast<int64_t>(std::pow(10.0, 1.0 + r.unit() * 3.3));
      member_weight[static_cast<size_t>(id)] =
          1.0 / std::pow(static_cast<double>(id % 997 + 1), 0.7) * (1 + employees / 500.0);
      weight_sum += member_weight[static_cast<size_t>(id)];
    } else {
      name = person_name(r);
      phone =
          number_for(static_cast<int64_t>(o.members) + id);  // beyond every group member's index
      package = r.pick(kPackages);
      sensitivity = r.pick(std::vector<std::string>{"security", "price", "service", "brand"});
      // Resident ID: district + birth date + sequence + ISO 7064 check.
      std::string body = dcode + date_from_days(-r.range(0, 12000) + 3650).substr(0, 4) +
                         date_from_days(r.range(0, 364)).substr(5, 2) +
                         fmt::format("{:02d}", r.range(1, 28)) +
                         fmt::format("{:03d}", r.range(0, 999));
      static const int kW[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
      int s = 0;
      for (int i = 0; i < 17; ++i) s += (body[static_cast<size_t>(i)] - '0') * kW[i];
      id_number = body + "10X98765432"[s % 11];
    }
    std::string status = group ? r.pick(statuses) : (r.chance(0.9) ? "active" : "dormant");
    json competitors = json::array();
    if (group && r.chance(0.35)) {
      competitors.push_back({{"operator", r.chance(0.5) ? "中国联通" : "中国电信"},
                             {"services", r.chance(0.5) ? "宽带专线" : "部分员工手机"},
                             {"bundle_end_date", date(r.range(-30, 400))}});
    }
    int64_t created = now - 86400 * r.range(30, 1500);
    // Key persons first: their names are part of the search text.
    std::vector<std::string> kp_names;
    int nkp = group ? static_cast<int>(r.range(3, 7)) : 0;
    int64_t first_kp = kp_id + 1, deputy = 0;
    for (int k = 0; k < nkp; ++k) {
      ++kp_id;
      const auto& role = kp_roles[static_cast<size_t>(
          k == 0 ? 0 : r.range(1, static_cast<int64_t>(kp_roles.size()) - 1))];
      bool gov = org_type == "government" || org_type == "police";
      std::string title =
          gov ? gov_titles[static_cast<size_t>(&role - kp_roles.data())] : role.title;
      std::string kname = person_name(r);
      kp_names.push_back(kname);
      bool senior = std::string(role.level) == "decision_maker";
      int64_t owner = senior && !am.senior ? supervisor_of(am) : am.id;
      db::Value reports =
          k == 0 ? db::Value(nullptr) : db::Value(k > 2 && deputy ? deputy : first_kp);
      if (k == 1) deputy = kp_id;
      std::string bday =
          fmt::format("{}-{:02d}-{:02d}", r.range(1962, 1996), r.range(1, 12), r.range(1, 28));
      KAM_CHECK(kps.add(
          {kp_id,
           id,
           kname,
           title,
           std::string(role.dept),
           std::string(role.level),
           reports,
           r.pick(std::vector<std::string>{"supporter", "supporter", "neutral", "neutral",
                                           "opponent"}),
           r.range(1, 5),
           bday,
           r.pick(hobbies),
           r.pick(kMobilePrefixes) + fmt::format("{:08d}", (kp_id * 69621 + 17) % 100000000),
           nullptr,
           static_cast<int64_t>(senior),
           owner,
           nullptr,
           nullptr,
           created,
           created,
           int64_t{1}}));
    }
    std::string search = name + " " + short_name + " " + credit;
    for (const auto& k : kp_names) search += " " + k;
    KAM_CHECK(customers.add({id,
                             std::string(group ? "group" : "individual"),
                             name,
                             short_name.empty() ? db::Value(nullptr) : db::Value(short_name),
                             credit.empty() ? db::Value(nullptr) : db::Value(credit),
                             industry.empty() ? db::Value(nullptr) : db::Value(industry),
                             group ? db::Value(org_type) : db::Value(nullptr),
                             std::string("320000"),
                             city.code,
                             dcode,
                             city.name + dname + r.pick(kWordA) + r.pick(kWordB) + "路" +
                                 std::to_string(r.range(1, 399)) + "号",
                             group ? db::Value(employees) : db::Value(nullptr),
                             parent,
                             status,
                             competitors.dump(),
                             group ? db::Value(nullptr)
                                   : db::Value(std::string(r.chance(0.6) ? "premium" : "ordinary")),
                             package.empty() ? db::Value(nullptr) : db::Value(package),
                             sensitivity.empty() ? db::Value(nullptr) : db::Value(sensitivity),
                             phone.empty() ? db::Value(nullptr) : db::Value(phone),
                             id_number.empty() ? db::Value(nullptr) : db::Value(id_number),
                             am.id,
                             pm.id,
                             nullptr,
                             lower(search),
                             created,
                             created,
                             int64_t{1}}));
    if (group)
      ++sum.groups;
    else
      ++sum.individuals;
    // Assignment history: some customers changed hands before.
    if (r.chance(0.1)) {
      const Staff& prev = *ams[static_cast<size_t>(r.next() % ams.size())];
      int64_t switched = created + (now - created) / 2;
      KAM_CHECK(assigns.add({id, std::string("account_manager"), prev.id, created, switched,
                             std::string("客户建档"), int64_t{1}}));
      KAM_CHECK(assigns.add({id, std::string("account_manager"), am.id, switched, nullptr,
                             std::string("客户经理岗位调整"), supervisor_of(am)}));
    } else {
      KAM_CHECK(assigns.add({id, std::string("account_manager"), am.id, created, nullptr,
                             std::string("客户建档"), int64_t{1}}));
    }
    KAM_CHECK(assigns.add({id, std::string("phone_manager"), pm.id, created, nullptr,
                           std::string("客户建档"), int64_t{1}}));

    if (group) {
      int ncontracts = static_cast<int>(r.range(1, 2));
      for (int k = 0; k < ncontracts; ++k) {
        int64_t start = -r.range(30, 1000);
        int64_t end = start + 365 * r.range(1, 3);
        KAM_CHECK(contracts.add(
            {id, fmt::format("JS{}-{:06d}-{}", date(start).substr(0, 4), id, k + 1),
             k == 0 ? std::string("集团通信服务协议") : std::string("专线及增值业务协议"),
             std::string(k == 0 ? "通信服务" : "专线"), date(start), date(end),
             r.range(1, 200) * 1000000, r.range(0, 3) * 50000,
             std::string(end >= 0 ? "active" : "expired"), created, created, int64_t{1}}));
      }
      int ncontacts = static_cast<int>(r.range(4, 16));
      for (int k = 0; k < ncontacts; ++k) {
        const auto& [channel, subject, summary] =
            contact_templates[static_cast<size_t>(r.next() % contact_templates.size())];
        int64_t at = now - r.range(3600, 86400 * 1000);
        bool by_pm = channel == "call" && r.chance(0.5);
        bool step = r.chance(0.3);
        int64_t step_day = (at - now) / 86400 + r.range(3, 30);
        KAM_CHECK(contacts.add(
            {id, nkp ? db::Value(first_kp + r.range(0, nkp - 1)) : db::Value(nullptr),
             by_pm ? pm.id : am.id, channel, at, subject, summary, r.pick(outcomes),
             step ? db::Value(r.pick(next_steps)) : db::Value(nullptr),
             step ? db::Value(date(step_day)) : db::Value(nullptr), at, at, int64_t{1}}));
        ++sum.contacts;
      }
      // Up to three different needs per customer (never the same one twice).
      int nneeds = static_cast<int>(r.range(0, 3));
      std::vector<size_t> used;
      for (int k = 0; k < nneeds; ++k) {
        size_t pick = static_cast<size_t>(r.next() % need_templates.size());
        while (std::find(used.begin(), used.end(), pick) != used.end())
          pick = (pick + 1) % need_templates.size();
        used.push_back(pick);
        const auto& [kind, cat, title] = need_templates[pick];
        KAM_CHECK(needs.add(
            {id, kind, cat, title, std::string("客户经理拜访中了解到的需求"),
             r.pick(std::vector<std::string>{"open", "open", "in_progress", "met", "dropped"}),
             nullptr, am.id, created, created, int64_t{1}}));
      }
    }
  }
  KAM_CHECK(customers.flush());
  KAM_CHECK(kps.flush());
  KAM_CHECK(contracts.flush());
  KAM_CHECK(contacts.flush());
  KAM_CHECK(needs.flush());
  KAM_CHECK(assigns.flush());
  sum.key_persons = static_cast<int>(kp_id);
  // Last contact per key person, from the history just written.
  KAM_CHECK(
      c.exec("UPDATE key_persons SET last_contact_at = (SELECT MAX(occurred_at) FROM contacts "
             "WHERE key_person_id = key_persons.id)"));

  // --- Members: spread over groups by a heavy-tailed weight (a few groups hold most lines) ---
  BatchInsert members(
      c, "members",
      {"customer_id", "number", "kind", "name", "id_number", "package", "join_date", "status",
       "grade", "monthly_spend_fen", "created_at", "updated_at", "version"},
      500);
  int64_t group_members = std::max<int64_t>(0, o.members - individual_count);
  int64_t serial = 0;
  double carry = 0;
  for (int64_t id = 1; id <= group_count && weight_sum > 0; ++id) {
    double exact =
        member_weight[static_cast<size_t>(id)] / weight_sum * static_cast<double>(group_members) +
        carry;
    int64_t n = static_cast<int64_t>(exact);
    carry = exact - static_cast<double>(n);
    if (id == group_count) n = group_members - serial;
    for (int64_t k = 0; k < n; ++k) {
      ++serial;
      bool circuit = r.chance(0.02);
      std::string status =
          r.chance(0.93)
              ? "normal"
              : r.pick(std::vector<std::string>{"suspended", "pre_cancelled", "cancelled"});
      KAM_CHECK(members.add({id, circuit ? fmt::format("ZX-{}-{:07d}", id, k) : number_for(serial),
                             std::string(circuit ? "circuit" : "mobile"), person_name(r), nullptr,
                             circuit ? std::string("数字电路专线 100M") : r.pick(kPackages),
                             date(-r.range(20, 4000)), status,
                             std::string(k < 3 || r.chance(0.05) ? "key" : "ordinary"),
                             r.range(18, 600) * 100, now, now, int64_t{1}}));
    }
  }
  for (int64_t id = group_count + 1; id <= group_count + individual_count; ++id) {
    KAM_TRY(ph, c.query_one("SELECT phone, name, package FROM customers WHERE id = ?", {id}));
    KAM_CHECK(members.add({id, ph->text(0), std::string("mobile"), ph->text(1), nullptr,
                           ph->text(2), date(-r.range(400, 5000)), std::string("normal"),
                           std::string("key"), r.range(300, 1500) * 100, now, now, int64_t{1}}));
    ++serial;
  }
  KAM_CHECK(members.flush());
  sum.members = static_cast<int>(serial);
  // The portal account administers the first group.
  KAM_CHECK(c.exec("UPDATE users SET customer_id = 1 WHERE role = 'portal_user'"));

  if (database.dialect() == db::Dialect::kPostgres) {
    // Explicit ids were inserted: move the identity sequences past them.
    for (const char* t : {"users", "teams", "customers", "key_persons"}) {
      KAM_CHECK(c.query(fmt::format(
          "SELECT setval(pg_get_serial_sequence('{0}', 'id'), (SELECT MAX(id) FROM {0}))", t)));
    }
  }

  KAM_CHECK(c.exec(
      "INSERT INTO audit_log(at, user_id, username, action, entity, entity_id, before_json, "
      "after_json) "
      "VALUES (?, NULL, 'demo-data', 'import', 'demo', 0, NULL, ?)",
      {now,
       json{
           {"groups", sum.groups}, {"members", sum.members}, {"seed", static_cast<int64_t>(o.seed)}}
           .dump()}));
  KAM_CHECK(tx.commit());
  return sum;
}

}  // namespace kam::demo
